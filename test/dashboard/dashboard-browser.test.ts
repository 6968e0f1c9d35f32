// The dashboard in headless Chromium against a live natrium-server: connections, streams, KV and the tester update as clients act.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { freePort, startServer, type RunningServer } from '../helpers/server-process.js';

const CHROMIUM = '/usr/bin/chromium';
/** dist/test/dashboard -> <repo>/test-artifacts (gitignored). */
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const ARTIFACTS = path.join(REPO, 'test-artifacts');
/** Long enough for a few poll cycles (1.5 s) on a loaded CI machine; a wait for a condition, not a timed assertion. */
const SEEN_WITHIN = 20_000;

describe('dashboard in a browser', () => {
  let server: RunningServer;
  let dir: string;
  let base: string;
  let browser: Browser;
  let page: Page;
  let nc: NatsConnection;
  const pageErrors: string[] = [];
  const externalRequests: string[] = [];

  before(async () => {
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(`Browser tests need Chromium at ${CHROMIUM}: install it with "apt-get install -y chromium" (.ci/run does).`);
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natrium-dash-ui-'));
    const monitorPort = await freePort();
    server = await startServer('natrium', ['-m', String(monitorPort), '-sd', dir]);
    base = `http://127.0.0.1:${monitorPort}/`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // HTTP error statuses the test provokes (503 no responders) are logged by Chromium as resource errors; not script errors.
    page.on('console', (msg) => { if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) pageErrors.push(msg.text()); });
    page.on('request', (req) => { if (!req.url().startsWith(base)) externalRequests.push(req.url()); });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await nc?.close();
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function openTab(tab: string): Promise<void> {
    await page.goto(`${base}#${tab}`);
    await page.locator(`#tabs a.active[data-tab="${tab}"]`).waitFor({ timeout: SEEN_WITHIN });
  }

  it('shows a client connection opened during the test, with its subscriptions', async () => {
    await page.goto(base);
    await page.locator('#status.ok').waitFor({ timeout: SEEN_WITHIN });
    nc = await connect({ servers: server.url, name: 'dash-browser-client' });
    nc.subscribe('dash.orders.>', { queue: 'workers' });
    await nc.flush();
    await openTab('connections');
    const row = page.locator('[data-testid="connections-table"] tr.expandable', { hasText: 'dash-browser-client' });
    await row.waitFor({ timeout: SEEN_WITHIN });
    await row.click();
    const detail = page.locator('[data-testid="connections-table"] tr.detail');
    await detail.getByText('dash.orders.>').waitFor({ timeout: SEEN_WITHIN });
    assert.match(await detail.innerText(), /workers/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-connections.png') });
  });

  it('sorts the connections table by a clicked column', async () => {
    const second = await connect({ servers: server.url, name: 'dash-second-client' });
    await second.flush();
    const rows = page.locator('[data-testid="connections-table"] tr.expandable', { hasText: 'dash-second-client' });
    await rows.waitFor({ timeout: SEEN_WITHIN });
    const header = page.locator('[data-testid="connections-table"] th', { hasText: 'CID' });
    await header.click();
    assert.equal(await header.getAttribute('aria-sort'), 'descending');
    const names = await page.locator('[data-testid="connections-table"] tr.expandable td:nth-child(3)').allInnerTexts();
    assert.ok(names.indexOf('dash-second-client') < names.indexOf('dash-browser-client'), `newest first: ${names}`);
    await second.close();
  });

  it('shows a stream created during the test, with its consumer', async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'DASH_ORDERS', subjects: ['dash.stream.>'] });
    await jsm.consumers.add('DASH_ORDERS', { durable_name: 'dash-worker', ack_policy: 'explicit' });
    await openTab('streams');
    const row = page.locator('[data-testid="streams-table"] tr.expandable', { hasText: 'DASH_ORDERS' });
    await row.waitFor({ timeout: SEEN_WITHIN });
    assert.match(await row.innerText(), /dash\.stream\.>/);
    await row.click();
    await page.locator('[data-testid="consumers-table"]', { hasText: 'dash-worker' }).waitFor({ timeout: SEEN_WITHIN });
  });

  it('browses a KV bucket and reads a key put by the official KV client', async () => {
    const kv = await new Kvm(nc).create('dash_settings');
    await kv.put('ui.color', 'slate-blue');
    await openTab('kv');
    await page.locator('[data-testid="kv-buckets"] li', { hasText: 'dash_settings' }).click({ timeout: SEEN_WITHIN });
    await page.locator('[data-testid="kv-keys"] li', { hasText: 'ui.color' }).click({ timeout: SEEN_WITHIN });
    const value = page.locator('[data-testid="kv-value-text"]');
    await value.waitFor({ timeout: SEEN_WITHIN });
    assert.equal(await value.innerText(), 'slate-blue');
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-kv.png') });
  });

  it('sends a request and a publish from the tester', async () => {
    nc.subscribe('dash.echo', { callback: (_err, msg) => { msg.respond(`echo: ${msg.string()}`); } });
    const published = new Promise<string>((resolve) => nc.subscribe('dash.note', { max: 1, callback: (_err, msg) => resolve(msg.string()) }));
    await nc.flush();
    await openTab('tester');
    const form = page.locator('#tester form');
    await form.locator('[name=subject]').fill('dash.echo');
    await form.locator('[name=payload]').fill('hi there');
    await form.locator('[data-action=request]').click();
    await page.locator('[data-testid="tester-reply"]', { hasText: 'echo: hi there' }).waitFor({ timeout: SEEN_WITHIN });
    await form.locator('[name=subject]').fill('dash.note');
    await form.locator('[name=payload]').fill('from the browser');
    await form.locator('[data-action=publish]').click();
    assert.equal(await published, 'from the browser');
    await form.locator('[name=subject]').fill('dash.nobody');
    await form.locator('[data-action=request]').click();
    await page.locator('[data-testid="tester-error"]', { hasText: 'no responders' }).waitFor({ timeout: SEEN_WITHIN });
  });

  it('overview counts the traffic, with no script errors and no request leaving the server', async () => {
    for (let i = 0; i < 200; i++) nc.publish('dash.stream.new', `order ${i}`);
    await nc.flush();
    await openTab('overview');
    const stats = page.locator('[data-testid="overview-stats"]');
    await stats.getByText('Messages in').waitFor({ timeout: SEEN_WITHIN });
    // A rate needs two /varz samples; wait until one is shown.
    await stats.locator('.value', { hasText: 'msg/s' }).first().waitFor({ timeout: SEEN_WITHIN });
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-overview.png') });
    if (process.env.DASHBOARD_README_SCREENSHOT === '1') await page.screenshot({ path: path.join(REPO, 'docs', 'dashboard.png') });
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(externalRequests, []);
  });
});

// A real browser (headless Chromium) runs the official client, bundled with esbuild, against Natrium over websocket.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { freePort } from '../helpers/server-process.js';
import { collect } from '../security/support.js';
import { startWs, type WsServer } from './support.js';

const CHROMIUM = '/usr/bin/chromium';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The page: connects with wsconnect, subscribes, publishes, makes a request, and reports in window.__result. */
const PAGE = `<!doctype html>
<html><head><title>natrium websocket</title></head><body>
<script type="module">
import { wsconnect, headers } from './nats.js';
const params = new URLSearchParams(location.search);
const result = {};
try {
  const nc = await wsconnect({ servers: params.get('ws'), reconnect: false });
  result.server = nc.info.server_id;
  const sub = nc.subscribe('browser.echo', { max: 1 });
  nc.publish('browser.echo', 'round trip');
  for await (const m of sub) result.echo = m.string();
  const h = headers();
  h.set('X-From', 'chromium');
  const reply = await nc.request('svc.node', 'hello from the browser', { timeout: 5000, headers: h });
  result.reply = reply.string();
  nc.publish('from.browser', 'published by the page');
  await nc.flush();
  await nc.close();
  result.ok = true;
} catch (err) {
  result.error = String(err && err.message || err);
}
window.__result = result;
</script></body></html>`;

describe('browser: the official client in headless Chromium through Natrium', () => {
  let bundle: string;
  let pageServer: http.Server;
  let pagePort: number;
  let browser: Browser;
  let natrium: WsServer;
  let refusing: WsServer;
  let tcp: NatsConnection;

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser test`);
    const built = await build({
      stdin: { contents: "export { wsconnect, headers } from '@nats-io/nats-core';", resolveDir: repoRoot, loader: 'js' },
      bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent',
    });
    bundle = built.outputFiles[0]!.text;
    pagePort = await freePort();
    pageServer = http.createServer((req, res) => {
      if (req.url?.startsWith('/nats.js')) {
        res.writeHead(200, { 'Content-Type': 'text/javascript' });
        res.end(bundle);
      } else {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end(PAGE);
      }
    });
    await new Promise<void>((resolve) => pageServer.listen(pagePort, '127.0.0.1', resolve));
    // The page's origin is listed; a second server with same_origin refuses it (the page is on another port).
    natrium = await startWs('natrium', `no_tls: true\n  allowed_origins: ["http://127.0.0.1:${pagePort}"]`);
    refusing = await startWs('natrium', 'no_tls: true\n  same_origin: true');
    tcp = await connect({ servers: natrium.url });
    tcp.subscribe('svc.node', { callback: (_err, msg) => { msg.respond(`node saw "${msg.string()}" with X-From=${msg.headers?.get('X-From')}`); } });
    await tcp.flush();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  after(async () => {
    await browser?.close();
    await tcp?.close();
    await natrium?.stop();
    await refusing?.stop();
    pageServer?.close();
  });

  async function runPage(wsUrl: string): Promise<Record<string, unknown>> {
    const page = await browser.newPage();
    try {
      await page.goto(`http://127.0.0.1:${pagePort}/?ws=${encodeURIComponent(wsUrl)}`);
      await page.waitForFunction(() => (globalThis as unknown as { __result?: unknown }).__result !== undefined, undefined, { timeout: 20_000 });
      return await page.evaluate(() => (globalThis as unknown as { __result: Record<string, unknown> }).__result);
    } finally {
      await page.close();
    }
  }

  it('publishes, subscribes and makes a request from the page', async () => {
    const fromPage = tcp.subscribe('from.browser', { max: 1 });
    await tcp.flush();
    const result = await runPage(natrium.wsUrl);
    assert.equal(result.error, undefined);
    assert.equal(result.ok, true);
    assert.equal(result.echo, 'round trip');
    assert.equal(result.reply, 'node saw "hello from the browser" with X-From=chromium');
    assert.equal(typeof result.server, 'string');
    const [msg] = await collect(fromPage, 1);
    assert.equal(msg?.string(), 'published by the page');
  });

  it('a server with same_origin refuses the page (its origin is another port)', async () => {
    const result = await runPage(refusing.wsUrl);
    assert.equal(result.ok, undefined);
    assert.equal(typeof result.error, 'string');
    assert.match(refusing.server.output(), /origin not allowed: not same origin/);
  });
});

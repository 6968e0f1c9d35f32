// The dashboard's HTTP API and page delivery on a real natrium-server: access rules, input checks, publish and request/reply.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { freePort, startServer, type RunningServer } from '../helpers/server-process.js';

interface ApiAnswer {
  status: number;
  body: Record<string, any>;
}

async function post(base: string, endpoint: string, body: unknown, extraHeaders: Record<string, string> = {}): Promise<ApiAnswer> {
  const response = await fetch(`${base}${endpoint}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...extraHeaders },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: Record<string, any>;
  try {
    parsed = JSON.parse(text) as Record<string, any>;
  } catch {
    parsed = { text };
  }
  return { status: response.status, body: parsed };
}

describe('dashboard HTTP API on a loopback monitoring port', () => {
  let server: RunningServer;
  let dir: string;
  let base: string;
  let nc: NatsConnection;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natrium-dash-api-'));
    const monitorPort = await freePort();
    server = await startServer('natrium', ['-m', String(monitorPort), '-sd', dir]);
    base = `http://127.0.0.1:${monitorPort}`;
    nc = await connect({ servers: server.url });
  });
  after(async () => {
    await nc?.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page at / with a strict Content-Security-Policy and its assets under /dashboard/', async () => {
    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const html = await page.text();
    assert.match(html, /dashboard\/js\/app\.js/);
    // No request may leave the server: no absolute http(s) URLs in any asset.
    for (const asset of ['dashboard/js/app.js', 'dashboard/dashboard.css', 'dashboard/js/kv.js']) {
      const response = await fetch(`${base}/${asset}`);
      assert.equal(response.status, 200, asset);
      assert.doesNotMatch(await response.text(), /https?:\/\/(?!www\.w3\.org\/2000\/svg)/, `${asset} has no external URL`);
    }
    assert.equal((await fetch(`${base}/dashboard/../package.json`)).status, 404);
    assert.equal((await fetch(`${base}/dashboard/nope.js`)).status, 404);
  });

  it('answers a request through the server with the responder\'s payload and headers', async () => {
    const sub = nc.subscribe('svc.echo', {
      callback: (_err, msg) => {
        const h = natsHeaders();
        h.set('Echoed-By', 'test');
        h.set('Seen', msg.headers?.get('X-Trace') ?? 'none');
        msg.respond(`echo: ${msg.string()}`, { headers: h });
      },
    });
    await nc.flush();
    const answer = await post(base, '/api/request', { subject: 'svc.echo', payload: 'ping', headers: { 'X-Trace': 'abc' }, timeout_ms: 5000 });
    sub.unsubscribe();
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.payload, 'echo: ping');
    assert.equal(answer.body.payload_encoding, 'utf8');
    assert.deepEqual(answer.body.headers['Echoed-By'], ['test']);
    assert.deepEqual(answer.body.headers.Seen, ['abc']);
    assert.match(answer.body.subject, /^_INBOX\./);
  });

  it('reaches JetStream\'s API inside the server', async () => {
    const answer = await post(base, '/api/request', { subject: '$JS.API.INFO', payload: '' });
    assert.equal(answer.status, 200);
    assert.equal(JSON.parse(answer.body.payload).type, 'io.nats.jetstream.api.v1.account_info_response');
  });

  it('says no responders (503) when nothing listens', async () => {
    const answer = await post(base, '/api/request', { subject: 'nobody.home', payload: 'x' });
    assert.equal(answer.status, 503);
    assert.equal(answer.body.error, 'no responders');
  });

  it('times out (504) when the responder never answers', async () => {
    const sub = nc.subscribe('svc.silent');
    await nc.flush();
    const answer = await post(base, '/api/request', { subject: 'svc.silent', payload: 'x', timeout_ms: 200 });
    sub.unsubscribe();
    assert.equal(answer.status, 504);
    assert.match(answer.body.error, /timeout/);
  });

  it('publishes a message with headers that a client receives', async () => {
    const received = new Promise<{ data: string; header: string | undefined }>((resolve) => {
      nc.subscribe('dash.pub', { max: 1, callback: (_err, msg) => resolve({ data: msg.string(), header: msg.headers?.get('Kind') }) });
    });
    await nc.flush();
    const answer = await post(base, '/api/publish', { subject: 'dash.pub', payload: 'hello', headers: { Kind: 'greeting' } });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.delivered, true);
    assert.deepEqual(await received, { data: 'hello', header: 'greeting' });
  });

  it('rejects bad input: invalid JSON, wildcard or empty subject, bad headers, unknown account, oversize body', async () => {
    assert.equal((await post(base, '/api/publish', '{not json')).status, 400);
    assert.equal((await post(base, '/api/publish', '[1,2]')).status, 400);
    assert.equal((await post(base, '/api/publish', { subject: 'a.*', payload: 'x' })).status, 400);
    assert.equal((await post(base, '/api/publish', { subject: 'a..b' })).status, 400);
    assert.equal((await post(base, '/api/publish', { payload: 'x' })).status, 400);
    assert.equal((await post(base, '/api/publish', { subject: 'a', headers: { 'Bad Name': 'x' } })).status, 400);
    assert.equal((await post(base, '/api/publish', { subject: 'a', headers: { Ok: 'line\r\nbreak' } })).status, 400);
    assert.equal((await post(base, '/api/publish', { subject: 'a', account: 'NOPE' })).status, 400);
    assert.equal((await post(base, '/api/request', { subject: 'a', timeout_ms: -1 })).status, 400);
    assert.equal((await post(base, '/api/publish', { subject: 'a', payload: 'x'.repeat(2 * 1024 * 1024) })).status, 413);
  });

  it('refuses publishing and requesting in the system account', async () => {
    for (const endpoint of ['/api/publish', '/api/request']) {
      const answer = await post(base, endpoint, { subject: 'a', account: '$SYS' });
      assert.equal(answer.status, 403);
      assert.match(answer.body['error'], /system account/);
    }
  });

  it('refuses other methods, non-JSON content and cross-origin callers', async () => {
    assert.equal((await fetch(`${base}/api/publish`)).status, 405);
    const asText = await fetch(`${base}/api/publish`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{"subject":"a"}' });
    assert.equal(asText.status, 415);
    assert.equal((await post(base, '/api/publish', { subject: 'a' }, { Origin: 'http://evil.example' })).status, 403);
    assert.equal((await post(base, '/api/publish', { subject: 'a' }, { Origin: base })).status, 200);
  });
});

describe('dashboard HTTP API on a non-loopback monitoring port without auth', () => {
  let server: RunningServer;
  let dir: string;
  let base: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natrium-dash-open-'));
    const port = await freePort();
    const monitorPort = await freePort();
    const conf = path.join(dir, 'server.conf');
    fs.writeFileSync(conf, `listen: 127.0.0.1:${port}\nhttp: 0.0.0.0:${monitorPort}\njetstream { store_dir: "${dir}" }\n`);
    server = await startServer('natrium', ['-c', conf], { port });
    base = `http://127.0.0.1:${monitorPort}`;
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers 403 to publish and request, but still serves the page', async () => {
    const publish = await post(base, '/api/publish', { subject: 'a', payload: 'x' });
    assert.equal(publish.status, 403);
    assert.match(publish.body.error, /loopback|auth/);
    assert.equal((await post(base, '/api/request', { subject: '$JS.API.INFO' })).status, 403);
    assert.equal((await fetch(`${base}/`)).status, 200);
  });
});

describe('dashboard HTTP API on a non-loopback monitoring port with http_auth', () => {
  let server: RunningServer;
  let dir: string;
  let base: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natrium-dash-auth-'));
    const port = await freePort();
    const monitorPort = await freePort();
    const conf = path.join(dir, 'server.conf');
    fs.writeFileSync(conf, `listen: 127.0.0.1:${port}\nhttp: 0.0.0.0:${monitorPort}\nhttp_auth { token: "dash-token" }\njetstream { store_dir: "${dir}" }\n`);
    server = await startServer('natrium', ['-c', conf], { port });
    base = `http://127.0.0.1:${monitorPort}`;
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('needs the credentials, and with them answers requests', async () => {
    assert.equal((await fetch(`${base}/api/request`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"subject":"$JS.API.INFO"}' })).status, 401);
    assert.equal((await post(base, '/api/request', { subject: '$JS.API.INFO' }, { Authorization: 'Bearer wrong' })).status, 401);
    const answer = await post(base, '/api/request', { subject: '$JS.API.INFO' }, { Authorization: 'Bearer dash-token' });
    assert.equal(answer.status, 200);
    assert.equal(JSON.parse(answer.body.payload).type, 'io.nats.jetstream.api.v1.account_info_response');
  });
});

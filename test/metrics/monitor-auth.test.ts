// Monitoring auth (http_auth, a Natrium extension): every path refused without credentials, accepted with them; bcrypt hashes; config errors.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { freePort, startServer, type RunningServer } from '../helpers/server-process.js';
import { loadOptions } from '../../src/config/flags.js';

const PATHS = ['/', '/varz', '/jsz', '/healthz', '/metrics', '/no-such-page'];

async function startWithAuth(dir: string, authBlock: string): Promise<{ server: RunningServer; base: string }> {
  const port = await freePort();
  const monitorPort = await freePort();
  const conf = path.join(dir, `auth-${monitorPort}.conf`);
  fs.writeFileSync(conf, `host: 127.0.0.1\nport: ${port}\nhttp: "127.0.0.1:${monitorPort}"\njetstream: disabled\nhttp_auth ${authBlock}\n`);
  const server = await startServer('natrium', ['-c', conf], { port });
  return { server, base: `http://127.0.0.1:${monitorPort}` };
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('monitoring auth - token', () => {
  let dir: string;
  let server: RunningServer;
  let base: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natrium-http-auth-'));
    ({ server, base } = await startWithAuth(dir, '{ token: "s3cret-token" }'));
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses every path without the token: 401 with a Bearer challenge, no data', async () => {
    for (const p of PATHS) {
      const response = await fetch(`${base}${p}`);
      assert.equal(response.status, 401, p);
      assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer realm=/, p);
      assert.doesNotMatch(await response.text(), /server_id|natrium_/, p);
    }
  });

  it('refuses a wrong token, another scheme, or the token as a basic password', async () => {
    for (const authorization of ['Bearer s3cret-tokeN', 'Bearer ', 'Token s3cret-token', basic('x', 's3cret-token'), 'Bearer s3cret-token-and-more']) {
      assert.equal((await fetch(`${base}/varz`, { headers: { authorization } })).status, 401, authorization);
    }
  });

  it('accepts the token on every endpoint', async () => {
    const headers = { authorization: 'Bearer s3cret-token' };
    assert.equal((await fetch(`${base}/healthz`, { headers })).status, 200);
    const metrics = await fetch(`${base}/metrics`, { headers });
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /^natrium_connections 0$/m);
    assert.equal((await fetch(`${base}/no-such-page`, { headers })).status, 404);
  });
});

describe('monitoring auth - user and bcrypt password', () => {
  let dir: string;
  let server: RunningServer;
  let base: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natrium-http-auth-'));
    const hash = bcrypt.hashSync('pa55word', 4);
    ({ server, base } = await startWithAuth(dir, `{ user: prometheus, password: "${hash}" }`));
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('asks for basic auth and refuses wrong users and passwords', async () => {
    const anonymous = await fetch(`${base}/jsz`);
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Basic realm="[^"]+", charset="UTF-8"$/);
    for (const authorization of [basic('prometheus', 'wrong'), basic('grafana', 'pa55word'), basic('prometheus', ''), 'Basic !!!', 'Bearer pa55word']) {
      assert.equal((await fetch(`${base}/jsz`, { headers: { authorization } })).status, 401, authorization);
    }
  });

  it('accepts the user with the password whose hash is configured (again and again)', async () => {
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${base}/jsz`, { headers: { authorization: basic('prometheus', 'pa55word') } });
      assert.equal(response.status, 200);
      assert.equal((await response.json() as { disabled: boolean }).disabled, true);
    }
    // A remembered success does not let a different password in.
    assert.equal((await fetch(`${base}/jsz`, { headers: { authorization: basic('prometheus', 'pa55wore') } })).status, 401);
  });
});

describe('monitoring auth - configuration', () => {
  const load = (text: string) => loadOptions(['-c', 't.conf'], { env: {}, readFile: () => text });

  it('parses a token or a user and password into options.httpAuth', () => {
    assert.deepEqual(load('http_auth { token: abc }').options.httpAuth, { token: 'abc' });
    assert.deepEqual(load('http_auth { user: u, password: p }').options.httpAuth, { user: 'u', password: 'p' });
    assert.equal(load('http: 8222').options.httpAuth, undefined);
  });

  it('refuses incomplete or mixed settings, without printing the secret', () => {
    for (const text of ['http_auth { user: u }', 'http_auth { password: SECRETVALUE }', 'http_auth { token: SECRETVALUE, user: u, password: SECRETVALUE }', 'http_auth {}', 'http_auth { token: "" }', 'http_auth: SECRETVALUE', 'http_auth { tokn: t }', 'http_auth { token: 12 }']) {
      const errors = load(text).errors.map((e) => e.message);
      assert.ok(errors.length >= 1, text);
      assert.ok(errors.some((e) => e.includes('http_auth')), `${text}: ${errors.join('; ')}`);
      if (!text.startsWith('http_auth:')) assert.ok(errors.every((e) => !e.includes('SECRETVALUE')), `${text}: ${errors.join('; ')}`);
    }
  });
});

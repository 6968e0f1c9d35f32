// HTTPS monitoring (https / https_port / -ms with the tls {} block) against nats-server 2.9.10, with a CA made by `natrium certs`.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import { freePort, startServer, type RunningServer, type ServerKind } from '../helpers/server-process.js';
import { makeCertSet, writeTlsConfig, type CertSet } from '../tls/tls-fixtures.js';

interface Answer { status: number; body: string; authorized: boolean }

/** GET over HTTPS trusting only `ca` (no client certificate). */
function httpsGet(port: number, pathname: string, ca: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = https.get({ host: '127.0.0.1', servername: 'localhost', port, path: pathname, ca, agent: false }, (response) => {
      const authorized = (response.socket as import('node:tls').TLSSocket).authorized;
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, authorized }));
    });
    request.on('error', reject);
  });
}

/** A plain-text GET to the same port: whatever happens, it must not be a 200 with data. */
function plainGet(port: number, pathname: string): Promise<number | 'error'> {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: pathname }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', () => resolve('error'));
  });
}

describe('monitoring - HTTPS', () => {
  let certs: CertSet;
  let ca: string;
  const running: RunningServer[] = [];

  before(async () => {
    certs = await makeCertSet();
    ca = fs.readFileSync(certs.main.caFile, 'utf8');
  });
  after(async () => {
    await Promise.all(running.map((s) => s.stop()));
    certs?.cleanup();
  });

  async function start(kind: ServerKind, name: string, tlsFields: string, extra: (monitorPort: number) => string, args: string[] = []): Promise<{ monitorPort: number; server: RunningServer }> {
    const port = await freePort();
    const monitorPort = await freePort();
    const conf = writeTlsConfig(certs, `${kind}-${name}`, port, tlsFields, extra(monitorPort));
    const server = await startServer(kind, ['-c', conf, ...(kind === 'natrium' ? ['--no_js'] : []), ...args.map((a) => a.replace('MONITOR', String(monitorPort)))], { port });
    running.push(server);
    return { monitorPort, server };
  }

  for (const [name, tlsFields, extra, args] of [
    ['https: host:port', '', (m: number) => `https: "127.0.0.1:${m}"`, []],
    ['https_port with tls verify (no client certificate asked of monitoring clients)', 'verify: true', (m: number) => `https_port: ${m}`, []],
    ['the -ms flag', '', () => '', ['-ms', 'MONITOR']],
  ] as const) {
    it(`${name}: serves /healthz and /varz over TLS as nats-server does`, async () => {
      const [nats, natrium] = await Promise.all([start('nats', name.replace(/\W+/g, '-'), tlsFields, extra, [...args]), start('natrium', name.replace(/\W+/g, '-'), tlsFields, extra, [...args])]);
      const [expected, actual] = await Promise.all([httpsGet(nats.monitorPort, '/healthz', ca), httpsGet(natrium.monitorPort, '/healthz', ca)]);
      assert.equal(actual.authorized, true);
      assert.equal(actual.status, expected.status);
      assert.equal(actual.body, expected.body);
      assert.equal(actual.body, '{"status":"ok"}');
      const metrics = await httpsGet(natrium.monitorPort, '/metrics', ca);
      assert.match(metrics.body, /^natrium_connections \d+$/m);
      assert.notEqual(await plainGet(natrium.monitorPort, '/healthz'), 200);
      assert.match(natrium.server.output(), new RegExp(`Starting https monitor on 127\\.0\\.0\\.1:${natrium.monitorPort}`));
    });
  }

  it('refuses a certificate the client does not trust', async () => {
    const { monitorPort } = await start('natrium', 'untrusted', '', (m) => `https: "127.0.0.1:${m}"`);
    const otherCa = fs.readFileSync(certs.other.caFile, 'utf8');
    await assert.rejects(httpsGet(monitorPort, '/healthz', otherCa), /self[- ]signed|unable to verify|certificate/i);
  });
});

describe('monitoring - HTTPS start-up errors, as nats-server', () => {
  let certs: CertSet;
  before(async () => { certs = await makeCertSet(); });
  after(() => certs?.cleanup());

  for (const [name, text] of [
    ['https without tls {}', (m: number) => `https: ${m}`],
    ['both http and https', (m: number) => `http: ${m}\nhttps: ${m + 1}\ntls { cert_file: "${certs.main.server.certFile}", key_file: "${certs.main.server.keyFile}" }`],
  ] as const) {
    it(`${name}: the same fatal reason`, async () => {
      const reasons: string[] = [];
      for (const kind of ['nats', 'natrium'] as const) {
        const port = await freePort();
        const conf = `${certs.root}/${kind}-${name.replace(/\W+/g, '-')}.conf`;
        fs.writeFileSync(conf, `host: 127.0.0.1\nport: ${port}\n${text(await freePort())}\n`);
        const error = await startServer(kind, ['-c', conf, ...(kind === 'natrium' ? ['--no_js'] : [])], { port }).then(
          async (server) => { await server.stop(); return null; },
          (e: Error) => e,
        );
        assert.ok(error, `${kind} must not start`);
        // Port numbers differ between the two runs.
        reasons.push(error.message.match(/Can't start monitoring: (.*)/)?.[1]?.replace(/\d+/g, 'N') ?? error.message);
      }
      assert.match(reasons[0]!, /TLS cert and key required|can't specify both/);
      assert.equal(reasons[1], reasons[0]);
    });
  }
});

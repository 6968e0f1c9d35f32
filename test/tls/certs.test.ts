// natrium certs - the development CA, server and client certificates: files, openssl checks, and mTLS with nats-server 2.9.10.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuthorizationError, connect } from '@nats-io/transport-node';
import { runCli } from '../cli/cli-process.js';
import { NATS_SERVER_BIN, freePort, startServer, type RunningServer } from '../helpers/server-process.js';
import { makeCertSet, openssl, writeTlsConfig, type CertSet } from './tls-fixtures.js';

const PEMS = ['ca.pem', 'server.pem', 'alice.pem', 'bob@example.com.pem'];
const KEYS = ['ca-key.pem', 'server-key.pem', 'alice-key.pem', 'bob@example.com-key.pem'];

describe('natrium certs - command', () => {
  let dir: string;
  let stdout: string;

  before(async () => {
    dir = path.join(mkdtempSync(path.join(tmpdir(), 'natrium-certs-')), 'certs');
    const result = await runCli(['certs', '--dir', dir, '--host', 'nats.test,10.1.2.3', '--client', 'alice', '--client', 'bob@example.com', '--days', '30']);
    assert.equal(result.code, 0, result.stderr);
    stdout = result.stdout;
  });
  after(() => rmSync(path.dirname(dir), { recursive: true, force: true }));

  it('writes - certificates 0644, keys 0600, and prints every file and the tls {} snippet', () => {
    for (const file of PEMS) assert.equal(statSync(path.join(dir, file)).mode & 0o777, 0o644, file);
    for (const file of KEYS) assert.equal(statSync(path.join(dir, file)).mode & 0o777, 0o600, file);
    for (const file of [...PEMS, ...KEYS]) assert.ok(stdout.includes(path.join(dir, file)), `output names ${file}`);
    assert.match(stdout, /^tls \{$/m);
    assert.ok(stdout.includes(`cert_file: ${JSON.stringify(path.join(dir, 'server.pem'))}`));
    assert.ok(stdout.includes(`key_file: ${JSON.stringify(path.join(dir, 'server-key.pem'))}`));
    assert.ok(stdout.includes(`ca_file: ${JSON.stringify(path.join(dir, 'ca.pem'))}`));
    assert.match(stdout, /^ {2}verify: true$/m);
    assert.match(stdout, /CN=alice,O=Natrium Development/);
  });

  it('openssl x509 -noout -text - parses every certificate, with the SANs asked for', () => {
    for (const file of PEMS) assert.match(openssl(['x509', '-noout', '-text', '-in', path.join(dir, file)]), /Signature Algorithm: ecdsa-with-SHA256/);
    const server = openssl(['x509', '-noout', '-text', '-in', path.join(dir, 'server.pem')]);
    for (const name of ['DNS:localhost', 'IP Address:127.0.0.1', 'IP Address:0:0:0:0:0:0:0:1', 'DNS:nats.test', 'IP Address:10.1.2.3']) {
      assert.ok(server.includes(name), `server SAN ${name}`);
    }
    assert.match(server, /TLS Web Server Authentication/);
    assert.match(openssl(['x509', '-noout', '-text', '-in', path.join(dir, 'ca.pem')]), /CA:TRUE/);
    const bob = openssl(['x509', '-noout', '-text', '-in', path.join(dir, 'bob@example.com.pem')]);
    assert.match(bob, /email:bob@example\.com/);
    assert.match(bob, /TLS Web Client Authentication/);
    assert.match(openssl(['x509', '-noout', '-subject', '-in', path.join(dir, 'alice.pem')]), /CN ?= ?alice/);
  });

  it('openssl verify -CAfile ca.pem - the server and client certificates chain to the CA', () => {
    const output = openssl(['verify', '-CAfile', path.join(dir, 'ca.pem'), ...PEMS.slice(1).map((file) => path.join(dir, file))]);
    for (const file of PEMS.slice(1)) assert.ok(output.includes(`${path.join(dir, file)}: OK`), output);
  });

  it('keys - PKCS#8 EC keys matching their certificates; --days sets the validity', () => {
    for (const base of ['server', 'alice', 'bob@example.com']) {
      const certificate = new X509Certificate(readFileSync(path.join(dir, `${base}.pem`)));
      assert.ok(certificate.checkPrivateKey(createPrivateKey(readFileSync(path.join(dir, `${base}-key.pem`)))), base);
      const days = (Date.parse(certificate.validTo) - Date.parse(certificate.validFrom)) / 86_400_000;
      assert.ok(Math.abs(days - 30) < 0.01, `${base} valid ${days} days`);
    }
    assert.match(readFileSync(path.join(dir, 'alice-key.pem'), 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
  });

  it('run again - reuses the CA and issues certificates it verifies', async () => {
    const before = readFileSync(path.join(dir, 'ca.pem'), 'utf8');
    const result = await runCli(['certs', '--dir', dir, '--client', 'dave']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Using existing CA/);
    assert.equal(readFileSync(path.join(dir, 'ca.pem'), 'utf8'), before);
    assert.match(openssl(['verify', '-CAfile', path.join(dir, 'ca.pem'), path.join(dir, 'dave.pem'), path.join(dir, 'server.pem')]), /dave\.pem: OK/);
  });

  it('usage errors - bad client names, hosts and days: one error line, exit 1, nothing written', async () => {
    const scratch = path.join(path.dirname(dir), 'bad');
    for (const [args, message] of [
      [['--client', 'ca'], /invalid client name "ca"/],
      [['--client', 'a b'], /invalid client name "a b"/],
      [['--host', 'bad host!'], /invalid host "bad host!"/],
      [['--days', '0'], /invalid value '0' for --days/],
    ] as const) {
      const result = await runCli(['certs', '--dir', scratch, ...args]);
      assert.equal(result.code, 1, args.join(' '));
      assert.match(result.stderr, /^natrium: error: [^\n]+\n$/);
      assert.match(result.stderr, message);
    }
    assert.equal(existsSync(path.join(scratch, 'server.pem')), false);
  });

  it('--help - the tool lists certs; certs --help shows its flags', async () => {
    assert.match((await runCli(['--help'])).stdout, /^ {2}certs +\S/m);
    const help = await runCli(['certs', '--help']);
    assert.equal(help.code, 0);
    for (const flag of ['--dir=DIR', '--host=NAMES', '--client=NAME', '--days=N']) assert.ok(help.stdout.includes(flag), flag);
  });
});

describe('natrium certs - with nats-server 2.9.10 and the official client', { skip: NATS_SERVER_BIN ? false : 'nats-server not installed' }, () => {
  let certs: CertSet;
  let server: RunningServer;
  let mapped: RunningServer;

  before(async () => {
    certs = await makeCertSet();
    const port = await freePort();
    server = await startServer('nats', ['-c', writeTlsConfig(certs, 'verify', port, 'verify: true')], { port });
    const mappedPort = await freePort();
    const users = 'authorization { users = [ { user: "CN=alice,O=Natrium Development" }, { user: "bob@example.com" } ] }';
    mapped = await startServer('nats', ['-c', writeTlsConfig(certs, 'map', mappedPort, 'verify_and_map: true', users)], { port: mappedPort });
  });
  after(async () => {
    await server?.stop();
    await mapped?.stop();
    certs?.cleanup();
  });

  async function roundTrip(port: number, client: string): Promise<void> {
    const nc = await connect({ servers: `127.0.0.1:${port}`, reconnect: false, timeout: 5000, tls: { caFile: certs.main.caFile, ...certsFor(client) } });
    try {
      assert.equal(nc.info?.tls_required, true);
      nc.subscribe('certs.echo', { callback: (_err, msg) => { msg.respond(`echo ${msg.string()}`); } });
      assert.equal((await nc.request('certs.echo', 'hi', { timeout: 5000 })).string(), 'echo hi');
    } finally {
      await nc.close();
    }
  }
  const certsFor = (client: string) => certs.client(client);

  it('verify: true - the official client connects with caFile, certFile and keyFile', async () => {
    await roundTrip(server.port, 'alice');
  });

  it('verify: true - without a client certificate the connection is refused', async () => {
    await assert.rejects(connect({ servers: `127.0.0.1:${server.port}`, reconnect: false, timeout: 5000, tls: { caFile: certs.main.caFile } }));
  });

  it('verify_and_map - alice maps by her subject, bob by his email; carol is refused with an authorization error', async () => {
    await roundTrip(mapped.port, 'alice');
    await roundTrip(mapped.port, 'bob@example.com');
    const err = await connect({ servers: `127.0.0.1:${mapped.port}`, reconnect: false, timeout: 5000, tls: { caFile: certs.main.caFile, ...certsFor('carol') } })
      .then(() => null, (e: unknown) => e);
    assert.ok(err instanceof AuthorizationError, `expected AuthorizationError, got ${String(err)}`);
  });
});

// Differential tests of the security options: the same files given to nats-server 2.9.10 (-t, start, /varz) and to our loader.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NATS_SERVER_BIN, freePort } from '../helpers/server-process.js';
import { loadOptions } from '../../src/config/flags.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SECURITY = path.resolve(here, '../../../test/config/fixtures/security');
const KEYS = JSON.parse(readFileSync(path.join(SECURITY, 'keys.json'), 'utf8')) as Record<string, string>;
const skip = NATS_SERVER_BIN === undefined ? 'nats-server is not installed' : false;
const CERT = path.join(SECURITY, 'certs/server-cert.pem');
const KEY = path.join(SECURITY, 'certs/server-key.pem');
const OTHER_KEY = path.join(SECURITY, 'certs/other-key.pem');
const OPERATOR = path.join(SECURITY, 'op.jwt');
const NKEY_USER = 'UDETW4WA7OWD33652WEAOD5ECNBTFQOLYKLAGJFIG7N4JPARBTTKDX53';

/** nats-server -t, run in the fixture directory (TLS and resolver paths are relative to it). */
function natsAccepts(file: string): { accepted: boolean; output: string } {
  const run = spawnSync(NATS_SERVER_BIN as string, ['-c', file, '-t'], { cwd: SECURITY, encoding: 'utf8', timeout: 10_000 });
  const output = `${run.stdout}${run.stderr}`;
  return { accepted: run.status === 0 && output.includes('is valid'), output };
}

/** Our loader, in the same directory; warnings count as failures, as they do for nats-server -t. */
function weAccept(file: string): { accepted: boolean; output: string } {
  const previous = process.cwd();
  process.chdir(SECURITY);
  try {
    const result = loadOptions(['-c', file, '-t'], { env: {} });
    const problems = [...result.errors, ...result.warnings];
    return { accepted: problems.length === 0, output: problems.map((problem) => problem.message).join('\n') };
  } finally {
    process.chdir(previous);
  }
}

/** Starts nats-server on a random port: true once it is ready, false if it exits first (start-up checks failed). */
function natsStarts(file: string): Promise<{ started: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(NATS_SERVER_BIN as string, ['-c', file, '-a', '127.0.0.1', '-p', '-1'], { cwd: SECURITY });
    let output = '';
    let done = false;
    const finish = (started: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.kill();
      resolve({ started, output });
    };
    const timer = setTimeout(() => finish(false), 8000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Server is ready')) finish(true);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', () => finish(false));
  });
}

/** Texts both must accept or both must reject with -t. */
const AGREE: { name: string; text: string }[] = [
  { name: 'users with permissions', text: 'authorization { users: [ {user: a, password: b, permissions: {publish: {allow: ["a.>"], deny: "a.b"}, subscribe: ["x", "y q"], allow_responses: {max: 5, expires: "1m"}}} ] }' },
  { name: 'default permissions', text: 'authorization { default_permissions: { publish: "x" }, users: [ {user: a} ] }' },
  { name: 'nkey user', text: `authorization { users: [ {nkey: ${NKEY_USER}} ] }` },
  { name: 'connection types', text: 'authorization { users: [ {user: a, allowed_connection_types: ["STANDARD", "websocket", "LEAFNODE_WS", "MQTT_WS"]} ] }' },
  { name: 'bcrypt password', text: 'authorization { users: [ {user: a, password: "$2b$04$GDCLd4.VWSd.TVEIdiTA9.Af9XeuMG7FbuwxM/If7Pvxl1b/NxZHy"} ] }' },
  { name: 'unknown permission key', text: 'authorization { users: [ {user: a, permissions: {bogus: 1}} ] }' },
  { name: 'unknown subject permission key', text: 'authorization { users: [ {user: a, permissions: {publish: {allow: a, bogus: 1}}} ] }' },
  { name: 'allow_responses not a map', text: 'authorization { users: [ {user: a, permissions: {allow_responses: 5}} ] }' },
  { name: 'expires not a duration', text: 'authorization { users: [ {user: a, permissions: {allow_responses: {expires: 5}}} ] }' },
  { name: 'invalid permission subject', text: 'authorization { users: [ {user: a, permissions: {publish: "a..b"}} ] }' },
  { name: 'permissions not a map', text: 'authorization { users: [ {user: a, permissions: "x"} ] }' },
  { name: 'unknown connection type', text: 'authorization { users: [ {user: a, allowed_connection_types: ["BOGUS"]} ] }' },
  { name: 'unknown user key', text: 'authorization { users: [ {user: a, bogus: 5} ] }' },
  { name: 'user without a name', text: 'authorization { users: [ {password: x} ] }' },
  { name: 'users not an array', text: 'authorization { users: 5 }' },
  { name: 'invalid nkey', text: 'accounts { A: { users: [{nkey: UXXX}] } }' },
  { name: 'nkey with a password', text: `accounts { A: { users: [{nkey: ${NKEY_USER}, password: x}] } }` },
  { name: 'token and users', text: 'authorization { token: "t", users: [] }' },
  { name: 'accounts as a list', text: 'accounts [A, B]' },
  { name: 'reserved account', text: 'accounts { "$G": {} }' },
  { name: 'the $SYS account defined', text: 'accounts { "$SYS": {} }' },
  { name: 'account not a map', text: 'accounts { A: 1 }' },
  { name: 'unknown account key', text: 'accounts { A: { bogus: 1 } }' },
  { name: 'account jetstream limits', text: 'accounts { A: { jetstream: {max_mem: 1G, max_file: 10G, max_streams: 5, max_consumers: 10} } }' },
  { name: 'account jetstream bad word', text: 'accounts { A: { jetstream: maybe } }' },
  { name: 'user in two accounts', text: 'accounts { A: { users: [{user: a, password: b}] }, B: { users: [{user: a, password: c}] } }' },
  { name: 'user in an account and in authorization', text: 'accounts { A: { users: [{user: a}] } }\nauthorization { users: [{user: a}] }' },
  { name: 'import from an undefined account', text: 'accounts { A: { imports: [ {stream: {account: B, subject: x}} ] } }' },
  { name: 'import without an account', text: 'accounts { A: { imports: [ {stream: {subject: x}} ] } }' },
  { name: 'import without an export', text: 'accounts { A: { imports: [ {service: {account: A, subject: x}} ] } }' },
  { name: 'stream and service export', text: 'accounts { A: { exports: [ {stream: x, service: y} ] } }' },
  { name: 'response type on a stream', text: 'accounts { B: { exports: [ {stream: x, response_type: stream} ] } }' },
  { name: 'unknown response type', text: 'accounts { B: { exports: [ {service: x, response_type: bogus} ] } }' },
  { name: 'export to an undefined account', text: 'accounts { B: { exports: [ {service: x, accounts: [Z]} ] } }' },
  { name: 'matching import and export', text: 'accounts { A: { imports: [ {stream: {account: B, subject: x.a}} ] }, B: { exports: [ {stream: "x.*", accounts: [A]} ] } }' },
  { name: 'export to another account', text: 'accounts { A: { imports: [ {stream: {account: B, subject: x}} ] }, B: { exports: [ {stream: x, accounts: [C]} ] }, C: {} }' },
  { name: 'service import with to and share', text: 'accounts { A: { imports: [ {service: {account: B, subject: x}, to: y, share: true} ] }, B: { exports: [ {service: x, response_type: chunked, response_threshold: "5s"} ] } }' },
  { name: 'service import cycle', text: 'accounts { A: { exports: [{service: x}], imports: [ {service: {account: B, subject: y}, to: x} ] }, B: { exports: [{service: y}], imports: [{service: {account: A, subject: x}, to: y}] } }' },
  { name: 'self import', text: 'accounts { A: { exports: [{service: x}], imports: [ {service: {account: A, subject: x}} ] } }' },
  { name: 'system account not a string', text: 'system_account: 5' },
  { name: 'operator file', text: `operator: "${OPERATOR}"\nresolver: MEMORY` },
  { name: 'operator inline', text: `operator: ${KEYS['operatorJwt']}\nresolver: MEM` },
  { name: 'missing operator file', text: 'operator: nope.jwt' },
  { name: 'trusted keys', text: `trusted: [${KEYS['operator']}, ${KEYS['urlOperator']}]` },
  { name: 'trusted key of the wrong kind', text: `trusted: ${KEYS['account']}` },
  { name: 'URL resolver', text: `operator: "${OPERATOR}"\nresolver: URL("http://localhost:9090/jwt/v1/accounts/")` },
  { name: 'bogus resolver', text: 'resolver: bogus' },
  { name: 'resolver without dir', text: 'resolver: { type: full }' },
  { name: 'resolver of unknown type', text: 'resolver: { type: other, dir: x }' },
  { name: 'full resolver with ttl', text: 'resolver: { type: full, dir: "./jwt", ttl: "1h" }' },
  { name: 'cache resolver with interval', text: 'resolver: { type: cache, dir: "./jwt", interval: "2m" }' },
  { name: 'resolver preload', text: `resolver_preload: { ${KEYS['account']}: ${KEYS['accountJwt']} }` },
  { name: 'resolver preload not a JWT', text: `resolver_preload: { ${KEYS['account']}: notajwt }` },
  { name: 'resolver preload of an operator JWT', text: `resolver_preload: { ${KEYS['account']}: ${KEYS['operatorJwt']} }` },
  { name: 'pinned accounts', text: `resolver_pinned_accounts: [ ${KEYS['account']} ]` },
  { name: 'no system account', text: 'no_system_account: true\nno_sys_acc: true' },
  { name: 'tls', text: `tls { cert_file: "${CERT}", key_file: "${KEY}", verify_and_map: true, timeout: 3 }` },
  { name: 'tls without a key', text: `tls { cert_file: "${CERT}" }` },
  { name: 'tls with a missing file', text: `tls { cert_file: "nope.pem", key_file: "${KEY}" }` },
  { name: 'tls with the wrong key', text: `tls { cert_file: "${CERT}", key_file: "${OTHER_KEY}" }` },
  { name: 'tls with an unknown field', text: `tls { cert_file: "${CERT}", key_file: "${KEY}", bogus: 1 }` },
  { name: 'tls ciphers and curves', text: `tls { cert_file: "${CERT}", key_file: "${KEY}", cipher_suites: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"], curve_preferences: ["CurveP256"] }` },
  { name: 'tls not a map', text: 'tls: true' },
];

/**
 * Where Natrium is knowingly different; `ours` is what we say (undefined = we accept what nats-server rejects).
 * Not here: a stream import with both `prefix` and `to`, which nats-server 2.9.10 accepts or rejects at
 * random (it depends on Go's map order which key it sees first); Natrium always rejects it.
 */
const DIVERGE: { name: string; text: string; ours?: RegExp }[] = [
  { name: 'prefix on a service import (nats-server ignores it)', text: 'accounts { A: { imports: [ {service: {account: B, subject: x}, prefix: p} ] }, B: { exports: [ {service: x} ] } }', ours: /can not have a 'prefix'/ },
  { name: 'an export with neither stream nor service', text: 'accounts { A: { exports: [ {accounts: [A]} ] } }', ours: /needs a "stream" or a "service"/ },
  { name: 'URL resolver without an address', text: 'resolver: URL', ours: /error parsing account resolver, should be/ },
  { name: 'unknown key in a resolver map', text: 'resolver: { type: full, dir: "./jwt", bogus: 1 }', ours: /unknown field "bogus"/ },
  { name: 'tls without certificate (nats-server fails each handshake)', text: 'tls { verify: true }', ours: /cert_file/ },
  { name: 'a list of operators (nats-server 2.9 takes one string)', text: `operator: [ "${OPERATOR}" ]\nresolver: MEMORY` },
  { name: 'always_enable_nonce (an embedding option in nats-server)', text: 'always_enable_nonce: true' },
];

/** Start-up checks nats-server makes after -t (it starts, or exits with an error); our loader makes them at load. */
const AT_START: { name: string; text: string }[] = [
  { name: 'no_auth_user without users', text: 'no_auth_user: x' },
  { name: 'no_auth_user unknown', text: 'authorization { users: [{user: a}] }\nno_auth_user: x' },
  { name: 'no_auth_user in an account', text: 'accounts { A: { users: [{user: a}] } }\nno_auth_user: a' },
  { name: 'no_auth_user naming an nkey', text: `authorization { users: [{nkey: ${NKEY_USER}}] }\nno_auth_user: ${NKEY_USER}` },
  { name: 'system account undefined', text: 'system_account: X' },
  { name: 'system account $SYS undefined', text: 'system_account: "$SYS"' },
  { name: 'system account defined', text: 'accounts { A: {} }\nsystem_account: A' },
  { name: 'system account with no_system_account', text: 'system_account: X\nno_system_account: true' },
];

describe('security differential with nats-server', { skip }, () => {
  let directory = '';
  before(() => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'natrium-security-'));
  });
  after(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  function write(name: string, text: string): string {
    const file = path.join(directory, `${name.replace(/[^a-z0-9]+/gi, '-')}.conf`);
    writeFileSync(file, text);
    return file;
  }

  const fixtures = readdirSync(SECURITY).filter((name) => name.endsWith('.conf'));

  for (const name of fixtures) {
    const good = !name.startsWith('bad-');
    it(`-t: both ${good ? 'accept' : 'reject'} fixture ${name}`, () => {
      const file = path.join(SECURITY, name);
      const nats = natsAccepts(file);
      const ours = weAccept(file);
      assert.equal(nats.accepted, good, nats.output);
      assert.equal(ours.accepted, good, ours.output);
    });
  }

  for (const example of AGREE) {
    it(`-t: agree on ${example.name}`, () => {
      const file = write(example.name, example.text);
      const nats = natsAccepts(file);
      const ours = weAccept(file);
      assert.equal(ours.accepted, nats.accepted, `nats-server: ${nats.output.trim()}\nnatrium: ${ours.output}`);
    });
  }

  for (const example of DIVERGE) {
    it(`-t: differ on purpose: ${example.name}`, () => {
      const file = write(example.name, example.text);
      const nats = natsAccepts(file);
      const ours = weAccept(file);
      if (example.ours === undefined) {
        assert.equal(nats.accepted, false, nats.output);
        assert.equal(ours.accepted, true, ours.output);
      } else {
        assert.equal(nats.accepted, true, nats.output);
        assert.equal(ours.accepted, false);
        assert.match(ours.output, example.ours);
      }
    });
  }

  for (const example of AT_START) {
    it(`start: agree on ${example.name}`, async () => {
      const file = write(`start-${example.name}`, example.text);
      const nats = await natsStarts(file);
      const ours = weAccept(file);
      assert.equal(ours.accepted, nats.started, `nats-server: ${nats.output.trim()}\nnatrium: ${ours.output}`);
    });
  }

  it('/varz: TLS gives the same auth and TLS timeouts', async () => {
    const monitorPort = await freePort();
    const child = spawn(NATS_SERVER_BIN as string, ['-c', path.join(SECURITY, 'tls.conf'), '-a', '127.0.0.1', '-p', '-1', '-m', String(monitorPort)], { cwd: SECURITY, stdio: 'ignore' });
    try {
      let varz: Record<string, unknown> | undefined;
      for (let attempt = 0; attempt < 100 && !varz; attempt++) {
        try {
          varz = (await (await fetch(`http://127.0.0.1:${monitorPort}/varz`)).json()) as Record<string, unknown>;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      assert.ok(varz, 'nats-server did not answer /varz');
      const previous = process.cwd();
      process.chdir(SECURITY);
      const ours = loadOptions(['-c', 'tls.conf'], { env: {} });
      process.chdir(previous);
      assert.deepEqual(ours.errors, []);
      assert.deepEqual(
        { auth_timeout: ours.options.authTimeoutMs / 1000, tls_timeout: (ours.options.tls?.timeoutMs ?? 0) / 1000, tls_required: true, tls_verify: true },
        { auth_timeout: varz['auth_timeout'], tls_timeout: varz['tls_timeout'], tls_required: varz['tls_required'], tls_verify: varz['tls_verify'] },
      );
    } finally {
      child.kill();
    }
  });
});

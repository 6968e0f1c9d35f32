// TLS behaviour - nats-server 2.9.10's answers on a TLS client port (INFO, plain text, missing or foreign certificates, timeout, verify_and_map), run per server in TLS_SERVERS.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { AuthorizationError, connect } from '@nats-io/transport-node';
import { NATS_SERVER_BIN, freePort, startServer, type RunningServer, type ServerKind } from '../helpers/server-process.js';
import { TLS_WIRE } from '../../src/transport/tls-options.js';
import { makeCertSet, plainProbe, tlsProbe, writeTlsConfig, type CertSet } from './tls-fixtures.js';

/** Which servers to hold to nats-server's behaviour; the lead adds 'natrium' once its TLS listener exists. */
const SERVERS = (process.env['TLS_SERVERS']?.split(',') ?? ['nats', 'natrium']).map((kind) => kind.trim()) as ServerKind[];
const MAPPED_USERS = 'authorization { users = [ { user: "CN=alice,O=Natrium Development" }, { user: "bob@example.com" } ] }';
/** `tls { timeout: 0.5 }` in the verify config, so the handshake timeout is quick to observe. */
const TIMEOUT_MS = 500;

for (const kind of SERVERS) {
  describe(`tls behaviour (${kind})`, { skip: kind === 'nats' && !NATS_SERVER_BIN ? 'nats-server not installed' : false }, () => {
    let certs: CertSet;
    const servers: Record<'verify' | 'noVerify' | 'mapped' | 'mixed', RunningServer> = {} as never;

    before(async () => {
      certs = await makeCertSet();
      const start = async (name: string, fields: string, extra = '') => {
        const port = await freePort();
        return startServer(kind, ['-c', writeTlsConfig(certs, name, port, fields, extra)], { port });
      };
      servers.verify = await start('verify', `verify: true, timeout: ${TIMEOUT_MS / 1000}`);
      servers.noVerify = await start('no-verify', 'verify: false');
      servers.mapped = await start('mapped', 'verify_and_map: true', MAPPED_USERS);
      servers.mixed = await start('mixed', 'verify: true', 'allow_non_tls: true');
    });
    after(async () => {
      for (const server of Object.values(servers)) await server?.stop();
      certs?.cleanup();
    });

    const ca = () => readFileSync(certs.main.caFile);
    const as = (name: string, set: 'main' | 'other' = 'main') => {
      const files = certs.client(name, set);
      return { cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) };
    };

    it('INFO - sent in plain text first, with tls_required and tls_verify before max_payload', async () => {
      const probe = await plainProbe(servers.verify.port, 'PING\r\n');
      const keys = Object.keys(probe.info);
      assert.equal(probe.info['tls_required'], true);
      assert.equal(probe.info['tls_verify'], true);
      assert.equal(probe.info['tls_available'], undefined);
      assert.ok(keys.indexOf('headers') < keys.indexOf('tls_required'), keys.join());
      assert.ok(keys.indexOf('tls_required') < keys.indexOf('tls_verify'), keys.join());
      assert.ok(keys.indexOf('tls_verify') < keys.indexOf('max_payload'), keys.join());
      const noVerify = await plainProbe(servers.noVerify.port, 'PING\r\n');
      assert.equal(noVerify.info['tls_required'], true);
      assert.equal(noVerify.info['tls_verify'], undefined);
      const mapped = await plainProbe(servers.mapped.port, 'PING\r\n');
      const mappedKeys = Object.keys(mapped.info);
      assert.equal(mapped.info['auth_required'], true);
      assert.ok(mappedKeys.indexOf('auth_required') < mappedKeys.indexOf('tls_required'), mappedKeys.join());
    });

    it('plain text on a TLS port - no -ERR, no PONG: the server closes at once', async () => {
      for (const server of [servers.verify, servers.noVerify]) {
        const probe = await plainProbe(server.port, 'CONNECT {"verbose":false,"pedantic":false,"tls_required":false}\r\nPING\r\n');
        assert.equal(probe.after, '', `nothing after INFO, got ${JSON.stringify(probe.after)}`);
        assert.ok(probe.closedAfterMs < TIMEOUT_MS, `closed after ${probe.closedAfterMs} ms`);
      }
    });

    it('TLS handshake timeout - a client that never starts TLS is closed after tls.timeout, without -ERR', async () => {
      const probe = await plainProbe(servers.verify.port, undefined);
      assert.equal(probe.after, '', `nothing after INFO, got ${JSON.stringify(probe.after)}`);
      assert.ok(probe.closedAfterMs >= TIMEOUT_MS - 50 && probe.closedAfterMs < TIMEOUT_MS + 1500, `closed after ${probe.closedAfterMs} ms`);
      // The -ERR nats-server queues on timeout goes to the unfinished TLS connection, so it is never readable.
      assert.ok(!probe.after.includes(TLS_WIRE.secureConnectionRequired));
    });

    it('verify - a certificate from the CA gets PONG; verify off serves a client without one', async () => {
      const good = await tlsProbe(servers.verify.port, { ca: ca(), ...as('alice') });
      assert.equal(good.received, 'PONG\r\n');
      const anonymous = await tlsProbe(servers.noVerify.port, { ca: ca() });
      assert.equal(anonymous.received, 'PONG\r\n');
    });

    it('verify - no client certificate: the handshake fails, no -ERR, no PONG', async () => {
      for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
        const probe = await tlsProbe(servers.verify.port, { ca: ca(), maxVersion });
        assert.equal(probe.received, '', maxVersion);
        assert.ok(probe.error, `${maxVersion}: the client sees an error`);
        // Go answers with alert 42 (bad_certificate); OpenSSL-based servers with another alert or a reset.
        if (kind === 'nats') assert.equal(probe.error, 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', maxVersion);
      }
    });

    it('verify - a client certificate from another CA: the handshake fails, no -ERR, no PONG', async () => {
      for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
        const probe = await tlsProbe(servers.verify.port, { ca: ca(), ...as('client', 'other'), maxVersion });
        assert.equal(probe.received, '', maxVersion);
        // In TLS 1.3 the client's handshake ends before the server has checked its certificate. Go then sends
        // an alert; Node's TLS server can only close the connection, which the client sees as a plain close.
        if (kind === 'natrium' && maxVersion === 'TLSv1.3') assert.ok(probe.error || probe.secured, `${maxVersion}: the connection ends without a PONG`);
        else assert.ok(probe.error, `${maxVersion}: the client sees an error`);
        if (kind === 'nats') assert.equal(probe.error, 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', maxVersion);
      }
    });

    it('server certificate from a CA the client does not trust - the client gives up', async () => {
      const probe = await tlsProbe(servers.verify.port, { ca: readFileSync(certs.other.caFile), ...as('alice') });
      assert.equal(probe.secured, false);
      assert.match(probe.error ?? '', /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)$/);
    });

    it('verify_and_map - subject and email map to users; an unmapped certificate gets -ERR \'Authorization Violation\'', async () => {
      assert.equal((await tlsProbe(servers.mapped.port, { ca: ca(), ...as('alice') })).received, 'PONG\r\n');
      assert.equal((await tlsProbe(servers.mapped.port, { ca: ca(), ...as('bob@example.com') })).received, 'PONG\r\n');
      const carol = await tlsProbe(servers.mapped.port, { ca: ca(), ...as('carol') });
      assert.equal(carol.secured, true);
      assert.equal(carol.received, `-ERR '${TLS_WIRE.mappedUserNotFound}'\r\n`);
    });

    it('allow_non_tls - no tls_required but tls_available; plain text and TLS clients are both served', async () => {
      const plain = await plainProbe(servers.mixed.port, 'CONNECT {"verbose":false,"pedantic":false}\r\nPING\r\n', 3000).catch((err: Error) => err);
      // The server keeps a working plain connection open: the probe times out after seeing PONG.
      assert.ok(plain instanceof Error && plain.message.includes('PONG'), String(plain));
      const info = (await tlsProbe(servers.mixed.port, { ca: ca(), ...as('alice') })).info;
      assert.equal(info['tls_required'], undefined);
      assert.equal(info['tls_verify'], true);
      assert.equal(info['tls_available'], true);
      assert.equal((await tlsProbe(servers.mixed.port, { ca: ca(), ...as('alice') })).received, 'PONG\r\n');
    });

    it('official client - mTLS with caFile/certFile/keyFile works; no certificate or an unmapped one is refused', async () => {
      const tlsFiles = (name: string) => ({ caFile: certs.main.caFile, ...certs.client(name) });
      const nc = await connect({ servers: `127.0.0.1:${servers.verify.port}`, reconnect: false, timeout: 5000, tls: tlsFiles('alice') });
      assert.equal(nc.info?.tls_required, true);
      assert.equal(nc.info?.tls_verify, true);
      await nc.flush();
      await nc.close();
      const options = { servers: `127.0.0.1:${servers.verify.port}`, reconnect: false, timeout: 5000 };
      await assert.rejects(connect({ ...options, tls: { caFile: certs.main.caFile } }));
      await assert.rejects(connect(options)); // upgrades on tls_required, then cannot verify the development CA
      const err = await connect({ ...options, servers: `127.0.0.1:${servers.mapped.port}`, tls: tlsFiles('carol') }).then(() => null, (e: unknown) => e);
      assert.ok(err instanceof AuthorizationError, `expected AuthorizationError, got ${String(err)}`);
    });
  });
}

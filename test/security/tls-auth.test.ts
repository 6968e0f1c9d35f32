// TLS with authentication: TLS + user/password, mTLS verify_and_map (subject and email users, their permissions), plain text and foreign CAs refused.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { freePort, startServer, type RunningServer } from '../helpers/server-process.js';
import { makeCertSet, plainProbe, writeTlsConfig, type CertSet } from '../tls/tls-fixtures.js';
import { AUTH_VIOLATION, RawConn, SERVERS, rawConnect, refusal, skipFor, tryConnect } from './support.js';

const MAPPED_USERS = `authorization { users = [
  { user: "CN=alice,O=Natrium Development", permissions: { publish: "alice.>", subscribe: "alice.>" } }
  { user: "bob@example.com" }
] }`;

for (const kind of SERVERS) {
  describe(`tls + auth (${kind})`, { skip: skipFor(kind) }, () => {
    let certs: CertSet;
    let passwordServer: RunningServer;
    let mappedServer: RunningServer;
    before(async () => {
      certs = await makeCertSet();
      const start = async (name: string, fields: string, extra: string) => {
        const port = await freePort();
        return startServer(kind, ['-c', writeTlsConfig(certs, name, port, fields, `jetstream: disabled\n${extra}`)], { port });
      };
      passwordServer = await start('password', 'timeout: 2', 'authorization { user: tlsuser, password: "tls-pw-1" }');
      mappedServer = await start('mapped', 'verify_and_map: true', MAPPED_USERS);
    });
    after(async () => {
      await passwordServer?.stop();
      await mappedServer?.stop();
      certs?.cleanup();
    });

    const ca = () => readFileSync(certs.main.caFile);
    const identity = (name: string, set: 'main' | 'other' = 'main') => {
      const files = certs.client(name, set);
      return { cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) };
    };
    const clientTls = (name?: string, set: 'main' | 'other' = 'main') => {
      const files = name ? certs.client(name, set) : undefined;
      return { caFile: certs.main.caFile, ...(files && { certFile: files.certFile, keyFile: files.keyFile }) };
    };

    it('TLS + user/password: right password accepted over TLS, wrong one refused with the same error as plain', async () => {
      const ok = await tryConnect(passwordServer.url, { tls: clientTls(), user: 'tlsuser', pass: 'tls-pw-1' });
      assert.ok(ok.ok, refusal(ok));
      await ok.nc.flush();
      await ok.nc.close();
      assert.match(refusal(await tryConnect(passwordServer.url, { tls: clientTls(), user: 'tlsuser', pass: 'wrong' })), /^AuthorizationError/);
      const good = await rawConnect(passwordServer.port, { user: 'tlsuser', pass: 'tls-pw-1', tls_required: true }, 5000, { ca: ca() });
      assert.equal(good.accepted, true, good.text);
      assert.equal(good.info.tls_required, true);
      assert.equal(good.info.auth_required, true);
      const bad = await rawConnect(passwordServer.port, { user: 'tlsuser', pass: 'nope', tls_required: true }, 5000, { ca: ca() });
      assert.equal(bad.accepted, false);
      assert.equal(bad.text, `${AUTH_VIOLATION}\r\n`);
      assert.equal(bad.closed, true);
    });

    it('a plain-text client on a TLS port is refused: never authenticated, connection closed', async () => {
      const probe = await plainProbe(passwordServer.port, 'CONNECT {"verbose":false,"pedantic":false,"user":"tlsuser","pass":"tls-pw-1"}\r\nPING\r\n');
      assert.equal(probe.info.tls_required, true);
      assert.doesNotMatch(probe.after, /PONG|\+OK/);
      const noCa = await tryConnect(passwordServer.url, { user: 'tlsuser', pass: 'tls-pw-1' });
      assert.notEqual(refusal(noCa), 'accepted', 'a client that does not trust the CA must not connect');
    });

    it('mTLS verify_and_map: the certificate subject and the email SAN name users; permissions follow the mapped user', async () => {
      const alice = await tryConnect(mappedServer.url, { tls: clientTls('alice') });
      assert.ok(alice.ok, refusal(alice));
      await alice.nc.close();
      const bob = await tryConnect(mappedServer.url, { tls: clientTls('bob@example.com') });
      assert.ok(bob.ok, refusal(bob));
      await bob.nc.close();
      const conn = await RawConn.open(mappedServer.port, { ca: ca(), ...identity('alice') });
      assert.equal(await conn.roundTrip('CONNECT {"verbose":false,"pedantic":false,"tls_required":true}\r\n'), '');
      assert.equal(await conn.roundTrip('SUB alice.in 1\r\nPUB alice.in 2\r\nhi\r\n'), 'MSG alice.in 1 2\r\nhi\r\n');
      assert.equal(await conn.roundTrip('PUB bob.in 0\r\n\r\n'), `-ERR 'Permissions Violation for Publish to "bob.in"'\r\n`);
      assert.equal(await conn.roundTrip('SUB bob.> 2\r\n'), `-ERR 'Permissions Violation for Subscription to "bob.>"'\r\n`);
      conn.close();
    });

    it('mTLS: a valid certificate of an unmapped user gets Authorization Violation; user/password cannot bypass the mapping', async () => {
      const carol = await rawConnect(mappedServer.port, { tls_required: true }, 5000, { ca: ca(), ...identity('carol') });
      assert.equal(carol.accepted, false);
      assert.equal(carol.text, `${AUTH_VIOLATION}\r\n`);
      const claimed = await rawConnect(mappedServer.port, { tls_required: true, user: 'bob@example.com', pass: '' }, 5000, { ca: ca(), ...identity('carol') });
      assert.equal(claimed.accepted, false, claimed.text);
      assert.match(refusal(await tryConnect(mappedServer.url, { tls: clientTls('carol') })), /^AuthorizationError/);
    });

    it('mTLS: a certificate from another CA, or none, is refused', async () => {
      const foreign = await rawConnect(mappedServer.port, { tls_required: true }, 5000, { ca: ca(), ...identity('client', 'other') });
      assert.equal(foreign.accepted, false, foreign.text);
      assert.equal(foreign.closed, true);
      assert.doesNotMatch(foreign.text, /PONG/);
      const none = await rawConnect(mappedServer.port, { tls_required: true }, 5000, { ca: ca() });
      assert.equal(none.accepted, false, none.text);
      assert.equal(none.closed, true);
      assert.notEqual(refusal(await tryConnect(mappedServer.url, { tls: clientTls('client', 'other') })), 'accepted');
    });
  });
}

// Auth matrix: the same authorization configs under nats-server and Natrium give the same accept/refuse decisions and errors.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import bcrypt from 'bcryptjs';
import { createUser } from '@nats-io/nkeys';
import { nkeyAuthenticator, tokenAuthenticator, usernamePasswordAuthenticator } from '@nats-io/transport-node';
import { AUTH_VIOLATION, RawConn, SERVERS, rawConnect, refusal, signNonce, skipFor, startConf, tryConnect, type ConfServer } from './support.js';

const HASHED_PASSWORD = bcrypt.hashSync('hashed-pw', 6);
const TOKEN_HASH = bcrypt.hashSync('bcrypt-token-9', 6);
const nkeyUser = createUser();
const strangerKey = createUser();
const seed = nkeyUser.getSeed();

interface Case {
  name: string;
  connect: (info: Record<string, unknown>) => object;
  accept: boolean;
}

/** Runs each case over raw TCP: accepted ones answer PONG, refused ones get exactly the violation and a close. */
async function checkCases(port: number, cases: Case[]): Promise<void> {
  const results = await Promise.all(cases.map((c) => rawConnect(port, c.connect)));
  cases.forEach((c, i) => {
    const r = results[i];
    assert.equal(r.accepted, c.accept, `${c.name}: got ${JSON.stringify(r.text)}`);
    if (!c.accept) {
      assert.equal(r.text, `${AUTH_VIOLATION}\r\n`, `${c.name}: exact error`);
      assert.equal(r.closed, true, `${c.name}: connection closed`);
    } else {
      assert.doesNotMatch(r.text, /-ERR/, c.name);
    }
  });
}

for (const kind of SERVERS) {
  describe(`auth matrix (${kind})`, { skip: skipFor(kind) }, () => {
    const s: Record<string, ConfServer> = {};
    before(async () => {
      const started = await Promise.all([
        startConf(kind, 'authorization { user: alice, password: "s3cret", timeout: 0.5 }'),
        startConf(kind, `authorization { users: [\n  { user: plain, password: "plain-pw" }\n  { user: hashed, password: ${JSON.stringify(HASHED_PASSWORD)} }\n  { nkey: ${nkeyUser.getPublicKey()} }\n] }`),
        startConf(kind, 'authorization { token: "plain-token-7" }'),
        startConf(kind, `authorization { token: ${JSON.stringify(TOKEN_HASH)} }`),
        startConf(kind, 'no_auth_user: anon\nauthorization { users: [\n  { user: anon, password: "anon-pw", permissions: { publish: "anon.>", subscribe: "anon.>" } }\n  { user: full, password: "full-pw" }\n] }'),
      ]);
      [s.single, s.users, s.token, s.bcryptToken, s.noAuth] = started;
    });
    after(async () => { await Promise.all(Object.values(s).map((x) => x.stop())); });

    it('single user/password: right accepted; wrong password, unknown user, no credentials, token refused', async () => {
      await checkCases(s.single.port, [
        { name: 'right', connect: () => ({ user: 'alice', pass: 's3cret' }), accept: true },
        { name: 'wrong password', connect: () => ({ user: 'alice', pass: 's3cret!' }), accept: false },
        { name: 'unknown user', connect: () => ({ user: 'mallory', pass: 's3cret' }), accept: false },
        { name: 'empty password', connect: () => ({ user: 'alice', pass: '' }), accept: false },
        { name: 'no credentials', connect: () => ({}), accept: false },
        { name: 'password as token', connect: () => ({ auth_token: 's3cret' }), accept: false },
      ]);
      const ok = await tryConnect(s.single.url, { user: 'alice', pass: 's3cret' });
      assert.ok(ok.ok, refusal(ok));
      await ok.nc.close();
      assert.match(refusal(await tryConnect(s.single.url, { user: 'alice', pass: 'nope' })), /^AuthorizationError: .*Authorization Violation/i);
    });

    it('users list: plain and bcrypt passwords; the hash itself is not a password', async () => {
      await checkCases(s.users.port, [
        { name: 'plain', connect: () => ({ user: 'plain', pass: 'plain-pw' }), accept: true },
        { name: 'bcrypt', connect: () => ({ user: 'hashed', pass: 'hashed-pw' }), accept: true },
        { name: 'bcrypt wrong', connect: () => ({ user: 'hashed', pass: 'hashed-PW' }), accept: false },
        { name: 'hash presented as password', connect: () => ({ user: 'hashed', pass: HASHED_PASSWORD }), accept: false },
        { name: 'plain user with the other password', connect: () => ({ user: 'plain', pass: 'hashed-pw' }), accept: false },
        { name: 'unknown user', connect: () => ({ user: 'nobody', pass: 'plain-pw' }), accept: false },
        { name: 'user named __proto__', connect: () => ({ user: '__proto__', pass: 'plain-pw' }), accept: false },
        { name: 'user named constructor', connect: () => ({ user: 'constructor' }), accept: false },
        { name: 'user name in other case', connect: () => ({ user: 'PLAIN', pass: 'plain-pw' }), accept: false },
        { name: 'no credentials', connect: () => ({}), accept: false },
      ]);
      const ok = await tryConnect(s.users.url, { authenticator: usernamePasswordAuthenticator('hashed', 'hashed-pw') });
      assert.ok(ok.ok, refusal(ok));
      await ok.nc.close();
    });

    it('NKey users: INFO carries a nonce; signed nonce accepted; unknown key, bad or missing signature refused', async () => {
      const probe = await RawConn.open(s.users.port);
      assert.equal(probe.info.auth_required, true);
      assert.equal(typeof probe.info.nonce, 'string');
      assert.ok(String(probe.info.nonce).length >= 11, String(probe.info.nonce));
      probe.close();
      const pub = nkeyUser.getPublicKey();
      await checkCases(s.users.port, [
        { name: 'signed', connect: (info) => ({ nkey: pub, sig: signNonce(nkeyUser, info.nonce) }), accept: true },
        { name: 'signed, standard base64', connect: (info) => ({ nkey: pub, sig: Buffer.from(signNonce(nkeyUser, info.nonce), 'base64url').toString('base64') }), accept: true },
        { name: 'unknown nkey, correctly signed', connect: (info) => ({ nkey: strangerKey.getPublicKey(), sig: signNonce(strangerKey, info.nonce) }), accept: false },
        { name: 'signature by another key', connect: (info) => ({ nkey: pub, sig: signNonce(strangerKey, info.nonce) }), accept: false },
        { name: 'signature of another nonce', connect: () => ({ nkey: pub, sig: signNonce(nkeyUser, 'AAAAAAAAAAAAAAA') }), accept: false },
        { name: 'no signature', connect: () => ({ nkey: pub }), accept: false },
        { name: 'signature not base64', connect: () => ({ nkey: pub, sig: '!!not base64!!' }), accept: false },
        { name: 'seed instead of public key', connect: (info) => ({ nkey: new TextDecoder().decode(seed), sig: signNonce(nkeyUser, info.nonce) }), accept: false },
      ]);
      const ok = await tryConnect(s.users.url, { authenticator: nkeyAuthenticator(seed) });
      assert.ok(ok.ok, refusal(ok));
      await ok.nc.close();
      assert.match(refusal(await tryConnect(s.users.url, { authenticator: nkeyAuthenticator(strangerKey.getSeed()) })), /^AuthorizationError: .*Authorization Violation/i);
    });

    it('token, plain and bcrypt: right token accepted; wrong token, hash, user/pass refused', async () => {
      await checkCases(s.token.port, [
        { name: 'right', connect: () => ({ auth_token: 'plain-token-7' }), accept: true },
        { name: 'wrong', connect: () => ({ auth_token: 'plain-token-8' }), accept: false },
        { name: 'prefix', connect: () => ({ auth_token: 'plain-token-' }), accept: false },
        { name: 'as password', connect: () => ({ user: 'x', pass: 'plain-token-7' }), accept: false },
        { name: 'none', connect: () => ({}), accept: false },
      ]);
      await checkCases(s.bcryptToken.port, [
        { name: 'right', connect: () => ({ auth_token: 'bcrypt-token-9' }), accept: true },
        { name: 'hash itself', connect: () => ({ auth_token: TOKEN_HASH }), accept: false },
        { name: 'wrong', connect: () => ({ auth_token: 'bcrypt-token-0' }), accept: false },
      ]);
      for (const [server, token] of [[s.token, 'plain-token-7'], [s.bcryptToken, 'bcrypt-token-9']] as const) {
        const ok = await tryConnect(server.url, { authenticator: tokenAuthenticator(token) });
        assert.ok(ok.ok, refusal(ok));
        await ok.nc.close();
        assert.match(refusal(await tryConnect(server.url, { token: 'bad' })), /^AuthorizationError/);
      }
    });

    it('no_auth_user: no credentials log in as that user (with its permissions); wrong credentials are still refused', async () => {
      const anon = await RawConn.open(s.noAuth.port);
      assert.equal(await anon.roundTrip('CONNECT {"verbose":false,"pedantic":false}\r\n'), '');
      assert.equal(await anon.roundTrip('PUB full.x 0\r\n\r\n'), `-ERR 'Permissions Violation for Publish to "full.x"'\r\n`);
      assert.equal(await anon.roundTrip('PUB anon.x 0\r\n\r\n'), '');
      anon.close();
      await checkCases(s.noAuth.port, [
        { name: 'other user', connect: () => ({ user: 'full', pass: 'full-pw' }), accept: true },
        { name: 'wrong password of the no-auth user', connect: () => ({ user: 'anon', pass: 'nope' }), accept: false },
        { name: 'wrong password', connect: () => ({ user: 'full', pass: 'nope' }), accept: false },
        { name: 'token instead', connect: () => ({ auth_token: 'anon-pw' }), accept: false },
      ]);
      const ok = await tryConnect(s.noAuth.url);
      assert.ok(ok.ok, refusal(ok));
      await ok.nc.close();
    });

    it("auth timeout: a client that never sends CONNECT gets -ERR 'Authentication Timeout' and is closed", async () => {
      const conn = await RawConn.open(s.single.port);
      const started = Date.now();
      assert.equal(await conn.waitClosed(5000), true, 'closed by the server');
      const elapsed = Date.now() - started;
      assert.equal(conn.text, "-ERR 'Authentication Timeout'\r\n");
      assert.ok(elapsed >= 300 && elapsed < 3000, `closed after ${elapsed} ms (timeout 0.5 s)`);
    });
  });
}

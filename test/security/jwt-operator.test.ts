// Operator mode with a MEMORY resolver: user JWTs (valid, expired, revoked, untrusted, bearer, connection types, src, permissions) and JWT exports/imports.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createAccount, createOperator, createUser, type KeyPair } from '@nats-io/nkeys';
import { credsAuthenticator, jwtAuthenticator } from '@nats-io/transport-node';
import {
  AUTH_VIOLATION, RawConn, SERVERS, accountJwt, collect, credsText, mustConnect, nowSeconds, operatorJwt, rawConnect, refusal,
  signNonce, skipFor, startConf, tryConnect, userJwt, type ConfServer,
} from './support.js';

const operator = createOperator();
const operatorSigning = createOperator();
const acc1 = createAccount();
const acc1Signing = createAccount();
const acc2 = createAccount();
const stranger = createAccount();
const users = { valid: createUser(), revoked: createUser(), other: createUser(), importer: createUser() };

const OPERATOR_JWT = operatorJwt(operator, { signing_keys: [operatorSigning.getPublicKey()] });
/** ACC1: issued by the operator's signing key, has its own signing key, exports a stream and a service, revokes one user. */
const ACC1_JWT = accountJwt(acc1, operatorSigning, 'ACC1', {
  signing_keys: [acc1Signing.getPublicKey()],
  revocations: { [users.revoked.getPublicKey()]: nowSeconds() + 3600 },
  exports: [
    { name: 'feed', subject: 'feed.>', type: 'stream' },
    { name: 'echo', subject: 'svc.echo', type: 'service' },
  ],
});
/** ACC2: issued by the operator itself, no signing keys, imports ACC1's stream and service. */
const ACC2_JWT = accountJwt(acc2, operator, 'ACC2', {
  imports: [
    { name: 'feed', subject: 'feed.>', account: acc1.getPublicKey(), type: 'stream' },
    { name: 'echo', subject: 'svc.echo', account: acc1.getPublicKey(), type: 'service' },
  ],
});

interface JwtCase {
  name: string;
  jwt: string;
  /** The key that signs the nonce; undefined sends no signature. */
  key?: KeyPair;
  accept: boolean;
}

function config(): string {
  return `operator: ${OPERATOR_JWT}\nresolver: MEMORY\nresolver_preload: {\n  ${acc1.getPublicKey()}: ${ACC1_JWT}\n  ${acc2.getPublicKey()}: ${ACC2_JWT}\n}\n`;
}

for (const kind of SERVERS) {
  describe(`jwt operator mode (${kind})`, { skip: skipFor(kind) }, () => {
    let s: ConfServer;
    before(async () => { s = await startConf(kind, config()); });
    after(async () => { await s?.stop(); });

    const check = async (cases: JwtCase[]) => {
      const results = await Promise.all(cases.map((c) => rawConnect(s.port, (info) => ({ jwt: c.jwt, ...(c.key ? { sig: signNonce(c.key, info.nonce) } : {}) }))));
      cases.forEach((c, i) => {
        const r = results[i];
        assert.equal(r.accepted, c.accept, `${c.name}: got ${JSON.stringify(r.text)}`);
        if (!c.accept) {
          assert.equal(r.text, `${AUTH_VIOLATION}\r\n`, `${c.name}: exact error`);
          assert.equal(r.closed, true, `${c.name}: closed`);
        }
      });
    };

    it('INFO in operator mode: auth_required and a nonce', async () => {
      const conn = await RawConn.open(s.port);
      assert.equal(conn.info.auth_required, true);
      assert.match(String(conn.info.nonce), /^[A-Za-z0-9_-]{11,}$/);
      conn.close();
    });

    it('valid users (signed by the account and by its signing key) are accepted, by JWT + seed and by a creds file', async () => {
      const direct = userJwt(users.valid, acc1);
      const scoped = userJwt(users.valid, acc1Signing, { issuer_account: acc1.getPublicKey() });
      await check([
        { name: 'signed by account', jwt: direct, key: users.valid, accept: true },
        { name: 'signed by account signing key', jwt: scoped, key: users.valid, accept: true },
        { name: 'account signing key without issuer_account', jwt: userJwt(users.valid, acc1Signing), key: users.valid, accept: false },
        { name: 'account without signing keys (ACC2)', jwt: userJwt(users.importer, acc2), key: users.importer, accept: true },
      ]);
      const a = await mustConnect(s.url, { authenticator: jwtAuthenticator(direct, users.valid.getSeed()) });
      await a.flush();
      await a.close();
      const credsFile = path.join(s.dir, 'user.creds');
      writeFileSync(credsFile, credsText(scoped, users.valid));
      const b = await mustConnect(s.url, { authenticator: credsAuthenticator(new Uint8Array(readFileSync(credsFile))) });
      await b.flush();
      await b.close();
    });

    it('expired, revoked, unsigned and untrusted user JWTs are refused with Authorization Violation', async () => {
      await check([
        { name: 'expired', jwt: userJwt(users.valid, acc1, {}, { exp: nowSeconds() - 10 }), key: users.valid, accept: false },
        { name: 'not yet expired', jwt: userJwt(users.valid, acc1, {}, { exp: nowSeconds() + 600 }), key: users.valid, accept: true },
        { name: 'revoked in the account JWT', jwt: userJwt(users.revoked, acc1), key: users.revoked, accept: false },
        { name: 'revoked key, JWT issued after the revocation time', jwt: userJwt(users.revoked, acc1, {}, { iat: nowSeconds() + 7200 }), key: users.revoked, accept: true },
        { name: 'untrusted signer claiming ACC1', jwt: userJwt(users.other, stranger, { issuer_account: acc1.getPublicKey() }), key: users.other, accept: false },
        { name: 'account not known to the resolver', jwt: userJwt(users.other, stranger), key: users.other, accept: false },
        { name: 'nonce signed by another key', jwt: userJwt(users.valid, acc1), key: users.other, accept: false },
        { name: 'no signature, not a bearer token', jwt: userJwt(users.valid, acc1), accept: false },
        { name: 'JWT with its signature cut', jwt: userJwt(users.valid, acc1).replace(/\.[^.]+$/, '.AAAA'), key: users.valid, accept: false },
        { name: 'account JWT presented as user JWT', jwt: ACC1_JWT, key: acc1, accept: false },
      ]);
      const expired = userJwt(users.valid, acc1, {}, { exp: nowSeconds() - 10 });
      assert.match(refusal(await tryConnect(s.url, { authenticator: jwtAuthenticator(expired, users.valid.getSeed()) })), /^AuthorizationError/);
    });

    it('bearer token users connect without a signature', async () => {
      const bearer = userJwt(users.other, acc1, { bearer_token: true });
      await check([
        { name: 'bearer, no sig', jwt: bearer, accept: true },
        { name: 'bearer, with a wrong sig', jwt: bearer, key: users.valid, accept: true },
      ]);
      const nc = await mustConnect(s.url, { authenticator: jwtAuthenticator(bearer) });
      await nc.flush();
      await nc.close();
    });

    it('allowed_connection_types and src CIDRs restrict where a user may connect from', async () => {
      await check([
        { name: 'websocket only', jwt: userJwt(users.valid, acc1, { allowed_connection_types: ['WEBSOCKET'] }), key: users.valid, accept: false },
        { name: 'leafnode + mqtt', jwt: userJwt(users.valid, acc1, { allowed_connection_types: ['LEAFNODE', 'MQTT'] }), key: users.valid, accept: false },
        { name: 'standard', jwt: userJwt(users.valid, acc1, { allowed_connection_types: ['STANDARD'] }), key: users.valid, accept: true },
        { name: 'src elsewhere', jwt: userJwt(users.valid, acc1, { src: ['10.1.0.0/16', '192.168.7.0/24'] }), key: users.valid, accept: false },
        { name: 'src localhost', jwt: userJwt(users.valid, acc1, { src: ['10.1.0.0/16', '127.0.0.1/32'] }), key: users.valid, accept: true },
      ]);
    });

    it('permissions in the user JWT are enforced with the exact errors', async () => {
      const jwt = userJwt(users.valid, acc1, { pub: { allow: ['allowed.>'], deny: ['allowed.secret'] }, sub: { allow: ['allowed.>'] } });
      const conn = await RawConn.open(s.port);
      assert.equal(await conn.roundTrip(`CONNECT ${JSON.stringify({ verbose: false, pedantic: false, jwt, sig: signNonce(users.valid, conn.info.nonce) })}\r\n`), '');
      assert.equal(await conn.roundTrip('SUB allowed.x 1\r\nPUB allowed.x 2\r\nhi\r\n'), 'MSG allowed.x 1 2\r\nhi\r\n');
      assert.equal(await conn.roundTrip('PUB other.x 0\r\n\r\n'), `-ERR 'Permissions Violation for Publish to "other.x"'\r\n`);
      assert.equal(await conn.roundTrip('PUB allowed.secret 0\r\n\r\n'), `-ERR 'Permissions Violation for Publish to "allowed.secret"'\r\n`);
      assert.equal(await conn.roundTrip('SUB other.> 2\r\n'), `-ERR 'Permissions Violation for Subscription to "other.>"'\r\n`);
      assert.equal(conn.closed, false);
      conn.close();
    });

    const pair = async () => ({
      exporter: await mustConnect(s.url, { authenticator: jwtAuthenticator(userJwt(users.valid, acc1), users.valid.getSeed()) }),
      importer: await mustConnect(s.url, { authenticator: jwtAuthenticator(userJwt(users.importer, acc2), users.importer.getSeed()) }),
    });

    it('account JWT service export/import: ACC2 requests ACC1\'s service; the responder sees a _R_ reply subject', async () => {
      const { exporter, importer } = await pair();
      const replies: string[] = [];
      exporter.subscribe('svc.echo', { callback: (_e, m) => { replies.push(m.reply ?? ''); m.respond(`echo:${m.string()}`); } });
      await exporter.flush();
      const answer = await importer.request('svc.echo', 'ping', { timeout: 3000 }).catch((e: Error) => e);
      assert.ok(!(answer instanceof Error), `request across accounts failed: ${String(answer)}`);
      assert.equal(answer.string(), 'echo:ping');
      assert.match(replies[0], /^_R_\./, `responder saw reply ${replies[0]}`);
      await exporter.close();
      await importer.close();
    });

    it('account JWT stream export/import: only the exported stream reaches ACC2; nothing of ACC2 reaches ACC1', async () => {
      const { exporter, importer } = await pair();
      const all = importer.subscribe('>');
      await importer.flush();
      exporter.publish('private.x', 'not for ACC2');
      exporter.publish('feed.news', 'shared');
      await exporter.flush();
      const got = await collect(all, 1);
      assert.deepEqual(got.map((m) => [m.subject, m.string()]), [['feed.news', 'shared']]);
      const back = exporter.subscribe('>');
      await exporter.flush();
      importer.publish('feed.news', 'from ACC2');
      importer.publish('private.y', 'from ACC2');
      await importer.flush();
      exporter.publish('sentinel', '');
      const seen = await collect(back, 1);
      assert.deepEqual(seen.map((m) => m.subject), ['sentinel']);
      await exporter.close();
      await importer.close();
    });
  });
}

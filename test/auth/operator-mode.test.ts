// Tests for operator mode: user JWT chains valid and refused, signing keys, scopes, bearer, limits, revocation.

import test from 'node:test';
import assert from 'node:assert/strict';
import { createAccount, createOperator, createUser, type KeyPair } from '@nats-io/nkeys';
import { createAuthenticator, type AuthContext, type AuthOutcome, type Authenticator } from '../../src/auth/authenticator.js';
import { encodeJwt } from '../../src/auth/jwt.js';
import { accountJwt, makeChain, nowSeconds, operatorJwt, signNonce, userJwt, type Chain } from './fixtures.js';

function operatorAuth(chain: Chain, accountToken = chain.accountJwt, extra: { pinned?: string[]; operatorToken?: string } = {}): Authenticator {
  const { authenticator, errors } = createAuthenticator({
    authorization: {},
    operatorJwts: [extra.operatorToken ?? chain.operatorJwt],
    resolver: { type: 'memory' },
    resolverPreload: { [chain.account.getPublicKey()]: accountToken },
    resolverPinnedAccounts: extra.pinned,
  });
  assert.deepEqual(errors, []);
  return authenticator;
}

function connect(a: Authenticator, jwt: string, key: KeyPair | null, context: Partial<AuthContext> = {}): AuthOutcome | Promise<AuthOutcome> {
  const nonce = a.generateNonce();
  return a.authenticate({ connect: { jwt, ...(key ? { sig: signNonce(key, nonce) } : {}) }, nonce, remoteAddress: '127.0.0.1', ...context });
}

async function reason(outcome: AuthOutcome | Promise<AuthOutcome>): Promise<string> {
  const r = await outcome;
  return r.ok ? 'ok' : r.reason;
}

test('operator mode - a user signed by the account connects, synchronously with a preloaded account', () => {
  const chain = makeChain();
  const a = operatorAuth(chain);
  assert.equal(a.authRequired, true);
  assert.equal(a.nonceRequired, true);
  const exp = nowSeconds() + 3600;
  const r = connect(a, userJwt(chain.user, chain.account, { pub: { allow: ['app.>'] } }, { exp }), chain.user);
  assert.ok(!(r instanceof Promise), 'no I/O needed');
  assert.ok(r.ok && r.method === 'jwt');
  assert.equal(r.account, chain.account.getPublicKey());
  assert.equal(r.user, chain.user.getPublicKey());
  assert.equal(r.expiresAt, exp * 1000);
  assert.equal(r.permissions?.canPublish('app.x'), true);
  assert.equal(r.permissions?.canPublish('other'), false);
  assert.equal(r.accountClaims?.sub, chain.account.getPublicKey());
  assert.equal(r.signingKey, undefined);
});

test('operator mode - a user signed by an account signing key connects; an unknown key does not', async () => {
  const chain = makeChain();
  const a = operatorAuth(chain);
  const viaSigningKey = await connect(a, userJwt(chain.user, chain.accountSigning, { issuer_account: chain.account.getPublicKey() }), chain.user);
  assert.ok(viaSigningKey.ok && viaSigningKey.signingKey === chain.accountSigning.getPublicKey());
  assert.equal(await reason(connect(a, userJwt(chain.user, createAccount(), { issuer_account: chain.account.getPublicKey() }), chain.user)), 'User JWT issuer is not known');
  assert.match(await reason(connect(a, userJwt(chain.user, createAccount()), chain.user)), /^Account JWT lookup error: account A\w+ not found$/);
});

test('operator mode - expired, not yet valid and revoked users are refused', async () => {
  const chain = makeChain();
  const now = nowSeconds();
  const a = operatorAuth(chain);
  assert.equal(await reason(connect(a, userJwt(chain.user, chain.account, {}, { exp: now - 1 }), chain.user)), 'User JWT no longer valid: claim is expired');
  assert.equal(await reason(connect(a, userJwt(chain.user, chain.account, {}, { nbf: now + 60 }), chain.user)), 'User JWT no longer valid: claim is not yet valid');
  const revoked = operatorAuth(chain, accountJwt(chain.account, chain.operatorSigning, { revocations: { [chain.user.getPublicKey()]: now } }));
  assert.equal(await reason(connect(revoked, userJwt(chain.user, chain.account, {}, { iat: now - 10 }), chain.user)), 'User authentication revoked');
  assert.equal(await reason(connect(revoked, userJwt(chain.user, chain.account, {}, { iat: now + 1 }), chain.user)), 'ok', 'issued after the revocation');
  const all = operatorAuth(chain, accountJwt(chain.account, chain.operatorSigning, { revocations: { '*': now } }));
  assert.equal(await reason(connect(all, userJwt(createUser(), chain.account, {}, { iat: now - 1 }), null)), 'Signature missing');
  const other = createUser();
  assert.equal(await reason(connect(all, userJwt(other, chain.account, {}, { iat: now - 1 }), other)), 'User authentication revoked', '"*" revokes everyone');
});

test('operator mode - accounts must be signed by a trusted operator key, valid and unexpired', async () => {
  const chain = makeChain();
  const user = userJwt(chain.user, chain.account);
  const untrusted = operatorAuth(chain, accountJwt(chain.account, createOperator()));
  assert.equal(await reason(connect(untrusted, user, chain.user)), 'Account JWT not signed by trusted operator');
  const selfSigned = operatorAuth(chain, accountJwt(chain.account, chain.account));
  assert.equal(await reason(connect(selfSigned, user, chain.user)), 'Account JWT not signed by trusted operator');
  const byIdentity = operatorAuth(chain, accountJwt(chain.account, chain.operator));
  assert.equal(await reason(connect(byIdentity, user, chain.user)), 'ok', 'the operator identity key is trusted too');
  const expired = operatorAuth(chain, accountJwt(chain.account, chain.operatorSigning, {}, { exp: nowSeconds() - 1 }));
  assert.equal(await reason(connect(expired, user, chain.user)), 'Account JWT has expired');
  const pinned = operatorAuth(chain, chain.accountJwt, { pinned: [createAccount().getPublicKey()] });
  assert.match(await reason(connect(pinned, user, chain.user)), /not listed as operator pinned account/);
});

test('operator mode - strict signing key usage: only signing keys sign accounts and users', async () => {
  const operator = createOperator();
  const opSigning = createOperator();
  const account = createAccount();
  const accSigning = createAccount();
  const user = createUser();
  const strictOp = operatorJwt(operator, { signing_keys: [opSigning.getPublicKey()], strict_signing_key_usage: true });
  const chain = { operator, operatorSigning: opSigning, operatorJwt: strictOp, account, accountSigning: accSigning, accountJwt: '', user };
  const good = accountJwt(account, opSigning, { signing_keys: [accSigning.getPublicKey()] });
  const a = operatorAuth({ ...chain, accountJwt: good }, good);
  assert.equal(await reason(connect(a, userJwt(user, accSigning, { issuer_account: account.getPublicKey() }), user)), 'ok');
  assert.equal(await reason(connect(a, userJwt(user, account), user)), 'User JWT issuer is not known', 'the account identity key may not sign users');
  const byIdentity = accountJwt(account, operator);
  const { authenticator, warnings } = createAuthenticator({ authorization: {}, operatorJwts: [strictOp], resolver: { type: 'memory' }, resolverPreload: { [account.getPublicKey()]: byIdentity } });
  assert.ok(warnings.some((e) => e.includes('operator requires issuer to be a signing key')), JSON.stringify(warnings));
  assert.match(await reason(connect(authenticator, userJwt(user, accSigning, { issuer_account: account.getPublicKey() }), user)), /^Account JWT lookup error: operator requires issuer to be a signing key/);
});

test('operator mode - bearer tokens skip the nonce signature unless the account disallows them', async () => {
  const chain = makeChain();
  const a = operatorAuth(chain);
  const bearer = userJwt(chain.user, chain.account, { bearer_token: true });
  assert.equal(await reason(connect(a, bearer, null)), 'ok');
  assert.equal(await reason(connect(a, userJwt(chain.user, chain.account), null)), 'Signature missing');
  assert.equal(await reason(a.authenticate({ connect: { jwt: userJwt(chain.user, chain.account), sig: 'AAAA' }, nonce: 'n' })), 'Signature not verified');
  const strict = operatorAuth(chain, accountJwt(chain.account, chain.operatorSigning, { limits: { disallow_bearer: true } }));
  assert.equal(await reason(connect(strict, bearer, null)), 'Account does not allow bearer tokens');
});

test('operator mode - connection types, source networks and time windows', async () => {
  const chain = makeChain();
  const a = operatorAuth(chain);
  const ws = userJwt(chain.user, chain.account, { allowed_connection_types: ['WEBSOCKET', 'MQTT_WS'] });
  assert.equal(await reason(connect(a, ws, chain.user)), 'Connection type not allowed');
  assert.equal(await reason(connect(a, ws, chain.user, { connectionType: 'WEBSOCKET' })), 'ok');
  const unknownOnly = userJwt(chain.user, chain.account, { allowed_connection_types: ['PIGEON'] });
  assert.match(await reason(connect(a, unknownOnly, chain.user)), /^Connection type not allowed/);
  const partlyUnknown = userJwt(chain.user, chain.account, { allowed_connection_types: ['PIGEON', 'STANDARD'] });
  assert.equal(await reason(connect(a, partlyUnknown, chain.user)), 'ok');
  const src = userJwt(chain.user, chain.account, { src: ['192.168.0.0/16', '2001:db8::/32'] });
  assert.equal(await reason(connect(a, src, chain.user, { remoteAddress: '192.168.4.5' })), 'ok');
  assert.equal(await reason(connect(a, src, chain.user, { remoteAddress: '::ffff:192.168.4.5' })), 'ok', 'IPv4-mapped');
  assert.equal(await reason(connect(a, src, chain.user, { remoteAddress: '2001:db8::7' })), 'ok');
  assert.equal(await reason(connect(a, src, chain.user, { remoteAddress: '10.1.1.1' })), 'Bad src Ip 10.1.1.1');
  assert.equal(await reason(connect(a, src, chain.user, { remoteAddress: undefined })), 'Bad src Ip ');
  const noon = Date.UTC(2024, 0, 10, 12, 0, 0);
  const times = userJwt(chain.user, chain.account, { times: [{ start: '09:00:00', end: '17:00:00' }], times_location: 'UTC' });
  const inside = await connect(a, times, chain.user, { now: noon });
  assert.ok(inside.ok && inside.expiresAt === noon + 5 * 3600_000, 'closes at the end of the window');
  assert.equal(await reason(connect(a, times, chain.user, { now: noon + 6 * 3600_000 })), 'Outside connect times');
  const overnight = userJwt(chain.user, chain.account, { times: [{ start: '22:00:00', end: '02:00:00' }], times_location: 'UTC' });
  assert.equal(await reason(connect(a, overnight, chain.user, { now: Date.UTC(2024, 0, 10, 23, 0, 0) })), 'ok');
  assert.equal(await reason(connect(a, overnight, chain.user, { now: Date.UTC(2024, 0, 10, 1, 0, 0) })), 'Outside connect times', 'as nats-server: an overnight window starts today');
  const tokyo = userJwt(chain.user, chain.account, { times: [{ start: '20:00:00', end: '22:00:00' }], times_location: 'Asia/Tokyo' });
  assert.equal(await reason(connect(a, tokyo, chain.user, { now: noon })), 'ok', '12:00 UTC is 21:00 in Tokyo');
});

test('operator mode - account default permissions and scoped signing key templates', async () => {
  const chain = makeChain();
  const scopeKey = createAccount();
  const scope = { kind: 'user_template', key: scopeKey.getPublicKey(), role: 'dev', template: { pub: { allow: ['dev.{{name()}}.>', 'tag.{{tag(team)}}'] }, sub: { allow: ['_INBOX.>'] }, subs: -1, data: -1, payload: -1 } };
  const account = accountJwt(chain.account, chain.operatorSigning, { signing_keys: [chain.accountSigning.getPublicKey(), scope], default_permissions: { pub: { deny: ['forbidden'] } } });
  const a = operatorAuth(chain, account);
  const plain = await connect(a, userJwt(chain.user, chain.account), chain.user);
  assert.ok(plain.ok && plain.permissions?.canPublish('forbidden') === false && plain.permissions.canPublish('ok') === true, 'account defaults');
  const scoped = await connect(a, encodeJwt({ sub: chain.user.getPublicKey(), name: 'ann', nats: { type: 'user', issuer_account: chain.account.getPublicKey(), tags: ['team:blue', 'team:red'], subs: -1, data: -1, payload: -1 } }, scopeKey), chain.user);
  assert.ok(scoped.ok, scoped.ok ? '' : scoped.reason);
  const p = scoped.permissions!;
  assert.deepEqual([p.canPublish('dev.ann.x'), p.canPublish('dev.bob.x'), p.canPublish('tag.blue'), p.canPublish('tag.red'), p.canPublish('tag.green')], [true, false, true, true, false]);
  assert.equal(p.canSubscribe('_INBOX.1'), true);
  assert.equal(p.canSubscribe('other'), false);
  const withLimits = userJwt(chain.user, scopeKey, { issuer_account: chain.account.getPublicKey(), pub: { allow: ['>'] } });
  assert.equal(await reason(connect(a, withLimits, chain.user)), 'User JWT is not valid: scoped users require no permissions or limits set');
});

test('operator mode - missing or malformed JWTs are refused with nats-server reasons', async () => {
  const chain = makeChain();
  const a = operatorAuth(chain);
  assert.equal(await reason(a.authenticate({ connect: { user: 'x', pass: 'y' } })), 'Authentication requires a user JWT');
  assert.match(await reason(a.authenticate({ connect: { jwt: 'a.b.c' } })), /^User JWT not valid: /);
  assert.match(await reason(a.authenticate({ connect: { jwt: chain.accountJwt } })), /^User JWT not valid: not user claim/);
});

test('operator mode - an account fetched asynchronously (resolver miss) still decides', async () => {
  const chain = makeChain();
  const { authenticator, errors } = createAuthenticator({ authorization: {}, operatorJwts: [chain.operatorJwt], resolver: { type: 'url', url: 'http://resolver.invalid/jwt/v1/accounts' } }, {
    fetchImpl: (async (url: string | URL | Request) => new Response(String(url).endsWith(chain.account.getPublicKey()) ? chain.accountJwt : 'nope', { status: String(url).endsWith(chain.account.getPublicKey()) ? 200 : 404 })) as typeof fetch,
  });
  assert.deepEqual(errors, []);
  const first = connect(authenticator, userJwt(chain.user, chain.account), chain.user);
  assert.ok(first instanceof Promise);
  assert.equal(await reason(first), 'ok');
  const second = connect(authenticator, userJwt(chain.user, chain.account), chain.user);
  assert.ok(!(second instanceof Promise), 'cached after the first fetch');
});

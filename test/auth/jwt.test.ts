// Tests for JWT decoding, signature and issuer checks, validation issues, and the encoder.

import test from 'node:test';
import assert from 'node:assert/strict';
import { createAccount, createOperator, createUser } from '@nats-io/nkeys';
import { decodeAccountJwt, decodeJwt, decodeOperatorJwt, decodeUserJwt, encodeJwt, extractJwt, isBlocking, validateClaims } from '../../src/auth/jwt.js';
import { accountJwt, makeChain, nowSeconds, userJwt } from './fixtures.js';

function b64(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

test('jwt - an operator -> account -> user chain round-trips through the encoder', () => {
  const chain = makeChain({ revocations: { UABC: 5 }, exports: [{ name: 'svc', subject: 'svc.>', type: 'service', response_type: 'Stream' }] });
  const op = decodeOperatorJwt(chain.operatorJwt);
  assert.ok(op.ok);
  assert.equal(op.claims.iss, chain.operator.getPublicKey());
  assert.deepEqual(op.claims.signingKeys, [chain.operatorSigning.getPublicKey()]);
  const acc = decodeAccountJwt(chain.accountJwt);
  assert.ok(acc.ok);
  assert.equal(acc.claims.iss, chain.operatorSigning.getPublicKey());
  assert.equal(acc.claims.sub, chain.account.getPublicKey());
  assert.equal(acc.claims.version, 2);
  assert.equal(acc.claims.revocations.get('UABC'), 5);
  assert.equal(acc.claims.exports[0].responseType, 'Stream');
  assert.ok(acc.claims.signingKeys.has(chain.accountSigning.getPublicKey()));
  assert.equal(acc.claims.limits.conn, -1);
  const token = userJwt(chain.user, chain.accountSigning, { issuer_account: chain.account.getPublicKey(), pub: { allow: ['a.>'] }, sub: { deny: ['b'] }, resp: { max: 3, ttl: 5e9 }, bearer_token: true, src: '10.0.0.0/8, 192.168.1.0/24', times: [{ start: '08:00:00', end: '17:00:00' }], times_location: 'UTC', allowed_connection_types: ['STANDARD'] });
  const user = decodeUserJwt(token);
  assert.ok(user.ok);
  const u = user.claims;
  assert.equal(u.issuerAccount, chain.account.getPublicKey());
  assert.deepEqual(u.publish.allow, ['a.>']);
  assert.deepEqual(u.subscribe.deny, ['b']);
  assert.deepEqual(u.response, { max: 3, ttl: 5e9 });
  assert.equal(u.bearerToken, true);
  assert.deepEqual(u.src, ['10.0.0.0/8', '192.168.1.0/24'], 'comma-separated src');
  assert.deepEqual(u.times, [{ start: '08:00:00', end: '17:00:00' }]);
  assert.equal(u.timesLocation, 'UTC');
  assert.match(u.jti, /^[A-Z2-7]{52}$/);
  assert.deepEqual(validateClaims(u), []);
});

test('jwt - the header must be typ JWT with an ed25519 algorithm', () => {
  const user = createUser();
  const account = createAccount();
  const good = userJwt(user, account);
  const [, payload, signature] = good.split('.');
  for (const header of [{ typ: 'JWT', alg: 'HS256' }, { typ: 'JOSE', alg: 'ed25519-nkey' }, { alg: 'ed25519-nkey' }, 'not json', [1]]) {
    const r = decodeJwt(`${b64(header)}.${payload}.${signature}`);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.code, 'header');
  }
  const lower = decodeJwt(`${b64({ typ: 'jwt', alg: 'ED25519-NKEY' })}.${payload}.${signature}`);
  assert.equal(!lower.ok && lower.error.code, 'signature', 'case-insensitive header accepted; signature then no longer matches');
});

test('jwt - tampering, wrong keys and malformed tokens are refused with typed errors', () => {
  const user = createUser();
  const account = createAccount();
  const token = userJwt(user, account, { pub: { allow: ['x'] } });
  const [h, p, s] = token.split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
  payload.nats.pub.allow = ['>'];
  assert.equal((decodeJwt(`${h}.${b64(payload)}.${s}`) as { error: { code: string } }).error.code, 'signature');
  payload.iss = createAccount().getPublicKey();
  assert.equal((decodeJwt(`${h}.${b64(payload)}.${s}`) as { error: { code: string } }).error.code, 'signature');
  const cases: [unknown, string][] = [
    ['a.b', 'format'],
    ['a.b.c.d', 'format'],
    [42, 'format'],
    [`${h}.${p}.%%%`, 'signature'],
    [`${h}.@@@.${s}`, 'payload'],
    [`${h}.${b64('[1,2]')}.${s}`, 'payload'],
    [`${h}.${b64({ type: 'user', sub: 'x' })}.${s}`, 'version'],
    [`${h}.${b64({ sub: 'x', nats: { type: 'user', version: 3 } })}.${s}`, 'version'],
    [`${h}.${b64({ sub: 'x', iat: 'yesterday', nats: { type: 'user', version: 2 } })}.${s}`, 'payload'],
    [`${h}.${b64({ sub: 'x', nats: { type: 'user', version: 2, pub: { allow: 'x' } } })}.${s}`, 'payload'],
  ];
  for (const [input, code] of cases) {
    const r = decodeJwt(input);
    assert.equal(r.ok, false, String(input));
    assert.equal(!r.ok && r.error.code, code, String(input).slice(0, 40));
  }
});

test('jwt - issuers must be of the kind nats-io/jwt expects for the claim type', () => {
  const operator = createOperator();
  const user = createUser();
  const byOperator = userJwt(user, operator);
  const r = decodeUserJwt(byOperator);
  assert.equal(!r.ok && r.error.code, 'issuer', 'user JWTs are issued by accounts');
  const selfSigned = accountJwt(createAccount(), createAccount());
  assert.ok(decodeAccountJwt(selfSigned).ok, 'accounts may be signed by an account key (trust is checked later)');
  const acct = decodeAccountJwt(userJwt(user, createAccount()));
  assert.equal(!acct.ok && acct.error.code, 'claim-type');
  const opByAccount = encodeJwt({ sub: operator.getPublicKey(), nats: { type: 'operator' } }, createAccount());
  assert.equal((decodeJwt(opByAccount) as { error: { code: string } }).error.code, 'issuer');
});

test('jwt - expiry and not-before are time issues; bad contents are blocking issues', () => {
  const user = createUser();
  const account = createAccount();
  const now = nowSeconds();
  const expired = decodeUserJwt(userJwt(user, account, {}, { exp: now - 10 }));
  assert.ok(expired.ok);
  const issues = validateClaims(expired.claims, now);
  assert.deepEqual(issues.map((i) => i.message), ['claim is expired']);
  assert.equal(isBlocking(issues, true), true);
  assert.equal(isBlocking(issues, false), false);
  const early = decodeUserJwt(userJwt(user, account, {}, { nbf: now + 60 }));
  assert.ok(early.ok);
  assert.deepEqual(validateClaims(early.claims, now).map((i) => i.message), ['claim is not yet valid']);
  assert.deepEqual(validateClaims(early.claims, now + 61), []);
  const bad = decodeUserJwt(userJwt(user, account, { src: ['10.0.0.1'], times: [{ start: '25:00:00', end: '1:00' }], times_location: 'Mars/Olympus', pub: { allow: ['a b'] }, sub: { allow: ['a b c', 'x..y'] }, issuer_account: 'nope' }));
  assert.ok(bad.ok);
  const messages = validateClaims(bad.claims, now).map((i) => i.message);
  for (const expected of ['invalid cidr "10.0.0.1" in user src limits', 'start in time range is invalid "25:00:00"', 'end in time range is invalid "1:00"', 'Permission Subject "a b" is not allowed to contain queue', 'Permission Subject "a b c" contains too many spaces', 'account_id is not an account public key']) {
    assert.ok(messages.includes(expected), `${expected} in ${JSON.stringify(messages)}`);
  }
  assert.ok(messages.some((m) => m.startsWith('could not parse iana time zone')));
  assert.ok(messages.some((m) => m.includes('consecutive')));
});

test('jwt - decorated credential files yield the bare token', () => {
  const token = makeChain().operatorJwt;
  const decorated = `-----BEGIN NATS OPERATOR JWT-----\n${token}\n------END NATS OPERATOR JWT------\n\n************************* IMPORTANT *************************\n`;
  assert.equal(extractJwt(decorated), token);
  assert.equal(extractJwt(`  ${token}\n`), token);
});

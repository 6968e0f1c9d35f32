// Tests for the authenticator with configured credentials: token, users, bcrypt, nkeys, no_auth_user, accounts, TLS map.

import test from 'node:test';
import assert from 'node:assert/strict';
import bcrypt from 'bcryptjs';
import { createUser } from '@nats-io/nkeys';
import { createAuthenticator, type AuthContext, type AuthOptions, type AuthOutcome } from '../../src/auth/authenticator.js';
import { signNonce } from './fixtures.js';

function auth(options: Partial<AuthOptions>) {
  const { authenticator, errors } = createAuthenticator({ authorization: {}, ...options });
  assert.deepEqual(errors, []);
  return authenticator;
}

async function run(options: Partial<AuthOptions>, context: Partial<AuthContext>): Promise<AuthOutcome> {
  return auth(options).authenticateAsync({ connect: {}, ...context });
}

test('authenticator - no authorization configured accepts everyone into $G', async () => {
  const a = auth({});
  assert.equal(a.authRequired, false);
  assert.equal(a.nonceRequired, false);
  const r = a.authenticate({ connect: { user: 'x', pass: 'y' } });
  assert.deepEqual(r, { ok: true, method: 'none', user: '', account: '$G', permissions: null });
});

test('authenticator - token, plain and bcrypt', async () => {
  const plain = auth({ authorization: { token: 's3cr3t' } });
  assert.equal(plain.authRequired, true);
  const ok = plain.authenticate({ connect: { authToken: 's3cr3t' } });
  assert.ok(!(ok instanceof Promise) && ok.ok && ok.method === 'token', 'plain tokens are checked synchronously');
  const bad = plain.authenticate({ connect: { authToken: 'nope' } }) as AuthOutcome;
  assert.equal(bad.ok, false);
  assert.ok(!bad.ok && !bad.reason.includes('s3cr3t') && !bad.reason.includes('nope'), 'no secret in the reason');
  const hash = bcrypt.hashSync('tok', 4);
  const hashed = auth({ authorization: { token: hash } });
  const pending = hashed.authenticate({ connect: { authToken: 'tok' } });
  assert.ok(pending instanceof Promise, 'bcrypt runs asynchronously');
  assert.equal((await pending).ok, true);
  assert.equal((await hashed.authenticateAsync({ connect: { authToken: 'tik' } })).ok, false);
  assert.equal((await hashed.authenticateAsync({ connect: {} })).ok, false);
});

test('authenticator - single user and users list, plain and bcrypt', async () => {
  assert.equal((await run({ authorization: { user: 'u', password: 'p' } }, { connect: { user: 'u', pass: 'p' } })).ok, true);
  assert.equal((await run({ authorization: { user: 'u', password: 'p' } }, { connect: { user: 'u', pass: 'x' } })).ok, false);
  assert.equal((await run({ authorization: { user: 'u', password: 'p' } }, { connect: { user: 'v', pass: 'p' } })).ok, false);
  const users = { authorization: { users: [{ user: 'alice', password: 'pa' }, { user: 'bob', password: bcrypt.hashSync('pb', 4) }] } };
  const alice = await run(users, { connect: { user: 'alice', pass: 'pa' } });
  assert.ok(alice.ok && alice.user === 'alice' && alice.account === '$G' && alice.method === 'password');
  assert.equal((await run(users, { connect: { user: 'bob', pass: 'pb' } })).ok, true);
  assert.equal((await run(users, { connect: { user: 'bob', pass: 'pa' } })).ok, false);
  const unknown = await run(users, { connect: { user: 'carol', pass: 'pa' } });
  assert.ok(!unknown.ok && unknown.reason === 'no user "carol"');
  assert.equal((await run(users, { connect: {} })).ok, false);
});

test('authenticator - nkey users sign the nonce', async () => {
  const key = createUser();
  const options = { authorization: { users: [{ nkey: key.getPublicKey(), permissions: { publish: { allow: ['x'] } } }, { user: 'pw', password: 'pw' }] } };
  const a = auth(options);
  assert.equal(a.nonceRequired, true);
  const nonce = a.generateNonce();
  const r = await a.authenticateAsync({ connect: { nkey: key.getPublicKey(), sig: signNonce(key, nonce) }, nonce });
  assert.ok(r.ok && r.method === 'nkey' && r.nkey === key.getPublicKey());
  assert.equal(r.ok && r.permissions?.canPublish('x'), true);
  assert.equal(r.ok && r.permissions?.canPublish('y'), false);
  const reasons = [
    { connect: { nkey: key.getPublicKey() }, nonce },
    { connect: { nkey: key.getPublicKey(), sig: '***' }, nonce },
    { connect: { nkey: key.getPublicKey(), sig: signNonce(key, 'other') }, nonce },
    { connect: { nkey: createUser().getPublicKey(), sig: signNonce(key, nonce) }, nonce },
  ].map((c) => (a.authenticate(c) as AuthOutcome));
  assert.deepEqual(reasons.map((o) => (o.ok ? 'ok' : o.reason)), ['Signature missing', 'Signature not valid base64', 'Signature not verified', 'unknown nkey']);
  assert.equal((await a.authenticateAsync({ connect: { user: 'pw', pass: 'pw' }, nonce })).ok, true, 'password users next to nkey users');
});

test('authenticator - no_auth_user takes credential-less clients; default_permissions apply', async () => {
  const options = {
    authorization: { users: [{ user: 'anon', password: 'x' }, { user: 'root', password: 'r', permissions: { publish: { allow: ['>'] } } }], defaultPermissions: { publish: { deny: ['secret.>'] } } },
    noAuthUser: 'anon',
  };
  const anon = await run(options, { connect: {} });
  assert.ok(anon.ok && anon.user === 'anon');
  assert.equal(anon.ok && anon.permissions?.canPublish('secret.x'), false, 'defaults for a user without permissions');
  const root = await run(options, { connect: { user: 'root', pass: 'r' } });
  assert.equal(root.ok && root.permissions?.canPublish('secret.x'), true, 'explicit permissions replace defaults');
  assert.equal((await run(options, { connect: { user: 'anon', pass: 'wrong' } })).ok, false, 'credentials given are checked');
});

test('authenticator - users in accounts name their account; account default permissions', async () => {
  const options: Partial<AuthOptions> = {
    authorization: { users: [{ user: 'g', password: 'g' }] },
    accounts: {
      A: { users: [{ user: 'a1', password: 'a1' }, { user: 'a2', password: 'a2', permissions: { subscribe: { deny: ['x'] } } }], defaultPermissions: { publish: { allow: ['a.>'] } } },
      B: { users: [{ user: 'b1', password: 'b1', allowedConnectionTypes: ['websocket'] }] },
    },
  };
  const a1 = await run(options, { connect: { user: 'a1', pass: 'a1' } });
  assert.ok(a1.ok && a1.account === 'A');
  assert.equal(a1.ok && a1.permissions?.canPublish('b.x'), false);
  const a2 = await run(options, { connect: { user: 'a2', pass: 'a2' } });
  assert.ok(a2.ok && a2.permissions?.canPublish('b.x') === true && a2.permissions.canSubscribe('x') === false);
  const g = await run(options, { connect: { user: 'g', pass: 'g' } });
  assert.ok(g.ok && g.account === '$G' && g.permissions === null);
  assert.equal((await run(options, { connect: { user: 'b1', pass: 'b1' } })).ok, false, 'STANDARD not allowed');
  const ws = await run(options, { connect: { user: 'b1', pass: 'b1' }, connectionType: 'WEBSOCKET' });
  assert.ok(ws.ok && ws.account === 'B');
});

test('authenticator - verify_and_map maps certificate identities to users', async () => {
  const options: Partial<AuthOptions> = {
    tlsMap: true,
    authorization: { users: [{ user: 'alice@example.com' }, { user: 'CN=bob,OU=eng,O=Acme' }, { user: 'carol.example.com', password: 'needed' }] },
  };
  const identity = (subject: [string, string][][], more: Partial<{ emails: string[]; dnsNames: string[] }> = {}) => ({ subject, emails: more.emails ?? [], dnsNames: more.dnsNames ?? [], uris: [] });
  const byEmail = await run(options, { tls: identity([[['CN', 'x']]], { emails: ['alice@example.com'] }) });
  assert.ok(byEmail.ok && byEmail.user === 'alice@example.com' && byEmail.method === 'tls');
  const byDn = await run(options, { tls: identity([[['O', 'Acme']], [['OU', 'eng']], [['CN', 'bob']]]) });
  assert.ok(byDn.ok && byDn.user === 'CN=bob,OU=eng,O=Acme');
  const reordered = await run(options, { tls: identity([[['CN', 'bob']], [['O', 'Acme']], [['OU', 'eng']]]) });
  assert.ok(reordered.ok && reordered.user === 'CN=bob,OU=eng,O=Acme', 'RDNs in another order still match');
  assert.equal((await run(options, { tls: identity([[['CN', 'mallory']]]) })).ok, false);
  assert.equal((await run(options, {})).ok, false, 'no certificate');
  assert.equal((await run(options, { tls: identity([], { dnsNames: ['carol.example.com'] }) })).ok, false, 'a password in the entry must be sent too');
  assert.equal((await run(options, { tls: identity([], { dnsNames: ['carol.example.com'] }), connect: { pass: 'needed' } })).ok, true);
});

test('authenticator - configuration errors are collected as nats-server reports them', () => {
  const cases: [Partial<AuthOptions>, string][] = [
    [{ noAuthUser: 'x' }, 'no_auth_user: "x" present, but users are not defined'],
    [{ noAuthUser: 'x', authorization: { users: [{ user: 'y', password: 'y' }] } }, 'no_auth_user: "x" not present as user in authorization block or account configuration'],
    [{ authorization: { users: [{ user: 'y', password: 'y' }] }, accounts: { A: { users: [{ user: 'y', password: 'z' }] } } }, 'Duplicate user "y" detected'],
    [{ authorization: { users: [{ nkey: 'UBAD' }] } }, 'Not a valid public nkey for a user: "UBAD"'],
    [{ authorization: { users: [{ user: 'y', allowedConnectionTypes: ['CARRIER_PIGEON'] }] } }, 'unknown connection type "CARRIER_PIGEON"'],
    [{ trustedKeys: ['OBAD'] }, 'operators require an account resolver to be configured'],
    [{ trustedKeys: ['OBAD'], resolver: { type: 'memory' } }, 'trusted Keys "OBAD" are required to be a valid public operator nkey'],
    [{ operatorJwts: ['not a jwt'], resolver: { type: 'memory' } }, 'operator JWT: expected 3 chunks'],
  ];
  for (const [options, expected] of cases) {
    const { errors } = createAuthenticator({ authorization: {}, ...options });
    assert.ok(errors.includes(expected), `${expected} in ${JSON.stringify(errors)}`);
  }
});

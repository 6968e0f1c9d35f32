// Auth callout configuration: `authorization { auth_callout {...} }` parsed and checked as nats-server 2.10 does, and reload refused.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount, createCurve, createOperator, createUser } from '@nats-io/nkeys';
import { createAuthenticator } from '../../src/auth/authenticator.js';
import { bypassesCallout, calloutTimeoutMs, denyCalloutSubject } from '../../src/auth/auth-callout.js';
import { loadOptions, type LoadResult } from '../../src/config/flags.js';
import { diffOptions } from '../../src/config/option-table.js';
import { parseConnectOptions, type ConnectOptions } from '../../src/protocol/connect-options.js';

const ISSUER = createAccount().getPublicKey();
const XKEY = createCurve().getPublicKey();

function load(text: string): LoadResult {
  return loadOptions(['-c', 't.conf'], { env: {}, readFile: () => text });
}

function errors(text: string): string[] {
  return load(text).errors.map((error) => error.message.replace(/^t\.conf:\d+:\d+: /, ''));
}

function withCallout(callout: string, users = 'users: [ { user: auth, password: pwd } ]'): string {
  return `authorization {\n  ${users}\n  auth_callout {\n    ${callout}\n  }\n}\n`;
}

function connect(fields: Record<string, unknown>): ConnectOptions {
  return parseConnectOptions(JSON.stringify(fields)) as ConnectOptions;
}

describe('auth callout config', () => {
  it('auth callout config - issuer, auth_users, account and xkey are read; the account defaults to $G', () => {
    const full = load(`accounts { AUTH { users: [ { user: auth, password: pwd } ] } }\nauthorization { auth_callout { issuer: ${ISSUER}, auth_users: [ auth ], account: AUTH, xkey: ${XKEY} } }`);
    assert.deepEqual(full.errors, []);
    assert.deepEqual(full.options.authorization.callout, { issuer: ISSUER, authUsers: ['auth'], account: 'AUTH', xkey: XKEY });
    const aliases = load(withCallout(`issuer: ${ISSUER}\n users: [ auth ]\n key: ${XKEY}`).replace('auth_callout', 'auth_hook'));
    assert.deepEqual(aliases.errors, []);
    assert.deepEqual(aliases.options.authorization.callout, { issuer: ISSUER, authUsers: ['auth'], account: '$G', xkey: XKEY });
  });

  it('auth callout config - nats-server\'s errors: keys of the wrong kind, missing issuer or auth users', () => {
    const userKey = createUser().getPublicKey();
    assert.deepEqual(errors(withCallout(`issuer: ${userKey}, auth_users: [ auth ]`)), [`Expected callout user to be a valid public account nkey, got "${userKey}"`]);
    assert.deepEqual(errors(withCallout(`issuer: ${ISSUER}, auth_users: [ auth ], xkey: ${ISSUER}`)), [`Expected callout xkey to be a valid public xkey, got "${ISSUER}"`]);
    assert.deepEqual(errors(withCallout('auth_users: [ auth ]')), ['Authorization callouts require an issuer to be specified']);
    assert.deepEqual(errors(withCallout(`issuer: ${ISSUER}`)), ['Authorization callouts require authorized users to be specified']);
    assert.deepEqual(errors(withCallout(`issuer: ${ISSUER}, auth_users: auth`)), ['Expected auth_users field to be an array, got string "auth"']);
    assert.deepEqual(errors('authorization { auth_callout: true }'), ['Expected authorization callout to be a map/struct, got boolean true']);
  });

  it('auth callout config - auth users must be configured users (or nkeys) and the account must exist', () => {
    assert.deepEqual(errors(withCallout(`issuer: ${ISSUER}, auth_users: [ auth, ghost ]`)), ['Authorization callout user "ghost" not valid']);
    assert.deepEqual(errors(withCallout(`issuer: ${ISSUER}, auth_users: [ auth ], account: NOPE`)), ['Authorization callout account "NOPE" not valid']);
    const nkey = createUser().getPublicKey();
    assert.deepEqual(errors(withCallout(`issuer: ${ISSUER}, auth_users: [ ${nkey} ]`, `users: [ { nkey: ${nkey} } ]`)), []);
    assert.deepEqual(errors(`accounts { AUTH { users: [ { user: svc, password: p } ] } }\n${withCallout(`issuer: ${ISSUER}, auth_users: [ svc ], account: AUTH`, '')}`), []);
  });

  it('auth callout config - unknown keys are refused; allowed_accounts is not supported yet', () => {
    assert.match(errors(withCallout(`issuer: ${ISSUER}, auth_users: [ auth ], isuer: x`))[0] ?? '', /unknown field "isuer" in authorization\.auth_callout/);
    assert.match(errors(withCallout(`issuer: ${ISSUER}, auth_users: [ auth ], allowed_accounts: [ A ]`))[0] ?? '', /allowed_accounts" is not supported yet/);
  });

  it('auth callout config - the same checks apply to options built in code; operator mode refuses a config callout', () => {
    const built = createAuthenticator({ authorization: { users: [{ user: 'auth', password: 'pwd' }], callout: { issuer: ISSUER, authUsers: ['auth', 'ghost'], account: '$G' } } });
    assert.deepEqual(built.errors, ['Authorization callout user "ghost" not valid']);
    assert.equal(built.authenticator.config.callout?.issuer, ISSUER);
    assert.equal(built.authenticator.authRequired, true);
    const operator = createAuthenticator({
      authorization: { callout: { issuer: ISSUER, authUsers: [], account: '$G' } },
      trustedKeys: [createOperator().getPublicKey()],
      resolver: { type: 'memory' },
    });
    assert.deepEqual(operator.errors, ['operators do not allow authorization callouts to be configured directly', 'Authorization callouts require authorized users to be specified']);
  });

  it('auth callout config - a reload may not change auth_callout (nats-server: config reload not supported for AuthCallout)', () => {
    const before = load(withCallout(`issuer: ${ISSUER}, auth_users: [ auth ]`)).options;
    const same = load(withCallout(`issuer: ${ISSUER}, auth_users: [ auth ]`)).options;
    const changed = load(withCallout(`issuer: ${createAccount().getPublicKey()}, auth_users: [ auth ]`)).options;
    const removed = load('authorization { users: [ { user: auth, password: pwd } ] }').options;
    assert.deepEqual(diffOptions(before, same), { changed: [], notReloadable: [] });
    assert.deepEqual(diffOptions(before, changed).notReloadable, [{ option: 'authorization', reason: 'config reload not supported for AuthCallout' }]);
    assert.deepEqual(diffOptions(before, removed).notReloadable, [{ option: 'authorization', reason: 'config reload not supported for AuthCallout' }]);
  });
});

describe('auth callout rules', () => {
  const settings = { issuer: ISSUER, authUsers: new Set(['auth', 'UNKEY']), account: 'AUTH' };

  it('auth callout rules - the raw user (nkey, else user name, else no_auth_user) decides who bypasses the callout', () => {
    assert.equal(bypassesCallout(settings, connect({ user: 'auth', pass: 'x' }), undefined), true);
    assert.equal(bypassesCallout(settings, connect({ user: 'alice', pass: 'x' }), undefined), false);
    assert.equal(bypassesCallout(settings, connect({ nkey: 'UNKEY', sig: 's' }), undefined), true);
    assert.equal(bypassesCallout(settings, connect({}), undefined), false);
    assert.equal(bypassesCallout(settings, connect({}), 'auth'), true);
    assert.equal(bypassesCallout(settings, connect({ auth_token: 't' }), 'auth'), false);
  });

  it('auth callout rules - clients of the callout account get a publish deny on $SYS.REQ.USER.AUTH', () => {
    assert.deepEqual(denyCalloutSubject(null), { publish: { deny: ['$SYS.REQ.USER.AUTH'] } });
    assert.deepEqual(denyCalloutSubject({ publish: { allow: ['a.>'], deny: ['b'] }, subscribe: { allow: ['c'] } }), {
      publish: { allow: ['a.>'], deny: ['b', '$SYS.REQ.USER.AUTH'] },
      subscribe: { allow: ['c'] },
    });
  });

  it('auth callout rules - the wait ends before the client\'s own auth timer', () => {
    assert.equal(calloutTimeoutMs(2000, 10_000, 10_000), 1980);
    assert.equal(calloutTimeoutMs(2000, 10_000, 10_500), 1480);
    assert.equal(calloutTimeoutMs(2000, 10_000, 13_000), 1);
  });
});

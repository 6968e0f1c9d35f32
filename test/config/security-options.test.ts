// Tests of the security options: authorization, accounts, operator mode, TLS, from nats-server-style files.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuthOptions } from '../../src/auth/auth-config.js';
import { loadOptions, reloadOptions, type LoadResult } from '../../src/config/flags.js';
import { diffOptions, findOption, UNSUPPORTED_OPTIONS } from '../../src/config/option-table.js';
import type { Options } from '../../src/config/options.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SECURITY = path.resolve(here, '../../../test/config/fixtures/security');
const KEYS = JSON.parse(readFileSync(path.join(SECURITY, 'keys.json'), 'utf8')) as Record<string, string>;

/** Loads a fixture by name; messages are given relative to the fixture directory. */
function loadFixture(name: string, argv: string[] = []): LoadResult {
  return loadOptions(['-c', path.join(SECURITY, name), ...argv], { env: {} });
}

function fixture(name: string): Options {
  const result = loadFixture(name);
  assert.deepEqual([...result.errors, ...result.warnings].map((error) => error.message), []);
  return result.options;
}

function fixtureErrors(name: string): string[] {
  return loadFixture(name).errors.map((error) => error.message.replace(`${SECURITY}/`, ''));
}

/** Loads `text` as the file `t.conf`, with an empty environment; other files are read from the fixtures. */
function load(text: string, argv: string[] = []): LoadResult {
  return loadOptions(['-c', 't.conf', ...argv], {
    env: {},
    readFile: (file) => (file === 't.conf' ? text : readFileSync(path.join(SECURITY, file), 'utf8')),
  });
}

function options(text: string): Options {
  const result = load(text);
  assert.deepEqual(result.errors.map((error) => error.message), []);
  return result.options;
}

function errors(text: string): string[] {
  return load(text).errors.map((error) => error.message);
}

/** TLS file paths in the fixtures are relative to the working directory, as in nats-server. */
function inSecurityDirectory(): void {
  let previous = '';
  before(() => {
    previous = process.cwd();
    process.chdir(SECURITY);
  });
  after(() => process.chdir(previous));
}

describe('security options - authorization {}', () => {
  it('reads every kind of user and permission (authorization.conf)', () => {
    const result = fixture('authorization.conf');
    assert.equal(result.authTimeoutMs, 2500);
    assert.equal(result.noAuthUser, 'alice');
    assert.deepEqual(result.authorization, {
      timeoutMs: 2500,
      defaultPermissions: { publish: { allow: ['public.>'] }, subscribe: { allow: ['public.>', '_INBOX.>'] } },
      users: [
        { user: 'alice', password: 'plain-pass' },
        {
          user: 'bob',
          password: '$2b$04$GDCLd4.VWSd.TVEIdiTA9.Af9XeuMG7FbuwxM/If7Pvxl1b/NxZHy',
          permissions: { publish: { allow: ['orders.>'], deny: ['orders.secret'] }, subscribe: { deny: ['admin.>'] } },
        },
        { user: 'svc', password: 's', permissions: { subscribe: { allow: ['requests.* workers'] }, response: { maxMsgs: 1, expiresMs: 120_000 }, publish: { allow: [] } } },
        { user: 'rpc', password: 'r', permissions: { response: { maxMsgs: 5, expiresMs: 60_000 }, publish: { allow: [] } } },
        { nkey: 'UDETW4WA7OWD33652WEAOD5ECNBTFQOLYKLAGJFIG7N4JPARBTTKDX53', allowedConnectionTypes: ['STANDARD', 'WEBSOCKET'] },
        { user: 'carol', password: 'c', allowedConnectionTypes: ['MQTT'], permissions: { publish: { allow: ['x'] }, subscribe: { allow: ['y'] } } },
      ],
    });
  });

  it('reads a bcrypt token (token.conf)', () => {
    const result = fixture('token.conf');
    assert.deepEqual(result.authorization, { token: '$2b$04$IVTiqXpuUcg5.R3axpxSV.IkevxnwVZe.R3YdyO47ugYmWUvlqAWm', timeoutMs: 1000 });
    assert.equal(result.authTimeoutMs, 1000);
  });

  it('takes allow_responses defaults and negative values as nats-server does', () => {
    const permissions = (text: string) => options(`authorization { users: [ { user: u, permissions: ${text} } ] }`).authorization.users?.[0]?.permissions;
    assert.deepEqual(permissions('{ allow_responses: { max: 0, expires: "0s" } }'), { response: { maxMsgs: 1, expiresMs: 120_000 }, publish: { allow: [] } });
    assert.deepEqual(permissions('{ allow_responses: { max: -1, ttl: "-1s" }, publish: a }'), { publish: { allow: ['a'] }, response: { maxMsgs: -1, expiresMs: -1000 } });
    assert.deepEqual(permissions('{ allow_responses: false, publish: {} }'), {});
    assert.deepEqual(permissions('{ import: a, export: b }'), { publish: { allow: ['a'] }, subscribe: { allow: ['b'] } });
  });

  it('takes `permissions` as an alias of default_permissions', () => {
    assert.deepEqual(options('authorization { permissions: { sub: "x.>" } }').authorization.defaultPermissions, { subscribe: { allow: ['x.>'] } });
  });

  it('reports each mistake with file:line:col (bad-authorization.conf)', () => {
    assert.deepEqual(fixtureErrors('bad-authorization.conf'), [
      'bad-authorization.conf:3:10: authorization.token expects a string, got integer [REDACTED]',
      'bad-authorization.conf:5:5: User entry requires a user',
      'bad-authorization.conf:6:5: Not a valid public nkey for a user',
      'bad-authorization.conf:7:5: Nkey users do not take usernames or passwords',
      'bad-authorization.conf:8:42: invalid connection types ["BOGUS"]',
      'bad-authorization.conf:9:40: subject "a..b" is not a valid subject',
      "bad-authorization.conf:10:52: Unknown field name \"bogus\" parsing subject permissions, only 'allow' or 'deny' are permitted",
      'bad-authorization.conf:11:67: error parsing expires, not a duration string',
      'bad-authorization.conf:12:29: Expected permissions to be a map/struct, got string "x"',
      'bad-authorization.conf:13:26: authorization.users.password expects a string, got integer [REDACTED]',
      'bad-authorization.conf:14:5: Expected user entry to be a map/struct, got string [REDACTED]',
    ]);
  });

  it('never prints a password or a token', () => {
    const messages = [
      ...fixtureErrors('bad-authorization.conf'),
      ...errors('authorization { password: 424242, token: 515151 }'),
      ...errors('authorization { users: 777777 }'),
      ...errors('authorization { users: [ { user: a, pass: [secret1] } ] }'),
      ...errors('authorization { password: 99kbb }'),
      ...errors('authorization { users: [ { user: a, password: "abc\\qsecret2" } ] }'),
      ...errors('authorization { token: 2020-13-01T00:00:00Z }'),
    ].join('\n');
    for (const secret of ['12345', '67890', 'hunter2', '424242', '515151', '777777', 'secret1', '99kbb', "'kbb'", "'q'", '2020-13']) {
      assert.equal(messages.includes(secret), false, secret);
    }
    assert.match(messages, /\[REDACTED\]/);
  });

  it('checks users against each other and against no_auth_user', () => {
    assert.deepEqual(errors('authorization { users: [ {nkey: UDETW4WA7OWD33652WEAOD5ECNBTFQOLYKLAGJFIG7N4JPARBTTKDX53}, {nkey: UDETW4WA7OWD33652WEAOD5ECNBTFQOLYKLAGJFIG7N4JPARBTTKDX53} ] }'), [
      't.conf:1:92: Duplicate nkey "UDETW4WA7OWD33652WEAOD5ECNBTFQOLYKLAGJFIG7N4JPARBTTKDX53" detected',
    ]);
    assert.deepEqual(errors('authorization { users: [ {user: a} ] }\nno_auth_user: b'), [
      'no_auth_user: "b" not present as user in authorization block or account configuration',
    ]);
    assert.deepEqual(errors('authorization { users: [ {nkey: UDETW4WA7OWD33652WEAOD5ECNBTFQOLYKLAGJFIG7N4JPARBTTKDX53} ] }\nno_auth_user: UDETW4WA7OWD33652WEAOD5ECNBTFQOLYKLAGJFIG7N4JPARBTTKDX53'), [
      'no_auth_user: "UDETW4WA7OWD33652WEAOD5ECNBTFQOLYKLAGJFIG7N4JPARBTTKDX53" present, but users are not defined',
    ]);
    assert.deepEqual(errors('authorization { token: t, users: [] }'), ['t.conf:1:1: Can not have a token and a users array']);
  });
});

describe('security options - accounts {}', () => {
  it('reads users, exports, imports, JetStream and the system account (accounts.conf)', () => {
    const result = fixture('accounts.conf');
    assert.equal(result.systemAccount, 'SYS');
    assert.equal(result.noAuthUser, 'billing');
    const unlimited = { maxMemory: -1, maxStore: -1, maxStreams: -1, maxConsumers: -1, maxBytesRequired: false };
    assert.deepEqual(result.accounts, {
      SYS: { users: [{ user: 'admin', password: 'adm1n' }] },
      ORDERS: {
        users: [{ user: 'orders', password: 'o1' }, { nkey: 'UA43VIPBHJMNNPGCFMCEJEXXKG3KSO7DMITCFNGJD6OAS3RI2FGP4F7P' }],
        defaultPermissions: { publish: { allow: ['orders.>'] } },
        exports: [
          { stream: 'orders.events.>' },
          { stream: 'orders.audit', accounts: ['AUDIT'] },
          { service: 'orders.lookup', response_type: 'Singleton' },
          { service: 'orders.report', response_type: 'Chunked', response_threshold: 5000, accounts: ['AUDIT', 'BILLING'] },
        ],
        jetstream: { maxMemory: 512 * 2 ** 20, maxStore: 10 * 2 ** 30, maxStreams: 10, maxConsumers: 100, maxBytesRequired: false },
      },
      BILLING: {
        users: [{ user: 'billing', password: 'b1' }],
        imports: [
          { stream: { account: 'ORDERS', subject: 'orders.events.created' }, prefix: 'from_orders' },
          { service: { account: 'ORDERS', subject: 'orders.lookup' }, to: 'lookup' },
          { service: { account: 'ORDERS', subject: 'orders.report' }, share: true },
        ],
        jetstream: unlimited,
      },
      AUDIT: {
        users: [{ user: 'auditor', password: 'a1' }],
        imports: [
          { stream: { account: 'ORDERS', subject: 'orders.audit' }, to: 'audit.orders' },
          { service: { account: 'ORDERS', subject: 'orders.report' } },
        ],
      },
    });
  });

  it('reads the array form and account nkeys', () => {
    assert.deepEqual(options('accounts: [A, B]').accounts, { A: {}, B: {} });
    const nkey = KEYS['account'] as string;
    assert.deepEqual(options(`accounts { A: { nkey: ${nkey}, jetstream: true } }`).accounts?.['A'], {
      nkey, jetstream: { maxMemory: -1, maxStore: -1, maxStreams: -1, maxConsumers: -1, maxBytesRequired: false },
    });
    assert.deepEqual(errors('accounts: [A, A, "$G"]'), ['t.conf:1:15: Duplicate Account Entry: A', 't.conf:1:18: "$G" is a Reserved Account']);
  });

  it('keeps account names such as __proto__ as plain names', () => {
    const accounts = options('accounts { __proto__: { users: [ {user: p} ] } }').accounts ?? {};
    assert.deepEqual(Object.keys(accounts), ['__proto__']);
    assert.equal(Object.getPrototypeOf(accounts), Object.prototype);
  });

  it('reports mistakes inside accounts with file:line:col (bad-accounts.conf)', () => {
    assert.deepEqual(fixtureErrors('bad-accounts.conf'), [
      'bad-accounts.conf:3:3: "$G" is a Reserved Account',
      'bad-accounts.conf:7:20: Detected service "y" but already saw a stream',
      'bad-accounts.conf:8:24: Detected response directive on non-service',
      'bad-accounts.conf:9:38: Unknown response type: "bogus"',
      'bad-accounts.conf:12:17: Expect an account name and a subject',
      "bad-accounts.conf:13:56: Stream import can not have a 'prefix' and a 'to' property",
      "bad-accounts.conf:14:46: Service import can not have a 'prefix' property (use 'to')",
      "bad-accounts.conf:16:16: Expected 'enabled' or 'disabled' for string value, got 'maybe'",
      'bad-accounts.conf:17:5: unknown field "bogus" in accounts.A',
      'bad-accounts.conf:20:3: Expected map entries for accounts',
      'bad-accounts.conf:19:17: Duplicate user "dup" detected',
    ]);
  });

  it('checks imports against exports once all accounts are read (bad-imports.conf)', () => {
    assert.deepEqual(fixtureErrors('bad-imports.conf'), [
      'bad-imports.conf:4:78: "NOPE" account not defined for service export',
      'bad-imports.conf:6:7: Error adding stream import "b.events": stream import not authorized',
      'bad-imports.conf:13:7: "ZZZ" account not defined for stream import',
      'bad-imports.conf:14:7: Error adding stream import "a.private": stream import not authorized',
      'bad-imports.conf:15:7: Error adding service import "a.svc": import forms a cycle',
    ]);
  });

  it('authorizes an import by an exact export first, then by a wider one', () => {
    const text = (exports: string) => `accounts { A: { imports: [ {stream: {account: B, subject: "x.a"}} ] }, B: { exports: [ ${exports} ] } }`;
    assert.deepEqual(errors(text('{stream: "x.*", accounts: [A]}')), []);
    assert.deepEqual(errors(text('{stream: "x.>"}')), []);
    assert.deepEqual(errors(text('{stream: "x.a", accounts: [B]}, {stream: "x.>"}')), [
      't.conf:1:28: Error adding stream import "x.a": stream import not authorized',
    ]);
    assert.deepEqual(errors(text('{service: "x.a"}')), ['t.conf:1:28: Error adding stream import "x.a": stream import not authorized']);
  });

  it('checks a user in two accounts, or in an account and authorization {}', () => {
    assert.deepEqual(errors('accounts { A: { users: [ {user: a} ] } }\nauthorization { users: [ {user: a} ] }'), ['t.conf:2:26: Duplicate user "a" detected']);
    assert.deepEqual(errors('accounts { A: { users: [ {user: x, password: y}, {user: x, password: z} ] } }'), ['t.conf:1:50: Duplicate user "x" detected']);
    assert.deepEqual(errors('accounts { A: { imports: [ {service: {account: A, subject: x}}, {service: {account: A, subject: y}, to: x} ], exports: [ {service: ">"} ] } }'), [
      't.conf:1:65: Duplicate service import subject "x", previously used in import for account "A", subject "x"',
    ]);
  });

  it('requires the system account and no_auth_user to exist', () => {
    assert.deepEqual(errors('system_account: SYS'), ['error resolving system account "SYS": account missing (define it in accounts {})']);
    assert.deepEqual(errors('system_account: "$SYS"'), ['error resolving system account "$SYS": account missing (define it in accounts {})']);
    assert.deepEqual(errors('accounts { $SYS: {} }\nsystem_account: "$SYS"'), []);
    assert.deepEqual(errors('no_auth_user: x'), ['no_auth_user: "x" present, but users are not defined']);
    assert.equal(options('accounts { A: { users: [ {user: x} ] } }\nno_auth_user: x').noAuthUser, 'x');
    assert.equal(options('accounts { SYS: {} }\nsystem: SYS\nno_sys_acc: true').noSystemAccount, true);
  });
});

describe('security options - operator mode', () => {
  const system = KEYS['system'] as string;
  const account = KEYS['account'] as string;

  it('reads the operator JWT file relative to the config file, preloads and pinned accounts (operator.conf)', () => {
    const result = fixture('operator.conf');
    assert.deepEqual(result.operatorJwts, [KEYS['operatorJwt']]);
    assert.equal(result.systemAccount, system);
    assert.deepEqual(result.resolver, { type: 'memory' });
    assert.deepEqual(result.resolverPreload, { [system]: KEYS['systemJwt'], [account]: KEYS['accountJwt'] });
    assert.deepEqual(result.resolverPinnedAccounts, [account]);
  });

  it('reads a decorated file, an inline JWT, and takes the system account from the operator (operator-*.conf)', () => {
    const decorated = fixture('operator-decorated.conf');
    assert.deepEqual(decorated.operatorJwts, [KEYS['operatorJwt']]);
    assert.deepEqual(decorated.resolver, { type: 'url', url: 'http://127.0.0.1:9090/jwt/v1/accounts/' });
    assert.equal(decorated.systemAccount, system);
    const inline = fixture('operator-inline.conf');
    assert.deepEqual(inline.operatorJwts, [KEYS['operatorJwt']]);
    assert.deepEqual(inline.resolver, { type: 'full', dir: './jwt', allowDelete: true, intervalMs: 120_000, limit: 1000, timeoutMs: 1500 });
  });

  it('uses the operator\'s account server URL when no resolver is configured (operator-url.conf)', () => {
    assert.deepEqual(fixture('operator-url.conf').resolver, { type: 'url', url: 'http://127.0.0.1:9090/jwt/v1/accounts' });
    assert.deepEqual(options('operator: op-url.jwt\nresolver: MEM').resolver, { type: 'memory' });
  });

  it('reads trusted keys and a cache resolver (trusted.conf)', () => {
    const result = fixture('trusted.conf');
    assert.deepEqual(result.trustedKeys, [KEYS['operator'], KEYS['urlOperator']]);
    assert.deepEqual(result.resolver, { type: 'cache', dir: './jwt', ttlMs: 3_600_000, limit: 50 });
    assert.equal(result.noSystemAccount, true);
    assert.deepEqual(options(`trusted: ${KEYS['operator']}`).trustedKeys, [KEYS['operator']]);
  });

  it('takes a list of operators (nats-server 2.9 takes only one string)', () => {
    assert.deepEqual(options('operator: [ op.jwt, op-url.jwt ]').operatorJwts?.length, 2);
  });

  it('reports operator mode mistakes with file:line:col (bad-operator.conf)', () => {
    assert.deepEqual(fixtureErrors('bad-operator.conf'), [
      'bad-operator.conf:2:11: error parsing operator JWT: open missing.jwt: no such file or directory',
      'bad-operator.conf:3:17: trust key "NOTAKEY" required to be a valid public operator nkey',
      'bad-operator.conf:4:1: CACHE does not accept sync',
      'bad-operator.conf:4:1: CACHE does not accept allow_delete',
      'bad-operator.conf:6:9: invalid account JWT',
      'bad-operator.conf:7:9: preload map value should be a string JWT',
      'bad-operator.conf:9:17: system account name must be a string',
    ]);
  });

  it('rejects resolvers nats-server rejects, and a URL resolver without an address', () => {
    const help = 'error parsing account resolver, should be MEM or  URL("url") or a map containing dir and type state=[FULL|CACHE])';
    assert.deepEqual(errors('resolver: bogus'), [`t.conf:1:11: ${help}`]);
    assert.deepEqual(errors('resolver { type: other, dir: x }'), [`t.conf:1:1: ${help}`]);
    assert.deepEqual(errors('resolver { type: full }'), ['t.conf:1:1: dir has no value and needs to point to a directory']);
    assert.deepEqual(errors('resolver { type: full, dir: x, ttl: "1h" }'), ['t.conf:1:1: FULL does not accept ttl']);
    assert.deepEqual(errors('resolver { type: full, dir: "t.conf" }'), []); // not a directory here: t.conf is in memory
    assert.deepEqual(errors('resolver: 5'), ['t.conf:1:11: error parsing operator resolver, wrong type integer']);
    assert.deepEqual(errors('resolver: URL'), [`t.conf:1:11: ${help}`]);
    assert.deepEqual(errors('resolver: URL()'), ['t.conf:1:11: error parsing account resolver url [""]: expected URL("http://host:port/path")']);
    assert.deepEqual(options('resolver: memory').resolver, { type: 'memory' });
    assert.deepEqual(options('account_resolver: URL("https://h/a")').resolver, { type: 'url', url: 'https://h/a' });
  });

  it('refuses a resolver directory that is a file', () => {
    assert.deepEqual(errors(`resolver { type: full, dir: "${path.join(SECURITY, 'op.jwt')}" }`), ['t.conf:1:1: dir needs to point to an accessible directory']);
  });

  it('reads always_enable_nonce', () => {
    assert.equal(options('always_enable_nonce: true').alwaysEnableNonce, true);
  });
});

describe('security options - tls {}', () => {
  inSecurityDirectory();

  it('reads the block through the transport\'s tlsConfigFromBlock; verify_and_map sets tlsMap (tls.conf)', () => {
    const result = fixture('tls.conf');
    assert.deepEqual(result.tls, {
      certFile: 'certs/server-cert.pem', keyFile: 'certs/server-key.pem', caFile: 'certs/ca.pem', verify: true, verifyAndMap: true,
      timeoutMs: 3000, cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'], curvePreferences: ['CurveP256', 'X25519'],
    });
    assert.equal(result.tlsMap, true);
    assert.match(result.tlsFilesDigest ?? '', /^[0-9a-f]{64}$/);
    // nats-server: without an authorization timeout, TLS makes it the TLS timeout + 1s.
    assert.equal(result.authTimeoutMs, 4000);
  });

  it('reads verify (tls-verify.conf) and treats tls {} as off', () => {
    const result = fixture('tls-verify.conf');
    assert.equal(result.tls?.verify, true);
    assert.equal(result.tlsMap, false);
    assert.equal(result.authTimeoutMs, 3000);
    assert.equal(options('tls {}').tls, undefined);
  });

  it('reads the files at load time and reports problems at the block or the key', () => {
    assert.deepEqual(fixtureErrors('bad-tls.conf'), [
      'bad-tls.conf:2:1: error parsing X509 certificate/key pair: tls: private key does not match public key (cert_file certs/server-cert.pem, key_file certs/other-key.pem)',
    ]);
    const [unknown] = errors('tls {\n  cert_file: "certs/server-cert.pem"\n  key_file: "certs/server-key.pem"\n  bogus: 1\n}');
    assert.match(unknown ?? '', /^t\.conf:4:3: .*bogus/);
    assert.match(errors('tls {\n  cert_file: "certs/nope.pem"\n  key_file: "certs/server-key.pem"\n}')[0] ?? '', /^t\.conf:1:1: .*nope\.pem/);
    assert.match(errors('tls: true')[0] ?? '', /^t\.conf:1:6: Expected map to define tls, got bool/);
  });
});

describe('security options - the table', () => {
  it('no longer lists the security keys as not supported', () => {
    for (const key of ['tls', 'accounts', 'system_account', 'no_system_account', 'operator', 'trusted', 'trusted_keys', 'resolver', 'resolver_preload', 'resolver_pinned_accounts', 'no_auth_user']) {
      assert.equal(UNSUPPORTED_OPTIONS.has(key), false, key);
      assert.ok(findOption(key), key);
    }
    for (const key of ['resolver_tls']) assert.equal(UNSUPPORTED_OPTIONS.has(key), true, key);
  });

  it('produces Options the authenticator accepts as AuthOptions', () => {
    const result: AuthOptions = fixture('accounts.conf');
    assert.equal(result.accounts?.['ORDERS']?.users?.length, 2);
  });
});

describe('security options - reload', () => {
  function diffOf(before: string, after: string) {
    return diffOptions(options(before), options(after));
  }

  it('reloads authorization, users, permissions, accounts, preloads', () => {
    assert.deepEqual(diffOf(
      'authorization { users: [ {user: a, password: b} ] }\naccounts { A: {} }',
      'authorization { users: [ {user: a, password: c, permissions: {publish: x}} ], default_permissions: {subscribe: y} }\naccounts { A: {}, B: { exports: [ {stream: x} ] } }',
    ), { changed: ['authorization', 'accounts'], notReloadable: [] });
  });

  it('refuses what nats-server 2.9.10 refuses: no_auth_user, system_account, operator, trusted keys, tls verify_and_map', () => {
    assert.deepEqual(diffOf('authorization { users: [ {user: a}, {user: b} ] }\nno_auth_user: a', 'authorization { users: [ {user: a}, {user: b} ] }\nno_auth_user: b').notReloadable, [
      { option: 'no_auth_user', reason: 'config reload not supported for no_auth_user: old="a", new="b"' },
    ]);
    assert.deepEqual(diffOf('accounts { A: {}, B: {} }\nsystem_account: A', 'accounts { A: {}, B: {} }\nsystem_account: B').notReloadable, [
      { option: 'system_account', reason: 'config reload not supported for system_account: old="A", new="B"' },
    ]);
    assert.deepEqual(diffOf(`trusted: ${KEYS['operator']}`, `trusted: ${KEYS['urlOperator']}`).notReloadable.map((entry) => entry.option), ['trusted_keys']);
    assert.deepEqual(diffOf('operator: op.jwt\nresolver: MEMORY', 'operator: op-url.jwt\nresolver: MEMORY').notReloadable.map((entry) => entry.option), ['system_account', 'operator']);
    assert.deepEqual(diffOf('no_system_account: false', 'no_system_account: true').notReloadable.map((entry) => entry.option), ['no_system_account']);
  });

  it('refuses a change of resolver type but not of its settings', () => {
    assert.deepEqual(diffOf('resolver: MEMORY', 'resolver { type: full, dir: x }').notReloadable, [
      { option: 'resolver', reason: 'config reload not supported for resolver type: old=memory, new=full' },
    ]);
    assert.deepEqual(diffOf('resolver { type: full, dir: x }', 'resolver { type: full, dir: y, limit: 5 }'), { changed: ['resolver'], notReloadable: [] });
  });

  describe('tls', () => {
    inSecurityDirectory();
    const tls = (extra: string) => `tls {\n  cert_file: "certs/server-cert.pem"\n  key_file: "certs/server-key.pem"\n  ca_file: "certs/ca.pem"\n${extra}}`;

    it('reloads certificates, verification, turning TLS on and off; not verify_and_map', () => {
      assert.deepEqual(diffOf(tls(''), tls('verify: true\n')), { changed: ['tls'], notReloadable: [] });
      assert.deepEqual(diffOf('debug: false', tls('')), { changed: ['authorization', 'tls'], notReloadable: [] });
      assert.deepEqual(diffOf(tls('timeout: 5\n'), 'port: 4222'), { changed: ['authorization', 'tls'], notReloadable: [] });
      assert.deepEqual(diffOf(tls(''), tls('verify_and_map: true\n')).notReloadable, [
        { option: 'tls', reason: 'config reload not supported for TLSMap: old=false, new=true' },
      ]);
    });

    it('notices a certificate replaced under the same file name', () => {
      const before = loadFixture('tls-verify.conf').options;
      const after = structuredClone(before);
      after.tlsFilesDigest = '0'.repeat(64);
      assert.deepEqual(diffOptions(before, after), { changed: ['tls'], notReloadable: [] });
    });

    it('re-reads files on reload, with the start flags still applied', () => {
      const start = loadFixture('tls-verify.conf', ['--tlsverify=false', '--tlscert', 'certs/server-cert.pem', '--tlskey', 'certs/server-key.pem']);
      assert.deepEqual(start.errors, []);
      assert.equal(start.options.tls?.verify, false);
      const reloaded = reloadOptions(path.join(SECURITY, 'tls.conf'), start.commandLine, { env: {} });
      assert.deepEqual(reloaded.errors, []);
      assert.equal(reloaded.options.tls?.caFile, undefined);
      assert.equal(reloaded.options.tlsMap, true);
    });
  });
});

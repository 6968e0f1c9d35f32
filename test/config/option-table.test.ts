// Tests of the option table: file -> Options, defaults, type errors, unsupported options, reload diffs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOptions, type LoadResult } from '../../src/config/flags.js';
import { defaultOptions, type Options } from '../../src/config/options.js';
import { diffOptions, OPTION_TABLE, UNSUPPORTED_OPTIONS } from '../../src/config/option-table.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(here, '../../../test/config/fixtures');

/** Loads `text` as the file `t.conf` (plus `argv` flags), with an empty environment. */
function load(text: string, argv: string[] = [], env: Record<string, string> = {}): LoadResult {
  return loadOptions(['-c', 't.conf', ...argv], {
    env,
    readFile: (file) => {
      if (file === 't.conf') return text;
      throw new Error(`ENOENT: no such file or directory, open '${file}'`);
    },
  });
}

function options(text: string, argv: string[] = []): Options {
  const result = load(text, argv);
  assert.deepEqual(result.errors.map((error) => error.message), []);
  return result.options;
}

function errors(text: string): string[] {
  return load(text).errors.map((error) => error.message);
}

describe('options - defaults', () => {
  it('are nats-server 2.9 defaults, with JetStream on in ./data', () => {
    assert.deepEqual(defaultOptions(), {
      host: '0.0.0.0',
      port: 4222,
      serverName: '',
      maxPayload: 1_048_576,
      maxControlLine: 4096,
      maxConnections: 65_536,
      maxSubscriptions: 0,
      maxSubscriptionTokens: 0,
      maxPending: 67_108_864,
      pingIntervalMs: 120_000,
      pingMax: 2,
      authTimeoutMs: 2000,
      writeDeadlineMs: 10_000,
      noHeaderSupport: false,
      allowNonTls: false,
      disableSublistCache: false,
      authorization: {},
      debug: false,
      trace: false,
      traceVerbose: false,
      logtime: true,
      logSizeLimit: 0,
      maxTracedMsgLen: 0,
      serverTags: [],
      lameDuckDurationMs: 120_000,
      lameDuckGracePeriodMs: 10_000,
      jetstream: { enabled: true, storeDir: './data', maxMemoryStore: -1, maxFileStore: -1 },
      httpBasePath: '',
    });
  });

  it('an empty file changes nothing but configFile', () => {
    assert.deepEqual(options(''), { ...defaultOptions(), configFile: 't.conf' });
  });

  it('0 in the file means the default, as in nats-server', () => {
    const result = options('port: 0\nmax_payload: 0\nmax_connections: 0\nping_max: 0\nmax_pending: 0\nwrite_deadline: "0s"');
    assert.equal(result.port, 4222);
    assert.equal(result.maxPayload, 1_048_576);
    assert.equal(result.maxConnections, 65_536);
    assert.equal(result.pingMax, 2);
    assert.equal(result.maxPending, 67_108_864);
    assert.equal(result.writeDeadlineMs, 10_000);
  });
});

describe('options - from a file', () => {
  it('reads the full fixture (includes, variables, units, every separator)', () => {
    const result = loadOptions(['-c', path.join(FIXTURES, 'full.conf')], { env: {} });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.warnings, []);
    const expected: Options = {
      ...defaultOptions(),
      configFile: path.join(FIXTURES, 'full.conf'),
      serverName: 'fixture-1',
      port: 4333,
      host: '127.0.0.1',
      maxPayload: 524_288,
      maxPending: 33_554_432,
      maxControlLine: 2000,
      maxConnections: 1000,
      pingIntervalMs: 90_000,
      writeDeadlineMs: 3000,
      pingMax: 5,
      debug: true,
      trace: false,
      logtime: true,
      serverTags: ['natrium', 'region:eu', 'zone:a'],
      authorization: { user: 'alice', password: 's3cr!t', timeoutMs: 1500 },
      authTimeoutMs: 1500,
      jetstream: { enabled: true, storeDir: './js-data', maxMemoryStore: 1_073_741_824, maxFileStore: 10_000_000_000 },
      http: { host: '127.0.0.1', port: -1 },
      maxSubscriptions: 100,
      lameDuckDurationMs: 45_000,
      lameDuckGracePeriodMs: 5000,
    };
    assert.deepEqual(result.options, expected);
  });

  it('accepts nats-server aliases and any key case', () => {
    const result = options(
      'NET: 127.0.0.2\nmax_conn: 10\nmax_subs: 5\nmonitor_port: 8222\nlog_file: a.log\npid_file: a.pid\n' +
        'no_sublist_cache: true\nlog_size_limit: 1MB\nleaf { port: -1 }\nws { port: -1, no_tls: true }\nmax_subscription_tokens: 16',
    );
    assert.equal(result.host, '127.0.0.2');
    assert.equal(result.maxConnections, 10);
    assert.equal(result.maxSubscriptions, 5);
    assert.deepEqual(result.http, { host: '127.0.0.2', port: 8222 });
    assert.equal(result.logFile, 'a.log');
    assert.equal(result.pidFile, 'a.pid');
    assert.equal(result.disableSublistCache, true);
    assert.equal(result.logSizeLimit, 1_048_576);
    assert.deepEqual(result.leafnodes, { host: '0.0.0.0', port: -1 });
    assert.deepEqual(result.websocket, { host: '0.0.0.0', port: -1, noTls: true });
    assert.equal(result.maxSubscriptionTokens, 16);
  });

  it('reads listen as host:port, [v6]:port, :port or a port', () => {
    assert.deepEqual(pick(options('listen: "127.0.0.1:4333"')), ['127.0.0.1', 4333]);
    assert.deepEqual(pick(options('listen: 127.0.0.1:-1')), ['127.0.0.1', -1]);
    assert.deepEqual(pick(options('listen: "[::1]:4333"')), ['::1', 4333]);
    assert.deepEqual(pick(options('listen: ":4333"')), ['0.0.0.0', 4333]);
    assert.deepEqual(pick(options('listen: 4333')), ['0.0.0.0', 4333]);
    function pick(result: Options) {
      return [result.host, result.port];
    }
  });

  it('reads the monitoring listener in all its forms; its host follows the client host', () => {
    assert.deepEqual(options('host: 10.0.0.1\nhttp: 8222').http, { host: '10.0.0.1', port: 8222 });
    assert.deepEqual(options('http: "localhost:-1"').http, { host: 'localhost', port: -1 });
    assert.deepEqual(options('http_port: -1\nhttp_base_path: "/mon"').http, { host: '0.0.0.0', port: -1 });
    assert.equal(options('http_base_path: "/mon"').httpBasePath, '/mon');
    assert.equal(options('http: 0').http, undefined);
  });

  it('keeps websocket, cluster and leafnodes listeners (port -1 = random) for the server to decide', () => {
    const result = options('websocket { listen: "127.0.0.1:-1", no_tls: true }\ncluster { name: c1, host: 127.0.0.1, port: -1 }\nleafnodes { listen: -1 }');
    assert.deepEqual(result.websocket, { host: '127.0.0.1', port: -1, noTls: true });
    assert.deepEqual(result.cluster, { host: '127.0.0.1', port: -1, name: 'c1' });
    assert.deepEqual(result.leafnodes, { host: '0.0.0.0', port: -1 });
    assert.equal(options('websocket { no_tls: true }').websocket, undefined); // no port: no listener
  });

  it('reads durations as Go duration strings; a bare number of seconds is a warning', () => {
    const result = load('ping_interval: 5\nwrite_deadline: "250ms"\nlame_duck_duration: "1m"\nlame_duck_grace_period: "1.5s"');
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.warnings.map((warning) => warning.message), ['t.conf:1:16: ping_interval should be converted to a duration such as "5s"']);
    assert.equal(result.options.pingIntervalMs, 5000);
    assert.equal(result.options.writeDeadlineMs, 250);
    assert.equal(result.options.lameDuckDurationMs, 60_000);
    assert.equal(result.options.lameDuckGracePeriodMs, 1500);
  });

  it('reads JetStream as bool, enabled/disabled, or a block', () => {
    assert.equal(options('jetstream: false').jetstream.enabled, false);
    assert.equal(options('jetstream: "Disabled"').jetstream.enabled, false);
    assert.equal(options('jetstream: disable\njetstream: enabled').jetstream.enabled, true);
    assert.equal(options('jetstream { enabled: false }').jetstream.enabled, false);
    assert.deepEqual(options('jetstream: false\njetstream { max_mem: 1G, max_file: "2G", storedir: "/var/js" }').jetstream, {
      enabled: true, storeDir: '/var/js', maxMemoryStore: 1e9, maxFileStore: 2 * 2 ** 30,
    });
    assert.deepEqual(options('store_dir: "/top"').jetstream, { enabled: true, storeDir: '/top', maxMemoryStore: -1, maxFileStore: -1 });
  });

  it('reads authorization: user/pass, token, users, timeout in seconds or as a duration', () => {
    assert.deepEqual(options('authorization { username: a, pass: b, timeout: 3 }').authorization, { user: 'a', password: 'b', timeoutMs: 3000 });
    assert.equal(options('authorization { token: t, timeout: "500ms" }').authTimeoutMs, 500);
    assert.deepEqual(options('authorization { users: [ {user: a, password: b}, {username: c, pass: d} ] }').authorization, {
      users: [{ user: 'a', password: 'b' }, { user: 'c', password: 'd' }],
    });
    assert.equal(options('authorization { user: a, password: b }').authTimeoutMs, 2000);
  });

  it('tolerates keys that are only variables, as nats-server does', () => {
    assert.equal(options('base: 4000\nport: $base').port, 4000);
    assert.deepEqual(errors('base: 4000'), ['t.conf:1:1: unknown field "base"']);
  });
});

describe('options - errors name file:line:col', () => {
  const cases: [string, string[]][] = [
    ['prot: 4222', ['t.conf:1:1: unknown field "prot" (did you mean "port"?)']],
    ['\n  max_payloads: 1MB', ['t.conf:2:3: unknown field "max_payloads" (did you mean "max_payload"?)']],
    ['max_payload: "1MB"', ['t.conf:1:14: max_payload expects a size such as 1048576, 1MB or 512K, got string "1MB"']],
    ['max_payload: 3GB', ['t.conf:1:14: max_payload value is too big (at most 2147483647), got 3GB']],
    ['max_pending: -1', ['t.conf:1:14: max_pending can not be negative, got -1']],
    ['port: "4222"', ['t.conf:1:7: port expects a port number, got string "4222"']],
    ['port: 70000', ['t.conf:1:7: port: port 70000 is out of range (0-65535, or -1 for a random port)']],
    ['debug: 1', ['t.conf:1:8: debug expects a boolean (true/false, yes/no, on/off), got integer 1']],
    ['server_name: 5', ['t.conf:1:14: server_name expects a string, got integer 5']],
    ['listen: "127.0.0.1"', ['t.conf:1:9: listen: could not parse address string "127.0.0.1" (missing port in address; expected host:port)']],
    ['ping_interval: "5"', ['t.conf:1:16: error parsing ping_interval: time: missing unit in duration "5"']],
    ['write_deadline: "-1s"', ['t.conf:1:17: write_deadline can not be negative, got -1s']],
    ['lame_duck_duration: "10s"', ['t.conf:1:21: invalid lame_duck_duration of 10s, minimum is 30 seconds']],
    ['lame_duck_duration: 60', ['t.conf:1:21: lame_duck_duration expects a duration string such as "2m", "30s" or "1h30m", got integer 60']],
    ['jetstream: maybe', ["t.conf:1:12: Expected 'enabled' or 'disabled' for string value, got 'maybe'"]],
    ['jetstream: 1', ['t.conf:1:12: Expected map, bool or string to define JetStream, got integer']],
    ['jetstream { max_mem: "1g" }', ['t.conf:1:22: jetstream.max_mem sizes defined as strings must end in K, M, G, T']],
    ['jetstream {\n  store: x\n  bogus: 1\n}', ['t.conf:3:3: unknown field "bogus" in jetstream']],
    ['store_dir: a\njetstream { store_dir: b }', ["t.conf:2:24: Duplicate 'store_dir' configuration (first set at t.conf:1:12)"]],
    ['authorization {\n  user: a\n  timeout: x\n}', ['t.conf:3:12: error parsing authorization.timeout: time: invalid duration "x"']],
    ['authorization { user: a, token: b }', ['t.conf:1:1: Cannot have a user/pass and token']],
    ['authorization { user: a, users: [] }', ['t.conf:1:1: Can not have a single user/pass and a users array']],
    ['authorization { users: [ {user: a, password: b}, {user: a, password: c} ] }', ['t.conf:1:50: Duplicate user "a" detected']],
    ['authorization { users: [ {password: a} ] }', ['t.conf:1:26: User entry requires a user']],
    ['authorization { user: a, bogus: 1 }', ['t.conf:1:26: unknown field "bogus" in authorization']],
    ['cluster: 5', ['t.conf:1:10: Expected map to define cluster, got integer']],
    ['max_payload: 100MB', ['max_payload (104857600) cannot be higher than max_pending (67108864)']],
    ['no_auth_user: x', ['no_auth_user: "x" present, but users are not defined']],
  ];
  for (const [text, expected] of cases) {
    it(JSON.stringify(text), () => {
      assert.deepEqual(errors(text), expected);
    });
  }

  it('reports syntax errors only, not follow-up option errors, when the file does not parse', () => {
    assert.deepEqual(errors('port: [1,,2]\nbogus: 1'), ["t.conf:1:10: Unexpected array value terminator ','."]);
  });

  it('collects all problems of a file in one pass', () => {
    assert.deepEqual(errors('prot: 1\ndebug: 2\nmax_conn: x'), [
      't.conf:1:1: unknown field "prot" (did you mean "port"?)',
      't.conf:2:8: debug expects a boolean (true/false, yes/no, on/off), got integer 2',
      't.conf:3:11: max_conn expects an integer, got string "x"',
    ]);
  });
});

describe('options - features not built yet', () => {
  it('rejects them by name with a clear message', () => {
    assert.deepEqual(errors('ocsp: true\ngateway { name: x }\nmqtt { port: 1883 }\nresolver_tls { cert_file: "a.pem" }'), [
      't.conf:1:1: "ocsp" is not supported yet by Natrium (TLS)',
      't.conf:2:1: "gateway" is not supported yet by Natrium (gateways (superclusters))',
      't.conf:3:1: "mqtt" is not supported yet by Natrium (MQTT)',
      't.conf:4:1: "resolver_tls" is not supported yet by Natrium (TLS for the URL account resolver)',
    ]);
  });

  it('rejects the unsupported parts of supported blocks', () => {
    assert.deepEqual(errors('cluster {\n  port: -1\n  routes: [ "nats://a:6222" ]\n}\nleafnodes { remotes: [ {url: "nats://b:7422"} ] }\njetstream { domain: hub }'), [
      't.conf:3:3: "cluster.routes" is not supported yet by Natrium',
      't.conf:5:13: "leafnodes.remotes" is not supported yet by Natrium',
      't.conf:6:13: "jetstream.domain" is not supported yet by Natrium',
    ]);
    assert.deepEqual(errors('accounts { A: { mappings: { a: b }, limits: { max_conn: 1 } } }\ncluster { port: -1, tls: { cert_file: x } }'), [
      't.conf:1:17: "accounts.A.mappings" is not supported yet by Natrium',
      't.conf:1:37: "accounts.A.limits" is not supported yet by Natrium',
      't.conf:2:21: "cluster.tls" is not supported yet by Natrium',
    ]);
  });

  it('accepts them when they are switched off', () => {
    assert.deepEqual(errors('syslog: false\nremote_syslog: ""\ntls {}\naccounts: {}\nno_system_account: false'), []);
  });
});

describe('options - the table', () => {
  it('has each key (name or alias) once, and none also listed as unsupported', () => {
    const keys = OPTION_TABLE.flatMap((spec) => [spec.name, ...spec.aliases]);
    assert.equal(new Set(keys).size, keys.length);
    for (const key of keys) assert.equal(UNSUPPORTED_OPTIONS.has(key), false, key);
    for (const key of keys) assert.equal(key, key.toLowerCase());
  });

  it('names Options fields that exist', () => {
    const known = new Set([
      ...Object.keys(defaultOptions()), 'jetstream.storeDir', 'clientAdvertise', 'noAuthUser', 'logFile', 'pidFile', 'portsFileDir', 'http', 'https', 'httpAuth', 'websocket', 'cluster', 'leafnodes',
      'accounts', 'systemAccount', 'noSystemAccount', 'operatorJwts', 'trustedKeys', 'resolver', 'resolverPreload', 'resolverPinnedAccounts', 'alwaysEnableNonce',
      'tls', 'tlsMap', 'tlsFilesDigest',
    ]);
    for (const spec of OPTION_TABLE) for (const field of spec.fields) assert.ok(known.has(field), `${spec.name}: ${field}`);
  });
});

describe('options - reload diff', () => {
  function diffOf(before: string, after: string) {
    return diffOptions(options(before), options(after));
  }

  it('finds no change between two loads of the same file', () => {
    assert.deepEqual(diffOf('port: 1\ndebug: true', 'port: 1\ndebug: true'), { changed: [], notReloadable: [] });
  });

  it('allows what nats-server 2.9 reloads: logging, limits, auth, ping', () => {
    const diff = diffOf(
      'debug: false\nmax_payload: 1MB\nmax_connections: 100\nping_interval: "2m"\nauthorization { user: a, password: b }',
      'debug: true\nmax_payload: 2MB\nmax_connections: 10\nping_interval: "1m"\nauthorization { user: a, password: c }',
    );
    assert.deepEqual(diff, { changed: ['max_payload', 'max_connections', 'ping_interval', 'authorization', 'debug'], notReloadable: [] });
  });

  it('refuses what nats-server 2.9 refuses: host, port, server_name, max_pending, max_subs, lame duck, monitoring', () => {
    const diff = diffOf(
      'host: 0.0.0.0\nport: 1\nserver_name: a\nmax_pending: 64MB\nmax_subs: 0\nlame_duck_duration: "2m"\nhttp_port: 8222\nlog_size_limit: 0',
      'host: 127.0.0.1\nport: 2\nserver_name: b\nmax_pending: 32MB\nmax_subs: 10\nlame_duck_duration: "1m"\nhttp_port: 8223\nlog_size_limit: 1MB',
    );
    assert.deepEqual(diff.notReloadable.map((entry) => entry.option), [
      'host', 'port', 'server_name', 'max_pending', 'max_subscriptions', 'lame_duck_duration', 'logfile_size_limit', 'http',
    ]);
    assert.equal(diff.notReloadable[0]?.reason, 'config reload not supported for host: old="0.0.0.0", new="127.0.0.1"');
  });

  it('lets JetStream be switched on and off, but not moved while it runs', () => {
    assert.deepEqual(diffOf('jetstream { store_dir: a }', 'jetstream: disabled').notReloadable, []);
    assert.deepEqual(diffOf('jetstream: disabled', 'jetstream { store_dir: b }').notReloadable, []);
    assert.deepEqual(diffOf('jetstream { store_dir: a }', 'jetstream { store_dir: b }').notReloadable, [
      { option: 'jetstream', reason: 'config reload not supported for jetstream storage directory' },
    ]);
    assert.deepEqual(diffOf('jetstream { max_mem: 1G }', 'jetstream { max_mem: 2G }').notReloadable, [
      { option: 'jetstream', reason: 'config reload not supported for jetstream max memory and store' },
    ]);
  });

  it('lets the cluster name change, not its port', () => {
    assert.deepEqual(diffOf('cluster { port: 6222, name: a }', 'cluster { port: 6222, name: b }'), { changed: ['cluster'], notReloadable: [] });
    assert.deepEqual(diffOf('cluster { port: 6222 }', 'cluster { port: 6223 }').notReloadable, [
      { option: 'cluster', reason: 'config reload not supported for cluster port: old=6222, new=6223' },
    ]);
  });
});

describe('options - jetstream sync_interval', () => {
  it('takes a duration, or "always" for an fsync before every acknowledgement', () => {
    assert.equal(options('jetstream { sync_interval: "30s" }').jetstream.syncIntervalMs, 30_000);
    assert.equal(options('jetstream { sync_interval: "30s" }').jetstream.syncAlways, false);
    assert.equal(options('jetstream { sync_interval: always }').jetstream.syncAlways, true);
    assert.equal(options('jetstream { store_dir: "/tmp/x" }').jetstream.syncAlways, undefined);
  });
  it('refuses what is neither', () => {
    assert.notDeepEqual(errors('jetstream { sync_interval: "soon" }'), []);
  });
});

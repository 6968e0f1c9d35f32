// The HTTP monitoring reports of Natrium and nats-server 2.9.10 after the same traffic: same fields and types, same deterministic values.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fieldDiff, fieldTypes, getJson, namesInOrder, runScenario, startMonitored, type ConnRow, type MonitoredServer } from './support.js';

/** Fields nats-server has that Natrium leaves out on purpose, or has only with nats-server's own internals. */
const KNOWN_ONLY_NATS = new Set<string>([]);

let natrium: MonitoredServer;
let nats: MonitoredServer;

async function both(pathAndQuery: string) {
  const [ours, theirs] = await Promise.all([getJson(natrium, pathAndQuery), getJson(nats, pathAndQuery)]);
  return { ours, theirs };
}

function assertSameFields(pathAndQuery: string, ours: unknown, theirs: unknown): void {
  const diff = fieldDiff(fieldTypes(ours), fieldTypes(theirs));
  diff.onlyNats = diff.onlyNats.filter((f) => !KNOWN_ONLY_NATS.has(f));
  assert.deepEqual(diff, { onlyNatrium: [], onlyNats: [] }, `fields of ${pathAndQuery}`);
}

function connections(report: unknown): ConnRow[] {
  return (report as { connections: ConnRow[] }).connections;
}

function byName(report: unknown, name: string): ConnRow {
  const row = connections(report).find((c) => c.name === name);
  assert.ok(row, `connection ${name} listed`);
  return row;
}

describe('HTTP monitoring compared with nats-server', () => {
  before(async () => {
    [natrium, nats] = await Promise.all([startMonitored('natrium'), startMonitored('nats')]);
    await runScenario(natrium);
    await runScenario(nats);
  });
  after(async () => {
    await natrium?.stop();
    await nats?.stop();
  });

  test('/varz has the same fields and the same counts', async () => {
    const { ours, theirs } = await both('/varz');
    assert.equal(ours.status, 200);
    assert.equal(ours.contentType, 'application/json');
    assertSameFields('/varz', ours.body, theirs.body);
    const o = ours.body as Record<string, unknown>;
    const t = theirs.body as Record<string, unknown>;
    for (const key of ['version', 'proto', 'host', 'max_connections', 'ping_interval', 'ping_max', 'http_base_path', 'https_port', 'auth_timeout', 'max_control_line', 'max_payload', 'max_pending', 'tls_timeout', 'write_deadline', 'connections', 'total_connections', 'routes', 'remotes', 'leafnodes', 'in_msgs', 'out_msgs', 'in_bytes', 'out_bytes', 'slow_consumers', 'system_account', 'auth_required', 'cluster', 'gateway', 'leaf', 'mqtt', 'websocket', 'jetstream']) {
      assert.deepEqual(o[key], t[key], `varz ${key}`);
    }
    assert.equal(o.port, natrium.server.port);
    assert.equal(o.http_port, natrium.httpPort);
    assert.match(String(o.uptime), /^(\d+[ydhm])*\d+s$/);
    assert.ok((o.mem as number) > 0, 'mem is the process RSS');
    assert.equal((o.http_req_stats as Record<string, number>)['/varz'] >= 1, true);
  });

  test('/connz lists the open connections with their counters', async () => {
    const { ours, theirs } = await both('/connz');
    assertSameFields('/connz', ours.body, theirs.body);
    for (const [name, expected] of [['alpha', { in_msgs: 0, out_msgs: 5, subscriptions: 3 }], ['beta', { in_msgs: 2, out_msgs: 3, subscriptions: 1 }]] as const) {
      for (const report of [ours.body, theirs.body]) {
        const row = byName(report, name);
        assert.deepEqual({ in_msgs: row.in_msgs, out_msgs: row.out_msgs, subscriptions: row.subscriptions }, expected, `${name}`);
        assert.equal(row.lang, 'nats.js');
      }
      assert.deepEqual(
        { in_bytes: byName(ours.body, name).in_bytes, out_bytes: byName(ours.body, name).out_bytes },
        { in_bytes: byName(theirs.body, name).in_bytes, out_bytes: byName(theirs.body, name).out_bytes },
      );
    }
    const o = ours.body as Record<string, unknown>;
    const t = theirs.body as Record<string, unknown>;
    assert.deepEqual([o.num_connections, o.total, o.offset, o.limit], [t.num_connections, t.total, t.offset, t.limit]);
  });

  const variants = [
    '/connz?subs=1', '/connz?subs=detail', '/connz?auth=true', '/connz?auth=1&acc=APP', '/connz?auth=1&user=b',
    '/connz?sort=msgs_to', '/connz?sort=msgs_from', '/connz?sort=subs', '/connz?sort=bytes_to', '/connz?sort=bytes_from', '/connz?sort=start',
    '/connz?offset=1&limit=1', '/connz?limit=1', '/connz?offset=5', '/connz?offset=-3&limit=-1',
    '/connz?state=closed', '/connz?state=closed&subs=detail&auth=1', '/connz?state=all', '/connz?state=closed&sort=stop', '/connz?state=closed&sort=reason',
    '/connz?state=ALL&sort=cid', '/connz?acc=NOPE',
  ];
  for (const variant of variants) {
    test(`${variant}: same fields, order and counts`, async () => {
      const { ours, theirs } = await both(variant);
      assert.equal(ours.status, 200, ours.text);
      assertSameFields(variant, ours.body, theirs.body);
      assert.deepEqual(namesInOrder(ours.body), namesInOrder(theirs.body), 'connections in the same order');
      const o = ours.body as Record<string, unknown>;
      const t = theirs.body as Record<string, unknown>;
      assert.deepEqual([o.num_connections, o.total, o.offset, o.limit], [t.num_connections, t.total, t.offset, t.limit]);
      for (const name of namesInOrder(ours.body)) {
        const mine = byName(ours.body, name);
        const ref = byName(theirs.body, name);
        for (const key of ['in_msgs', 'out_msgs', 'in_bytes', 'out_bytes', 'subscriptions', 'reason', 'authorized_user', 'account', 'subscriptions_list']) {
          const sorted = (v: unknown) => (Array.isArray(v) ? [...v].sort() : v);
          assert.deepEqual(sorted(mine[key]), sorted(ref[key]), `${name}.${key}`);
        }
        const details = (row: ConnRow) => ((row.subscriptions_list_detail as Record<string, unknown>[] | undefined) ?? []).map((d) => `${d.account ?? ''}|${d.subject}|${d.qgroup ?? ''}|${d.sid}|${d.msgs}`).sort();
        assert.deepEqual(details(mine), details(ref), `${name} subscription details`);
      }
    });
  }

  test('/connz?cid= finds one connection, open or closed', async () => {
    for (const [name, state] of [['beta', 'open'], ['gamma', 'closed']] as const) {
      const { ours, theirs } = await both(`/connz?cid=${natrium.cids.get(name)}&state=${state}`);
      const reference = await getJson(nats, `/connz?cid=${nats.cids.get(name)}&state=${state}`);
      void theirs;
      assertSameFields('/connz?cid', ours.body, reference.body);
      assert.deepEqual(namesInOrder(ours.body), [name]);
      assert.deepEqual(namesInOrder(reference.body), [name]);
      assert.equal((ours.body as { limit: number }).limit, 1);
    }
  });

  test('a closed connection keeps its close reason and stop time', async () => {
    const { ours } = await both('/connz?state=closed');
    const gamma = byName(ours.body, 'gamma');
    assert.equal(gamma.reason, 'Client Closed');
    assert.ok(Date.parse(String(gamma.stop)) >= Date.parse(String(gamma.start)));
    assert.deepEqual({ in_msgs: gamma.in_msgs, out_msgs: gamma.out_msgs, subscriptions: gamma.subscriptions }, { in_msgs: 3, out_msgs: 0, subscriptions: 1 });
  });

  const errors = [
    '/connz?sort=bad', '/connz?sort=rtt', '/connz?sort=stop', '/connz?sort=reason&state=all', '/connz?state=bad', '/connz?subs=x', '/connz?auth=yes',
    '/connz?limit=x', '/connz?offset=1.5', '/connz?cid=-1', '/connz?limit=99999999999999999999', '/subsz?subs=x', '/subsz?test=a.*', '/subsz?limit=z',
    '/accountz?acc=NOPE', '/accstatz?unused=x', '/routez?subs=q', '/leafz?subs=q', '/gatewayz?accs=q',
  ];
  for (const variant of errors) {
    test(`${variant}: nats-server's status and error text`, async () => {
      const { ours, theirs } = await both(variant);
      assert.equal(theirs.status, 400, `nats-server refuses ${variant}`);
      assert.deepEqual({ status: ours.status, text: ours.text }, { status: theirs.status, text: theirs.text });
    });
  }

  for (const variant of ['/subsz', '/subsz?acc=APP', '/subsz?subs=1', '/subsz?subs=1&acc=APP', '/subsz?subs=1&acc=APP&test=orders.new', '/subsz?subs=1&acc=APP&test=nothing.here', '/subsz?subs=1&acc=APP&limit=2&offset=1']) {
    test(`${variant}: same fields; the same client subscriptions`, async () => {
      const { ours, theirs } = await both(variant);
      assert.equal(ours.status, 200, ours.text);
      // A page holds different subscriptions on each server (nats-server lists its internal ones too), so
      // optional fields such as qgroup may be on one page only.
      if (variant.includes('limit')) assertSameFields(variant, withoutQueue(ours.body), withoutQueue(theirs.body));
      else assertSameFields(variant, ours.body, theirs.body);
      const clientSubs = (report: unknown) => (((report as { subscriptions_list?: Record<string, unknown>[] }).subscriptions_list) ?? [])
        .filter((s) => s.account === 'APP' && !String(s.subject).startsWith('$SYS.'))
        .map((s) => `${s.subject}|${s.qgroup ?? ''}|${s.sid}|${s.msgs}`).sort();
      if (!variant.includes('limit')) assert.deepEqual(clientSubs(ours.body), clientSubs(theirs.body));
      else assert.equal(clientSubs(ours.body).length, 2);
    });
  }

  for (const variant of ['/routez', '/routez?subs=detail', '/gatewayz', '/leafz', '/accountz', '/accstatz', '/accstatz?unused=1', '/accountz?acc=APP']) {
    test(`${variant}: same fields`, async () => {
      const { ours, theirs } = await both(variant);
      assert.equal(ours.status, 200, ours.text);
      assertSameFields(variant, stripImports(ours.body), stripImports(theirs.body));
    });
  }

  test('/accountz lists the same accounts; /accstatz counts the same messages', async () => {
    const { ours, theirs } = await both('/accountz');
    const names = (r: unknown) => [...(r as { accounts: string[] }).accounts].sort();
    assert.deepEqual(names(ours.body), names(theirs.body));
    const stats = await both('/accstatz');
    const app = (r: unknown) => (r as { account_statz: Record<string, unknown>[] }).account_statz.find((a) => a.acc === 'APP');
    assert.deepEqual(app(stats.ours.body), app(stats.theirs.body));
    const detail = await both('/accountz?acc=APP');
    const pick = (r: unknown) => {
      const d = (r as { account_detail: Record<string, unknown> }).account_detail;
      return { name: d.account_name, clients: d.client_connections, system: d.is_system };
    };
    assert.deepEqual(pick(detail.ours.body), pick(detail.theirs.body));
  });

  test('JSONP with ?callback=', async () => {
    const { ours, theirs } = await both('/varz?callback=cb');
    assert.equal(ours.contentType, theirs.contentType);
    assert.match(ours.text, /^cb\(\{[\s\S]*\}\)$/);
  });

  test('no credentials in any report', async () => {
    for (const variant of ['/varz', '/connz?auth=1&subs=detail&state=all', '/accountz?acc=APP', '/subsz?subs=1']) {
      const { text } = await getJson(natrium, variant);
      for (const secret of ['apass', 'bpass', 'syspass']) assert.ok(!text.includes(secret), `${variant} leaks a password`);
    }
  });
});

function withoutQueue(report: unknown): unknown {
  const list = (report as { subscriptions_list?: Record<string, unknown>[] }).subscriptions_list;
  if (list === undefined) return report;
  return { ...(report as object), subscriptions_list: list.map(({ qgroup: _q, ...rest }) => (void _q, rest)) };
}

/** Imports differ by design: nats-server adds its system service imports ($SYS.REQ.ACCOUNT.PING.CONNZ…) to every account. */
function stripImports(report: unknown): unknown {
  const detail = (report as { account_detail?: Record<string, unknown> }).account_detail;
  if (detail === undefined) return report;
  const { imports: _imports, ...rest } = detail;
  void _imports;
  return { ...(report as object), account_detail: rest };
}

// `$SYS.REQ.ACCOUNT.<acc>.*` (CONNZ, SUBSZ, LEAFZ, JSZ, INFO, STATZ, CONNS), and the JetStream API of an account without JetStream, compared with nats-server 2.9.10.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startWithConfig, type RunningServer } from '../server/util.js';
import { fieldDiff, fieldTypes } from './support.js';

const CONFIG = [
  'jetstream { store_dir: "js" }',
  'accounts {',
  '  A { jetstream: enabled, users: [{user: a, password: a}] }',
  '  B { users: [{user: b, password: b}] }',
  '  SYS { users: [{user: sys, password: sys}] }',
  '}',
  'system_account: SYS',
].join('\n');

interface Side { server: RunningServer; app: NatsConnection; other: NatsConnection; sys: NatsConnection }
const sides: Record<'natrium' | 'nats', Side> = {} as never;

type Reply = Record<string, unknown> & { data?: Record<string, unknown> | null; error?: unknown };

async function askBoth(subject: string, body = ''): Promise<{ ours: Reply; theirs: Reply }> {
  const ask = async (side: Side) => (await side.sys.request(subject, body, { timeout: 5000 })).json<Reply>();
  const [ours, theirs] = await Promise.all([ask(sides.natrium), ask(sides.nats)]);
  return { ours, theirs };
}

function sameFields(label: string, ours: unknown, theirs: unknown): void {
  assert.deepEqual(fieldDiff(fieldTypes(ours), fieldTypes(theirs)), { onlyNatrium: [], onlyNats: [] }, label);
}

/** A report without what differs by nature between two servers (ids, clocks, ports). */
function stable(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, v) => (['server_id', 'now', 'start', 'last_activity', 'port', 'rtt', 'cid', 'uptime', 'idle', 'version'].includes(key) ? undefined : v));
}

describe('$SYS.REQ.ACCOUNT requests compared with nats-server', () => {
  before(async () => {
    for (const kind of ['natrium', 'nats'] as const) {
      const server = await startWithConfig(kind, CONFIG);
      const app = await connect({ servers: server.url, user: 'a', pass: 'a', name: 'appA' });
      app.subscribe('foo.>');
      await app.flush();
      const other = await connect({ servers: server.url, user: 'b', pass: 'b', name: 'appB' });
      const sys = await connect({ servers: server.url, user: 'sys', pass: 'sys' });
      sides[kind] = { server, app, other, sys };
    }
  });
  after(async () => {
    for (const side of Object.values(sides)) {
      for (const nc of [side.app, side.other, side.sys]) await nc.close().catch(() => undefined);
      await side.server.stop();
    }
  });

  test('CONNZ: the account\'s connections in the /connz report', async () => {
    const { ours, theirs } = await askBoth('$SYS.REQ.ACCOUNT.A.CONNZ', '{"subscriptions":true}');
    sameFields('CONNZ', ours, theirs);
    assert.deepEqual(stable(ours.data), stable(theirs.data));
    assert.deepEqual((ours.data!.connections as { name: string }[]).map((c) => c.name), ['appA']);
  });

  test('CONNZ of an unknown account: an empty report, as nats-server', async () => {
    const { ours, theirs } = await askBoth('$SYS.REQ.ACCOUNT.NOPE.CONNZ');
    assert.deepEqual(stable(ours.data), stable(theirs.data));
    assert.equal(ours.data!.server_id, theirs.data!.server_id);
  });

  test('SUBSZ: the account\'s subscriptions, listed', async () => {
    const { ours, theirs } = await askBoth('$SYS.REQ.ACCOUNT.A.SUBSZ');
    sameFields('SUBSZ', ours, theirs);
    // nats-server also lists its internal system imports; the client's subscription is in both.
    const clientSubs = (r: Reply) => (r.data!.subscriptions_list as { subject: string }[]).map((s) => s.subject).filter((s) => !s.startsWith('$'));
    assert.deepEqual(clientSubs(ours), ['foo.>']);
    assert.deepEqual(clientSubs(ours), clientSubs(theirs));
  });

  test('LEAFZ: no leaf nodes', async () => {
    const { ours, theirs } = await askBoth('$SYS.REQ.ACCOUNT.A.LEAFZ');
    assert.deepEqual(stable(ours.data), stable(theirs.data));
    assert.equal(ours.data!.leafnodes, 0);
  });

  test('JSZ: the account\'s JetStream detail alone', async () => {
    const { ours, theirs } = await askBoth('$SYS.REQ.ACCOUNT.A.JSZ');
    assert.deepEqual(ours.data, theirs.data);
    assert.equal(ours.data!.name, 'A');
  });

  for (const account of ['B', 'NOPE']) {
    test(`JSZ and INFO of ${account}: nats-server's errors`, async () => {
      for (const name of ['JSZ', 'INFO']) {
        const { ours, theirs } = await askBoth(`$SYS.REQ.ACCOUNT.${account}.${name}`);
        if (account === 'NOPE' || name === 'JSZ') assert.ok(theirs.error, `nats-server fails ${name}`);
        if (theirs.error) assert.deepEqual({ data: ours.data, error: ours.error }, { data: theirs.data, error: theirs.error }, name);
      }
    });
  }

  test('INFO: the account\'s /accountz detail', async () => {
    const { ours, theirs } = await askBoth('$SYS.REQ.ACCOUNT.A.INFO');
    // Imports differ by design (nats-server adds its system imports to every account).
    const { imports: _a, ...ourDetail } = ours.data!;
    const { imports: _b, ...theirDetail } = theirs.data!;
    void _a; void _b;
    sameFields('INFO', { ...ours, data: ourDetail }, { ...theirs, data: theirDetail });
    assert.equal(ours.data!.account_name, 'A');
    assert.equal(ours.data!.client_connections, theirs.data!.client_connections);
  });

  test('STATZ: the account\'s statz; include_unused shows an account without connections', async () => {
    const { ours, theirs } = await askBoth('$SYS.REQ.ACCOUNT.A.STATZ');
    sameFields('STATZ', ours, theirs);
    const accounts = (r: Reply) => (r.data!.account_statz as { acc: string; conns: number }[]).map((s) => [s.acc, s.conns]);
    assert.deepEqual(accounts(ours), [['A', 1]]);
    assert.deepEqual(accounts(ours), accounts(theirs));
    const unused = await askBoth('$SYS.REQ.ACCOUNT.PING.STATZ', '{"accounts":["B"],"include_unused":true}');
    assert.deepEqual(accounts(unused.ours), [['B', 1]]);
    assert.deepEqual(accounts(unused.ours), accounts(unused.theirs));
  });

  test('CONNS: the account_connections event', async () => {
    const { ours, theirs } = await askBoth('$SYS.REQ.ACCOUNT.A.CONNS');
    assert.deepEqual(Object.keys(ours), Object.keys(theirs));
    assert.equal(ours.type, 'io.nats.server.advisory.v1.account_connections');
    assert.deepEqual([ours.acc, ours.conns, ours.slow_consumers], [theirs.acc, theirs.conns, theirs.slow_consumers]);
  });

  test('JetStream API in an account without JetStream: the same replies, paging fields included', async () => {
    const subjects = ['STREAM.NAMES', 'STREAM.LIST', 'CONSUMER.NAMES.X', 'CONSUMER.LIST.X', 'STREAM.INFO.X', 'STREAM.PURGE.X', 'STREAM.RESTORE.X', 'INFO', 'STREAM.CREATE.X', 'CONSUMER.INFO.X.Y'];
    for (const subject of subjects) {
      const ask = async (side: Side) => (await side.other.request(`$JS.API.${subject}`, '', { timeout: 5000 })).string();
      const [ours, theirs] = await Promise.all([ask(sides.natrium), ask(sides.nats)]);
      assert.deepEqual(JSON.parse(ours), JSON.parse(theirs), subject);
    }
    const names = await sides.natrium.other.request('$JS.API.STREAM.NAMES', '', { timeout: 5000 });
    assert.deepEqual(Object.keys(names.json<object>()), ['type', 'error', 'total', 'offset', 'limit', 'streams']);
  });

  test('a body that is not JSON: nats-server\'s 400', async () => {
    const { ours, theirs } = await askBoth('$SYS.REQ.ACCOUNT.A.CONNZ', 'xx');
    assert.ok(theirs.error);
    assert.deepEqual({ data: ours.data, error: ours.error }, { data: theirs.data, error: theirs.error });
  });
});

// The monitoring reports over NATS ($SYS.REQ.SERVER.PING.* and $SYS.REQ.SERVER.<id>.*) compared with nats-server 2.9.10.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { fieldDiff, fieldTypes, getJson, namesInOrder, runScenario, startMonitored, type MonitoredServer } from './support.js';

let natrium: MonitoredServer;
let nats: MonitoredServer;
const system = new Map<MonitoredServer, NatsConnection>();

async function ask(target: MonitoredServer, subject: string, body: string): Promise<Record<string, unknown>> {
  const reply = await system.get(target)!.request(subject, body, { timeout: 5000 });
  return reply.json<Record<string, unknown>>();
}

async function askBoth(subject: string, body = '') {
  const [ours, theirs] = await Promise.all([ask(natrium, subject, body), ask(nats, subject, body)]);
  return { ours, theirs };
}

function sameFields(label: string, ours: unknown, theirs: unknown): void {
  assert.deepEqual(fieldDiff(fieldTypes(ours), fieldTypes(theirs)), { onlyNatrium: [], onlyNats: [] }, label);
}

describe('$SYS monitoring requests compared with nats-server', () => {
  before(async () => {
    [natrium, nats] = await Promise.all([startMonitored('natrium'), startMonitored('nats')]);
    await runScenario(natrium);
    await runScenario(nats);
    for (const target of [natrium, nats]) system.set(target, await connect({ servers: target.server.url, user: 'sys', pass: 'syspass' }));
  });
  after(async () => {
    for (const nc of system.values()) await nc.close();
    await natrium?.stop();
    await nats?.stop();
  });

  test('PING.CONNZ with options: same envelope, same connections', async () => {
    const { ours, theirs } = await askBoth('$SYS.REQ.SERVER.PING.CONNZ', JSON.stringify({ auth: true, subscriptions_detail: true, acc: 'APP', sort: 'msgs_to' }));
    sameFields('envelope', ours, theirs);
    assert.deepEqual(Object.keys(ours.server as object), Object.keys(theirs.server as object), 'server object fields in order');
    assert.deepEqual(namesInOrder(ours.data), ['alpha', 'beta']);
    assert.deepEqual(namesInOrder(ours.data), namesInOrder(theirs.data));
  });

  test('PING.CONNZ state (a number in JSON) finds the closed connection', async () => {
    const { ours, theirs } = await askBoth('$SYS.REQ.SERVER.PING.CONNZ', JSON.stringify({ state: 1, acc: 'APP', auth: true }));
    sameFields('closed', ours, theirs);
    assert.deepEqual(namesInOrder(ours.data), ['gamma']);
    assert.deepEqual(namesInOrder(theirs.data), ['gamma']);
  });

  for (const [name, body] of [['VARZ', ''], ['ROUTEZ', '{}'], ['GATEWAYZ', ''], ['LEAFZ', ''], ['ACCOUNTZ', ''], ['SUBSZ', '{"subscriptions":true,"account":"APP","test":"orders.new"}'], ['STATSZ', '']] as const) {
    test(`PING.${name}: same envelope and fields`, async () => {
      const { ours, theirs } = await askBoth(`$SYS.REQ.SERVER.PING.${name}`, body);
      if (name === 'STATSZ') {
        // statsz lives in the reply's `statsz`, not `data`; only the envelope is compared here.
        assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort());
        return;
      }
      const { http_req_stats: _a, ...ourData } = ours.data as Record<string, unknown>;
      const { http_req_stats: _b, ...theirData } = theirs.data as Record<string, unknown>;
      void _a; void _b;
      sameFields(name, { ...ours, data: ourData }, { ...theirs, data: theirData });
    });
  }

  for (const [filter, names] of [['reply.*', ['alpha']], ['orders.new', ['alpha', 'beta']], ['nothing.here', []]] as const) {
    test(`PING.CONNZ filter_subject ${filter}: the open connections with a colliding subscription`, async () => {
      const body = JSON.stringify({ acc: 'APP', filter_subject: filter, subscriptions_detail: true });
      const { ours, theirs } = await askBoth('$SYS.REQ.SERVER.PING.CONNZ', body);
      assert.deepEqual(namesInOrder(ours.data), names);
      assert.deepEqual(namesInOrder(ours.data), namesInOrder(theirs.data));
      // The filter leaves `total` (every open connection of the account) as it was.
      const total = (r: Record<string, unknown>) => (r.data as { total: number }).total;
      assert.equal(total(ours), total(theirs));
    });
  }

  test('filter_subject over HTTP is ignored, as by nats-server 2.9.10', async () => {
    for (const target of [natrium, nats]) {
      const report = await getJson(target, '/connz?acc=APP&filter_subject=reply.x');
      assert.deepEqual(namesInOrder(report.body), ['alpha', 'beta'], target.kind);
    }
  });

  test('SUBSZ over $SYS lists the same client subscriptions', async () => {
    const { ours, theirs } = await askBoth('$SYS.REQ.SERVER.PING.SUBSZ', JSON.stringify({ subscriptions: true, account: 'APP', test: 'orders.new' }));
    const subjects = (r: Record<string, unknown>) => ((r.data as { subscriptions_list?: { subject: string }[] }).subscriptions_list ?? []).map((s) => s.subject).sort();
    assert.deepEqual(subjects(ours), ['orders.>', 'orders.new']);
    assert.deepEqual(subjects(ours), subjects(theirs));
  });

  test('the per-server subject answers too', async () => {
    for (const target of [natrium, nats]) {
      const ping = await ask(target, '$SYS.REQ.SERVER.PING.VARZ', '');
      const id = (ping.server as { id: string }).id;
      const direct = await ask(target, `$SYS.REQ.SERVER.${id}.VARZ`, '');
      assert.equal((direct.data as { server_id: string }).server_id, id);
    }
  });

  for (const [subject, body] of [
    ['$SYS.REQ.SERVER.PING.CONNZ', '{"sort":"bad"}'],
    ['$SYS.REQ.SERVER.PING.CONNZ', '{"sort":"stop"}'],
    ['$SYS.REQ.SERVER.PING.SUBSZ', '{"test":"a.*"}'],
    ['$SYS.REQ.SERVER.PING.ACCOUNTZ', '{"account":"NOPE"}'],
    ['$SYS.REQ.SERVER.PING.CONNZ', 'xx'],
    ['$SYS.REQ.SERVER.PING.CONNZ', '{"auth":"yes"}'],
    ['$SYS.REQ.SERVER.PING.CONNZ', '{"filter_subject":"orders.new"}'],
  ] as const) {
    test(`${subject} ${body}: nats-server's error`, async () => {
      const { ours, theirs } = await askBoth(subject, body);
      assert.ok(theirs.error, 'nats-server answers with an error');
      assert.deepEqual({ data: ours.data, error: ours.error }, { data: theirs.data, error: theirs.error });
    });
  }
});

describe('$SYS monitoring requests without a monitoring port', () => {
  test('PING.VARZ and PING.CONNZ answer on a server started without -m', async () => {
    const server = await startMonitored('natrium', false);
    try {
      const nc = await connect({ servers: server.server.url, user: 'sys', pass: 'syspass' });
      const varz = (await nc.request('$SYS.REQ.SERVER.PING.VARZ', '', { timeout: 5000 })).json<{ data: { http_port: number; connections: number } }>();
      assert.equal(varz.data.http_port, 0);
      assert.equal(varz.data.connections, 1);
      const connz = (await nc.request('$SYS.REQ.SERVER.PING.CONNZ', '{"auth":true}', { timeout: 5000 })).json<{ data: { connections: { authorized_user: string }[] } }>();
      assert.deepEqual(connz.data.connections.map((c) => c.authorized_user), ['sys']);
      await nc.close();
    } finally {
      await server.stop();
    }
  });
});

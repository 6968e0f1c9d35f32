// /jsz and /healthz against nats-server 2.9.10 -js after the same scenario: same fields and types, equal deterministic values, same errors.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { deterministic, get, getJson, runScenario, shapeOf, startMonitored, type MonitoredServer } from './monitor-pair.js';

describe('monitoring - /jsz and /healthz compared with nats-server', () => {
  let nats: MonitoredServer;
  let natrium: MonitoredServer;

  before(async () => {
    [nats, natrium] = await Promise.all([startMonitored('nats'), startMonitored('natrium')]);
    await runScenario(nats.server.url);
    await runScenario(natrium.server.url);
  });
  after(async () => {
    await Promise.all([nats?.stop(), natrium?.stop()]);
  });

  const both = async (query: string) => Promise.all([getJson(`${nats.monitorUrl}${query}`), getJson(`${natrium.monitorUrl}${query}`)]);

  it('/jsz: the summary has the same fields and values', async () => {
    const [expected, actual] = await both('/jsz');
    assert.deepEqual(shapeOf(actual), shapeOf(expected));
    assert.deepEqual(deterministic(actual), deterministic(expected));
    // The scenario's own numbers, so that equal-but-wrong cannot pass.
    assert.equal(actual.streams, 2);
    assert.equal(actual.consumers, 1);
    assert.equal(actual.messages, 3);
    assert.ok(actual.memory > 0 && actual.storage > 0);
    assert.deepEqual(actual.api, { total: expected.api.total, errors: 1 });
    assert.equal(actual.meta_cluster, undefined);
    assert.equal(actual.config.store_dir, path.join(natrium.storeDir, 'jetstream'));
    assert.equal(actual.server_id, natrium.server.output().match(/ID:\s+(\w+)/)?.[1]);
  });

  for (const query of [
    '?accounts=true', '?streams=true', '?consumers=true', '?consumers=true&config=true', '?accounts=true&streams=1&config=true',
    '?acc=$G', '?acc=nobody', '?acc=$G&consumers=true', '?accounts=true&offset=1', '?accounts=true&limit=0', '?accounts=true&limit=1',
    '?leader-only=true', '?leader-only=true&accounts=true',
  ]) {
    it(`/jsz${query}: same fields and values`, async () => {
      const [expected, actual] = await both(`/jsz${query.replace('$', '%24')}`);
      assert.deepEqual(shapeOf(actual), shapeOf(expected));
      assert.deepEqual(deterministic(actual), deterministic(expected));
    });
  }

  it('/jsz with every detail: streams, consumers and configs as nats-server reports them', async () => {
    const [expected, actual] = await both('/jsz?accounts=true&streams=true&consumers=true&config=true');
    assert.deepEqual(shapeOf(actual), shapeOf(expected));
    assert.deepEqual(deterministic(actual), deterministic(expected));
    const account = actual.account_details[0];
    assert.equal(account.name, '$G');
    assert.deepEqual(account.stream_detail.map((s: { name: string }) => s.name).sort(), ['MEM', 'ORDERS']);
    const orders = account.stream_detail.find((s: { name: string }) => s.name === 'ORDERS');
    assert.equal(orders.cluster.leader, actual.server_id);
    assert.equal(orders.state.messages, 2);
    assert.equal(orders.consumer_detail[0].name, 'C1');
    assert.equal(orders.consumer_detail[0].num_pending, 2);
    assert.equal(orders.consumer_detail[0].config.ack_policy, 'explicit');
  });

  it('/jsz writes an unlimited reservation as the full uint64, as nats-server', async () => {
    const [expected, actual] = await Promise.all([get(`${nats.monitorUrl}/jsz?accounts=true`), get(`${natrium.monitorUrl}/jsz?accounts=true`)]);
    const reserved = /"reserved_memory": (\d+),\n\s+"reserved_storage": (\d+)/;
    assert.equal(actual.text.match(/"reserved_memory": 18446744073709551615/g)?.length, 1);
    assert.deepEqual(actual.text.split('"account_details"')[1]?.match(reserved)?.slice(1), expected.text.split('"account_details"')[1]?.match(reserved)?.slice(1));
    assert.equal(actual.contentType, expected.contentType);
  });

  it('/jsz counts API requests and errors as they happen', async () => {
    const before = await getJson(`${natrium.monitorUrl}/jsz`);
    await runScenario(natrium.server.url);
    const afterwards = await getJson(`${natrium.monitorUrl}/jsz`);
    // INFO, stream create x2, consumer create, stream info (missing) = 5 requests, 1 error.
    assert.equal(afterwards.api.total - before.api.total, 5);
    assert.equal(afterwards.api.errors - before.api.errors, 1);
  });

  it('/jsz?callback wraps the JSON as nats-server does', async () => {
    const [expected, actual] = await Promise.all([get(`${nats.monitorUrl}/jsz?callback=cb`), get(`${natrium.monitorUrl}/jsz?callback=cb`)]);
    assert.equal(actual.contentType, expected.contentType);
    assert.match(actual.text, /^cb\(\{[\s\S]*\}\)$/);
  });

  for (const query of ['/jsz?accounts=xx', '/jsz?offset=x', '/jsz?consumers=maybe', '/healthz?js-enabled-only=xx', '/healthz?js-server-only=2']) {
    it(`${query}: the same 400 answer`, async () => {
      const [expected, actual] = await Promise.all([get(`${nats.monitorUrl}${query}`), get(`${natrium.monitorUrl}${query}`)]);
      assert.equal(expected.status, 400);
      assert.equal(actual.status, expected.status);
      assert.equal(actual.text, expected.text);
    });
  }

  for (const query of ['', '?js-enabled-only=true', '?js-server-only=true', '?js-enabled=true', '?js-enabled-only=1&js-server-only=true']) {
    it(`/healthz${query}: the same answer, byte for byte`, async () => {
      const [expected, actual] = await Promise.all([get(`${nats.monitorUrl}/healthz${query}`), get(`${natrium.monitorUrl}/healthz${query}`)]);
      assert.equal(actual.status, expected.status);
      assert.equal(actual.contentType, expected.contentType);
      assert.equal(actual.text, expected.text);
      assert.equal(actual.text, '{"status":"ok"}');
    });
  }

  it('/healthz?details=true: the 2.10 shape with the status code', async () => {
    const answer = await get(`${natrium.monitorUrl}/healthz?details=true`);
    assert.equal(answer.status, 200);
    assert.deepEqual(JSON.parse(answer.text), { status: 'ok', status_code: 200 });
  });
});

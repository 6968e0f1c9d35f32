// Acknowledgements: +ACK/-NAK/+TERM/+WPI, ack policies, redelivery after ack_wait, max_deliver, backoff, max_ack_pending, retention.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ack, ackFields, consumerApi, durable, info, MS, pull, sleep, TestStream, type Received } from './harness.js';

async function setup(extra: object = {}, messages = 4, streamOptions: object = {}) {
  const stream = new TestStream({ name: 'A', ...streamOptions });
  for (let i = 1; i <= messages; i++) stream.publish('a.x', `m${i}`);
  const api = consumerApi(stream);
  durable(api, 'A', 'D', extra);
  return { stream, api };
}

const floor = (i: Record<string, any>) => [i.ack_floor.consumer_seq, i.ack_floor.stream_seq];

test('acks - ack, term, in-progress and nak move the floor as nats-server does', async () => {
  const { stream, api } = await setup({ ack_wait: 2000 * MS });
  const got = await pull(stream, 'D', { batch: 4 }).next(4);
  assert.equal(info(api, 'A', 'D').num_ack_pending, 4);
  await ack(stream, got[0]!);
  let i = info(api, 'A', 'D');
  assert.deepEqual([floor(i), i.num_ack_pending], [[1, 1], 3]);
  assert.ok(typeof i.ack_floor.last_active === 'string');
  await ack(stream, got[2]!);
  assert.deepEqual(floor(info(api, 'A', 'D')), [1, 1]);
  await ack(stream, got[1]!, '+TERM');
  i = info(api, 'A', 'D');
  assert.deepEqual([floor(i), i.num_ack_pending], [[3, 3], 1]);
  assert.equal(stream.advisories.at(-1)?.[0], 'CONSUMER.MSG_TERMINATED.A.D');
  await ack(stream, got[3]!, '+WPI');
  assert.equal(info(api, 'A', 'D').num_ack_pending, 1);
  await ack(stream, got[3]!, '-NAK');
  const [again] = await pull(stream, 'D', { batch: 1, no_wait: true }).next(1);
  assert.deepEqual(ackFields(again!.reply), { delivered: 2, streamSeq: 4, consumerSeq: 5, pending: 0 });
  i = info(api, 'A', 'D');
  assert.deepEqual([i.delivered.consumer_seq, i.delivered.stream_seq, i.num_redelivered], [5, 4, 1]);
  await ack(stream, again!);
  i = info(api, 'A', 'D');
  assert.deepEqual([floor(i), i.num_ack_pending, i.num_redelivered], [[5, 4], 0, 0]);
  stream.stop();
});

test('acks - without reply subject, duplicates, and an empty body', async () => {
  const { stream, api } = await setup({}, 2);
  const got = await pull(stream, 'D', { batch: 2 }).next(2);
  await ack(stream, got[0]!, '+ACK', false);
  await ack(stream, got[0]!, '+ACK');
  await ack(stream, got[1]!, '', false);
  await sleep(20);
  const i = info(api, 'A', 'D');
  assert.deepEqual([floor(i), i.num_ack_pending], [[2, 2], 0]);
  stream.stop();
});

test('acks - nak with delay postpones the redelivery', async () => {
  const { stream, api } = await setup({}, 1);
  const [m] = await pull(stream, 'D', { batch: 1 }).next(1);
  await ack(stream, m!, '-NAK {"delay": 300000000}');
  assert.equal((await pull(stream, 'D', { batch: 1, no_wait: true }).next(1))[0]!.status, '404 No Messages');
  await sleep(400);
  const [again] = await pull(stream, 'D', { batch: 1, no_wait: true }).next(1);
  assert.deepEqual(ackFields(again!.reply).delivered, 2);
  const i = info(api, 'A', 'D');
  assert.deepEqual([i.num_redelivered, i.delivered.consumer_seq, i.delivered.stream_seq], [1, 2, 1]);
  await ack(stream, again!, '-NAK 200ms');
  await sleep(300);
  assert.deepEqual(ackFields((await pull(stream, 'D', { batch: 1, no_wait: true }).next(1))[0]!.reply).delivered, 3);
  stream.stop();
});

test('acks - ack_wait expiry redelivers; +WPI pushes it back', async () => {
  const { stream, api } = await setup({ ack_wait: 150 * MS }, 1);
  const [m] = await pull(stream, 'D', { batch: 1 }).next(1);
  await sleep(100);
  await ack(stream, m!, '+WPI');
  await sleep(100);
  assert.equal((await pull(stream, 'D', { batch: 1, no_wait: true }).next(1))[0]!.status, '404 No Messages');
  await sleep(100);
  const [again] = await pull(stream, 'D', { batch: 1, no_wait: true }).next(1);
  assert.equal(ackFields(again!.reply).delivered, 2);
  assert.equal(info(api, 'A', 'D').num_redelivered, 1);
  stream.stop();
});

test('acks - max_deliver stops redelivery and sends the advisory once', async () => {
  const { stream, api } = await setup({ max_deliver: 2 }, 1);
  const [m1] = await pull(stream, 'D', { batch: 1 }).next(1);
  await ack(stream, m1!, '-NAK');
  const [m2] = await pull(stream, 'D', { batch: 1 }).next(1);
  assert.equal(ackFields(m2!.reply).delivered, 2);
  await ack(stream, m2!, '-NAK');
  const last = pull(stream, 'D', { batch: 1, no_wait: true });
  assert.equal((await last.drain(100)).length, 0);
  last.close();
  const i = info(api, 'A', 'D');
  assert.deepEqual([floor(i), i.delivered.consumer_seq, i.num_ack_pending, i.num_redelivered, i.num_waiting], [[0, 0], 2, 0, 1, 0]);
  const advisories = stream.advisories.filter(([s]) => s === 'CONSUMER.MAX_DELIVERIES.A.D');
  assert.equal(advisories.length, 1);
  assert.deepEqual(advisories[0]![1], { type: 'io.nats.jetstream.advisory.v1.max_deliver', stream: 'A', consumer: 'D', stream_seq: 1, deliveries: 2 });
  stream.stop();
});

test('acks - backoff sets the wait of each redelivery', async () => {
  const { stream } = await setup({ max_deliver: 4, backoff: [100 * MS, 300 * MS] }, 1);
  const started = Date.now();
  const first = pull(stream, 'D', { batch: 3, expires: 1500 * MS });
  const got = await first.next(3, 1500);
  const times = got.map(() => Date.now());
  assert.deepEqual(got.map((m) => ackFields(m.reply).delivered), [1, 2, 3]);
  // 1st redelivery after ~100 ms, the 2nd ~300 ms later.
  assert.ok(times[2]! - started >= 350, `redeliveries too early: ${times[2]! - started} ms`);
  stream.stop();
});

test('acks - ack policy all acknowledges everything below', async () => {
  const { stream, api } = await setup({ ack_policy: 'all' });
  const got = await pull(stream, 'D', { batch: 4 }).next(4);
  await ack(stream, got[2]!);
  const i = info(api, 'A', 'D');
  assert.deepEqual([floor(i), i.num_ack_pending], [[3, 3], 1]);
  stream.stop();
});

test('acks - ack policy none: the floor follows deliveries, nothing is pending', async () => {
  const { stream, api } = await setup({ ack_policy: 'none' }, 2);
  await pull(stream, 'D', { batch: 2 }).next(2);
  const i = info(api, 'A', 'D');
  assert.deepEqual([floor(i), i.num_ack_pending, i.ack_floor.last_active], [[2, 2], 0, undefined]);
  stream.stop();
});

test('acks - max_ack_pending stops delivery until something is acked', async () => {
  const { stream, api } = await setup({ max_ack_pending: 2 }, 4);
  const inbox = pull(stream, 'D', { batch: 4, expires: 2000 * MS });
  const got = await inbox.next(2);
  assert.equal((await inbox.drain(50)).length, 0);
  assert.equal(info(api, 'A', 'D').num_ack_pending, 2);
  await ack(stream, got[0]!);
  const more = await inbox.next(1);
  assert.equal(more[0]!.data, 'm3');
  stream.stop();
});

test('acks - workqueue retention removes acked and terminated messages', async () => {
  const { stream, api } = await setup({}, 3, { retention: 'workqueue' });
  const got = await pull(stream, 'D', { batch: 2 }).next(2);
  await ack(stream, got[0]!);
  await ack(stream, got[1]!, '+TERM');
  const state = stream.store.state();
  assert.deepEqual([state.messages, state.firstSeq], [1, 3]);
  assert.equal(info(api, 'A', 'D').num_pending, 1);
  stream.stop();
});

test('acks - interest retention keeps a message until every consumer acked it', async () => {
  const stream = new TestStream({ name: 'IN', retention: 'interest' });
  const api = consumerApi(stream);
  durable(api, 'IN', 'A');
  durable(api, 'IN', 'B');
  stream.publish('in.a', 'm1');
  stream.publish('in.a', 'm2');
  const fromA = await pull(stream, 'A', { batch: 2 }).next(2);
  for (const m of fromA) await ack(stream, m);
  assert.equal(stream.store.state().messages, 2);
  const [fromB] = await pull(stream, 'B', { batch: 1 }).next(1);
  await ack(stream, fromB!);
  assert.deepEqual([stream.store.state().messages, stream.store.state().firstSeq], [1, 2]);
  // A message published while no consumer is there is not kept.
  api.call('CONSUMER.DELETE.IN.A');
  api.call('CONSUMER.DELETE.IN.B');
  stream.publish('in.a', 'nobody');
  assert.equal(stream.store.load(3), null);
  stream.stop();
});

test('acks - acks of unknown or future sequences change nothing', async () => {
  const { stream, api } = await setup({}, 2);
  const [m] = await pull(stream, 'D', { batch: 1 }).next(1);
  const forged: Received = { ...m!, reply: m!.reply.replace('.1.1.1.', '.1.2.2.') };
  await ack(stream, forged);
  const i = info(api, 'A', 'D');
  assert.deepEqual([floor(i), i.num_ack_pending], [[0, 0], 1]);
  stream.stop();
});

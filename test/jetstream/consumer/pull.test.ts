// Pull consumers: batches, expiry, no_wait, max_bytes, heartbeats, limits and the status replies nats-server sends.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ackFields, consumerApi, durable, info, Inbox, MS, pull, send, sleep, TestStream } from './harness.js';

function setup(extra: object = {}, messages = 0) {
  const stream = new TestStream({ name: 'S' });
  for (let i = 1; i <= messages; i++) stream.publish('s.a', `m${i}`);
  const api = consumerApi(stream);
  durable(api, 'S', 'D', extra);
  return { stream, api };
}

test('pull - batch smaller, then larger than what is there; ack subjects carry counts and pending', async () => {
  const { stream, api } = setup({}, 3);
  const first = await pull(stream, 'D', { batch: 2 }).next(2);
  assert.deepEqual(first.map((m) => [m.subject, m.data]), [['s.a', 'm1'], ['s.a', 'm2']]);
  assert.deepEqual(ackFields(first[0]!.reply), { delivered: 1, streamSeq: 1, consumerSeq: 1, pending: 2 });
  assert.deepEqual(ackFields(first[1]!.reply), { delivered: 1, streamSeq: 2, consumerSeq: 2, pending: 1 });
  assert.match(first[0]!.reply, /^\$JS\.ACK\.S\.D\.1\.1\.1\.\d{19}\.2$/);
  let i = info(api, 'S', 'D');
  assert.equal(i.num_ack_pending, 2);
  assert.equal(i.num_pending, 1);
  assert.deepEqual(i.delivered.consumer_seq, 2);
  assert.ok(typeof i.delivered.last_active === 'string');
  const inbox = pull(stream, 'D', { batch: 5, expires: 200 * MS });
  const second = await inbox.next(2, 1000);
  assert.equal(second[0]!.data, 'm3');
  assert.equal(second[1]!.status, '408 Request Timeout');
  assert.deepEqual(second[1]!.headers, { 'Nats-Pending-Messages': '4', 'Nats-Pending-Bytes': '0' });
  i = info(api, 'S', 'D');
  assert.equal(i.num_ack_pending, 3);
  assert.equal(i.num_pending, 0);
  stream.stop();
});

test('pull - no_wait on an empty stream is 404; with fewer messages it ends with 408', async () => {
  const { stream } = setup();
  assert.equal((await pull(stream, 'D', { batch: 1, no_wait: true }).next(1))[0]!.status, '404 No Messages');
  stream.publish('s.a', 'm1');
  stream.publish('s.a', 'm2');
  const replies = await pull(stream, 'D', { batch: 5, no_wait: true }).next(3);
  assert.deepEqual(replies.map((m) => m.status || m.data), ['m1', 'm2', '408 Request Timeout']);
  assert.equal(replies[2]!.headers['Nats-Pending-Messages'], '3');
  assert.equal((await pull(stream, 'D', { batch: 0, no_wait: true }).next(1))[0]!.status, '404 No Messages');
  stream.stop();
});

test('pull - empty body asks for one, a number for that many; garbage waits for one', async () => {
  const { stream, api } = setup({}, 3);
  assert.equal((await pull(stream, 'D').next(1))[0]!.data, 'm1');
  const two = pull(stream, 'D', '2');
  assert.deepEqual((await two.next(2)).map((m) => m.data), ['m2', 'm3']);
  assert.equal((await two.drain()).length, 0);
  const waiting = pull(stream, 'D', 'not json');
  await sleep(20);
  assert.equal(info(api, 'S', 'D').num_waiting, 1);
  stream.publish('s.a', 'm4');
  assert.equal((await waiting.next(1))[0]!.data, 'm4');
  stream.stop();
});

test('pull - a waiting request is served by a later publish', async () => {
  const { stream, api } = setup();
  const inbox = pull(stream, 'D', { batch: 1, expires: 2000 * MS });
  await sleep(10);
  assert.equal(info(api, 'S', 'D').num_waiting, 1);
  stream.publish('s.a', 'late');
  const [message] = await inbox.next(1);
  assert.equal(message!.data, 'late');
  assert.deepEqual(ackFields(message!.reply).pending, 0);
  const i = info(api, 'S', 'D');
  assert.equal(i.num_waiting, 0);
  assert.equal(i.num_ack_pending, 1);
  stream.stop();
});

test('pull - max_bytes: a message that does not fit ends the request with 409', async () => {
  const { stream } = setup({}, 3);
  const replies = await pull(stream, 'D', { batch: 10, max_bytes: 60, expires: 300 * MS }).next(2);
  assert.equal(replies[0]!.data, 'm1');
  assert.equal(replies[1]!.status, '409 Message Size Exceeds MaxBytes');
  // subject (3) + ack reply (39) + data (2) = 44 bytes taken of 60.
  assert.deepEqual(replies[1]!.headers, { 'Nats-Pending-Messages': '9', 'Nats-Pending-Bytes': '16' });
  const small = await pull(stream, 'D', { batch: 1, max_bytes: 5, expires: 300 * MS }).next(1);
  assert.deepEqual(small[0]!.headers, { 'Nats-Pending-Messages': '1', 'Nats-Pending-Bytes': '5' });
  stream.stop();
});

test('pull - idle heartbeats until the request expires', async () => {
  const { stream } = setup();
  const replies = await pull(stream, 'D', { batch: 1, expires: 500 * MS, idle_heartbeat: 200 * MS }).next(3, 1200);
  assert.deepEqual(replies.map((m) => m.status), ['100 Idle Heartbeat', '100 Idle Heartbeat', '408 Request Timeout']);
  assert.deepEqual(replies[0]!.headers, { 'Nats-Last-Consumer': '0', 'Nats-Last-Stream': '0' });
  const tooLarge = await pull(stream, 'D', { batch: 1, expires: 300 * MS, idle_heartbeat: 200 * MS }).next(1);
  assert.equal(tooLarge[0]!.status, '400 Bad Request - heartbeat value too large');
  stream.stop();
});

test('pull - limits: max_waiting, max_batch, max_expires, max_bytes', async () => {
  const stream = new TestStream({ name: 'S' });
  const api = consumerApi(stream);
  durable(api, 'S', 'W', { max_waiting: 1 });
  const first = pull(stream, 'W', { batch: 1, expires: 300 * MS });
  assert.equal((await pull(stream, 'W', { batch: 1, expires: 300 * MS }).next(1))[0]!.status, '409 Exceeded MaxWaiting');
  assert.equal((await first.next(1, 1000))[0]!.status, '408 Request Timeout');
  durable(api, 'S', 'B', { max_batch: 2, max_expires: 1000 * MS, max_bytes: 100 });
  assert.equal((await pull(stream, 'B', { batch: 5 }).next(1))[0]!.status, '409 Exceeded MaxRequestBatch of 2');
  assert.equal((await pull(stream, 'B', { batch: 1, expires: 5000 * MS }).next(1))[0]!.status, '409 Exceeded MaxRequestExpires of 1s');
  assert.equal((await pull(stream, 'B', { batch: 1, max_bytes: 500 }).next(1))[0]!.status, '409 Exceeded MaxRequestMaxBytes of 100');
  stream.stop();
});

test('pull - push consumers refuse pulls; unknown consumers do not answer', async () => {
  const stream = new TestStream({ name: 'S' });
  const api = consumerApi(stream);
  durable(api, 'S', 'P', { deliver_subject: 'push.here' });
  assert.equal((await pull(stream, 'P', { batch: 1, no_wait: true }).next(1))[0]!.status, '409 Consumer is push based');
  assert.equal((await pull(stream, 'NOPE', { batch: 1, no_wait: true }).drain(100)).length, 0);
  stream.stop();
});

test('pull - a waiting request learns that its consumer was deleted', async () => {
  const { stream, api } = setup();
  const inbox = pull(stream, 'D', { batch: 1, expires: 3000 * MS });
  await sleep(10);
  assert.deepEqual(api.call('CONSUMER.DELETE.S.D'), { type: 'io.nats.jetstream.api.v1.consumer_delete_response', success: true });
  assert.equal((await inbox.next(1))[0]!.status, '409 Consumer Deleted');
  assert.equal(stream.consumers.size, 0);
  assert.deepEqual(stream.advisories.at(-1)?.[0], 'CONSUMER.DELETED.S.D');
  stream.stop();
});

test('pull - headers_only delivers headers plus Nats-Msg-Size; filters skip other subjects', async () => {
  const stream = new TestStream({ name: 'S' });
  stream.publish('s.h', 'with headers', { 'X-A': '1', 'Nats-Msg-Id': 'h1' });
  stream.publish('s.b', 'm1');
  const api = consumerApi(stream);
  durable(api, 'S', 'H', { headers_only: true });
  const headersOnly = await pull(stream, 'H', { batch: 2 }).next(2);
  assert.deepEqual(headersOnly[0]!.headers, { 'X-A': '1', 'Nats-Msg-Id': 'h1', 'Nats-Msg-Size': '12' });
  assert.equal(headersOnly[0]!.data, '');
  assert.deepEqual(headersOnly[1]!.headers, { 'Nats-Msg-Size': '2' });
  durable(api, 'S', 'F', { filter_subject: 's.b' });
  const filtered = await pull(stream, 'F', { batch: 2, no_wait: true }).next(2);
  assert.equal(filtered[0]!.data, 'm1');
  assert.deepEqual(ackFields(filtered[0]!.reply), { delivered: 1, streamSeq: 2, consumerSeq: 1, pending: 0 });
  assert.equal(filtered[1]!.status, '408 Request Timeout');
  durable(api, 'S', 'M', { filter_subjects: ['s.h', 's.b'] });
  assert.deepEqual((await pull(stream, 'M', { batch: 2 }).next(2)).map((m) => m.subject), ['s.h', 's.b']);
  stream.stop();
});

test('pull - the inactive threshold removes an idle consumer', async () => {
  const { stream, api } = setup({ inactive_threshold: 100 * MS });
  assert.equal(stream.consumers.size, 1);
  await sleep(1300);
  assert.equal(stream.consumers.size, 0);
  assert.equal(info(api, 'S', 'D').error.err_code, 10014);
  stream.stop();
});

test('pull - +NXT acks and asks for more on the ack reply subject', async () => {
  const { stream, api } = setup({}, 3);
  const [m1] = await pull(stream, 'D', { batch: 1 }).next(1);
  const next = new Inbox(stream.account, '_INBOX.next');
  send(stream, m1!.reply, '+NXT', next.subject);
  const [m2] = await next.next(1);
  assert.equal(m2!.data, 'm2');
  send(stream, m2!.reply, '+NXT {"batch": 2}', next.subject);
  assert.equal((await next.next(1))[0]!.data, 'm3');
  const i = info(api, 'S', 'D');
  assert.deepEqual([i.ack_floor.consumer_seq, i.ack_floor.stream_seq, i.num_ack_pending, i.num_waiting], [2, 2, 1, 1]);
  stream.stop();
});

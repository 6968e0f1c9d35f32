// Push consumers (delivery, interest, heartbeats, flow control, replay, pause) and deliver policies.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ack, ackFields, consumerApi, durable, info, Inbox, MS, pull, send, sleep, TestStream } from './harness.js';

test('push - delivers stored then new messages to the deliver subject, with the stored subject shown', async () => {
  const stream = new TestStream({ name: 'P' });
  stream.publish('p.a', 'm1');
  stream.publish('p.a', 'm2');
  const inbox = new Inbox(stream.account, 'deliver.p');
  const api = consumerApi(stream);
  const created = durable(api, 'P', 'D', { deliver_subject: 'deliver.p' });
  assert.equal(created.push_bound, true);
  const got = await inbox.next(2);
  assert.deepEqual(got.map((m) => [m.subject, m.data, ackFields(m.reply).pending]), [['p.a', 'm1', 1], ['p.a', 'm2', 0]]);
  stream.publish('p.b', 'm3');
  const [third] = await inbox.next(1);
  assert.equal(third!.subject, 'p.b');
  for (const m of [...got, third!]) await ack(stream, m);
  const i = info(api, 'P', 'D');
  assert.deepEqual([i.ack_floor.consumer_seq, i.ack_floor.stream_seq, i.num_ack_pending, i.push_bound], [3, 3, 0, true]);
  stream.stop();
});

test('push - waits for interest in the deliver subject, then delivers', async () => {
  const stream = new TestStream({ name: 'P' });
  stream.publish('p.a', 'm1');
  const api = consumerApi(stream);
  const created = durable(api, 'P', 'D', { deliver_subject: 'late.p' });
  assert.equal(created.push_bound, undefined);
  await sleep(50);
  const inbox = new Inbox(stream.account, 'late.p');
  const [m] = await inbox.next(1, 1500);
  assert.equal(m?.data, 'm1');
  assert.equal(info(api, 'P', 'D').push_bound, true);
  stream.stop();
});

test('push - idle heartbeats carry the last sequences', async () => {
  const stream = new TestStream({ name: 'P' });
  const inbox = new Inbox(stream.account, 'deliver.hb');
  const api = consumerApi(stream);
  durable(api, 'P', 'HB', { deliver_subject: 'deliver.hb', idle_heartbeat: 100 * MS });
  const [hb] = await inbox.next(1, 500);
  assert.equal(hb!.status, '100 Idle Heartbeat');
  assert.deepEqual(hb!.headers, { 'Nats-Last-Consumer': '0', 'Nats-Last-Stream': '0' });
  stream.publish('p.a', 'm1');
  const [m] = await inbox.next(1);
  assert.equal(m!.data, 'm1');
  const [hb2] = await inbox.next(1, 500);
  assert.deepEqual(hb2!.headers, { 'Nats-Last-Consumer': '1', 'Nats-Last-Stream': '1' });
  stream.stop();
});

test('push - flow control asks the receiver to answer before sending more', async () => {
  const stream = new TestStream({ name: 'P' });
  const big = 'x'.repeat(60000);
  for (let i = 0; i < 40; i++) stream.publish('p.big', big);
  const inbox = new Inbox(stream.account, 'deliver.fc');
  const api = consumerApi(stream);
  durable(api, 'P', 'FC', { deliver_subject: 'deliver.fc', ack_policy: 'none', flow_control: true, idle_heartbeat: 5000 * MS });
  const first = await inbox.drain(100);
  // 18 messages pass half of the 2 MB window: a request follows; delivery stops past the window (35 messages).
  assert.equal(first[18]!.status, '100 FlowControl Request');
  assert.match(first[18]!.reply, /^\$JS\.FC\.P\.FC\.[0-9A-Za-z]{4}$/);
  const data = first.filter((m) => m.status === '');
  assert.equal(data.length, 35);
  send(stream, first[18]!.reply, '');
  const rest = await inbox.drain(100);
  assert.equal(rest.filter((m) => m.status === '').length, 5);
  stream.stop();
});

test('push - the inactive threshold removes an ephemeral without interest', async () => {
  const stream = new TestStream({ name: 'P' });
  const api = consumerApi(stream);
  const created = api.call('CONSUMER.CREATE.P', { stream_name: 'P', config: { deliver_subject: 'nobody', inactive_threshold: 100 * MS } })!;
  assert.equal(stream.consumers.size, 1);
  await sleep(300);
  assert.equal(stream.consumers.size, 0, `still there: ${created.name}`);
  stream.stop();
});

test('push - replay original paces messages like they were stored', async () => {
  const stream = new TestStream({ name: 'P' });
  stream.publish('p.a', 'm1');
  await sleep(150);
  stream.publish('p.a', 'm2');
  const inbox = new Inbox(stream.account, 'deliver.r');
  const api = consumerApi(stream);
  durable(api, 'P', 'R', { deliver_subject: 'deliver.r', replay_policy: 'original', ack_policy: 'none' });
  const [first] = await inbox.next(1);
  const started = Date.now();
  assert.equal(first!.data, 'm1');
  const [second] = await inbox.next(1, 1000);
  assert.equal(second!.data, 'm2');
  assert.ok(Date.now() - started >= 120, `m2 after ${Date.now() - started} ms`);
  stream.stop();
});

test('push - pause holds delivery until pause_until; resume delivers', async () => {
  const stream = new TestStream({ name: 'P' });
  const inbox = new Inbox(stream.account, 'deliver.z');
  const api = consumerApi(stream);
  durable(api, 'P', 'Z', { deliver_subject: 'deliver.z' });
  const until = new Date(Date.now() + 60_000).toISOString();
  const paused = api.call('CONSUMER.PAUSE.P.Z', { pause_until: until })!;
  assert.equal(paused.type, 'io.nats.jetstream.api.v1.consumer_pause_response');
  assert.equal(paused.paused, true);
  assert.ok((paused.pause_remaining as number) > 59e9);
  assert.equal(info(api, 'P', 'Z').paused, true);
  stream.publish('p.a', 'm1');
  assert.equal((await inbox.drain(50)).length, 0);
  const resumed = api.call('CONSUMER.PAUSE.P.Z', {})!;
  assert.deepEqual(resumed, { type: 'io.nats.jetstream.api.v1.consumer_pause_response', paused: false, pause_until: '0001-01-01T00:00:00Z' });
  assert.equal((await inbox.next(1))[0]!.data, 'm1');
  assert.equal(api.call('CONSUMER.PAUSE.P.NOPE', {})!.error !== undefined, true);
  stream.stop();
});

test('deliver policies - last, new, by_start_sequence, by_start_time, last_per_subject', async () => {
  const stream = new TestStream({ name: 'C' });
  stream.publish('c.a', 'm1');
  stream.publish('c.a', 'm2');
  stream.publish('c.b', 'm3');
  const api = consumerApi(stream);
  const start = (name: string, extra: object) => {
    const created = durable(api, 'C', name, extra) as Record<string, any>;
    return [created.delivered.stream_seq, created.num_pending, created.ack_floor.stream_seq];
  };
  assert.deepEqual(start('LAST', { deliver_policy: 'last' }), [2, 1, 0]);
  assert.deepEqual(start('NEW', { deliver_policy: 'new' }), [3, 0, 0]);
  assert.deepEqual(start('SEQ', { deliver_policy: 'by_start_sequence', opt_start_seq: 2, filter_subject: 'c.a' }), [1, 1, 0]);
  assert.deepEqual(start('TIME', { deliver_policy: 'by_start_time', opt_start_time: '2000-01-01T00:00:00Z' }), [0, 3, 0]);
  assert.deepEqual(start('LPS', { deliver_policy: 'last_per_subject', filter_subject: 'c.>' }), [1, 2, 0]);
  assert.deepEqual((await pull(stream, 'LPS', { batch: 2 }).next(2)).map((m) => m.data), ['m2', 'm3']);
  stream.publish('c.a', 'm4');
  assert.deepEqual((await pull(stream, 'LPS', { batch: 1 }).next(1)).map((m) => m.data), ['m4']);
  assert.deepEqual((await pull(stream, 'LAST', { batch: 5, no_wait: true }).next(3)).map((m) => m.data || m.status), ['m3', 'm4', '408 Request Timeout']);
  assert.deepEqual((await pull(stream, 'NEW', { batch: 1 }).next(1)).map((m) => m.data), ['m4']);
  stream.stop();
});

test('deliver policies - new on an empty stream starts at 1', async () => {
  const stream = new TestStream({ name: 'E' });
  const api = consumerApi(stream);
  const created = durable(api, 'E', 'N', { deliver_policy: 'new' }) as Record<string, any>;
  assert.deepEqual([created.delivered.stream_seq, created.num_pending], [0, 0]);
  stream.publish('e.a', 'first');
  assert.equal((await pull(stream, 'N', { batch: 1 }).next(1))[0]!.data, 'first');
  stream.stop();
});

test('push - a new deliver subject gets the unacknowledged messages again', async () => {
  const stream = new TestStream({ name: 'P' });
  stream.publish('p.a', 'm1');
  const oldInbox = new Inbox(stream.account, 'old.p');
  const api = consumerApi(stream);
  durable(api, 'P', 'D', { deliver_subject: 'old.p' });
  assert.equal((await oldInbox.next(1))[0]!.data, 'm1');
  oldInbox.close();
  const newInbox = new Inbox(stream.account, 'new.p');
  const updated = durable(api, 'P', 'D', { deliver_subject: 'new.p' }) as Record<string, any>;
  assert.equal(updated.config.deliver_subject, 'new.p');
  const [again] = await newInbox.next(1);
  assert.deepEqual([again!.data, ackFields(again!.reply).delivered], ['m1', 2]);
  stream.stop();
});

test('push - rate_limit_bps spaces deliveries', async () => {
  const stream = new TestStream({ name: 'P', max_msg_size: 1000 });
  for (let i = 0; i < 3; i++) stream.publish('p.a', 'x'.repeat(900));
  const inbox = new Inbox(stream.account, 'slow.p');
  const api = consumerApi(stream);
  const started = Date.now();
  // 80 000 bits/s = 10 bytes/ms with a 1000-byte burst: the 2nd and 3rd messages (~950 bytes each) wait ~90 ms each.
  durable(api, 'P', 'R', { deliver_subject: 'slow.p', ack_policy: 'none', rate_limit_bps: 80_000 });
  const got = await inbox.next(3, 2000);
  assert.equal(got.length, 3);
  assert.ok(Date.now() - started >= 150, `3 x ~950 bytes at 10 kB/s took only ${Date.now() - started} ms`);
  stream.stop();
});

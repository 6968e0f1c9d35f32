// Consumer state on file streams: config.json and state.json, batched writes, recovery after a stop, removal on delete.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { MemoryStore } from '../../../src/jetstream/store/index.js';
import { recoverConsumers } from '../../../src/jetstream/api/consumer-api.js';
import { ack, ackFields, consumerApi, durable, info, MS, pull, sleep, tempDirectory, TestStream } from './harness.js';

test('persistence - delivered, ack floor, pending and redelivered survive a stop and recover', async () => {
  const directory = tempDirectory();
  const store = new MemoryStore();
  const first = new TestStream({ name: 'F', directory, store });
  for (let i = 1; i <= 5; i++) first.publish('f.a', `m${i}`);
  const api = consumerApi(first);
  durable(api, 'F', 'D', { ack_wait: 300 * MS });
  const got = await pull(first, 'D', { batch: 3 }).next(3);
  await ack(first, got[0]!);
  await ack(first, got[1]!, '-NAK');
  const [again] = await pull(first, 'D', { batch: 1 }).next(1);
  assert.equal(ackFields(again!.reply).delivered, 2);
  const before = info(api, 'F', 'D');
  const consumerDir = path.join(directory, 'obs', 'D');
  await sleep(150);
  assert.ok(fs.existsSync(path.join(consumerDir, 'config.json')));
  const written = JSON.parse(fs.readFileSync(path.join(consumerDir, 'state.json'), 'utf8'));
  assert.deepEqual(written.delivered, { consumer_seq: 4, stream_seq: 3 });
  first.stop();

  const second = new TestStream({ name: 'F', directory, store, server: first.server });
  recoverConsumers(second);
  const api2 = consumerApi(second);
  const after = info(api2, 'F', 'D');
  for (const key of ['created', 'config', 'num_ack_pending', 'num_redelivered', 'num_pending']) assert.deepEqual(after[key], before[key], key);
  assert.deepEqual([after.delivered.consumer_seq, after.delivered.stream_seq], [4, 3]);
  assert.deepEqual([after.ack_floor.consumer_seq, after.ack_floor.stream_seq], [1, 1]);
  // Pending messages come back after their ack wait, then the rest of the stream.
  await sleep(350);
  const next = await pull(second, 'D', { batch: 4, expires: 1000 * MS }).next(4, 1500);
  const redelivered = next.slice(0, 2).map((m) => [m.data, ackFields(m.reply).delivered]).sort();
  assert.deepEqual(redelivered, [['m2', 3], ['m3', 2]]);
  assert.deepEqual(next.slice(2).map((m) => [m.data, ackFields(m.reply).delivered]), [['m4', 1], ['m5', 1]]);
  second.stop();
  fs.rmSync(directory, { recursive: true, force: true });
});

test('persistence - deleting a consumer removes its folder; memory streams write nothing', async () => {
  const directory = tempDirectory();
  const stream = new TestStream({ name: 'F', directory });
  const api = consumerApi(stream);
  durable(api, 'F', 'D');
  const consumerDir = path.join(directory, 'obs', 'D');
  assert.ok(fs.existsSync(path.join(consumerDir, 'config.json')));
  api.call('CONSUMER.DELETE.F.D');
  assert.ok(!fs.existsSync(consumerDir));
  durable(api, 'F', 'M', { mem_storage: true });
  assert.ok(!fs.existsSync(path.join(directory, 'obs', 'M')));
  stream.stop();
  const memory = new TestStream({ name: 'M' });
  durable(consumerApi(memory), 'M', 'D');
  assert.equal(memory.consumersDir, null);
  memory.stop();
  fs.rmSync(directory, { recursive: true, force: true });
});

test('persistence - a recovered config keeps its creation time and update applies on disk', async () => {
  const directory = tempDirectory();
  const store = new MemoryStore();
  const stream = new TestStream({ name: 'F', directory, store });
  const api = consumerApi(stream);
  durable(api, 'F', 'D');
  durable(api, 'F', 'D', { description: 'updated' });
  stream.stop();
  const again = new TestStream({ name: 'F', directory, store, server: stream.server });
  recoverConsumers(again);
  assert.equal(info(consumerApi(again), 'F', 'D').config.description, 'updated');
  again.stop();
  fs.rmSync(directory, { recursive: true, force: true });
});

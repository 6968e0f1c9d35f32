// Crash safety of Natrium's file store (Natrium only): kill -9 while publishers wait for acks, and a torn last block.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AckPolicy, StorageType, type PubAck } from '@nats-io/jetstream';
import { RECORD_OVERHEAD } from '../../../src/jetstream/store/record-format.js';
import { JsServer, connectJs, fetchAll, ns, patternBytes, sleep, within, type JsClient } from '../interop/support.js';

const PUBLISHERS = 4;

interface Published { seq: number; subject: string; payload: string }

/** Publishes in a loop, recording every acknowledged message, until the connection fails. */
async function publishUntilFailure(client: JsClient, id: number, out: Published[]): Promise<void> {
  for (let i = 0; ; i++) {
    const subject = `crash.p${id}`;
    const payload = `${id}-${i}-${randomBytes(randomInt(4, 200)).toString('hex')}`;
    let ack: PubAck;
    try {
      ack = await client.js.publish(subject, payload, { timeout: 3000, retries: 1 });
    } catch {
      return;
    }
    out.push({ seq: ack.seq, subject, payload });
  }
}

/** Fetches and acknowledges until the connection fails, recording the sequences whose acks were confirmed. */
async function ackUntilFailure(client: JsClient, acked: Set<number>, sent: Set<number> = new Set()): Promise<void> {
  try {
    const consumer = await client.js.consumers.get('CRASH', 'D');
    for (;;) {
      for (const m of await fetchAll(consumer, 50)) {
        sent.add(m.seq);
        if (await m.ackAck({ timeout: 3000 }).catch(() => false)) acked.add(m.seq);
        else return;
      }
    }
  } catch {
    // the server went away
  }
}

async function closeAll(clients: JsClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.nc.close().catch(() => undefined)));
}

interface CrashResult { published: Map<number, Published>; acked: Set<number>; ackSent: Set<number>; client: JsClient; lastSeq: number }

/**
 * Publishers (and with `consumer` a durable that acks what it fetches) run against a fresh server; after ~1.5 s the
 * server is killed with SIGKILL and restarted on the same store and port. Checks that every acknowledged message
 * is there with its sequence and payload, and that new publishes continue at last + 1.
 */
async function crashRun(server: JsServer, clients: JsClient[], consumer: boolean): Promise<CrashResult> {
  const admin = await connectJs(server.url, 5000);
  clients.push(admin);
  await admin.jsm.streams.add({ name: 'CRASH', subjects: ['crash.>'], storage: StorageType.File });
  if (consumer) await admin.jsm.consumers.add('CRASH', { durable_name: 'D', ack_policy: AckPolicy.Explicit, ack_wait: ns(2000) });
  const list: Published[] = [];
  const acked = new Set<number>();
  const ackSent = new Set<number>();
  const workers: Promise<void>[] = [];
  for (let p = 0; p < PUBLISHERS; p++) {
    const c = await connectJs(server.url, 5000);
    clients.push(c);
    workers.push(publishUntilFailure(c, p, list));
  }
  if (consumer) {
    const c = await connectJs(server.url, 5000);
    clients.push(c);
    workers.push(ackUntilFailure(c, acked, ackSent));
  }
  await sleep(1500);
  assert.ok(list.length > 0, 'publishers got acks before the crash');
  await server.restart('SIGKILL');
  await within(Promise.all(workers), 15_000, 'workers to notice the crash');
  await closeAll(clients.splice(0));

  const client = await connectJs(server.url, 5000);
  clients.push(client);
  const published = new Map<number, Published>();
  for (const p of list) {
    assert.ok(!published.has(p.seq), `sequence ${p.seq} acknowledged twice`);
    published.set(p.seq, p);
  }
  const info = await client.jsm.streams.info('CRASH');
  const maxAcked = Math.max(...published.keys());
  assert.ok(info.state.last_seq >= maxAcked, `last_seq ${info.state.last_seq} >= highest acknowledged ${maxAcked}`);
  const seqs = [...published.keys()];
  for (let i = 0; i < seqs.length; i += 200) {
    await Promise.all(seqs.slice(i, i + 200).map(async (seq) => {
      const m = await client.jsm.streams.getMessage('CRASH', { seq });
      const want = published.get(seq)!;
      assert.ok(m, `acknowledged sequence ${seq} is missing after the crash`);
      assert.equal(m.subject, want.subject, `subject of ${seq}`);
      assert.equal(new TextDecoder().decode(m.data), want.payload, `payload of ${seq}`);
    }));
  }
  const next = await client.js.publish('crash.after', 'after the crash');
  assert.equal(next.seq, info.state.last_seq + 1, 'new publishes continue at last + 1');
  return { published, acked, ackSent, client, lastSeq: next.seq };
}

test('kill -9 while publishers await acks: every acknowledged message survives and sequences continue', { timeout: 60_000 }, async () => {
  const server = await JsServer.start('natrium');
  const clients: JsClient[] = [];
  try {
    const { published } = await crashRun(server, clients, false);
    assert.ok(published.size > 100, `enough traffic to be meaningful: ${published.size} acks`);
  } finally {
    await closeAll(clients);
    await server.stop();
  }
});

test('kill -9 with a durable consumer acking: it resumes from its acks (acked never redelivered, the rest delivered)', { timeout: 90_000 }, async () => {
  const server = await JsServer.start('natrium');
  const clients: JsClient[] = [];
  try {
    const { acked, ackSent, client, lastSeq } = await crashRun(server, clients, true);
    assert.ok(acked.size > 0, 'the consumer acknowledged some messages before the crash');
    const consumer = await client.js.consumers.get('CRASH', 'D');
    const ci = await consumer.info();
    // An ack may be kept although its confirmation was lost in the crash: the floor is at most the last ack sent.
    assert.ok(ci.ack_floor.stream_seq <= Math.max(0, ...ackSent), 'the ack floor is one the consumer reached');
    // The message whose ack was in flight when the server died (sent, never confirmed) may go either way: the
    // server may have kept the ack (its state is written before the confirmation leaves) or not.
    const inFlight = [...ackSent].filter((seq) => !acked.has(seq));
    assert.ok(inFlight.length <= 1, `at most one ack in flight at the crash: ${inFlight.join(',')}`);
    const expected = new Set<number>();
    for (let seq = 1; seq <= lastSeq; seq++) if (!acked.has(seq) && !inFlight.includes(seq)) expected.add(seq);
    const redelivered: number[] = [];
    const deadline = Date.now() + 30_000;
    while (expected.size > 0 && Date.now() < deadline) {
      for (const m of await fetchAll(consumer, 500)) {
        if (acked.has(m.seq)) redelivered.push(m.seq);
        expected.delete(m.seq);
        m.ack();
      }
    }
    const range = (seqs: number[]): string => (seqs.length === 0 ? '' : `${Math.min(...seqs)}..${Math.max(...seqs)}`);
    assert.deepEqual(
      { ackedButRedelivered: redelivered.length, neverDelivered: expected.size },
      { ackedButRedelivered: 0, neverDelivered: 0 },
      `acked ${acked.size} (up to ${Math.max(...acked)}) before the crash; redelivered anyway: ${range(redelivered)}; ` +
        `never delivered after the restart: ${range([...expected])}; ack in flight at the crash: ${inFlight.join(',') || 'none'}`,
    );
  } finally {
    await closeAll(clients);
    await server.stop();
  }
});

test('a torn last block: the server starts, serves every complete message and logs what it cut', { timeout: 60_000 }, async () => {
  const server = await JsServer.start('natrium');
  let client: JsClient | null = null;
  try {
    client = await connectJs(server.url, 5000);
    await client.jsm.streams.add({ name: 'TORN', subjects: ['torn.>'], storage: StorageType.File });
    const sizes: number[] = [];
    const payloads: Uint8Array[] = [];
    for (let i = 1; i <= 300; i++) {
      const payload = patternBytes(randomInt(20, 600), i);
      const ack: PubAck = await client.js.publish(`torn.${i % 7}`, payload);
      assert.equal(ack.seq, i);
      payloads.push(payload);
      sizes.push(RECORD_OVERHEAD + `torn.${i % 7}`.length + payload.length);
    }
    await client.nc.close();
    client = null;

    const msgs = path.join(server.storeDir, 'jetstream', '$G', 'streams', 'TORN', 'msgs');
    let cut = 0;
    let complete = 0;
    await server.restart('SIGKILL', () => {
      const blocks = fs.readdirSync(msgs).filter((f) => /^\d+\.blk$/.test(f)).sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
      assert.equal(blocks.length, 1, `one block for 300 small messages: ${blocks.join(',')}`);
      const file = path.join(msgs, blocks[blocks.length - 1]!);
      const size = fs.statSync(file).size;
      assert.equal(size, sizes.reduce((a, b) => a + b, 0), 'the block holds exactly the 300 records');
      // Cut inside a record in the second half, never on a boundary.
      const victim = randomInt(150, 300);
      const start = sizes.slice(0, victim).reduce((a, b) => a + b, 0);
      const offset = start + randomInt(1, sizes[victim]!);
      fs.truncateSync(file, offset);
      complete = victim;
      cut = offset - start;
    });
    client = await connectJs(server.url, 5000);
    const info = await client.jsm.streams.info('TORN');
    assert.deepEqual([info.state.messages, info.state.first_seq, info.state.last_seq], [complete, 1, complete], 'every complete message, nothing more');
    for (let seq = 1; seq <= complete; seq++) {
      const m = await client.jsm.streams.getMessage('TORN', { seq });
      assert.ok(m, `complete message ${seq} is served`);
      assert.ok(Buffer.from(m.data).equals(Buffer.from(payloads[seq - 1]!)), `payload of ${seq}`);
    }
    assert.equal(await client.jsm.streams.getMessage('TORN', { seq: complete + 1 }), null);
    assert.match(server.output(), new RegExp(`truncated a torn tail of ${cut} bytes`), 'the server logs what it dropped');
    assert.equal((await client.js.publish('torn.new', 'after')).seq, complete + 1, 'appends continue after the cut');
  } finally {
    await client?.nc.close().catch(() => undefined);
    await server.stop();
  }
});

// Acknowledgements through the official client: ack/nak/term/working, redelivery after ack_wait, max_deliver, backoff,
// max_ack_pending, durable state across a restart, and interest/workqueue retention driven by acks.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AckPolicy, RetentionPolicy, StorageType, type JsMsg } from '@nats-io/jetstream';
import { JS_SERVERS, JsEnv, connectJs, fetchAll, fill, ns, rejectsApi, sleep, waitUntil, within } from './support.js';

for (const kind of JS_SERVERS) {
  describe(`consumer acks on ${kind}`, () => {
    let env: JsEnv;
    before(async () => { env = await JsEnv.open(kind); });
    after(async () => { await env?.close(); });

    async function stream(prefix: string, extra: Record<string, unknown> = {}): Promise<string> {
      const name = env.name(prefix);
      await env.jsm.streams.add({ name, subjects: [`${name}.>`], storage: StorageType.Memory, ...extra });
      return name;
    }

    /** Collects deliveries from consume() for `ms` (to see redeliveries, and to see that none come). */
    async function collectFor(stream: string, durable: string, ms: number, onMessage?: (m: JsMsg) => void): Promise<JsMsg[]> {
      const out: JsMsg[] = [];
      const iter = await (await env.js.consumers.get(stream, durable)).consume({ max_messages: 10, expires: 1000 });
      const reading = (async () => { for await (const m of iter) { out.push(m); onMessage?.(m); } })();
      await sleep(ms);
      await iter.close();
      await within(reading, 5000, 'consume to stop');
      return out;
    }

    test('ack, nak, term and working: what is redelivered and what consumer info says', async () => {
      const name = await stream('ACKS');
      await fill(env.js, `${name}.a`, 4);
      await env.jsm.consumers.add(name, { durable_name: 'A', ack_policy: AckPolicy.Explicit, ack_wait: ns(30_000) });
      const c = await env.js.consumers.get(name, 'A');
      const [m1, m2, m3, m4] = await fetchAll(c, 4);
      assert.ok(m1 && m2 && m3 && m4);
      assert.equal(await m1.ackAck(), true);
      m2.nak();
      m3.term();
      m4.working();
      await env.nc.flush();
      const again = await fetchAll(c, 1);
      assert.equal(again.length, 1);
      assert.equal(again[0]!.seq, 2, 'the nak-ed message comes back');
      assert.equal(again[0]!.redelivered, true);
      assert.equal(again[0]!.info.deliveryCount, 2);
      assert.equal(await again[0]!.ackAck(), true);
      let info = await c.info();
      assert.equal(info.num_ack_pending, 1, 'only the in-progress message is pending');
      assert.equal(info.ack_floor.stream_seq, 3, 'term counts as acknowledged');
      assert.equal(await m4.ackAck(), true);
      info = await c.info();
      assert.deepEqual([info.num_ack_pending, info.ack_floor.stream_seq, info.num_pending], [0, 4, 0]);
      assert.deepEqual(await fetchAll(c, 1), [], 'nothing left: the terminated message is not redelivered');
    });

    test('nak with a delay postpones the redelivery', async () => {
      const name = await stream('NAKD');
      await env.js.publish(`${name}.a`, 'later');
      await env.jsm.consumers.add(name, { durable_name: 'D', ack_policy: AckPolicy.Explicit });
      const c = await env.js.consumers.get(name, 'D');
      const [m] = await fetchAll(c, 1);
      m!.nak(2500);
      await env.nc.flush();
      assert.deepEqual(await fetchAll(c, 1, 1000), [], 'not redelivered before the delay');
      const [back] = await fetchAll(c, 1, 5000);
      assert.equal(back?.seq, 1, 'redelivered after the delay');
      assert.equal(back?.info.deliveryCount, 2);
    });

    test('an unacknowledged message is redelivered after ack_wait; max_deliver stops it', async () => {
      const name = await stream('WAIT');
      await env.js.publish(`${name}.a`, 'unacked');
      await env.jsm.consumers.add(name, { durable_name: 'W', ack_policy: AckPolicy.Explicit, ack_wait: ns(400), max_deliver: 3 });
      const got = await collectFor(name, 'W', 2500);
      assert.deepEqual(got.map((m) => m.seq), [1, 1, 1], 'delivered max_deliver times, no more');
      assert.deepEqual(got.map((m) => m.info.deliveryCount), [1, 2, 3]);
      assert.deepEqual(got.map((m) => m.redelivered), [false, true, true]);
      const info = await env.jsm.consumers.info(name, 'W');
      assert.equal(info.num_redelivered, 1);
    });

    test('backoff sets the redelivery delays (and is echoed in the config)', async () => {
      const name = await stream('BACK');
      await env.js.publish(`${name}.a`, 'backoff');
      const ci = await env.jsm.consumers.add(name, { durable_name: 'B', ack_policy: AckPolicy.Explicit, backoff: [ns(300), ns(900)], max_deliver: 3 });
      assert.deepEqual(ci.config.backoff, [ns(300), ns(900)]);
      assert.equal(ci.config.ack_wait, ns(300), 'ack_wait defaults to the first backoff');
      const arrivals: number[] = [];
      const got = await collectFor(name, 'B', 2500, () => arrivals.push(Date.now()));
      assert.deepEqual(got.map((m) => m.info.deliveryCount), [1, 2, 3]);
      // Loose lower bounds only: the second gap follows the longer backoff.
      assert.ok(arrivals[2]! - arrivals[1]! >= 600, `second redelivery waited ${arrivals[2]! - arrivals[1]!} ms`);
    });

    test('max_ack_pending caps what is outstanding until acks arrive', async () => {
      const name = await stream('MAP');
      await fill(env.js, `${name}.a`, 5);
      await env.jsm.consumers.add(name, { durable_name: 'M', ack_policy: AckPolicy.Explicit, max_ack_pending: 2 });
      const c = await env.js.consumers.get(name, 'M');
      const first = await fetchAll(c, 5, 1000);
      assert.deepEqual(first.map((m) => m.seq), [1, 2]);
      for (const m of first) await m.ackAck();
      const second = await fetchAll(c, 5, 1000);
      assert.deepEqual(second.map((m) => m.seq), [3, 4]);
    });

    test('a durable consumer on a file stream keeps its state across a restart (SIGTERM, same store and port)', async () => {
      const own = await JsEnv.open(kind);
      try {
        const name = own.name('DUR');
        await own.jsm.streams.add({ name, subjects: [`${name}.>`], storage: StorageType.File });
        await fill(own.js, `${name}.a`, 10);
        await own.jsm.consumers.add(name, { durable_name: 'KEEP', ack_policy: AckPolicy.Explicit, ack_wait: ns(1000) });
        const c = await own.js.consumers.get(name, 'KEEP');
        const batch = await fetchAll(c, 6);
        for (const m of batch.slice(0, 4)) assert.equal(await m.ackAck(), true);
        await own.nc.close();
        await own.server.restart('SIGTERM');
        own.client = await connectJs(own.server.url);
        const info = await own.jsm.consumers.info(name, 'KEEP');
        assert.equal(info.ack_floor.stream_seq, 4, 'acks survived');
        assert.equal(info.delivered.stream_seq, 6, 'deliveries survived');
        assert.equal((await own.jsm.streams.info(name)).state.messages, 10);
        const seen = new Set<number>();
        const c2 = await own.js.consumers.get(name, 'KEEP');
        await waitUntil(async () => {
          for (const m of await fetchAll(c2, 10)) { seen.add(m.seq); await m.ackAck(); }
          return seen.size >= 6;
        }, 'the unacked and the undelivered messages', 10_000, 0);
        assert.deepEqual([...seen].sort((a, b) => a - b), [5, 6, 7, 8, 9, 10], 'acked messages are not redelivered');
      } finally {
        await own.close();
      }
    });

    test('interest retention keeps a message until every consumer acknowledged it', async () => {
      const name = await stream('INT', { retention: RetentionPolicy.Interest });
      await env.jsm.consumers.add(name, { durable_name: 'A', ack_policy: AckPolicy.Explicit });
      await env.jsm.consumers.add(name, { durable_name: 'B', ack_policy: AckPolicy.Explicit });
      await fill(env.js, `${name}.a`, 3);
      assert.equal((await env.jsm.streams.info(name)).state.messages, 3);
      for (const m of await fetchAll(await env.js.consumers.get(name, 'A'), 3)) await m.ackAck();
      assert.equal((await env.jsm.streams.info(name)).state.messages, 3, 'B still needs them');
      const fromB = await fetchAll(await env.js.consumers.get(name, 'B'), 3);
      await fromB[0]!.ackAck();
      await waitUntil(async () => (await env.jsm.streams.info(name)).state.messages === 2, 'the message both acked to go');
      for (const m of fromB.slice(1)) await m.ackAck();
      await waitUntil(async () => (await env.jsm.streams.info(name)).state.messages === 0, 'all acked messages to go');
      assert.equal((await env.jsm.streams.info(name)).state.last_seq, 3);
    });

    test('workqueue retention removes acknowledged messages and allows one consumer per subject', async () => {
      const name = await stream('WQ', { retention: RetentionPolicy.Workqueue });
      await env.jsm.consumers.add(name, { durable_name: 'WA', ack_policy: AckPolicy.Explicit, filter_subject: `${name}.a` });
      await rejectsApi(env.jsm.consumers.add(name, { durable_name: 'WA2', ack_policy: AckPolicy.Explicit, filter_subject: `${name}.a` }), 10100, 'overlapping filter');
      await rejectsApi(env.jsm.consumers.add(name, { durable_name: 'WU', ack_policy: AckPolicy.Explicit }), 10099, 'unfiltered next to a filtered one');
      await fill(env.js, (i) => `${name}.${i <= 3 ? 'a' : 'b'}`, 5);
      const [m1, m2] = await fetchAll(await env.js.consumers.get(name, 'WA'), 2);
      await m1!.ackAck();
      m2!.term();
      await env.nc.flush();
      await waitUntil(async () => (await env.jsm.streams.info(name)).state.messages === 3, 'acked and terminated messages to go');
      assert.equal(await env.jsm.streams.getMessage(name, { seq: 1 }), null);
      assert.equal((await env.jsm.streams.getMessage(name, { seq: 3 }))?.seq, 3);
    });
  });
}

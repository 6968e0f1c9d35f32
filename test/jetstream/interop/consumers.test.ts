// Consumers through the official client: pull (fetch, consume, next, no_wait), push with deliver subjects and queue
// groups, ordered consumers, deliver policies, filters, headers_only and replay original.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createInbox, headers } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, ReplayPolicy, StorageType, type JsMsg } from '@nats-io/jetstream';
import { JS_SERVERS, JsEnv, fetchAll, fill, sleep, take, within } from './support.js';

for (const kind of JS_SERVERS) {
  describe(`consumers on ${kind}`, () => {
    let env: JsEnv;
    before(async () => { env = await JsEnv.open(kind); });
    after(async () => { await env?.close(); });

    async function stream(prefix: string, storage: StorageType = StorageType.Memory): Promise<string> {
      const name = env.name(prefix);
      await env.jsm.streams.add({ name, subjects: [`${name}.>`], storage });
      return name;
    }

    test('pull consumer: fetch in batches, ack, and consumer info follows', async () => {
      const name = await stream('PULL');
      await fill(env.js, `${name}.a`, 10);
      await env.jsm.consumers.add(name, { durable_name: 'D', ack_policy: AckPolicy.Explicit });
      const c = await env.js.consumers.get(name, 'D');
      const first = await fetchAll(c, 4);
      assert.deepEqual(first.map((m) => m.seq), [1, 2, 3, 4]);
      assert.deepEqual(first.map((m) => m.string()), ['m1', 'm2', 'm3', 'm4']);
      assert.deepEqual(first.map((m) => m.info.deliverySequence), [1, 2, 3, 4]);
      assert.equal(first[0]!.info.pending, 9, 'pending counts what is left after this message');
      assert.equal(first[0]!.info.deliveryCount, 1);
      assert.equal(first[0]!.redelivered, false);
      let info = await c.info();
      assert.equal(info.num_ack_pending, 4);
      assert.equal(info.num_pending, 6);
      for (const m of first) assert.equal(await m.ackAck(), true);
      info = await c.info();
      assert.deepEqual([info.num_ack_pending, info.ack_floor.stream_seq, info.delivered.stream_seq], [0, 4, 4]);
      // A batch larger than what is left returns what there is when the request expires.
      const rest = await fetchAll(c, 20);
      assert.deepEqual(rest.map((m) => m.seq), [5, 6, 7, 8, 9, 10]);
    });

    test('pull consumer: next() with expires returns null on an empty stream, then a message published later', async () => {
      const name = await stream('NEXT');
      await env.jsm.consumers.add(name, { durable_name: 'N', ack_policy: AckPolicy.Explicit });
      const c = await env.js.consumers.get(name, 'N');
      assert.equal(await c.next({ expires: 1000 }), null, 'nothing to get');
      const pending = c.next({ expires: 5000 });
      await sleep(100);
      await env.js.publish(`${name}.x`, 'late');
      const m = await pending;
      assert.equal(m?.string(), 'late');
      m!.ack();
    });

    test('pull request with no_wait: the available messages then 408, and 404 No Messages when empty', async () => {
      const name = await stream('NOWAIT');
      await fill(env.js, `${name}.a`, 3);
      await env.jsm.consumers.add(name, { durable_name: 'W', ack_policy: AckPolicy.None });
      const inbox = createInbox();
      const sub = env.nc.subscribe(inbox);
      env.nc.publish(`$JS.API.CONSUMER.MSG.NEXT.${name}.W`, JSON.stringify({ batch: 5, no_wait: true }), { reply: inbox });
      const got = await take(sub, 4, 5000, 'no_wait replies');
      assert.deepEqual(got.slice(0, 3).map((m) => m.string()), ['m1', 'm2', 'm3']);
      assert.equal(got[3]!.headers?.code, 408, 'then a 408 status (as 2.9.10: the batch was cut short)');
      sub.unsubscribe();
      const inbox2 = createInbox();
      const sub2 = env.nc.subscribe(inbox2, { max: 1 });
      env.nc.publish(`$JS.API.CONSUMER.MSG.NEXT.${name}.W`, JSON.stringify({ batch: 1, no_wait: true }), { reply: inbox2 });
      const [empty] = await take(sub2, 1, 5000, 'no_wait on an empty consumer');
      assert.equal(empty!.headers?.code, 404);
    });

    test('pull consumer: consume() delivers stored and new messages in order', async () => {
      const name = await stream('CONS', StorageType.File);
      await fill(env.js, (i) => `${name}.${i % 3}`, 25);
      await env.jsm.consumers.add(name, { durable_name: 'C', ack_policy: AckPolicy.Explicit });
      const c = await env.js.consumers.get(name, 'C');
      const iter = await c.consume({ max_messages: 7 });
      const seen: number[] = [];
      const done = within((async () => {
        for await (const m of iter) {
          seen.push(m.seq);
          m.ack();
          if (seen.length === 25) void fill(env.js, `${name}.late`, 5, 'late');
          if (seen.length === 30) break;
        }
      })(), 10_000, 'consume 30 messages');
      await done;
      assert.deepEqual(seen, Array.from({ length: 30 }, (_, i) => i + 1));
    });

    test('push consumer with a deliver subject; a queue group splits the deliveries', async () => {
      const { nc, js, jsm } = env;
      const name = await stream('PUSH');
      await fill(js, `${name}.a`, 3);
      const deliver = createInbox();
      await jsm.consumers.add(name, { durable_name: 'P', ack_policy: AckPolicy.Explicit, deliver_subject: deliver });
      const pc = await js.consumers.getPushConsumer(name, 'P');
      const iter = await pc.consume();
      const got: JsMsg[] = [];
      const reading = within((async () => {
        for await (const m of iter) {
          got.push(m);
          m.ack();
          if (got.length === 3) await js.publish(`${name}.b`, 'new');
          if (got.length === 4) break;
        }
      })(), 5000, 'push deliveries');
      await reading;
      assert.deepEqual(got.map((m) => [m.subject, m.string()]), [[`${name}.a`, 'm1'], [`${name}.a`, 'm2'], [`${name}.a`, 'm3'], [`${name}.b`, 'new']]);

      const groupSubject = createInbox();
      await jsm.consumers.add(name, { durable_name: 'Q', ack_policy: AckPolicy.Explicit, deliver_subject: groupSubject, deliver_group: 'workers' });
      const counts = [0, 0];
      const seqs: number[] = [];
      const subs = [0, 1].map((i) => nc.subscribe(groupSubject, {
        queue: 'workers',
        callback: (_err, m) => { counts[i]!++; seqs.push(Number(m.reply?.split('.')[5])); m.respond(); },
      }));
      await nc.flush();
      await fill(js, `${name}.q`, 40);
      await within((async () => { while (seqs.length < 44) await sleep(20); })(), 5000, `queue deliveries (${seqs.length})`);
      await sleep(200);
      for (const s of subs) s.unsubscribe();
      assert.equal(seqs.length, 44, 'each message delivered once to the group');
      assert.equal(new Set(seqs).size, 44, 'no duplicates');
      assert.ok(counts[0]! > 0 && counts[1]! > 0, `both members got messages: ${counts.join('/')}`);
    });

    test('ordered consumer reads the stream in order (filtered and from a start sequence)', async () => {
      const name = await stream('ORD');
      await fill(env.js, (i) => `${name}.${i % 2 === 0 ? 'even' : 'odd'}`, 40);
      const oc = await env.js.consumers.get(name);
      const all = await take(await oc.consume(), 40, 5000, 'ordered consume');
      assert.deepEqual(all.map((m) => m.seq), Array.from({ length: 40 }, (_, i) => i + 1));
      const filtered = await env.js.consumers.get(name, { filter_subjects: `${name}.even`, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: 21 });
      const evens = await take(await filtered.consume(), 10, 5000, 'filtered ordered consume');
      assert.deepEqual(evens.map((m) => m.seq), [22, 24, 26, 28, 30, 32, 34, 36, 38, 40]);
      assert.ok(evens.every((m) => m.subject === `${name}.even`));
    });

    test('deliver policies: all, last, new, by_start_sequence, by_start_time, last_per_subject', async () => {
      const { js, jsm } = env;
      const name = await stream('DP');
      await fill(js, (i) => `${name}.${['a', 'b', 'c'][i % 3]}`, 6);
      await sleep(30);
      const startTime = new Date().toISOString();
      await sleep(30);
      await fill(js, `${name}.d`, 2, 'd');
      const firstOf = async (durable: string, cfg: Record<string, unknown>, max = 1): Promise<number[]> => {
        await jsm.consumers.add(name, { durable_name: durable, ack_policy: AckPolicy.None, ...cfg });
        return (await fetchAll(await js.consumers.get(name, durable), max)).map((m) => m.seq);
      };
      assert.deepEqual(await firstOf('ALL', { deliver_policy: DeliverPolicy.All }), [1]);
      assert.deepEqual(await firstOf('LAST', { deliver_policy: DeliverPolicy.Last }, 2), [8]);
      assert.deepEqual(await firstOf('SEQ', { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: 5 }, 2), [5, 6]);
      assert.deepEqual(await firstOf('TIME', { deliver_policy: DeliverPolicy.StartTime, opt_start_time: startTime }, 2), [7, 8]);
      assert.deepEqual(await firstOf('LPS', { deliver_policy: DeliverPolicy.LastPerSubject, filter_subject: `${name}.*` }, 5), [4, 5, 6, 8]);
      assert.deepEqual(await firstOf('NEW', { deliver_policy: DeliverPolicy.New }), [], 'new: nothing stored is delivered');
      await js.publish(`${name}.e`, 'after');
      const fresh = await fetchAll(await js.consumers.get(name, 'NEW'), 5);
      assert.deepEqual(fresh.map((m) => [m.seq, m.string()]), [[9, 'after']]);
    });

    test('filter_subject limits deliveries and num_pending', async () => {
      const name = await stream('FILT');
      await fill(env.js, (i) => `${name}.${i % 4 === 0 ? 'b' : 'a'}`, 12);
      const ci = await env.jsm.consumers.add(name, { durable_name: 'FB', ack_policy: AckPolicy.Explicit, filter_subject: `${name}.b` });
      assert.equal(ci.num_pending, 3);
      const got = await fetchAll(await env.js.consumers.get(name, 'FB'), 10);
      assert.deepEqual(got.map((m) => m.seq), [4, 8, 12]);
      assert.ok(got.every((m) => m.subject === `${name}.b`));
    });

    if (kind === 'natrium') {
      test('Natrium only (2.10 API, refused by the client for a 2.9 server): filter_subjects', async () => {
        const name = await stream('FSUBS');
        await fill(env.js, (i) => `${name}.${['a', 'b', 'c'][i % 3]}`, 9);
        const reply = await env.nc.request(`$JS.API.CONSUMER.CREATE.${name}.MF`, JSON.stringify({
          stream_name: name, config: { name: 'MF', durable_name: 'MF', ack_policy: 'explicit', filter_subjects: [`${name}.a`, `${name}.c`] },
        }));
        const body = reply.json<{ error?: unknown; num_pending?: number }>();
        assert.equal(body.error, undefined, JSON.stringify(body));
        assert.equal(body.num_pending, 6);
        const got = await fetchAll(await env.js.consumers.get(name, 'MF'), 10);
        assert.deepEqual(got.map((m) => m.seq), [2, 3, 5, 6, 8, 9]);
      });
    }

    test('headers_only delivers headers and Nats-Msg-Size without the payload', async () => {
      const name = await stream('HO');
      const h = headers();
      h.set('X-Keep', 'yes');
      await env.js.publish(`${name}.a`, 'a payload of 21 bytes', { headers: h });
      await env.jsm.consumers.add(name, { durable_name: 'H', ack_policy: AckPolicy.None, headers_only: true });
      const [m] = await fetchAll(await env.js.consumers.get(name, 'H'), 1);
      assert.ok(m);
      assert.equal(m.data.length, 0);
      assert.equal(m.headers?.get('Nats-Msg-Size'), '21');
      assert.equal(m.headers?.get('X-Keep'), 'yes');
    });

    test('replay original spaces deliveries roughly as they were stored (loosely)', async () => {
      const name = await stream('REPLAY');
      for (let i = 1; i <= 3; i++) {
        await env.js.publish(`${name}.a`, `r${i}`);
        if (i < 3) await sleep(300);
      }
      await env.jsm.consumers.add(name, { durable_name: 'R', ack_policy: AckPolicy.None, replay_policy: ReplayPolicy.Original });
      const arrivals: number[] = [];
      const iter = await (await env.js.consumers.get(name, 'R')).consume();
      const got = await within((async () => {
        const out: string[] = [];
        for await (const m of iter) {
          arrivals.push(Date.now());
          out.push(m.string());
          if (out.length === 3) break;
        }
        return out;
      })(), 8000, 'replayed messages');
      assert.deepEqual(got, ['r1', 'r2', 'r3']);
      // Stored 600 ms apart end to end; an instant replay would take a few ms. Only a lower bound, halved.
      assert.ok(arrivals[2]! - arrivals[0]! >= 300, `replay spread ${arrivals[2]! - arrivals[0]!} ms`);
    });
  });
}

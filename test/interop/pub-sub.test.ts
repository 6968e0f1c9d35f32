// Interop - publish/subscribe with the official clients: ordering, wildcards, queue groups, echo, auto-unsubscribe, flush, slow loops.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { startServer, type RunningServer } from '../helpers/server-process.js';
import { CLIENTS, SERVERS, rawConnect, within, type Connection, type Msg } from './support.js';

let unique = 0;
/** A subject root no other case uses. */
const tag = (what: string) => `${what}.${process.pid}.${++unique}`;

for (const kind of SERVERS) {
  describe(`interop pub/sub (server: ${kind})`, () => {
    let server: RunningServer;
    const open: Connection[] = [];
    before(async () => { server = await startServer(kind); });
    after(async () => {
      await Promise.allSettled(open.map((nc) => nc.close()));
      await server?.stop();
    });

    for (const lib of CLIENTS) {
      const connect = async (opts: { noEcho?: boolean } = {}) => {
        const nc = await lib.connect({ servers: server.url, ...opts });
        open.push(nc);
        return nc;
      };

      it(`${lib.name} - 10,000 messages on one subject arrive complete and in order, on another connection and on the publisher's own`, async () => {
        const subject = tag('order');
        const N = 10_000;
        const publisher = await connect();
        const other = await connect();
        const collect = (nc: Connection) => {
          const sub = nc.subscribe(subject);
          return (async () => {
            const got: number[] = [];
            for await (const m of sub) {
              got.push(Number(m.string()));
              if (got.length === N) break;
            }
            return got;
          })();
        };
        const remote = collect(other);
        const own = collect(publisher);
        await other.flush();
        await publisher.flush();
        for (let i = 0; i < N; i++) publisher.publish(subject, String(i));
        await publisher.flush();
        const expected = Array.from({ length: N }, (_, i) => i);
        assert.deepEqual(await within(remote, 15_000, 'remote subscriber'), expected);
        assert.deepEqual(await within(own, 15_000, 'own subscriber'), expected);
      });

      it(`${lib.name} - wildcards * and > deliver exactly the matching subjects`, async () => {
        const t = tag('wild');
        const patterns = [`${t}.a.*`, `${t}.a.>`, `${t}.*.c`, `${t}.>`, `${t}.*.*`, `${t}.a.b`];
        const published = [`${t}.a.b`, `${t}.a.b.c`, `${t}.a`, `${t}.b.c`, `${t}.a.c`, `${t}x.a.b`, t, `${t}.b.b.b.c`];
        const expected: Record<string, string[]> = {
          [`${t}.a.*`]: [`${t}.a.b`, `${t}.a.c`],
          [`${t}.a.>`]: [`${t}.a.b`, `${t}.a.b.c`, `${t}.a.c`],
          [`${t}.*.c`]: [`${t}.b.c`, `${t}.a.c`],
          [`${t}.>`]: [`${t}.a.b`, `${t}.a.b.c`, `${t}.a`, `${t}.b.c`, `${t}.a.c`, `${t}.b.b.b.c`],
          [`${t}.*.*`]: [`${t}.a.b`, `${t}.b.c`, `${t}.a.c`],
          [`${t}.a.b`]: [`${t}.a.b`],
        };
        const subscriber = await connect();
        const publisher = await connect();
        const received = new Map<string, string[]>(patterns.map((p) => [p, []]));
        for (const p of patterns) {
          subscriber.subscribe(p, {
            callback: (err, m) => {
              assert.equal(err, null);
              assert.equal(m.string(), m.subject, 'payload is the subject it was published on');
              received.get(p)!.push(m.subject);
            },
          });
        }
        await subscriber.flush();
        for (const s of published) publisher.publish(s, s);
        await publisher.flush();
        await subscriber.flush();
        for (const p of patterns) assert.deepEqual(received.get(p), expected[p], `subscription ${p}`);
      });

      it(`${lib.name} - queue groups across connections: each message to one member of each group, every member gets some, plain subscribers get all`, async () => {
        const subject = tag('queue');
        const N = 400;
        const groups = { workers: 4, auditors: 2 };
        const members: { group: string; nc: Connection; got: number[] }[] = [];
        for (const [group, size] of Object.entries(groups)) {
          for (let i = 0; i < size; i++) {
            const member = { group, nc: await connect(), got: [] as number[] };
            member.nc.subscribe(subject, { queue: group, callback: (_err, m) => member.got.push(Number(m.string())) });
            members.push(member);
          }
        }
        const plain: { nc: Connection; got: number[] }[] = [];
        for (let i = 0; i < 2; i++) {
          const p = { nc: await connect(), got: [] as number[] };
          p.nc.subscribe(subject, { callback: (_err, m) => p.got.push(Number(m.string())) });
          plain.push(p);
        }
        for (const c of [...members, ...plain]) await c.nc.flush();
        const publisher = await connect();
        for (let i = 0; i < N; i++) publisher.publish(subject, String(i));
        await publisher.flush();
        // Each subscriber's PONG follows every MSG the server queued for it before, so after these flushes the counts are final.
        for (const c of [...members, ...plain]) await c.nc.flush();
        const all = Array.from({ length: N }, (_, i) => i);
        for (const group of Object.keys(groups)) {
          const inGroup = members.filter((m) => m.group === group);
          const union = inGroup.flatMap((m) => m.got).sort((a, b) => a - b);
          assert.deepEqual(union, all, `group ${group}: every message exactly once`);
          for (const [i, m] of inGroup.entries()) assert.ok(m.got.length > 0, `group ${group} member ${i} got no message (counts ${inGroup.map((x) => x.got.length)})`);
        }
        for (const [i, p] of plain.entries()) assert.deepEqual(p.got, all, `plain subscriber ${i} gets every message in order`);
      });

      it(`${lib.name} - noEcho: a connection does not receive its own messages, others still do`, async () => {
        const subject = tag('echo');
        const quiet = await connect({ noEcho: true });
        const normal = await connect();
        const quietGot: string[] = [];
        const normalGot: string[] = [];
        quiet.subscribe(subject, { callback: (_err, m) => quietGot.push(m.string()) });
        normal.subscribe(subject, { callback: (_err, m) => normalGot.push(m.string()) });
        await quiet.flush();
        await normal.flush();
        for (let i = 0; i < 10; i++) quiet.publish(subject, `quiet ${i}`);
        for (let i = 0; i < 5; i++) normal.publish(subject, `normal ${i}`);
        await quiet.flush();
        await normal.flush();
        await quiet.flush();
        const fromQuiet = Array.from({ length: 10 }, (_, i) => `quiet ${i}`);
        const fromNormal = Array.from({ length: 5 }, (_, i) => `normal ${i}`);
        assert.deepEqual(quietGot, fromNormal, 'the noEcho connection sees only the other connection\'s messages');
        assert.deepEqual(normalGot.filter((s) => s.startsWith('quiet')), fromQuiet);
        assert.deepEqual(normalGot.filter((s) => s.startsWith('normal')), fromNormal, 'a normal connection receives its own messages');
      });

      it(`${lib.name} - auto-unsubscribe: max on subscribe and unsubscribe(max) later end the subscription after the count; the server stops too`, async () => {
        const publisher = await connect();
        const subscriber = await connect();
        const s1 = tag('max');
        const sub1 = subscriber.subscribe(s1, { max: 5 });
        const got1 = (async () => { const got: string[] = []; for await (const m of sub1) got.push(m.string()); return got; })();
        await subscriber.flush();
        for (let i = 0; i < 10; i++) publisher.publish(s1, String(i));
        await publisher.flush();
        assert.deepEqual(await within(got1, 5000, 'subscription with max 5 to end'), ['0', '1', '2', '3', '4']);
        assert.equal(sub1.isClosed(), true);

        const s2 = tag('max');
        const sub2 = subscriber.subscribe(s2);
        const got2: string[] = [];
        let unsubscribed!: () => void;
        const afterTwo = new Promise<void>((resolve) => { unsubscribed = resolve; });
        const ended2 = (async () => {
          for await (const m of sub2) {
            got2.push(m.string());
            if (got2.length === 2) { sub2.unsubscribe(5); unsubscribed(); }
          }
        })();
        await subscriber.flush();
        publisher.publish(s2, '0');
        publisher.publish(s2, '1');
        await within(afterTwo, 5000, 'the first two messages');
        await subscriber.flush(); // the UNSUB 5 has reached the server
        for (let i = 2; i < 12; i++) publisher.publish(s2, String(i));
        await publisher.flush();
        await within(ended2, 5000, 'unsubscribe(5) after 2 messages to end the subscription');
        assert.deepEqual(got2, ['0', '1', '2', '3', '4']);

        // The server itself honours UNSUB <sid> <max>, whatever the client filters.
        const raw = await rawConnect(server.port);
        try {
          const s3 = tag('max');
          raw.send(`SUB ${s3} 7\r\nUNSUB 7 3\r\nPING\r\n`);
          await raw.waitFor((t) => raw.count('PONG\r\n') === 2 && t.endsWith('PONG\r\n'), 'PONG after SUB/UNSUB');
          for (let i = 0; i < 10; i++) publisher.publish(s3, 'x');
          await publisher.flush();
          raw.send('PING\r\n');
          await raw.waitFor(() => raw.count('PONG\r\n') === 3, 'third PONG');
          assert.equal(raw.count(`MSG ${s3} 7 1\r\nx\r\n`), 3, `raw wire: ${JSON.stringify(raw.text)}`);
        } finally {
          raw.destroy();
        }
      });

      it(`${lib.name} - flush and rtt: flush resolves after the server has handled everything before it; rtt is a small positive number`, async () => {
        const nc = await connect();
        const subject = tag('flush');
        const got: Msg[] = [];
        nc.subscribe(subject, { callback: (_err, m) => got.push(m) });
        for (let i = 0; i < 100; i++) nc.publish(subject, String(i));
        await within(nc.flush(), 5000, 'flush');
        assert.equal(got.length, 100, 'messages published before the flush are delivered before it resolves');
        const rtt = await within(nc.rtt(), 5000, 'rtt');
        assert.equal(typeof rtt, 'number');
        assert.ok(Number.isFinite(rtt) && rtt >= 0 && rtt < 2000, `rtt ${rtt}`);
        const flushes = await within(Promise.all(Array.from({ length: 50 }, () => nc.flush())), 5000, '50 concurrent flushes');
        assert.equal(flushes.length, 50);
      });

      it(`${lib.name} - a slow for-await subscriber loses nothing within the limits`, async () => {
        const subject = tag('slow');
        const N = 3000;
        const body = 'x'.repeat(512);
        const subscriber = await connect();
        const publisher = await connect();
        const sub = subscriber.subscribe(subject);
        const loop = (async () => {
          let next = 0;
          for await (const m of sub) {
            const text = m.string();
            const seq = Number(text.slice(0, text.indexOf(':')));
            assert.equal(seq, next, 'messages in order, none lost');
            assert.equal(text.length, String(seq).length + 1 + body.length);
            next++;
            if (next % 100 === 0) await delay(5); // deliberately slow consumer
            if (next === N) break;
          }
          return next;
        })();
        await subscriber.flush();
        for (let i = 0; i < N; i++) publisher.publish(subject, `${i}:${body}`);
        await publisher.flush();
        assert.equal(await within(loop, 20_000, 'slow loop'), N);
      });
    }
  });
}

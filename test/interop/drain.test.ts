// Interop - drain() of a subscription and of a whole connection: every buffered message is delivered, then it closes.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { startServer, type RunningServer } from '../helpers/server-process.js';
import { CLIENTS, SERVERS, caught, within, type Connection, type Subscription } from './support.js';

let unique = 0;
const tag = (what: string) => `${what}.${process.pid}.${++unique}`;

/** Iterates a subscription slowly, checking order; resolves with the count when the subscription ends. */
function slowLoop(sub: Subscription, seen: { count: number }): Promise<number> {
  return (async () => {
    for await (const m of sub) {
      assert.equal(Number(m.string()), seen.count, 'in order, none lost');
      seen.count++;
      if (seen.count % 50 === 0) await delay(5); // deliberately slow, so messages are still buffered when drain starts
    }
    return seen.count;
  })();
}

for (const kind of SERVERS) {
  describe(`interop drain (server: ${kind})`, () => {
    let server: RunningServer;
    const open: Connection[] = [];
    before(async () => { server = await startServer(kind); });
    after(async () => {
      await Promise.allSettled(open.map((nc) => nc.close()));
      await server?.stop();
    });

    for (const lib of CLIENTS) {
      const connect = async () => {
        const nc = await lib.connect({ servers: server.url });
        open.push(nc);
        return nc;
      };

      it(`${lib.name} - draining a subscription delivers everything already sent to it, then ends it; the connection stays open`, async () => {
        const subject = tag('drain.sub');
        const N = 1000;
        const subscriber = await connect();
        const publisher = await connect();
        const sub = subscriber.subscribe(subject);
        const seen = { count: 0 };
        const loop = slowLoop(sub, seen);
        await subscriber.flush();
        for (let i = 0; i < N; i++) publisher.publish(subject, String(i));
        await publisher.flush();
        assert.ok(seen.count < N, `the loop is still busy when drain starts (${seen.count} of ${N} done)`);
        await within(sub.drain(), 15_000, 'subscription drain');
        assert.equal(await within(loop, 15_000, 'loop end'), N, 'every message sent before the drain was processed');
        assert.equal(sub.isClosed(), true);
        assert.equal(await sub.closed, undefined, 'the subscription closed without an error');

        // The server no longer delivers on that subscription; the connection still works.
        const after = subscriber.subscribe(subject, { max: 1 });
        const late = (async () => { for await (const m of after) return m.string(); return null; })();
        await subscriber.flush();
        publisher.publish(subject, 'late');
        await publisher.flush();
        assert.equal(await within(late, 5000, 'a new subscription on the same connection'), 'late');
        assert.equal(seen.count, N, 'nothing more reached the drained subscription');
        assert.equal(subscriber.isClosed(), false);
      });

      it(`${lib.name} - draining a connection delivers every buffered message on all its subscriptions, then closes it cleanly`, async () => {
        const N = 600;
        const subjectA = tag('drain.conn');
        const subjectB = tag('drain.conn');
        const subscriber = await connect();
        const publisher = await connect();
        const seenA = { count: 0 };
        const loopA = slowLoop(subscriber.subscribe(subjectA), seenA);
        const gotB: number[] = [];
        subscriber.subscribe(subjectB, { callback: (_err, m) => gotB.push(Number(m.string())) });
        await subscriber.flush();
        for (let i = 0; i < N; i++) {
          publisher.publish(subjectA, String(i));
          publisher.publish(subjectB, String(i));
        }
        await publisher.flush();
        assert.ok(seenA.count < N, `the slow loop is still busy when drain starts (${seenA.count} of ${N} done)`);
        const closed = subscriber.closed();
        await within(subscriber.drain(), 15_000, 'connection drain');
        assert.equal(await within(loopA, 5000, 'loop end'), N, 'iterator subscription: every message processed');
        assert.deepEqual(gotB, Array.from({ length: N }, (_, i) => i), 'callback subscription: every message, in order');
        assert.equal(await within(closed, 5000, 'closed()'), undefined, 'closed() resolves without an error');
        assert.equal(subscriber.isClosed(), true);
        const err = await caught(() => subscriber.publish(subjectA, 'after close'), 'publish on a drained connection');
        assert.ok(err instanceof Error, String(err));

        // Other connections are unaffected.
        const check = await connect();
        const sub = check.subscribe(subjectA, { max: 1 });
        await check.flush();
        publisher.publish(subjectA, 'still here');
        await publisher.flush();
        const text = (async () => { for await (const m of sub) return m.string(); return null; })();
        assert.equal(await within(text, 5000, 'a message on another connection'), 'still here');
      });
    }
  });
}

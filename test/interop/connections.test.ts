// Interop - hundreds of client connections at once: all connect, all receive a fan-out message, all close cleanly.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../helpers/server-process.js';
import { CLIENTS, SERVERS, within, type Connection } from './support.js';

const COUNT = 300;
const BATCH = 50;

for (const kind of SERVERS) {
  describe(`interop many connections (server: ${kind})`, () => {
    let server: RunningServer;
    const open: Connection[] = [];
    before(async () => { server = await startServer(kind); });
    after(async () => {
      await Promise.allSettled(open.map((nc) => nc.close()));
      await server?.stop();
    });

    for (const [index, lib] of CLIENTS.entries()) {
      it(`${lib.name} - ${COUNT} connections each subscribe, all receive one fan-out message, then all close cleanly`, async () => {
        const subject = `fan.out.${process.pid}.${index}`;
        const clients: Connection[] = [];
        const deliveries: Promise<string>[] = [];
        for (let start = 0; start < COUNT; start += BATCH) {
          const batch = await within(Promise.all(Array.from({ length: Math.min(BATCH, COUNT - start) }, (_, i) => lib.connect({ servers: server.url, name: `fan-${start + i}` }))), 20_000, `connections ${start}..${start + BATCH}`);
          for (const nc of batch) {
            open.push(nc);
            clients.push(nc);
            deliveries.push(new Promise<string>((resolve, reject) => {
              nc.subscribe(subject, { max: 1, callback: (err, m) => (err ? reject(err) : resolve(m.string())) });
            }));
          }
        }
        assert.equal(clients.length, COUNT);
        const ids = new Set(clients.map((nc) => (nc.info as { client_id?: number } | undefined)?.client_id));
        assert.equal(ids.size, COUNT, 'every connection got its own client_id in INFO');
        await within(Promise.all(clients.map((nc) => nc.flush())), 20_000, 'every subscriber flushed');

        const publisher = await lib.connect({ servers: server.url });
        open.push(publisher);
        publisher.publish(subject, 'to everyone');
        await publisher.flush();
        const got = await within(Promise.all(deliveries), 20_000, 'every connection receives the fan-out message');
        assert.equal(got.length, COUNT);
        assert.ok(got.every((text) => text === 'to everyone'));

        const closedResults = clients.map((nc) => nc.closed());
        await within(Promise.all(clients.map((nc) => nc.close())), 20_000, 'every connection closes');
        const results = await within(Promise.all(closedResults), 5000, 'closed() of every connection');
        assert.deepEqual(results.filter((r) => r !== undefined), [], 'no connection closed with an error');
        assert.ok(clients.every((nc) => nc.isClosed()));

        // The server still serves afterwards.
        const check = await lib.connect({ servers: server.url });
        open.push(check);
        const service = `${subject}.after`;
        check.subscribe(service, { callback: (_err, m) => m.respond('alive') });
        // The SUB must have reached the server before the request: another connection's request can overtake it.
        await check.flush();
        const answer = await within(publisher.request(service, '', { timeout: 5000 }), 6000, 'request after the mass close');
        assert.equal(answer.string(), 'alive');
      });
    }
  });
}

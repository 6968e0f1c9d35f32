// Interop - payload sizes: near and at max_payload intact, over it refused by the client and the server, and a smaller max_payload from a config file.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../helpers/server-process.js';
import { CLIENTS, SERVERS, caught, describeError, patternBytes, rawConnect, startWithConfig, within, type Connection } from './support.js';

let unique = 0;
const tag = (what: string) => `${what}.${process.pid}.${++unique}`;
const MiB = 1024 * 1024;

/** Byte equality with a readable message (assert.deepEqual on megabytes is slow and unreadable). */
function assertSameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const first = actual.findIndex((b, i) => b !== expected[i]);
  assert.equal(first, -1, `${what}: first differing byte at ${first}`);
}

for (const kind of SERVERS) {
  describe(`interop payload sizes (server: ${kind}, default max_payload)`, () => {
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

      it(`${lib.name} - payloads of 1 MiB - 100 bytes and of exactly max_payload pass intact by pub/sub and request/reply`, async () => {
        const subscriber = await connect();
        const publisher = await connect();
        assert.equal(publisher.info?.max_payload, MiB, 'INFO max_payload is the 1 MB default');
        const subject = tag('big');
        const sizes = [MiB - 100, MiB, 0, 1, 64 * 1024];
        const received: Uint8Array[] = [];
        subscriber.subscribe(subject, { callback: (_err, m) => received.push(m.data) });
        await subscriber.flush();
        const bodies = sizes.map((size, i) => patternBytes(size, i + 7));
        for (const body of bodies) publisher.publish(subject, body);
        await publisher.flush();
        await subscriber.flush();
        assert.equal(received.length, sizes.length);
        for (const [i, body] of bodies.entries()) assertSameBytes(received[i], body, `message of ${sizes[i]} bytes`);

        const service = tag('big.svc');
        subscriber.subscribe(service, { callback: (_err, m) => m.respond(m.data.slice().reverse()) });
        await subscriber.flush();
        const request = patternBytes(MiB - 100, 99);
        const answer = await within(publisher.request(service, request, { timeout: 10_000 }), 12_000, 'big request');
        assertSameBytes(answer.data, request.slice().reverse(), 'reply of 1 MiB - 100 bytes');
      });

      it(`${lib.name} - a payload over max_payload is refused by the client with its max-payload error; the connection stays usable`, async () => {
        const nc = await connect();
        const err = await caught(() => nc.publish(tag('too.big'), new Uint8Array(MiB + 1)), 'publish of max_payload + 1 bytes');
        assert.ok(lib.isMaxPayloadError(err), `max-payload error expected, got ${describeError(err)}`);
        const subject = tag('after.big');
        let got = 0;
        nc.subscribe(subject, { callback: () => { got++; } });
        nc.publish(subject, 'small');
        await within(nc.flush(), 5000, 'flush after the refused publish');
        assert.equal(got, 1);
      });
    }

    it('raw - the server itself answers PUB over max_payload with -ERR \'Maximum Payload Violation\' and closes the connection', async () => {
      const raw = await rawConnect(server.port);
      try {
        raw.send(`PUB ${tag('raw.big')} ${MiB + 1}\r\n`);
        await raw.waitClosed(5000);
        assert.match(raw.text, /-ERR 'Maximum Payload Violation'\r\n$/);
      } finally {
        raw.destroy();
      }
    });
  });

  describe(`interop payload sizes (server: ${kind}, max_payload: 1KB from a config file)`, () => {
    let server: RunningServer;
    const open: Connection[] = [];
    before(async () => { server = await startWithConfig(kind, 'max_payload: 1KB'); });
    after(async () => {
      await Promise.allSettled(open.map((nc) => nc.close()));
      await server?.stop();
    });

    for (const lib of CLIENTS) {
      it(`${lib.name} - INFO says 1024; 1024 bytes pass, 1025 bytes are refused by the client`, async () => {
        const nc = await lib.connect({ servers: server.url });
        open.push(nc);
        assert.equal(nc.info?.max_payload, 1024);
        const subject = tag('small.limit');
        const got: Uint8Array[] = [];
        nc.subscribe(subject, { callback: (_err, m) => got.push(m.data) });
        const body = patternBytes(1024, 3);
        nc.publish(subject, body);
        await within(nc.flush(), 5000, 'flush');
        assert.equal(got.length, 1);
        assertSameBytes(got[0], body, '1024-byte message');
        const err = await caught(() => nc.publish(subject, new Uint8Array(1025)), 'publish of 1025 bytes');
        assert.ok(lib.isMaxPayloadError(err), `max-payload error expected, got ${describeError(err)}`);
      });
    }

    it('raw - the server enforces the configured limit: 1024 bytes accepted, PUB 1025 and HPUB with 1025 total bytes get -ERR and a close', async () => {
      const ok = await rawConnect(server.port);
      const pub = await rawConnect(server.port);
      const hpub = await rawConnect(server.port);
      try {
        const subject = tag('raw.limit');
        ok.send(`SUB ${subject} 1\r\nPUB ${subject} 1024\r\n${'a'.repeat(1024)}\r\nPING\r\n`);
        await ok.waitFor(() => ok.count('PONG\r\n') === 2, 'PONG after a 1024-byte PUB');
        assert.ok(ok.text.includes(`MSG ${subject} 1 1024\r\n${'a'.repeat(1024)}\r\n`), 'the 1024-byte message was delivered');
        pub.send(`PUB ${subject} 1025\r\n`);
        hpub.send(`HPUB ${subject} 12 1025\r\n`);
        await pub.waitClosed(5000);
        await hpub.waitClosed(5000);
        assert.match(pub.text, /-ERR 'Maximum Payload Violation'\r\n$/);
        assert.match(hpub.text, /-ERR 'Maximum Payload Violation'\r\n$/);
        assert.equal(ok.closed, false, 'a connection within the limit stays open');
      } finally {
        for (const raw of [ok, pub, hpub]) raw.destroy();
      }
    });
  });
}

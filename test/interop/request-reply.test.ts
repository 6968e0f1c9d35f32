// Interop - request/reply with the official clients: headers both ways and untouched, no responders, timeouts, across client versions.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../helpers/server-process.js';
import { CLIENTS, SERVERS, caught, describeError, rawConnect, within, type ClientLib, type Connection, type Headers } from './support.js';

let unique = 0;
const tag = (what: string) => `${what}.${process.pid}.${++unique}`;

/** Header entries, in order, with repeated keys and characters a client or server might be tempted to touch. */
const SPECIAL: [string, string][] = [
  ['X-Multi', 'one'],
  ['X-Multi', 'two, three'],
  ['X-Multi', 'four;five=6'],
  ['lower-case-key', 'MiXeD CaSe value'],
  ['X-Quotes', `a="b" 'c' \`d\``],
  ['X-Symbols', '%20+&?#/\\|<>{}[]()!@$^*~'],
  ['X-Colon', 'k: v: w'],
  ['X-Unicode', 'ünïcödé ✓ 日本 🚀'],
  ['X-Inner-Space', 'a  b\tc'],
  ['X-Empty', ''],
];

function fill(lib: ClientLib, entries: [string, string][]): Headers {
  const h = lib.headers();
  for (const [k, v] of entries) h.append(k, v);
  return h;
}

/** A header set as [key, values[]] pairs, for comparing what was sent with what arrived. */
function entries(h: Headers | undefined): [string, string[]][] {
  assert.ok(h, 'the message has headers');
  return h.keys().map((k) => [k, h.values(k)]);
}

function grouped(list: [string, string][]): [string, string[]][] {
  const map = new Map<string, string[]>();
  for (const [k, v] of list) map.set(k, [...(map.get(k) ?? []), v]);
  return [...map];
}

for (const kind of SERVERS) {
  describe(`interop request/reply (server: ${kind})`, () => {
    let server: RunningServer;
    const open: Connection[] = [];
    before(async () => { server = await startServer(kind); });
    after(async () => {
      await Promise.allSettled(open.map((nc) => nc.close()));
      await server?.stop();
    });
    const connectWith = async (lib: ClientLib) => {
      const nc = await lib.connect({ servers: server.url });
      open.push(nc);
      return nc;
    };

    for (const lib of CLIENTS) {
      it(`${lib.name} - request and reply carry headers both ways, with repeated keys and special characters untouched`, async () => {
        const subject = tag('svc');
        const responder = await connectWith(lib);
        const requester = await connectWith(lib);
        const seen: [string, string[]][][] = [];
        responder.subscribe(subject, {
          callback: (_err, m) => {
            seen.push(entries(m.headers));
            const reply = fill(lib, [...SPECIAL, ['X-Reply-To', m.headers?.get('X-Request-Id') ?? 'missing']]);
            m.respond(`reply to ${m.string()}`, { headers: reply });
          },
        });
        await responder.flush();
        for (let i = 0; i < 20; i++) {
          const sent: [string, string][] = [['X-Request-Id', `req-${i}`], ...SPECIAL];
          const answer = await within(requester.request(subject, `request ${i}`, { timeout: 5000, headers: fill(lib, sent) }), 6000, `request ${i}`);
          assert.equal(answer.string(), `reply to request ${i}`);
          assert.deepEqual(entries(answer.headers), grouped([...SPECIAL, ['X-Reply-To', `req-${i}`]]), 'reply headers');
          assert.deepEqual(seen[i], grouped(sent), 'request headers as the responder saw them');
        }
      });

      it(`${lib.name} - headers pass through the server byte for byte (raw HPUB in, client out; client in, raw HMSG out)`, async () => {
        const subject = tag('hdr');
        const nc = await connectWith(lib);
        const raw = await rawConnect(server.port);
        try {
          // Raw publisher -> client subscriber.
          const block = 'NATS/1.0\r\nX-A: 1\r\nX-A: 2 two\r\nx-lower: keep Case\r\nX-Sym: a=b;c="d",e\r\n\r\n';
          const got = new Promise<{ text: string; h: [string, string[]][] }>((resolve) => {
            nc.subscribe(subject, { max: 1, callback: (_err, m) => resolve({ text: m.string(), h: entries(m.headers) }) });
          });
          await nc.flush();
          raw.send(`HPUB ${subject} ${block.length} ${block.length + 4}\r\n${block}body\r\nPING\r\n`);
          const msg = await within(got, 5000, 'HMSG at the client');
          assert.equal(msg.text, 'body');
          assert.deepEqual(msg.h, [['X-A', ['1', '2 two']], ['x-lower', ['keep Case']], ['X-Sym', ['a=b;c="d",e']]]);

          // Client publisher -> raw subscriber: the header block the client wrote arrives unchanged.
          const subject2 = tag('hdr');
          raw.send(`SUB ${subject2} 9\r\nPING\r\n`);
          await raw.waitFor(() => raw.count('PONG\r\n') === 3, 'PONG after SUB');
          nc.publish(subject2, 'payload', { headers: fill(lib, [['X-B', 'x'], ['X-B', 'y z'], ['X-C', '%;="']]) });
          await nc.flush();
          raw.send('PING\r\n');
          await raw.waitFor(() => raw.count('PONG\r\n') === 4, 'PONG after the message');
          const match = new RegExp(`HMSG ${subject2.replace(/\./g, '\\.')} 9 (\\d+) (\\d+)\\r\\n`).exec(raw.text);
          assert.ok(match, `an HMSG line: ${JSON.stringify(raw.text)}`);
          const start = match.index + match[0].length;
          const headerSize = Number(match[1]);
          const header = raw.text.slice(start, start + headerSize);
          assert.equal(header, 'NATS/1.0\r\nX-B: x\r\nX-B: y z\r\nX-C: %;="\r\n\r\n');
          assert.equal(raw.text.slice(start + headerSize, start + Number(match[2]) + 2), 'payload\r\n');
        } finally {
          raw.destroy();
        }
      });

      it(`${lib.name} - no responders: a request with nobody listening fails fast with the client's no-responders error`, async () => {
        const requester = await connectWith(lib);
        const started = Date.now();
        const err = await caught(() => requester.request(tag('nobody'), 'hello', { timeout: 5000 }), 'request with no responders');
        const elapsed = Date.now() - started;
        assert.ok(lib.isNoResponders(err), `no-responders error expected, got ${describeError(err)}`);
        assert.ok(elapsed < 1000, `no responders took ${elapsed} ms (timeout was 5000)`);
        // The connection is still fine afterwards.
        await within(requester.flush(), 5000, 'flush after no responders');
      });

      it(`${lib.name} - request timeout: a responder that never answers makes the request fail with a timeout error after the timeout`, async () => {
        const subject = tag('silent');
        const silent = await connectWith(lib);
        let asked = 0;
        silent.subscribe(subject, { callback: () => { asked++; } });
        await silent.flush();
        const requester = await connectWith(lib);
        const started = Date.now();
        const err = await caught(() => requester.request(subject, 'hello?', { timeout: 300 }), 'request to a silent responder');
        const elapsed = Date.now() - started;
        assert.ok(lib.isTimeout(err), `timeout error expected, got ${describeError(err)}`);
        assert.ok(elapsed >= 250 && elapsed < 3000, `timed out after ${elapsed} ms (timeout 300)`);
        await silent.flush();
        assert.equal(asked, 1, 'the silent responder received the request');
      });
    }

    it('cross-client - a nats v2 requester and a @nats-io/transport-node v3 responder understand each other, headers included', async () => {
      const [libV3, libV2] = CLIENTS;
      const subject = tag('cross');
      const responder = await connectWith(libV3);
      responder.subscribe(subject, {
        callback: (_err, m) => {
          m.respond(m.string().toUpperCase(), { headers: fill(libV3, [['X-Echo', m.headers?.values('X-Ask').join('|') ?? ''], ['X-From', 'v3']]) });
        },
      });
      await responder.flush();
      const requester = await connectWith(libV2);
      const answer = await within(requester.request(subject, 'hello v3', { timeout: 5000, headers: fill(libV2, [['X-Ask', 'a'], ['X-Ask', 'b c']]) }), 6000, 'cross request');
      assert.equal(answer.string(), 'HELLO V3');
      assert.deepEqual(entries(answer.headers), [['X-Echo', ['a|b c']], ['X-From', ['v3']]]);
    });
  });
}

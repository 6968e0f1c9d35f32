// A flood of raw connections (half closing at once, half sending garbage) leaves the server up and serving.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { connect } from '@nats-io/transport-node';
import { KINDS, rssKiB, startServer, within, type RunningServer } from './util.js';

const CONNECTIONS = 2000;
/** Failure guard for the whole flood to settle. */
const SETTLE_GUARD_MS = 30_000;

/** Inputs that nats-server answers by closing the connection (most with -ERR 'Unknown Protocol Operation'). */
const GARBAGE: (string | Buffer)[] = [
  'GARBAGE\r\n',
  Buffer.from([0xff, 0x00, 0x13, 0x37, 0x0d, 0x0a]),
  'PUB foo -5\r\n',
  'CONNECT {bad json\r\n',
  'SUB\r\n',
  'PUB foo 5\r\nhelloXX',
  'x'.repeat(5000),
  'CONNECT {"verbose":false}\r\nPUB foo 2000000\r\n',
  'GET / HTTP/1.1\r\nHost: x\r\n\r\n',
  'PING\r\nPONG\r\nMSG foo 1 2\r\nhi\r\n',
  'UNSUB\r\n',
  'PUB a b c d e f\r\n',
  'SUB foo\r\n',
  '\r\n\r\n\r\n',
  'CONNECT\r\n',
  'PUB foo 3\r\nab\r\n\r\n',
  '-ERR x\r\n',
  'HPUB foo 10 5\r\n0123456789\r\n',
];

type Outcome = 'closed-by-us' | 'closed-by-server' | 'still-open' | 'emfile' | 'refused' | 'other-error';

interface FloodResult {
  counts: Record<Outcome, number>;
  errors: string[];
}

/** Opens `count` connections in one go; even ones close at once, odd ones send garbage and wait for the server to close them. */
function floodConnections(port: number, count: number, waitMs: number): Promise<FloodResult> {
  const counts: Record<Outcome, number> = { 'closed-by-us': 0, 'closed-by-server': 0, 'still-open': 0, emfile: 0, refused: 0, 'other-error': 0 };
  const errors: string[] = [];
  let pending = count;
  return new Promise((resolve) => {
    const open: { socket: net.Socket; outcome: Outcome | null }[] = [];
    const timer = setTimeout(() => {
      // Whatever the server has not closed by now is counted and cut.
      for (const entry of open) {
        if (!entry.socket.destroyed) {
          entry.outcome ??= 'still-open';
          entry.socket.destroy();
        }
      }
    }, waitMs);
    const settle = (outcome: Outcome) => {
      counts[outcome]++;
      if (--pending === 0) {
        clearTimeout(timer);
        resolve({ counts, errors });
      }
    };
    for (let i = 0; i < count; i++) {
      let socket: net.Socket;
      try {
        socket = net.connect(port, '127.0.0.1');
      } catch (err) {
        settle((err as NodeJS.ErrnoException).code === 'EMFILE' ? 'emfile' : 'other-error');
        continue;
      }
      const entry = { socket, outcome: null as Outcome | null };
      open.push(entry);
      let connected = false;
      socket.on('connect', () => {
        connected = true;
        if (i % 2 === 0) {
          entry.outcome = 'closed-by-us';
          socket.destroy();
        } else {
          socket.write(GARBAGE[i % GARBAGE.length]!);
        }
      });
      socket.on('data', () => undefined);
      socket.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EMFILE') entry.outcome ??= 'emfile';
        else if (!connected && err.code === 'ECONNREFUSED') entry.outcome ??= 'refused';
        // A reset after our garbage is the server closing with our bytes unread.
        else if (connected && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) entry.outcome ??= 'closed-by-server';
        else {
          entry.outcome ??= 'other-error';
          if (errors.length < 10) errors.push(`${err.code ?? ''} ${err.message}`);
        }
      });
      socket.on('close', () => settle(entry.outcome ?? (connected ? 'closed-by-server' : 'other-error')));
    }
  });
}

for (const kind of KINDS) {
  describe(`connection flood (${kind})`, () => {
    let server: RunningServer;
    after(async () => { await server?.stop('SIGKILL'); });

    test(`${CONNECTIONS} raw connections, half closed at once, half sending garbage: the server stays up and serves`, async (t) => {
      server = await startServer(kind);
      const result = await within(floodConnections(server.port, CONNECTIONS, SETTLE_GUARD_MS - 5000), SETTLE_GUARD_MS, 'flood to settle');
      const { counts } = result;
      t.diagnostic(`${kind}: ${JSON.stringify(counts)}, server RSS ${rssKiB(server.process.pid!)} KiB${result.errors.length ? ', errors: ' + result.errors.join('; ') : ''}`);
      assert.equal(server.process.exitCode, null, `server still running: ${server.output().slice(-2000)}`);
      assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), CONNECTIONS);
      assert.equal(counts['other-error'], 0, result.errors.join('; '));
      const accepted = CONNECTIONS - counts.emfile - counts.refused;
      assert.ok(accepted >= CONNECTIONS * 0.9, `most connections accepted (${accepted})`);
      assert.equal(counts['still-open'], 0, 'every garbage connection was closed by the server');

      const nc = await connect({ servers: server.url, reconnect: false, timeout: 5000 });
      try {
        const sub = nc.subscribe('flood.echo', { callback: (_err, msg) => { msg.respond(`echo ${msg.string()}`); } });
        for (let i = 0; i < 5; i++) {
          const reply = await nc.request('flood.echo', `hello ${i}`, { timeout: 5000 });
          assert.equal(reply.string(), `echo hello ${i}`);
        }
        sub.unsubscribe();
      } finally {
        await nc.close();
      }
      assert.doesNotMatch(server.output(), /\[FTL\]|Uncaught|TypeError|RangeError/, 'nothing fatal in the log');
    });
  });
}

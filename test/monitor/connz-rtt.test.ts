// /connz `rtt`: as in nats-server, the time from accepting a connection to its CONNECT is the first round-trip estimate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { freePort, startServer, type ServerKind } from '../helpers/server-process.js';

/** A raw protocol connection that reads whole lines. */
function rawClient(port: number): { socket: net.Socket; line: () => Promise<string> } {
  const socket = net.connect(port, '127.0.0.1');
  const lines: string[] = [];
  const waiters: ((line: string) => void)[] = [];
  let buffer = '';
  socket.on('data', (data) => {
    buffer += data.toString();
    let at: number;
    while ((at = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      const waiter = waiters.shift();
      if (waiter) waiter(line); else lines.push(line);
    }
  });
  return { socket, line: () => (lines.length > 0 ? Promise.resolve(lines.shift()!) : new Promise((resolve) => waiters.push(resolve))) };
}

async function rttOf(httpPort: number): Promise<string> {
  const report = await (await fetch(`http://127.0.0.1:${httpPort}/connz`)).json() as { connections: { rtt: string }[] };
  assert.equal(report.connections.length, 1);
  return report.connections[0]!.rtt;
}

/** Go's time.Duration text ("304µs", "202.10185ms", "1.5s") in milliseconds. */
function durationMs(text: string): number {
  const match = /^([\d.]+)(ns|µs|ms|s)$/.exec(text);
  assert.ok(match, `a duration: ${text}`);
  const scale = { ns: 1e-6, 'µs': 1e-3, ms: 1, s: 1000 }[match[2] as 'ns' | 'µs' | 'ms' | 's'];
  return Number(match[1]) * scale;
}

const DELAY_MS = 150;

for (const kind of ['natrium', 'nats'] as ServerKind[]) {
  for (const connect of ['{"verbose":false,"lang":"raw","version":"1"}', '{"verbose":false}']) {
    test(`${kind}: CONNECT ${connect} gives the first rtt estimate, the time from INFO to CONNECT`, async () => {
      const httpPort = await freePort();
      const server = await startServer(kind, kind === 'natrium' ? ['-m', String(httpPort), '--no_js'] : ['-m', String(httpPort)]);
      const client = rawClient(server.port);
      try {
        assert.match(await client.line(), /^INFO /);
        // A slow CONNECT: the estimate can not be less than the wait between INFO and CONNECT seen here.
        const infoSeen = performance.now();
        await new Promise((resolve) => setTimeout(resolve, DELAY_MS));
        client.socket.write(`CONNECT ${connect}\r\nPING\r\n`);
        const waited = performance.now() - infoSeen;
        assert.equal(await client.line(), 'PONG');
        const rtt = await rttOf(httpPort);
        // nats-server starts its clock a little after INFO is on its way: allow a few ms of slack.
        assert.ok(durationMs(rtt) >= waited - 5, `rtt ${rtt} covers the ${waited} ms wait`);
        // No PING was needed for it: the server's next line answers ours.
        client.socket.write('PING\r\n');
        assert.equal(await client.line(), 'PONG');
      } finally {
        client.socket.destroy();
        await server.stop();
      }
    });
  }
}

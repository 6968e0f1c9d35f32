// Outbound encoding: Client.deliver appending MSG frames to the OutboundBuffer, flushed now and then to a null socket.
import type { Duplex } from 'node:stream';
import { defaultOptions } from '../../src/config/options.js';
import { Client } from '../../src/core/client.js';
import { Server } from '../../src/core/server.js';
import { Subscription } from '../../src/core/subscription.js';
import { formatNs, nsPerOp, type MicroRow } from './timing.js';

/** Takes whatever it is given and says it is ready for more, like a socket with an empty kernel buffer. */
function nullSocket(): Duplex {
  const socket = { write: () => true, cork: () => {}, uncork: () => {}, destroy: () => {}, destroyed: false, writableLength: 0, writableHighWaterMark: 16_384 };
  return socket as unknown as Duplex;
}

/** The server flushes a connection once per read; 1,000 frames is about one 64 KiB read of 16 B publishes. */
const FLUSH_EVERY = 1000;

function deliverCost(client: Client, sub: Subscription, subject: string, reply: string, payload: Buffer): number {
  let sinceFlush = 0;
  return nsPerOp((iterations) => {
    for (let n = 0; n < iterations; n++) {
      client.deliver(sub, subject, reply, -1, payload);
      if (++sinceFlush === FLUSH_EVERY) {
        client.outbound.flushTo(client.socket);
        sinceFlush = 0;
      }
    }
    return client.outMsgs;
  });
}

export async function outboundBenchmarks(): Promise<MicroRow[]> {
  const server = new Server(defaultOptions());
  const client = new Client(server, 1, nullSocket(), server.globalAccount, '127.0.0.1', 40000);
  const sub = new Subscription('orders.>', '', '17', client, null);
  const small = Buffer.alloc(16, 'x');
  const large = Buffer.alloc(1024, 'y');
  const rows: MicroRow[] = [
    { name: 'deliver MSG frame, 16 B payload', figure: 'ns/frame', value: formatNs(deliverCost(client, sub, 'orders.eu.created', '', small)) },
    { name: 'deliver MSG frame, 16 B payload + reply subject', figure: 'ns/frame', value: formatNs(deliverCost(client, sub, 'orders.eu.created', '_INBOX.Xa7Kq2pL9.42', small)) },
    { name: 'deliver MSG frame, 1 KiB payload', figure: 'ns/frame', value: formatNs(deliverCost(client, sub, 'orders.eu.created', '', large)) },
  ];
  // Let the server's scheduled flush run against the null socket before we leave.
  await new Promise<void>((resolve) => setImmediate(resolve));
  return rows;
}

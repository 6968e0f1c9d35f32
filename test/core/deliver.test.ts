// Client.deliver's MSG/HMSG frames: the same bytes whether the line start is written directly or from its cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Duplex } from 'node:stream';
import { defaultOptions } from '../../src/config/options.js';
import { Client } from '../../src/core/client.js';
import { Server } from '../../src/core/server.js';
import { Subscription } from '../../src/core/subscription.js';

/** A socket that keeps what it is given. */
function recordingSocket(): { socket: Duplex; written: () => string } {
  const chunks: Buffer[] = [];
  const socket = {
    write: (chunk: Buffer) => (chunks.push(Buffer.from(chunk)), true),
    cork: () => {},
    uncork: () => {},
    destroy: () => {},
    destroyed: false,
    writableLength: 0,
    writableHighWaterMark: 16_384,
  };
  return { socket: socket as unknown as Duplex, written: () => Buffer.concat(chunks).toString('latin1') };
}

test('deliver - frames are byte-exact across new, repeated and alternating subjects, with and without headers', () => {
  const server = new Server(defaultOptions());
  const { socket, written } = recordingSocket();
  const client = new Client(server, 1, socket, server.globalAccount, '127.0.0.1', 40000);
  client.headers = true;
  const sub = new Subscription('_INBOX.x.*', '', '17', client, null);
  const body = Buffer.from('hello');
  const withHeaders = Buffer.from('NATS/1.0\r\nA: b\r\n\r\nhello');
  const headerSize = withHeaders.length - body.length;
  const expected: string[] = [];
  const sends: [string, string, boolean][] = [
    ['_INBOX.x.1', '', false],
    ['_INBOX.x.2', 'reply.to', false],
    ['_INBOX.x.2', '', false],
    ['_INBOX.x.2', '', true],
    ['_INBOX.x.2', 'r', true],
    ['_INBOX.x.a-much-longer-subject-than-twenty-four-characters', '', true],
    ['_INBOX.x.1', '', false],
    ['_INBOX.x.1', '', false],
  ];
  for (const [subject, reply, headers] of sends) {
    if (headers) {
      client.deliver(sub, subject, reply, headerSize, withHeaders);
      expected.push(`HMSG ${subject} 17 ${reply ? reply + ' ' : ''}${headerSize} ${withHeaders.length}\r\n${withHeaders.toString('latin1')}\r\n`);
    } else {
      client.deliver(sub, subject, reply, -1, body);
      expected.push(`MSG ${subject} 17 ${reply ? reply + ' ' : ''}${body.length}\r\nhello\r\n`);
    }
  }
  client.outbound.flushTo(socket);
  assert.equal(written(), expected.join(''));
});

// Parser tests: every op, frames split at every byte and at random, and every error path.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolParser, type ParserHandler } from '../../src/protocol/parser.js';
import { WireError } from '../../src/protocol/wire-errors.js';
import { Random, testSeed } from '../helpers/random.js';

/** Records every call as a line of text. */
class Recorder implements ParserHandler {
  events: string[] = [];
  maxPayload = 1024 * 1024;
  processConnect(json: string): void {
    this.events.push(`CONNECT ${json}`);
  }
  processPub(subject: string, reply: string, headerSize: number, message: Buffer): void {
    this.events.push(`PUB ${subject} [${reply}] ${headerSize} ${message.toString('latin1')}`);
  }
  checkPubSize(subject: string, size: number): boolean {
    if (size > this.maxPayload) {
      this.events.push(`TOO BIG ${subject} ${size}`);
      return false;
    }
    return true;
  }
  processSub(subject: string, queue: string, sid: string): void {
    this.events.push(`SUB ${subject} [${queue}] ${sid}`);
  }
  processUnsub(sid: string, max: number): void {
    this.events.push(`UNSUB ${sid} ${max}`);
  }
  processPing(): void {
    this.events.push('PING');
  }
  processPong(): void {
    this.events.push('PONG');
  }
  processClientErr(text: string): void {
    this.events.push(`CLIENT ERR ${text}`);
  }
  protocolError(wireError: string, detail: string): void {
    this.events.push(`ERROR '${wireError}' (${detail})`);
  }
  authViolationBeforeConnect(): void {
    this.events.push('AUTH VIOLATION');
  }
}

function parseChunks(chunks: Buffer[], setup?: (p: ProtocolParser) => void): string[] {
  const recorder = new Recorder();
  const parser = new ProtocolParser(recorder, { maxControlLine: 4096 });
  parser.headersAllowed = true;
  setup?.(parser);
  for (const chunk of chunks) {
    if (parser.stopped) break;
    parser.parse(chunk);
  }
  return recorder.events;
}

function parseWhole(text: string | Buffer, setup?: (p: ProtocolParser) => void): string[] {
  return parseChunks([Buffer.isBuffer(text) ? text : Buffer.from(text, 'latin1')], setup);
}

function splitAt(buf: Buffer, cuts: number[]): Buffer[] {
  const out: Buffer[] = [];
  let prev = 0;
  for (const cut of [...cuts, buf.length]) {
    out.push(buf.subarray(prev, cut));
    prev = cut;
  }
  return out;
}

const CONVERSATION =
  'CONNECT {"verbose":false,"name":"t\u00e9st"}\r\n' +
  'PING\r\npong\r\n' +
  'SUB foo 1\r\nsub  bar\tq  2\r\n' +
  'PUB foo 5\r\nhello\r\n' +
  'pub foo reply.to 0\r\n\r\n' +
  'HPUB h 12 14\r\nNATS/1.0\r\n\r\nab\r\n' +
  'hpub h r 12 12\r\nNATS/1.0\r\n\r\n\r\n' +
  'PUB bin 4\r\n\r\n\r\n\r\n' +
  'UNSUB 1\r\nUNSUB 2 10\r\n' +
  'INFO {}\r\n+OK\r\nPING with junk\r\n';

const EXPECTED = [
  'CONNECT {"verbose":false,"name":"t\u00c3\u00a9st"}'.replace('t\u00c3\u00a9st', 't\u00e9st'),
  'PING',
  'PONG',
  'SUB foo [] 1',
  'SUB bar [q] 2',
  'PUB foo [] -1 hello',
  'PUB foo [reply.to] -1 ',
  'PUB h [] 12 NATS/1.0\r\n\r\nab',
  'PUB h [r] 12 NATS/1.0\r\n\r\n',
  'PUB bin [] -1 \r\n\r\n',
  'UNSUB 1 -1',
  'UNSUB 2 10',
  'PING',
];

test('parser - every op in one chunk', () => {
  assert.deepEqual(parseWhole(Buffer.from(CONVERSATION, 'utf8')), EXPECTED);
});

test('parser - a conversation fed one byte at a time', () => {
  const buf = Buffer.from(CONVERSATION, 'utf8');
  const chunks = [...buf].map((b) => Buffer.from([b]));
  assert.deepEqual(parseChunks(chunks), EXPECTED);
});

test('parser - split at every single position gives the same operations', () => {
  const buf = Buffer.from(CONVERSATION, 'utf8');
  for (let cut = 1; cut < buf.length; cut++) {
    assert.deepEqual(parseChunks(splitAt(buf, [cut])), EXPECTED, `split at ${cut}`);
  }
});

test('parser - random splits give the same operations', () => {
  const seed = testSeed();
  const random = new Random(seed);
  const buf = Buffer.from(CONVERSATION.repeat(4), 'utf8');
  const expected = [...EXPECTED, ...EXPECTED, ...EXPECTED, ...EXPECTED];
  for (let round = 0; round < 300; round++) {
    const cuts = [...new Set(Array.from({ length: random.int(20) }, () => 1 + random.int(buf.length - 1)))].sort((a, b) => a - b);
    assert.deepEqual(parseChunks(splitAt(buf, cuts)), expected, `seed ${seed} round ${round} cuts ${cuts}`);
  }
});

test('parser - a payload that arrives whole is a view, not a copy', () => {
  const buf = Buffer.from('PUB a 3\r\nxyz\r\n');
  let seen: Buffer | null = null;
  const handler = new Recorder();
  handler.processPub = (_s, _r, _h, message) => {
    seen = message;
  };
  new ProtocolParser(handler, { maxControlLine: 4096 }).parse(buf);
  assert.ok(seen !== null);
  assert.equal((seen as Buffer).buffer, buf.buffer);
});

const errorCases: [string, string, string[]][] = [
  ['unknown op', 'FOO\r\n', [`ERROR '${WireError.UnknownOp}' (unknown op)`]],
  ['a wrong letter stops at once, without waiting for the end of line', 'PUX', [`ERROR '${WireError.UnknownOp}' (unknown op)`]],
  ['MSG is not a client op', 'MSG foo 1 1\r\nx\r\n', [`ERROR '${WireError.UnknownOp}' (unknown op)`]],
  ['leading space', ' PING\r\n', [`ERROR '${WireError.UnknownOp}' (unknown op)`]],
  ['empty line', '\r\n', [`ERROR '${WireError.UnknownOp}' (unknown op)`]],
  ['op without its space', 'PUBfoo 1\r\n', [`ERROR '${WireError.UnknownOp}' (unknown op)`]],
  ['payload longer than declared', 'PUB foo 3\r\nabcd\r\n', [`ERROR '${WireError.UnknownOp}' (payload not followed by CRLF)`]],
  ['payload without CRLF', 'PUB foo 1\r\nab', [`ERROR '${WireError.UnknownOp}' (payload not followed by CRLF)`]],
  ['PUB with too many arguments', 'PUB a b c 3\r\nabc\r\n', [`ERROR '' (bad PUB arguments)`]],
  ['PUB with one argument', 'PUB foo\r\n', [`ERROR '' (bad PUB arguments)`]],
  ['PUB with a bad size', 'PUB foo x\r\n', [`ERROR '' (bad PUB size arguments)`]],
  ['PUB with a negative size', 'PUB foo -1\r\n', [`ERROR '' (bad PUB size arguments)`]],
  ['HPUB header larger than total', 'HPUB foo 15 14\r\n', [`ERROR '' (bad HPUB sizes arguments)`]],
  ['SUB without sid', 'SUB foo\r\n', [`ERROR '' (bad SUB arguments)`]],
  ['SUB with four arguments', 'SUB foo q 1 2\r\n', [`ERROR '' (bad SUB arguments)`]],
  ['UNSUB without sid', 'UNSUB\r\n', [`ERROR '${WireError.UnknownOp}' (unknown op)`]],
  ['UNSUB with three arguments', 'UNSUB 1 2 3\r\n', [`ERROR '' (bad UNSUB arguments)`]],
  ['client -ERR', "-ERR 'oops'\r\nPING\r\n", ["CLIENT ERR 'oops'"]],
  ['too big for max_payload', 'PUB foo 2000000\r\n', ['TOO BIG foo 2000000']],
];

for (const [name, input, expected] of errorCases) {
  test(`parser - error: ${name}`, () => {
    const events = parseWhole(input);
    assert.deepEqual(events, expected);
  });
}

test('parser - nothing is parsed after a fatal error', () => {
  assert.deepEqual(parseChunks([Buffer.from('FOO\r\n'), Buffer.from('PING\r\n')]), [`ERROR '${WireError.UnknownOp}' (unknown op)`]);
});

test('parser - HPUB is refused without header support, silently', () => {
  const events = parseWhole('HPUB foo 12 12\r\nNATS/1.0\r\n\r\n\r\n', (p) => {
    p.headersAllowed = false;
  });
  assert.deepEqual(events, [`ERROR '' (HPUB without headers support)`]);
});

test('parser - control line over the limit, whole and split', () => {
  const long = `SUB ${'a'.repeat(5000)} 1\r\n`;
  const expected = [`ERROR '${WireError.MaxControlLine}' (control line too long)`];
  assert.deepEqual(parseWhole(long), expected);
  // Split: the error comes before the line ends, so a client cannot make the server buffer without bound.
  assert.deepEqual(parseChunks([Buffer.from(long.slice(0, 3000)), Buffer.from(long.slice(3000, 4500))]), expected);
});

test('parser - control line at exactly the limit is accepted', () => {
  const subject = 'a'.repeat(4096 - 2);
  assert.deepEqual(parseWhole(`SUB ${subject} 1\r\n`), [`SUB ${subject} [] 1`]);
});

test('parser - first op must be CONNECT when authentication is required', () => {
  const setup = (p: ProtocolParser) => {
    p.awaitingConnect = true;
  };
  assert.deepEqual(parseWhole('PING\r\n', setup), ['AUTH VIOLATION']);
  assert.deepEqual(parseWhole('connect {}\r\n', setup), ['CONNECT {}']);
});

test('parser - a large payload split across many chunks', () => {
  const payload = Buffer.alloc(100_000, 0x61);
  const frame = Buffer.concat([Buffer.from(`PUB big ${payload.length}\r\n`), payload, Buffer.from('\r\nPING\r\n')]);
  const chunks: Buffer[] = [];
  for (let i = 0; i < frame.length; i += 4093) chunks.push(frame.subarray(i, i + 4093));
  const events = parseChunks(chunks);
  assert.equal(events.length, 2);
  assert.equal(events[0], `PUB big [] -1 ${'a'.repeat(100_000)}`);
  assert.equal(events[1], 'PING');
});

test('parser - the repeated-subject shortcut still sees a changed subject', () => {
  const events = parseWhole('PUB abc 1\r\nx\r\nPUB abd 1\r\nx\r\nPUB abc 1\r\nx\r\n');
  assert.deepEqual(events, ['PUB abc [] -1 x', 'PUB abd [] -1 x', 'PUB abc [] -1 x']);
});

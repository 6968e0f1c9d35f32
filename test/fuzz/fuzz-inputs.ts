// Fuzz inputs for the client protocol: valid frames, mutations of them (flips, cuts, copies, splices, huge sizes), random bytes, and ways to split them.
import type { Random } from '../helpers/random.js';

export interface FuzzCase {
  /** What kind of input this is, for failure reports. */
  kind: string;
  bytes: Buffer;
  /** The chunks the bytes are written in (they concatenate to `bytes`). */
  chunks: Buffer[];
  /** Whether a well-formed CONNECT was sent first (outside `bytes`). */
  connectFirst: boolean;
  /** True for unmutated valid input: the connection must then stay usable and see no -ERR. */
  mustStayUsable: boolean;
}

/** The CONNECT a fuzz connection sends first in most cases. */
export const GOOD_CONNECT = 'CONNECT {"verbose":false,"pedantic":false,"headers":true,"no_responders":true,"protocol":1,"lang":"fuzz","version":"0.0.1"}\r\n';

const OTHER_CONNECTS = [
  'CONNECT {"verbose":true,"pedantic":true,"headers":true,"protocol":1}\r\n',
  'CONNECT {}\r\n',
  'CONNECT {"protocol":0,"verbose":false}\r\n',
  'CONNECT {"protocol":1,"headers":true,"no_responders":true,"name":"ünï \\" \\\\ x"}\r\n',
];

const LITERALS = ['fuzz.a', 'fuzz.b.c', 'fuzz.a.b.c.d.e.f', 'x', 'fuzz.$sys', 'FUZZ.UPPER', 'fuzz.ü'];
const PATTERNS = [...LITERALS, 'fuzz.*', 'fuzz.>', 'fuzz.*.c', '*.a', '>'];
const EDGE_NUMBERS = ['0', '-1', '1', '00000000000000000001', '99999999999999999999999999', '2147483647', '2147483648', '4294967296', '9007199254740993', '18446744073709551616', '1048575', '1048576', '1048577', '67108864', '+5', '5e3', '0x10', ' ', ''];

function sep(rng: Random): string {
  return rng.int(10) === 0 ? '\t' : rng.int(15) === 0 ? ' \t ' : ' ';
}

function token(rng: Random): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_';
  let s = '';
  for (let i = 1 + rng.int(12); i > 0; i--) s += alphabet[rng.int(alphabet.length)];
  return s;
}

export function randomBytes(rng: Random, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = rng.int(256);
  return out;
}

/** Bytes drawn mostly from what the protocol is made of, so the parser gets past its first byte more often. */
function protocolNoise(rng: Random, length: number): Buffer {
  const pieces = ['PUB', 'HPUB', 'SUB', 'UNSUB', 'PING', 'PONG', 'CONNECT', 'INFO', '+OK', '-ERR', 'MSG', ' ', ' ', '\t', '\r\n', '\r', '\n', '{', '}', '"', ':', '.', '*', '>', '0', '1', '9', '42', 'NATS/1.0', 'fuzz', 'a', 'p', 'u', 'b', 'P'];
  let s = '';
  while (s.length < length) s += rng.pick(pieces);
  return Buffer.from(s.slice(0, length), 'latin1');
}

function payload(rng: Random): Buffer {
  const size = rng.int(20) === 0 ? rng.int(64 * 1024) : rng.int(300);
  return rng.int(2) === 0 ? randomBytes(rng, size) : Buffer.from('p'.repeat(size));
}

/** One valid frame. With `headers` false, no HPUB (the CONNECT did not ask for headers). */
export function validFrame(rng: Random, headers = true): Buffer {
  const sid = String(1 + rng.int(20));
  const lower = rng.int(12) === 0;
  const op = (name: string) => (lower ? name.toLowerCase() : name);
  switch (rng.int(headers ? 9 : 8)) {
    case 0:
      return Buffer.from(op('PING') + '\r\n');
    case 1:
      return Buffer.from(op('PONG') + '\r\n');
    case 2:
      return Buffer.from(`${op('SUB')}${sep(rng)}${rng.pick(PATTERNS)}${sep(rng)}${sid}\r\n`);
    case 3:
      return Buffer.from(`${op('SUB')}${sep(rng)}${rng.pick(PATTERNS)}${sep(rng)}q${rng.int(3)}${sep(rng)}${sid}\r\n`);
    case 4:
      return Buffer.from(`${op('UNSUB')}${sep(rng)}${sid}${rng.int(2) ? sep(rng) + String(1 + rng.int(5)) : ''}\r\n`);
    case 5:
    case 6: {
      const body = payload(rng);
      const reply = rng.int(3) === 0 ? `${sep(rng)}_INBOX.${token(rng)}` : '';
      return Buffer.concat([Buffer.from(`${op('PUB')}${sep(rng)}${rng.pick(LITERALS)}${reply}${sep(rng)}${body.length}\r\n`), body, Buffer.from('\r\n')]);
    }
    case 7:
      return Buffer.from(`${op('PUB')}${sep(rng)}${rng.pick(LITERALS)}${sep(rng)}0\r\n\r\n`);
    default: {
      const header = Buffer.from(`NATS/1.0\r\nX-${token(rng)}: ${token(rng)}\r\nX-Dup: 1\r\nX-Dup: 2\r\n\r\n`);
      const body = payload(rng);
      return Buffer.concat([Buffer.from(`${op('HPUB')}${sep(rng)}${rng.pick(LITERALS)}${sep(rng)}${header.length}${sep(rng)}${header.length + body.length}\r\n`), header, body, Buffer.from('\r\n')]);
    }
  }
}

/** A frame for splicing: valid ones plus ops a client should not send. */
function anyFrame(rng: Random): Buffer {
  switch (rng.int(8)) {
    case 0: return Buffer.from(rng.pick(OTHER_CONNECTS));
    case 1: return Buffer.from(rng.pick(['INFO {}\r\n', '+OK\r\n', "-ERR 'fuzz'\r\n", 'MSG fuzz.a 1 1\r\nx\r\n', 'INFO {"x":1}\r\n']));
    default: return validFrame(rng);
  }
}

function validSequence(rng: Random, count: number, headers = true): Buffer {
  return Buffer.concat(Array.from({ length: count }, () => validFrame(rng, headers)));
}

/** Applies one mutation. */
function mutate(rng: Random, input: Buffer, maxPayload: number): Buffer {
  const at = () => rng.int(input.length + 1);
  switch (rng.int(10)) {
    case 0: { // bit flips
      const out = Buffer.from(input);
      for (let i = 1 + rng.int(4); i > 0 && out.length > 0; i--) out[rng.int(out.length)] ^= 1 << rng.int(8);
      return out;
    }
    case 1: // truncation
      return input.subarray(0, at());
    case 2: { // duplication of a range
      const a = at(); const b = Math.min(input.length, a + rng.int(200));
      const p = at();
      return Buffer.concat([input.subarray(0, p), input.subarray(a, b), input.subarray(p)]);
    }
    case 3: { // random bytes inserted
      const p = at();
      return Buffer.concat([input.subarray(0, p), randomBytes(rng, 1 + rng.int(32)), input.subarray(p)]);
    }
    case 4: { // a range deleted
      const a = at(); const b = Math.min(input.length, a + 1 + rng.int(50));
      return Buffer.concat([input.subarray(0, a), input.subarray(b)]);
    }
    case 5: { // a frame spliced in anywhere, even inside another
      const p = at();
      return Buffer.concat([input.subarray(0, p), anyFrame(rng), input.subarray(p)]);
    }
    case 6: { // a number replaced by an edge or huge one
      const text = input.toString('latin1');
      const runs = [...text.matchAll(/\d+/g)];
      if (runs.length === 0) return input;
      const run = rng.pick(runs);
      const value = rng.int(4) === 0 ? String(maxPayload + rng.int(3) - 1) : rng.pick(EDGE_NUMBERS);
      return Buffer.from(text.slice(0, run.index) + value + text.slice(run.index + run[0].length), 'latin1');
    }
    case 7: { // case swapped in a range
      const out = Buffer.from(input);
      const a = at(); const b = Math.min(out.length, a + rng.int(20));
      for (let i = a; i < b; i++) if ((out[i] >= 65 && out[i] <= 90) || (out[i] >= 97 && out[i] <= 122)) out[i] ^= 0x20;
      return out;
    }
    case 8: { // line endings damaged
      const text = input.toString('latin1');
      return Buffer.from(text.replace(/\r\n/g, (m) => (rng.int(4) === 0 ? rng.pick(['\n', '\r', '\r\r\n', '\n\r', '']) : m)), 'latin1');
    }
    default: { // tail of one sequence joined to the head of another
      const other = validSequence(rng, 1 + rng.int(4));
      return Buffer.concat([input.subarray(0, at()), other.subarray(rng.int(other.length + 1))]);
    }
  }
}

/** Frames with sizes and lengths at and past every limit. */
function limitFrame(rng: Random, maxPayload: number): Buffer {
  const huge = rng.pick(EDGE_NUMBERS);
  switch (rng.int(9)) {
    case 0: return Buffer.from(`PUB fuzz.a ${huge}\r\n`);
    case 1: return Buffer.from(`PUB fuzz.a ${maxPayload + 1}\r\n`);
    case 2: return Buffer.concat([Buffer.from(`PUB fuzz.a ${maxPayload - rng.int(3)}\r\n`), Buffer.alloc(rng.int(5000), 0x61)]); // waits for the rest
    case 3: return Buffer.from(`HPUB fuzz.a ${huge} ${rng.pick(EDGE_NUMBERS)}\r\nNATS/1.0\r\n\r\n\r\n`);
    case 4: return Buffer.from(`HPUB fuzz.a 20 10\r\nNATS/1.0\r\n\r\n\r\n`); // header size over total size
    case 5: return Buffer.from(`PUB ${'a'.repeat(4096 + rng.int(8000))} 1\r\nx\r\n`); // control line over 4 KB
    case 6: return Buffer.from(`SUB ${Array.from({ length: 2000 + rng.int(2000) }, () => 't').join('.')} 1\r\n`);
    case 7: return Buffer.from(`CONNECT {"name":"${'n'.repeat(3000 + rng.int(8000))}"}\r\n`);
    default: return Buffer.alloc(8000 + rng.int(20000), rng.pick([0x41, 0x20, 0x0d, 0x00, 0x50])); // no line end at all
  }
}

/** Splits `bytes` into chunks: whole, at random points, or byte by byte. */
function split(rng: Random, bytes: Buffer): Buffer[] {
  const mode = rng.int(5);
  if (mode === 0 || bytes.length === 0) return [bytes];
  if (mode === 1 && bytes.length <= 3000) return Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
  const chunks: Buffer[] = [];
  const maxChunk = rng.pick([3, 17, 256, 4096]);
  for (let p = 0; p < bytes.length;) {
    const n = 1 + rng.int(maxChunk);
    chunks.push(bytes.subarray(p, p + n));
    p += n;
  }
  return chunks;
}

/** One fuzz case, drawn from `rng`. */
export function makeCase(rng: Random, maxPayload: number): FuzzCase {
  let kind: string;
  let bytes: Buffer;
  let connectFirst = rng.int(5) !== 0;
  let mustStayUsable = false;
  const roll = rng.int(100);
  if (roll < 10) {
    kind = 'random bytes';
    bytes = randomBytes(rng, 1 + rng.int(4096));
  } else if (roll < 20) {
    kind = 'protocol noise';
    bytes = protocolNoise(rng, 1 + rng.int(2048));
  } else if (roll < 30) {
    kind = 'valid frames';
    connectFirst = true;
    mustStayUsable = true;
    bytes = validSequence(rng, 1 + rng.int(30));
  } else if (roll < 40) {
    kind = 'limits';
    bytes = Buffer.concat([validSequence(rng, rng.int(3)), limitFrame(rng, maxPayload)]);
  } else if (roll < 45) {
    kind = 'many small frames';
    connectFirst = true;
    mustStayUsable = true;
    bytes = Buffer.concat(Array.from({ length: 500 + rng.int(1500) }, () => Buffer.from(rng.int(2) ? 'PUB fuzz.flood 3\r\nabc\r\n' : `SUB fuzz.flood.${rng.int(50)} ${1 + rng.int(50)}\r\nUNSUB ${1 + rng.int(50)}\r\n`)));
  } else {
    kind = 'mutated frames';
    bytes = validSequence(rng, 1 + rng.int(10), rng.int(2) === 0);
    const mutations = 1 + rng.int(4);
    for (let i = 0; i < mutations; i++) bytes = mutate(rng, bytes, maxPayload);
    kind += ` (${mutations} mutations)`;
  }
  return { kind, bytes, chunks: split(rng, bytes), connectFirst, mustStayUsable };
}

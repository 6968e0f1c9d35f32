// The client-to-server NATS protocol as a resumable byte-level state machine: frames may be split at any byte.
//
// The parser never copies a payload that arrives whole in one chunk: it hands out a view into the read
// buffer, valid only until the handler returns. Control lines that cross a chunk boundary are gathered
// in a small scratch buffer; a payload that crosses one is gathered in a buffer of its declared size.

import { WireError } from './wire-errors.js';

/** What the parser calls. One implementation (the server's Client), so these call sites stay monomorphic. */
export interface ParserHandler {
  processConnect(json: string): void;
  /** `headerSize` is -1 for PUB. `message` is headers + body; a view valid only during the call. */
  processPub(subject: string, reply: string, headerSize: number, message: Buffer): void;
  /** Called once the PUB/HPUB line is read, before the payload arrives: the place to reject it early. Returns false to stop. */
  checkPubSize(subject: string, size: number): boolean;
  processSub(subject: string, queue: string, sid: string): void;
  processUnsub(sid: string, max: number): void;
  processPing(): void;
  processPong(): void;
  /** The client sent -ERR: nats-server closes such a connection. */
  processClientErr(text: string): void;
  /**
   * A frame the server cannot accept. `wireError` is the -ERR text to send first, or '' when nats-server
   * closes without a word (bad arguments to PUB/SUB/UNSUB, bad sizes).
   */
  protocolError(wireError: string, detail: string): void;
  /** The first op was not CONNECT on a connection that must authenticate. */
  authViolationBeforeConnect(): void;
}

// States. Op names are matched letter by letter, so a wrong byte fails at once, as nats-server does.
const OP_START = 0;
const OP_KEYWORD = 1; // matching the rest of a keyword (see KEYWORDS)
const OP_P = 2; // after 'P': PUB, PING or PONG
const OP_AFTER_KEYWORD = 3; // keyword done; needs a space or tab (ops with arguments)
const OP_SKIP_TO_EOL = 4; // PING / PONG / +OK: everything up to '\n' is ignored
const OP_SPACE = 5; // spaces and tabs before the arguments
const OP_ARG = 6; // the arguments, up to '\n'
const OP_PAYLOAD = 7; // a payload that crosses chunks
const OP_PAYLOAD_CR = 8;
const OP_PAYLOAD_LF = 9;

// Ops.
const PUB = 1;
const HPUB = 2;
const SUB = 3;
const UNSUB = 4;
const CONNECT = 5;
const INFO = 6;
const PING = 7;
const PONG = 8;
const PLUS_OK = 9;
const MINUS_ERR = 10;

/** Upper-case spelling of each op, indexed by op number. */
const KEYWORDS: readonly Uint8Array[] = [
  new Uint8Array(0),
  Buffer.from('PUB'),
  Buffer.from('HPUB'),
  Buffer.from('SUB'),
  Buffer.from('UNSUB'),
  Buffer.from('CONNECT'),
  Buffer.from('INFO'),
  Buffer.from('PING'),
  Buffer.from('PONG'),
  Buffer.from('+OK'),
  Buffer.from('-ERR'),
];
const HAS_ARGS: readonly boolean[] = [false, true, true, true, true, true, true, false, false, false, true];

const CR = 13;
const LF = 10;
const SPACE = 32;
const TAB = 9;
const MAX_ARGS = 5;
const SCRATCH_START = 256;

export interface ParserLimits {
  maxControlLine: number;
}

export class ProtocolParser {
  /** When true, any first op other than CONNECT is an authorization violation. */
  awaitingConnect = false;
  /** HPUB is accepted only after the client said `headers: true` in CONNECT. */
  headersAllowed = false;
  maxControlLine: number;

  private state = OP_START;
  private op = 0;
  private keywordPos = 0;
  /** Set by the handler to stop between two ops (a fast producer being paused); cleared to go on. */
  suspended = false;
  /** Whether this connection's parsing stopped for good (after a fatal error). */
  private dead = false;

  // Arguments of the current control line: byte ranges within argSource.
  private argSource: Buffer = Buffer.alloc(0);
  private readonly argStart = new Int32Array(MAX_ARGS);
  private readonly argEnd = new Int32Array(MAX_ARGS);
  private argCount = 0;

  // A control line that crosses chunks is gathered here.
  private scratch: Buffer = Buffer.allocUnsafe(SCRATCH_START);
  private scratchLength = 0;
  private gathering = false;

  // The PUB/HPUB in flight.
  private pubSubject = '';
  private pubReply = '';
  private pubHeaderSize = -1;
  private pubSize = 0;
  private payload: Buffer = Buffer.alloc(0);
  private payloadFilled = 0;

  // The last subject seen, to skip decoding when a publisher repeats it (the common case).
  private lastSubjectBytes: Buffer = Buffer.allocUnsafe(64);
  private lastSubjectLength = -1;
  private lastSubject = '';

  constructor(private readonly handler: ParserHandler, limits: ParserLimits) {
    this.maxControlLine = limits.maxControlLine;
  }

  /** Whether a fatal error stopped the parser. */
  get stopped(): boolean {
    return this.dead;
  }

  /** Stops parsing for good (the connection is closing); the rest of the current chunk is ignored. */
  stop(): void {
    this.dead = true;
  }

  /**
   * Feeds one chunk and returns how many bytes were consumed: all of them, unless the handler set
   * `suspended` (flow control), in which case parsing stopped between two ops and the caller keeps the
   * rest for later. Stops for good at the first fatal error (the handler has been told).
   */
  parse(buf: Buffer): number {
    const length = buf.length;
    let i = 0;
    let lineStart = 0; // where the current control line's arguments start, when they began in this chunk
    while (i < length && !this.dead && !this.suspended) {
      const b = buf[i];
      switch (this.state) {
        case OP_START: {
          if (this.awaitingConnect && b !== 0x43 && b !== 0x63) {
            this.dead = true;
            this.handler.authViolationBeforeConnect();
            return length;
          }
          const upper = b & 0xdf;
          let op = 0;
          switch (upper) {
            case 0x50: // P
              this.state = OP_P;
              i++;
              continue;
            case 0x48: op = HPUB; break; // H
            case 0x53: op = SUB; break; // S
            case 0x55: op = UNSUB; break; // U
            case 0x43: op = CONNECT; break; // C
            case 0x49: op = INFO; break; // I
            default:
              if (b === 0x2b) op = PLUS_OK;
              else if (b === 0x2d) op = MINUS_ERR;
          }
          if (op === 0) {
            this.fail(WireError.UnknownOp, 'unknown op');
            return length;
          }
          this.op = op;
          this.keywordPos = 1;
          this.state = OP_KEYWORD;
          i++;
          continue;
        }
        case OP_P: {
          const upper = b & 0xdf;
          if (upper === 0x55) this.op = PUB;
          else if (upper === 0x49) this.op = PING;
          else if (upper === 0x4f) this.op = PONG;
          else {
            this.fail(WireError.UnknownOp, 'unknown op');
            return length;
          }
          this.keywordPos = 2;
          this.state = OP_KEYWORD;
          i++;
          continue;
        }
        case OP_KEYWORD: {
          const keyword = KEYWORDS[this.op];
          const expected = keyword[this.keywordPos];
          // Letters compare case-insensitively; '+OK' and '-ERR' have letters after their sign only.
          if ((b & 0xdf) !== expected) {
            this.fail(WireError.UnknownOp, 'unknown op');
            return length;
          }
          this.keywordPos++;
          i++;
          if (this.keywordPos === keyword.length) {
            if (this.op === HPUB && !this.headersAllowed) {
              // nats-server closes without an -ERR when HPUB comes from a client without headers.
              this.fail('', 'HPUB without headers support');
              return length;
            }
            this.state = HAS_ARGS[this.op] ? OP_AFTER_KEYWORD : OP_SKIP_TO_EOL;
          }
          continue;
        }
        case OP_SKIP_TO_EOL: {
          const eol = buf.indexOf(LF, i);
          if (eol < 0) {
            i = length;
            continue;
          }
          i = eol + 1;
          this.state = OP_START;
          if (this.op === PING) this.handler.processPing();
          else if (this.op === PONG) this.handler.processPong();
          continue;
        }
        case OP_AFTER_KEYWORD: {
          if ((b === CR || b === LF) && (this.op === CONNECT || this.op === INFO)) {
            // nats-server closes without a word on a CONNECT or INFO with nothing to decode.
            this.fail('', 'missing JSON');
            return length;
          }
          if (b !== SPACE && b !== TAB) {
            this.fail(WireError.UnknownOp, 'unknown op');
            return length;
          }
          this.state = OP_SPACE;
          i++;
          continue;
        }
        case OP_SPACE: {
          if (b === SPACE || b === TAB) {
            i++;
            continue;
          }
          this.state = OP_ARG;
          this.gathering = false;
          this.scratchLength = 0;
          lineStart = i;
          continue;
        }
        case OP_ARG: {
          const eol = buf.indexOf(LF, i);
          if (eol < 0) {
            // The line crosses into the next chunk: keep what we have.
            this.gather(buf, i, length);
            i = length;
            if (this.scratchLength > this.maxControlLine) {
              this.fail(WireError.MaxControlLine, 'control line too long');
              return length;
            }
            continue;
          }
          let source: Buffer;
          let start: number;
          let end: number;
          if (this.gathering) {
            this.gather(buf, i, eol);
            source = this.scratch;
            start = 0;
            end = this.scratchLength;
            this.gathering = false;
          } else {
            source = buf;
            start = lineStart;
            end = eol;
          }
          if (end > start && source[end - 1] === CR) end--;
          i = eol + 1;
          if (end - start > this.maxControlLine) {
            this.fail(WireError.MaxControlLine, 'control line too long');
            return length;
          }
          this.state = OP_START;
          this.splitArgs(source, start, end);
          if (!this.dispatchLine(source, start, end)) return length;
          if (this.state === OP_PAYLOAD) {
            // Fast path: the whole payload and its CRLF are in this chunk.
            const size = this.pubSize;
            if (length - i >= size + 2) {
              if (buf[i + size] !== CR || buf[i + size + 1] !== LF) {
                this.fail(WireError.UnknownOp, 'payload not followed by CRLF');
                return length;
              }
              this.state = OP_START;
              this.handler.processPub(this.pubSubject, this.pubReply, this.pubHeaderSize, buf.subarray(i, i + size));
              i += size + 2;
            } else {
              this.payload = Buffer.allocUnsafe(size);
              this.payloadFilled = 0;
            }
          }
          continue;
        }
        case OP_PAYLOAD: {
          const want = this.pubSize - this.payloadFilled;
          const take = Math.min(want, length - i);
          buf.copy(this.payload, this.payloadFilled, i, i + take);
          this.payloadFilled += take;
          i += take;
          if (this.payloadFilled === this.pubSize) this.state = OP_PAYLOAD_CR;
          continue;
        }
        case OP_PAYLOAD_CR: {
          if (b !== CR) {
            this.fail(WireError.UnknownOp, 'payload not followed by CRLF');
            return length;
          }
          this.state = OP_PAYLOAD_LF;
          i++;
          continue;
        }
        case OP_PAYLOAD_LF: {
          if (b !== LF) {
            this.fail(WireError.UnknownOp, 'payload not followed by CRLF');
            return length;
          }
          i++;
          this.state = OP_START;
          const message = this.payload;
          this.payload = EMPTY;
          this.handler.processPub(this.pubSubject, this.pubReply, this.pubHeaderSize, message);
          continue;
        }
      }
    }
    return i;
  }

  private fail(wireError: string, detail: string): void {
    this.dead = true;
    this.handler.protocolError(wireError, detail);
  }

  private gather(buf: Buffer, from: number, to: number): void {
    const add = to - from;
    if (!this.gathering) {
      this.gathering = true;
      this.scratchLength = 0;
    }
    if (this.scratchLength + add > this.scratch.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.scratch.length * 2, this.scratchLength + add));
      this.scratch.copy(bigger, 0, 0, this.scratchLength);
      this.scratch = bigger;
    }
    buf.copy(this.scratch, this.scratchLength, from, to);
    this.scratchLength += add;
  }

  private splitArgs(source: Buffer, start: number, end: number): void {
    let count = 0;
    let i = start;
    while (i < end) {
      let b = source[i];
      while ((b === SPACE || b === TAB) && i < end) b = source[++i];
      if (i >= end) break;
      const tokenStart = i;
      while (i < end && b !== SPACE && b !== TAB) b = source[++i];
      if (count < MAX_ARGS) {
        this.argStart[count] = tokenStart;
        this.argEnd[count] = i;
      }
      count++;
    }
    this.argSource = source;
    this.argCount = count;
  }

  private argString(index: number): string {
    return latin1(this.argSource, this.argStart[index], this.argEnd[index]);
  }

  /** The subject argument, reusing the previous string when the bytes repeat. */
  private subjectArg(index: number): string {
    const source = this.argSource;
    const start = this.argStart[index];
    const length = this.argEnd[index] - start;
    const last = this.lastSubjectBytes;
    if (length === this.lastSubjectLength) {
      let same = true;
      for (let k = 0; k < length; k++) {
        if (source[start + k] !== last[k]) {
          same = false;
          break;
        }
      }
      if (same) return this.lastSubject;
    }
    const subject = latin1(source, start, start + length);
    if (length <= last.length) {
      // By hand: Buffer#copy of a slice that starts inside its source allocates a view first.
      for (let k = 0; k < length; k++) last[k] = source[start + k];
      this.lastSubjectLength = length;
      this.lastSubject = subject;
    }
    return subject;
  }

  /** Parses a decimal size; -1 when it is not all digits or too long. */
  private argSize(index: number): number {
    const source = this.argSource;
    const start = this.argStart[index];
    const end = this.argEnd[index];
    if (end === start || end - start > 9) return -1;
    let n = 0;
    for (let k = start; k < end; k++) {
      const d = source[k] - 48;
      if (d < 0 || d > 9) return -1;
      n = n * 10 + d;
    }
    return n;
  }

  /** Acts on a complete control line. Returns false when parsing must stop. */
  private dispatchLine(source: Buffer, start: number, end: number): boolean {
    const count = this.argCount;
    switch (this.op) {
      case PUB: {
        if (count !== 2 && count !== 3) return this.badArgs('PUB');
        const size = this.argSize(count - 1);
        if (size < 0) return this.badArgs('PUB size');
        this.pubSubject = this.subjectArg(0);
        this.pubReply = count === 3 ? this.argString(1) : '';
        this.pubHeaderSize = -1;
        return this.startPayload(size);
      }
      case HPUB: {
        if (count !== 3 && count !== 4) return this.badArgs('HPUB');
        const headerSize = this.argSize(count - 2);
        const size = this.argSize(count - 1);
        if (headerSize < 0 || size < 0 || headerSize > size) return this.badArgs('HPUB sizes');
        this.pubSubject = this.subjectArg(0);
        this.pubReply = count === 4 ? this.argString(1) : '';
        // An empty header block is delivered as a plain message, as nats-server does.
        this.pubHeaderSize = headerSize === 0 ? -1 : headerSize;
        return this.startPayload(size);
      }
      case SUB: {
        if (count !== 2 && count !== 3) return this.badArgs('SUB');
        const subject = this.argString(0);
        const queue = count === 3 ? this.argString(1) : '';
        this.handler.processSub(subject, queue, this.argString(count - 1));
        return !this.dead;
      }
      case UNSUB: {
        if (count !== 1 && count !== 2) return this.badArgs('UNSUB');
        const max = count === 2 ? this.argSize(1) : -1;
        this.handler.processUnsub(this.argString(0), max);
        return !this.dead;
      }
      case CONNECT: {
        this.handler.processConnect(utf8(source, start, end));
        return !this.dead;
      }
      case INFO:
        // Clients may send INFO; nats-server ignores its content but closes on JSON it cannot decode.
        if (!isJson(source, start, end)) {
          this.fail('', 'bad INFO JSON');
          return false;
        }
        return true;
      case MINUS_ERR:
        this.dead = true;
        this.handler.processClientErr(latin1(source, start, end));
        return false;
    }
    return true;
  }

  private startPayload(size: number): boolean {
    if (!this.handler.checkPubSize(this.pubSubject, size)) {
      this.dead = true;
      return false;
    }
    this.pubSize = size;
    this.state = OP_PAYLOAD;
    return true;
  }

  private badArgs(what: string): false {
    this.fail('', `bad ${what} arguments`);
    return false;
  }
}

const EMPTY = Buffer.alloc(0);

function isJson(buf: Buffer, start: number, end: number): boolean {
  try {
    JSON.parse(utf8(buf, start, end));
    return true;
  } catch {
    return false;
  }
}

/** Buffer#latin1Slice is what toString('latin1') calls after its argument checks; we call it directly. */
type Latin1Slicer = { latin1Slice(start: number, end: number): string; utf8Slice(start: number, end: number): string };

export function latin1(buf: Buffer, start: number, end: number): string {
  return (buf as unknown as Latin1Slicer).latin1Slice(start, end);
}

/** CONNECT is JSON and may carry UTF-8 (names, passwords): decode it as such. */
function utf8(buf: Buffer, start: number, end: number): string {
  return (buf as unknown as Latin1Slicer).utf8Slice(start, end);
}

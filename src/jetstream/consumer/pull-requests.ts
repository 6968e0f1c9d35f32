// Pull requests ($JS.API.CONSUMER.MSG.NEXT): parsing, admission with nats-server's status replies, the waiting queue.

import { formatGoDuration } from './go-time.js';

const NS_PER_MS = 1_000_000;
const CRLF = '\r\n';

const status = (line: string) => Buffer.from(`NATS/1.0 ${line}${CRLF}${CRLF}`, 'latin1');
const NO_MESSAGES = status('404 No Messages');
const MAX_WAITING = status('409 Exceeded MaxWaiting');
const REQUESTS_PENDING = status('408 Requests Pending');

/** How the queue answers requests and checks on their subscribers (implemented by the consumer). */
export interface PullReplies {
  status(reply: string, headers: Buffer): void;
  heartbeat(reply: string): void;
  hasInterest(reply: string): boolean;
}

/** A status reply that tells what the request still had left (408, 409 Message Size Exceeds MaxBytes). */
export function pendingStatus(line: string, request: WaitingRequest): Buffer {
  return Buffer.from(`NATS/1.0 ${line}${CRLF}Nats-Pending-Messages: ${request.batch}${CRLF}Nats-Pending-Bytes: ${request.maxBytes}${CRLF}${CRLF}`, 'latin1');
}

/** One pull request waiting for messages (nats-server's waitingRequest). */
export class WaitingRequest {
  next: WaitingRequest | null = null;
  /** Messages delivered to it so far. */
  delivered = 0;

  constructor(
    readonly reply: string,
    /** Messages it still wants. */
    public batch: number,
    /** Bytes it may still take (0 = no limit). */
    public maxBytes: number,
    /** When it expires, ms since the epoch (0 = never). */
    readonly expiresMs: number,
    readonly noWait: boolean,
    /** Idle heartbeat interval in ms (0 = none) and when the next one is due. */
    readonly heartbeatMs: number,
    public heartbeatAtMs: number,
  ) {}
}

/** A FIFO of waiting requests bounded by max_waiting; a request served but not done goes to the back. */
export class WaitingQueue {
  head: WaitingRequest | null = null;
  tail: WaitingRequest | null = null;
  size = 0;
  /** Last time a request arrived or was served (for the inactive threshold). */
  lastActivityMs: number;

  constructor(
    public max: number,
    nowMs: number,
  ) {
    this.lastActivityMs = nowMs;
  }

  isFull(): boolean {
    return this.size >= this.max;
  }

  add(request: WaitingRequest): boolean {
    if (this.isFull()) return false;
    this.append(request);
    this.size++;
    return true;
  }

  private append(request: WaitingRequest): void {
    request.next = null;
    if (this.tail === null) this.head = request;
    else this.tail.next = request;
    this.tail = request;
  }

  /** Removes `request`, whose predecessor is `previous` (null for the head). */
  remove(previous: WaitingRequest | null, request: WaitingRequest): void {
    if (previous === null) this.head = request.next;
    else previous.next = request.next;
    if (this.tail === request) this.tail = previous;
    request.next = null;
    this.size--;
  }

  /** Takes one message for the head request: it leaves when done, otherwise it moves to the back. */
  pop(): WaitingRequest | null {
    const request = this.head;
    if (request === null) return null;
    request.delivered++;
    request.batch--;
    if (request.batch <= 0) this.remove(null, request);
    else if (this.size > 1) {
      this.head = request.next;
      this.append(request);
    }
    return request;
  }

  /** Sum of what every waiting request still wants. */
  batchPending(): number {
    let total = 0;
    for (let r = this.head; r !== null; r = r.next) total += r.batch;
    return total;
  }

  /**
   * The request the next message of `size` bytes goes to (nats-server's nextWaiting): expired requests get 408,
   * those it would overflow get 409 Message Size Exceeds MaxBytes, abandoned ones (no interest) just leave.
   */
  take(size: number, nowMs: number, replies: PullReplies): WaitingRequest | null {
    for (let request = this.head; request !== null; request = this.head) {
      if (request.expiresMs !== 0 && nowMs >= request.expiresMs) {
        replies.status(request.reply, pendingStatus('408 Request Timeout', request));
        this.remove(null, request);
        continue;
      }
      if (request.maxBytes > 0) {
        if (size > request.maxBytes) {
          replies.status(request.reply, pendingStatus('409 Message Size Exceeds MaxBytes', request));
          this.remove(null, request);
          continue;
        }
        request.maxBytes -= size;
        if (request.maxBytes === 0) request.batch = 1;
      }
      if (replies.hasInterest(request.reply)) return this.pop();
      this.remove(null, request);
    }
    return null;
  }

  /**
   * nats-server's processWaiting: expires requests (408), drops those nobody listens to any more, sends due
   * heartbeats; with `endOfStream` a no_wait request that got something is done too. Returns when the next
   * expiry or heartbeat is due (Infinity: none).
   */
  sweep(endOfStream: boolean, nowMs: number, replies: PullReplies): number {
    let next = Infinity;
    let previous: WaitingRequest | null = null;
    for (let request = this.head; request !== null; ) {
      const following: WaitingRequest | null = request.next;
      const expired = request.expiresMs !== 0 && nowMs >= request.expiresMs;
      if ((endOfStream && request.noWait && request.delivered > 0) || expired) {
        replies.status(request.reply, pendingStatus('408 Request Timeout', request));
        this.remove(previous, request);
      } else if (!replies.hasInterest(request.reply)) {
        this.remove(previous, request);
      } else {
        if (request.heartbeatMs > 0) {
          if (nowMs >= request.heartbeatAtMs) {
            replies.heartbeat(request.reply);
            request.heartbeatAtMs = nowMs + request.heartbeatMs;
          }
          next = Math.min(next, request.heartbeatAtMs);
        }
        if (request.expiresMs !== 0) next = Math.min(next, request.expiresMs);
        previous = request;
      }
      request = following;
    }
    return next;
  }

  clear(): WaitingRequest[] {
    const all: WaitingRequest[] = [];
    for (let r = this.head; r !== null; r = r.next) all.push(r);
    this.head = this.tail = null;
    this.size = 0;
    return all;
  }
}

export interface NextRequest {
  batch: number;
  /** ns; 0 = no expiry. */
  expires: number;
  maxBytes: number;
  noWait: boolean;
  /** ns; 0 = none. */
  heartbeat: number;
}

const GO_TYPES: Record<string, [string, 'int' | 'bool']> = {
  expires: ['expires', 'int'],
  batch: ['batch', 'int'],
  max_bytes: ['max_bytes', 'int'],
  no_wait: ['no_wait', 'bool'],
  idle_heartbeat: ['idle_heartbeat', 'int'],
};

function jsonTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  return typeof value === 'boolean' ? 'bool' : typeof value;
}

/**
 * The body of a pull request as nats-server reads it: empty = 1 message; a JSON object {batch, expires,
 * max_bytes, no_wait, idle_heartbeat}; else a number; anything else is 1 message. Returns the text of a
 * "400 Bad Request - ..." status when the JSON is unusable.
 */
export function parseNextRequest(body: Buffer): NextRequest | { error: string } {
  const text = body.toString('utf8').trim();
  const request: NextRequest = { batch: 1, expires: 0, maxBytes: 0, noWait: false, heartbeat: 0 };
  if (text === '') return request;
  if (text[0] !== '{') {
    if (/^[+-]?\d+$/.test(text)) request.batch = Number(text);
    return request;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { error: /end of JSON/i.test((err as Error).message) ? 'unexpected end of JSON input' : 'invalid character in JSON input' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { error: 'json: cannot unmarshal into Go value of type server.JSApiConsumerGetNextRequest' };
  // A JSON request without "batch" asks for 0 (Go's zero value), which still takes one message.
  request.batch = 0;
  const fields = request as unknown as Record<string, unknown>;
  for (const [rawKey, value] of Object.entries(parsed as Record<string, unknown>)) {
    const spec = GO_TYPES[rawKey.toLowerCase()];
    if (spec === undefined || value === null) continue;
    const [field, type] = spec;
    const ok = type === 'bool' ? typeof value === 'boolean' : typeof value === 'number' && Number.isInteger(value);
    if (!ok) return { error: `json: cannot unmarshal ${jsonTypeName(value)} into Go struct field JSApiConsumerGetNextRequest.${field} of type ${type === 'bool' ? 'bool' : field === 'batch' || field === 'max_bytes' ? 'int' : 'time.Duration'}` };
    const target = field === 'max_bytes' ? 'maxBytes' : field === 'no_wait' ? 'noWait' : field === 'idle_heartbeat' ? 'heartbeat' : field;
    fields[target] = value;
  }
  if (request.heartbeat > 0 && request.heartbeat * 2 > request.expires) return { error: 'heartbeat value too large' };
  return request;
}

export function nsToMs(ns: number): number {
  return ns / NS_PER_MS;
}

/** What admitting a no_wait request needs to know of its consumer. */
export interface Admission {
  /** Messages that could be delivered now (num pending plus queued redeliveries). */
  available(): number;
  /** Sweeps the queue (expiries, abandoned requests) before counting what it waits for. */
  sweep(): void;
}

/**
 * nats-server's processNextMsgRequest: checks a request against the consumer's limits and queues it. Returns
 * the queued request, a status to answer with (400, 404, 408 Requests Pending, 409 limits), or null (queue
 * full for a request with heartbeats, which gets no answer).
 */
export function admitRequest(
  queue: WaitingQueue,
  reply: string,
  body: Buffer,
  limits: { max_batch: number; max_expires: number; max_bytes: number },
  nowMs: number,
  admission: Admission,
): WaitingRequest | Buffer | null {
  const parsed = parseNextRequest(body);
  if ('error' in parsed) return status(`400 Bad Request - ${parsed.error}`);
  if (limits.max_batch > 0 && parsed.batch > limits.max_batch) return status(`409 Exceeded MaxRequestBatch of ${limits.max_batch}`);
  if (parsed.expires > 0 && limits.max_expires > 0 && parsed.expires > limits.max_expires) return status(`409 Exceeded MaxRequestExpires of ${formatGoDuration(limits.max_expires)}`);
  if (parsed.maxBytes > 0 && limits.max_bytes > 0 && parsed.maxBytes > limits.max_bytes) return status(`409 Exceeded MaxRequestMaxBytes of ${limits.max_bytes}`);
  if (parsed.noWait) {
    const available = admission.available();
    if (available === 0 && parsed.expires === 0) {
      queue.lastActivityMs = nowMs;
      return NO_MESSAGES;
    }
    if (available > 0) {
      admission.sweep();
      if (available < queue.batchPending()) {
        queue.lastActivityMs = nowMs;
        return REQUESTS_PENDING;
      }
    }
  }
  const heartbeatMs = nsToMs(parsed.heartbeat);
  const expiresMs = parsed.expires !== 0 ? nowMs + nsToMs(parsed.expires) : 0;
  const request = new WaitingRequest(reply, parsed.batch, parsed.maxBytes, expiresMs, parsed.noWait, heartbeatMs, heartbeatMs > 0 ? nowMs + heartbeatMs : 0);
  if (!queue.add(request)) return heartbeatMs === 0 ? MAX_WAITING : null;
  queue.lastActivityMs = nowMs;
  return request;
}

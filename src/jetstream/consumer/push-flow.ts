// Push pacing: flow control (a window of unanswered bytes, $JS.FC requests), the rate limit, idle heartbeat headers.

import { JS_FLOW_CONTROL_PREFIX, JsServerHeaders } from '../api-constants.js';

/** nats-server's JsFlowControlMaxPending: the window starts at 1/16 of it and doubles with each answer. */
const FLOW_CONTROL_MAX_PENDING = 32 * 1024 * 1024;
const RANDOM_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CRLF = '\r\n';

export const FLOW_CONTROL_REQUEST = Buffer.from(`NATS/1.0 100 FlowControl Request${CRLF}${CRLF}`, 'latin1');

/** Flow control of one push consumer (nats-server's maxpb/pbytes/fcsz/fcid). */
export class FlowControl {
  /** Bytes that may be outstanding (0 = flow control off). */
  private window = 0;
  private pending = 0;
  private requestSize = 0;
  /** The reply subject of the outstanding request ('' = none). */
  id = '';

  setEnabled(enabled: boolean): void {
    if (!enabled) this.window = 0;
    else if (this.window === 0) this.window = FLOW_CONTROL_MAX_PENDING / 16;
  }

  /** Whether delivery must wait for the receiver to answer. */
  get stalled(): boolean {
    return this.window > 0 && this.pending > this.window;
  }

  /** Counts a delivery of `size` bytes; true when a flow control request should go out now. */
  delivered(size: number): boolean {
    if (this.window === 0) return false;
    this.pending += size;
    if (this.id === '') return this.pending > this.window / 2;
    if (this.pending - this.requestSize >= this.window) this.requestSize += size;
    return false;
  }

  /** Starts a request and returns its reply subject `$JS.FC.<stream>.<consumer>.<random>`. */
  request(stream: string, consumer: string): string {
    let suffix = '';
    for (let i = 0; i < 4; i++) suffix += RANDOM_CHARS[Math.floor(Math.random() * RANDOM_CHARS.length)];
    this.id = `${JS_FLOW_CONTROL_PREFIX}.${stream}.${consumer}.${suffix}`;
    this.requestSize = this.pending;
    return this.id;
  }

  /** An answer on `subject`; true when it was the outstanding request (the window then grows). */
  replied(subject: string): boolean {
    if (this.id === '' || subject !== this.id) return false;
    if (this.window < FLOW_CONTROL_MAX_PENDING) this.window = Math.min(this.window * 2, FLOW_CONTROL_MAX_PENDING);
    this.pending = Math.max(0, this.pending - this.requestSize);
    this.id = '';
    this.requestSize = 0;
    return true;
  }
}

/** rate_limit_bps as a token bucket of bytes (burst: the stream's max message size or max_payload). */
export class RateLimiter {
  private readonly bytesPerMs: number;
  private tokens: number;
  private refilledMs: number;

  constructor(
    bitsPerSecond: number,
    private readonly burst: number,
    nowMs: number,
  ) {
    this.bytesPerMs = bitsPerSecond / 8 / 1000;
    this.tokens = burst;
    this.refilledMs = nowMs;
  }

  /** 0 when `size` bytes may go now (they are taken), else how many ms to wait. */
  delayFor(size: number, nowMs: number): number {
    this.tokens = Math.min(this.burst, this.tokens + (nowMs - this.refilledMs) * this.bytesPerMs);
    this.refilledMs = nowMs;
    // A message larger than the burst goes when the bucket is full (nats-server's limiter would stall forever).
    if (this.tokens >= size || this.tokens >= this.burst) {
      this.tokens -= size;
      return 0;
    }
    return (size - this.tokens) / this.bytesPerMs;
  }
}

/** `NATS/1.0 100 Idle Heartbeat` with the last sequences, and the outstanding flow control request if stalled. */
export function heartbeatHeaders(lastConsumerSeq: number, lastStreamSeq: number, stalledOn: string): Buffer {
  let text = `NATS/1.0 100 Idle Heartbeat${CRLF}${JsServerHeaders.LastConsumer}: ${lastConsumerSeq}${CRLF}${JsServerHeaders.LastStream}: ${lastStreamSeq}${CRLF}`;
  if (stalledOn !== '') text += `${JsServerHeaders.ConsumerStalled}: ${stalledOn}${CRLF}`;
  return Buffer.from(text + CRLF, 'latin1');
}

// A consumer's acknowledgement state: pending messages with ack deadlines, redelivery counts and queue, ack floors.

import { TtlHeap } from '../store/ttl-heap.js';

export interface PendingEntry {
  /** The consumer sequence of the first delivery (nats-server keeps the original on redelivery). */
  dseq: number;
  /** When it was last delivered or touched (+WPI), ms since the epoch. */
  tsMs: number;
  /** When it is due for redelivery, ms since the epoch. */
  deadlineMs: number;
}

/**
 * Pending entries are kept in a Map whose insertion order is ascending stream sequence (messages are first
 * delivered in stream order and keep their slot on redelivery), so the lowest pending sequence is its first key.
 * Deadlines live in one min-heap; an entry whose deadline changed leaves a stale pair behind that is skipped.
 */
export class AckState {
  readonly pending = new Map<number, PendingEntry>();
  /** Stream sequence -> how many times it was redelivered (nats-server's rdc). */
  readonly redelivered = new Map<number, number>();
  /** The ack floor: everything at or below is acknowledged. */
  floorConsumer = 0;
  floorStream = 0;
  private readonly deadlines = new TtlHeap();
  /** The redelivery queue, FIFO: `queue[head..]`, each live sequence mapped to its slot (a stale slot is skipped). */
  private queue: number[] = [];
  private head = 0;
  private readonly queued = new Map<number, number>();

  /** 1 for a first delivery, 2 after one redelivery... */
  deliveryCount(seq: number): number {
    return (this.redelivered.get(seq) ?? 0) + 1;
  }

  /** Records a delivery (new or again) of `seq` as `dseq`, due for redelivery after `waitMs`. */
  track(seq: number, dseq: number, nowMs: number, waitMs: number): void {
    const entry = this.pending.get(seq);
    if (entry === undefined) this.pending.set(seq, { dseq, tsMs: nowMs, deadlineMs: nowMs + waitMs });
    else {
      entry.tsMs = nowMs;
      entry.deadlineMs = nowMs + waitMs;
    }
    this.deadlines.push(nowMs + waitMs, seq);
  }

  /** Moves a pending message's redelivery time (+WPI, -NAK with delay). */
  setDeadline(seq: number, deadlineMs: number, nowMs: number): void {
    const entry = this.pending.get(seq);
    if (entry === undefined) return;
    entry.tsMs = nowMs;
    entry.deadlineMs = deadlineMs;
    this.deadlines.push(deadlineMs, seq);
  }

  /** The earliest deadline that may be due (possibly stale), or Infinity. */
  nextDeadline(): number {
    return this.pending.size === 0 ? Infinity : this.deadlines.peekTime();
  }

  /**
   * Pending messages whose deadline passed, ascending, not already queued. Entries below `firstSeq` (gone from
   * the stream) or at/below the ack floor are dropped instead; returns whether any were.
   */
  collectExpired(nowMs: number, firstSeq: number, out: number[]): boolean {
    let dropped = false;
    const heap = this.deadlines;
    while (heap.size > 0 && heap.peekTime() <= nowMs) {
      const time = heap.peekTime();
      const seq = heap.pop();
      const entry = this.pending.get(seq);
      if (entry === undefined || entry.deadlineMs !== time) continue;
      if (seq < firstSeq || seq <= this.floorStream) {
        this.pending.delete(seq);
        this.redelivered.delete(seq);
        this.unqueue(seq);
        if (seq > this.floorStream) this.floorStream = seq;
        if (entry.dseq > this.floorConsumer) this.floorConsumer = entry.dseq;
        dropped = true;
        continue;
      }
      if (!this.queued.has(seq)) out.push(seq);
    }
    if (this.pending.size === 0) heap.clear();
    out.sort((a, b) => a - b);
    return dropped;
  }

  /**
   * An ack of `seq` under ack policy explicit. `nextDseq`/`nextSseq` are the consumer's next sequences, used
   * for the floor when nothing stays pending. Returns whether the message was pending.
   */
  ackExplicit(seq: number, dseq: number, nextDseq: number, nextSseq: number): boolean {
    const entry = this.pending.get(seq);
    if (entry !== undefined) {
      this.pending.delete(seq);
      dseq = entry.dseq;
    }
    if (this.pending.size === 0) {
      this.floorConsumer = nextDseq - 1;
      this.floorStream = nextSseq - 1;
      this.deadlines.clear();
    } else if (dseq === this.floorConsumer + 1) {
      this.floorConsumer = dseq;
      this.floorStream = seq;
      // The floor stops just below the lowest message still pending.
      for (const [next, rest] of this.pending) {
        if (next > seq && rest.dseq > 0) {
          this.floorConsumer = rest.dseq - 1;
          this.floorStream = next - 1;
        }
        break;
      }
    }
    this.redelivered.delete(seq);
    this.unqueue(seq);
    return entry !== undefined;
  }

  /**
   * An ack of `seq` under ack policy all: everything up to it is acknowledged. Returns the sequences that stop
   * being needed (pending or redelivered ones at or below it), or null when the ack is below the floor.
   */
  ackAll(seq: number, dseq: number): number[] | null {
    if (dseq <= this.floorConsumer || seq <= this.floorStream) return null;
    this.floorConsumer = dseq;
    this.floorStream = seq;
    const released: number[] = [];
    for (const pendingSeq of this.pending.keys()) {
      if (pendingSeq > seq) break;
      released.push(pendingSeq);
    }
    for (const s of released) {
      this.pending.delete(s);
      this.unqueue(s);
    }
    for (const s of [...this.redelivered.keys()]) {
      if (s > seq) continue;
      this.redelivered.delete(s);
      this.unqueue(s);
      if (!released.includes(s)) released.push(s);
    }
    if (this.pending.size === 0) this.deadlines.clear();
    return released;
  }

  /** Forgets a message that left the stream or reached max deliveries (no floor change). */
  forget(seq: number): void {
    this.pending.delete(seq);
    this.unqueue(seq);
    if (this.pending.size === 0) this.deadlines.clear();
  }

  // ---- redelivery queue ----

  get queuedCount(): number {
    return this.queued.size;
  }

  isQueued(seq: number): boolean {
    return this.queued.has(seq);
  }

  enqueue(seq: number): void {
    if (this.queued.has(seq)) return;
    this.queued.set(seq, this.queue.length);
    this.queue.push(seq);
  }

  unqueue(seq: number): void {
    if (this.queued.delete(seq) && this.queued.size === 0) {
      this.queue = [];
      this.head = 0;
    }
  }

  /** The next sequence to redeliver without removing it, or 0. */
  peekQueued(): number {
    const queue = this.queue;
    while (this.head < queue.length) {
      const seq = queue[this.head]!;
      if (this.queued.get(seq) === this.head) return seq;
      this.head++;
    }
    return 0;
  }

  /** Removes the sequence peekQueued() returned. */
  popQueued(): void {
    const seq = this.peekQueued();
    if (seq === 0) return;
    this.queued.delete(seq);
    this.head++;
    if (this.queued.size === 0) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      const shift = this.head;
      this.queue = this.queue.slice(shift);
      this.head = 0;
      for (let i = 0; i < this.queue.length; i++) {
        const s = this.queue[i]!;
        if (this.queued.get(s) === i + shift) this.queued.set(s, i);
      }
    }
  }

  /** Drops everything (for a consumer reset). */
  clear(): void {
    this.pending.clear();
    this.redelivered.clear();
    this.deadlines.clear();
    this.queue = [];
    this.head = 0;
    this.queued.clear();
  }
}

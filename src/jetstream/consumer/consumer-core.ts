// The consumer's bookkeeping: sequences, filters, start position, num pending, acks (ack, nak, wpi, term) and ack deadlines.

import type { ConsumerHost } from '../contracts.js';
import type { SubjectFilter } from '../store/types.js';
import { isLiteral } from '../../subjects/subject.js';
import { AckState } from './ack-state.js';
import { filtersOf, type ConsumerConfig } from './consumer-config.js';
import { ConsumerStore, type PersistedState } from './consumer-store.js';
import { parseGoDuration, parseGoTime } from './go-time.js';

const NS_PER_MS = 1_000_000;

/** A consumer's stream, plus a way to unregister a consumer that deletes itself (inactive threshold). */
export interface ConsumerOwner extends ConsumerHost {
  removeConsumer?(name: string): void;
}

/** Whether a literal subject matches a filter split into tokens, without allocating. */
function tokensMatch(tokens: readonly string[], subject: string): boolean {
  const length = subject.length;
  let pos = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (pos > length) return false;
    const token = tokens[i]!;
    if (token === '>') return pos < length;
    let end = subject.indexOf('.', pos);
    if (end < 0) end = length;
    if (token !== '*' && (end - pos !== token.length || !subject.startsWith(token, pos))) return false;
    pos = end + 1;
  }
  return pos === length + 1;
}

function ackTimerFired(core: ConsumerCore): void {
  core.ackTimer = null;
  core.checkPending();
}

export abstract class ConsumerCore {
  readonly name: string;
  config: ConsumerConfig;
  filters: readonly string[] = [];
  /** The filter as the store takes it: '' (all), one subject, or the same array every time (the store caches by identity). */
  protected storeFilter: SubjectFilter = '';
  private literalFilters: string[] = [];
  private wildcardFilters: string[][] = [];

  readonly acks = new AckState();
  /** The next stream sequence to look at, and the next consumer (delivery) sequence. */
  sseq = 1;
  dseq = 1;
  /** The stream sequence below which this consumer never wanted messages (its start). */
  protected startFloor = 0;
  /** Running count of matching messages at or after sseq (nats-server's npc); recomputed when stale. */
  protected npc = 0;
  protected npcStale = false;
  /** Deliver last per subject: the last sequences per subject still to deliver, then resume after skipResume. */
  protected skipList: number[] | null = null;
  protected skipIndex = 0;
  protected skipResume = 0;

  protected lastDeliveredMs = 0;
  protected lastAckedMs = 0;
  closed = false;
  ackTimer: NodeJS.Timeout | null = null;
  private ackTimerAt = Infinity;
  protected readonly persist: ConsumerStore;

  constructor(
    readonly host: ConsumerOwner,
    config: ConsumerConfig,
    name: string,
  ) {
    this.name = name;
    this.config = config;
    this.setFilters(config);
    const directory = host.consumersDir !== null && !config.mem_storage && host.config.storage === 'file' ? `${host.consumersDir}/${name}` : null;
    this.persist = new ConsumerStore(directory, () => this.snapshot(), (text) => host.server.logger.warn(`JetStream consumer '${host.name} > ${name}': ${text}`));
  }

  /** Something changed that may let messages flow (new message, ack under max_ack_pending, request...). */
  protected abstract kick(): void;

  get isPush(): boolean {
    return this.config.deliver_subject !== '';
  }

  protected setFilters(cfg: ConsumerConfig): void {
    const filters = filtersOf(cfg).filter((f) => f !== '>');
    this.filters = filters;
    this.storeFilter = filters.length === 0 ? '' : filters.length === 1 ? filters[0]! : filters;
    this.literalFilters = filters.filter((f) => isLiteral(f));
    this.wildcardFilters = filters.filter((f) => !isLiteral(f)).map((f) => f.split('.'));
  }

  matchesFilter(subject: string): boolean {
    if (this.filters.length === 0) return true;
    const literals = this.literalFilters;
    for (let i = 0; i < literals.length; i++) if (literals[i] === subject) return true;
    const wildcards = this.wildcardFilters;
    for (let i = 0; i < wildcards.length; i++) if (tokensMatch(wildcards[i]!, subject)) return true;
    return false;
  }

  // ---- start position and num pending ----

  /** nats-server's selectStartingSeqNo, for a new consumer. */
  protected selectStartingSeq(): void {
    const store = this.host.store;
    const state = store.state();
    const cfg = this.config;
    let seq: number;
    if (cfg.opt_start_seq === 0) {
      switch (cfg.deliver_policy) {
        case 'all':
          seq = state.firstSeq;
          break;
        case 'last':
          seq = this.filters.length === 0 ? state.lastSeq : Math.max(0, ...this.filters.map((f) => store.loadLast(f)?.seq ?? 0));
          break;
        case 'last_per_subject':
          if (this.host.config.max_msgs_per_subject === 1) seq = state.firstSeq;
          else {
            const lasts = [...store.subjectsState(this.storeFilter).values()].map((s) => s.lastSeq).sort((a, b) => a - b);
            seq = lasts.length > 0 ? lasts[0]! : state.lastSeq;
            if (lasts.length > 0) {
              this.skipList = lasts;
              this.skipIndex = 0;
              this.skipResume = state.lastSeq;
            }
          }
          break;
        case 'by_start_time': {
          const time = parseGoTime(cfg.opt_start_time ?? '');
          seq = time === null ? state.firstSeq : store.seqForTime(time.ns);
          break;
        }
        default:
          seq = state.lastSeq + 1;
      }
    } else {
      seq = cfg.opt_start_seq;
    }
    if (state.firstSeq === 0 && cfg.opt_start_seq === 0) seq = 1;
    else if (seq > state.lastSeq && cfg.opt_start_seq === 0) seq = state.lastSeq + 1;
    else if (seq < state.firstSeq) seq = state.firstSeq;
    this.sseq = Math.max(1, seq);
    this.dseq = 1;
    this.startFloor = this.sseq - 1;
    this.recomputeNumPending();
  }

  protected recomputeNumPending(): void {
    const lastPerSubject = this.skipList !== null && this.skipIndex < this.skipList.length;
    this.npc = this.host.store.numPending(this.storeFilter, this.sseq, lastPerSubject);
    this.npcStale = false;
  }

  /** num_pending as consumer info reports it. */
  numPending(): number {
    if (this.npcStale) this.recomputeNumPending();
    if (this.sseq > this.host.store.state().lastSeq) return 0;
    return Math.max(0, this.npc);
  }

  // ---- acknowledgements ----

  /** How long a delivery of `seq` waits for its ack, in ms: ack_wait, or the backoff step for its delivery count. */
  protected ackWaitMs(seq: number): number {
    const backoff = this.config.backoff;
    if (backoff.length === 0) return this.config.ack_wait / NS_PER_MS;
    const step = Math.min(this.acks.redelivered.get(seq) ?? 0, backoff.length - 1);
    return backoff[step]! / NS_PER_MS;
  }

  /** +ACK (and the ack part of +NXT and +TERM). Returns nothing: replies are the caller's. */
  protected ack(seq: number, dseq: number): void {
    if (this.closed || seq === 0 || seq >= this.sseq) return;
    const acks = this.acks;
    const maxAckPending = this.config.max_ack_pending;
    const wasFull = maxAckPending > 0 && acks.pending.size >= maxAckPending;
    let released: number[];
    if (this.config.ack_policy === 'explicit') {
      acks.ackExplicit(seq, dseq, this.dseq, this.sseq);
      released = [seq];
    } else if (this.config.ack_policy === 'all') {
      const below = acks.ackAll(seq, dseq);
      if (below === null) return;
      released = below.includes(seq) ? below : [...below, seq];
    } else {
      return;
    }
    this.lastAckedMs = Date.now();
    this.persist.markDirty();
    if (this.host.config.retention !== 'limits') for (const s of released) this.host.acknowledged(s);
    if (wasFull) this.kick();
  }

  /** -NAK, optionally ` {"delay": ns}` or a Go duration: redeliver now, or after the delay. */
  protected nak(seq: number, dseq: number, argument: string): void {
    const acks = this.acks;
    if (this.closed || dseq <= acks.floorConsumer || dseq > this.dseq) return;
    if (acks.pending.size > 0 && !acks.pending.has(seq)) return;
    // nats-server 2.10+ announces negative acknowledgements.
    this.host.advisory(`CONSUMER.MSG_NAKED.${this.host.name}.${this.name}`, {
      type: 'io.nats.jetstream.advisory.v1.nak',
      stream: this.host.name,
      consumer: this.name,
      consumer_seq: dseq,
      stream_seq: seq,
      deliveries: acks.deliveryCount(seq),
    });
    const delayNs = parseNakDelay(argument.trim());
    if (delayNs !== null) {
      acks.unqueue(seq);
      if (acks.pending.has(seq)) {
        const now = Date.now();
        acks.setDeadline(seq, now + delayNs / NS_PER_MS, now);
        this.lastDeliveredMs = now;
        this.persist.markDirty();
        this.armAckTimer();
      }
      return;
    }
    acks.enqueue(seq);
    this.kick();
  }

  /** +WPI: the ack wait starts again. */
  protected progress(seq: number): void {
    if (this.closed || !this.acks.pending.has(seq)) return;
    const now = Date.now();
    this.acks.setDeadline(seq, now + this.ackWaitMs(seq), now);
    this.lastDeliveredMs = now;
    this.persist.markDirty();
    this.armAckTimer();
  }

  /** +TERM: acknowledged for good, with an advisory. */
  protected term(seq: number, dseq: number, deliveries: number, reason: string): void {
    this.ack(seq, dseq);
    if (this.closed) return;
    this.host.advisory(`CONSUMER.MSG_TERMINATED.${this.host.name}.${this.name}`, {
      type: 'io.nats.jetstream.advisory.v1.terminated',
      stream: this.host.name,
      consumer: this.name,
      consumer_seq: dseq,
      stream_seq: seq,
      deliveries,
      ...(reason ? { reason } : {}),
    });
  }

  /** Whether this consumer still needs `seq` (interest and workqueue retention; nats-server's needAck). */
  needsMessage(seq: number, subject: string): boolean {
    if (this.closed || !this.matchesFilter(subject)) return false;
    const acks = this.acks;
    let needed: boolean;
    if (this.config.ack_policy === 'explicit') {
      needed = seq > acks.floorStream && (seq >= this.sseq ? seq > this.startFloor : acks.pending.has(seq));
    } else {
      needed = seq > acks.floorStream && seq > this.startFloor;
    }
    return needed || acks.redelivered.has(seq);
  }

  // ---- ack deadlines: one timer on the earliest deadline ----

  protected armAckTimer(): void {
    const due = this.acks.nextDeadline();
    if (this.closed || due === Infinity) {
      this.clearAckTimer();
      return;
    }
    if (this.ackTimer !== null && this.ackTimerAt <= due) return;
    if (this.ackTimer !== null) clearTimeout(this.ackTimer);
    this.ackTimerAt = due;
    this.ackTimer = setTimeout(ackTimerFired, Math.max(1, due - Date.now() + 1), this);
    this.ackTimer.unref();
  }

  protected clearAckTimer(): void {
    if (this.ackTimer !== null) clearTimeout(this.ackTimer);
    this.ackTimer = null;
    this.ackTimerAt = Infinity;
  }

  /** Ack wait expiry (nats-server's checkPending): expired messages go to the redelivery queue. */
  checkPending(): void {
    this.ackTimerAt = Infinity;
    if (this.closed) return;
    const expired: number[] = [];
    const dropped = this.acks.collectExpired(Date.now(), this.host.store.state().firstSeq, expired);
    for (const seq of expired) this.acks.enqueue(seq);
    if (dropped) {
      if (this.acks.pending.size === 0) {
        this.acks.floorConsumer = this.dseq - 1;
        this.acks.floorStream = this.sseq - 1;
      }
      this.persist.markDirty();
    }
    this.armAckTimer();
    if (expired.length > 0) this.kick();
  }

  // ---- stream events ----

  onMessageStored(seq: number, subject: string): void {
    if (this.closed || !this.matchesFilter(subject)) return;
    if (seq >= this.sseq) this.npc++;
    this.kick();
  }

  /** Messages left the stream: pending ones below the first sequence are done, num pending is recounted. */
  protected reconcileRemovals(): void {
    if (this.closed) return;
    const state = this.host.store.state();
    const first = state.messages === 0 ? state.lastSeq + 1 : state.firstSeq;
    if (this.sseq < first && this.skipList === null) this.sseq = first;
    const gone: [number, number][] = [];
    for (const [seq, entry] of this.acks.pending) {
      if (seq >= first) break;
      gone.push([seq, entry.dseq]);
    }
    for (const [seq, dseq] of gone) this.acks.ackExplicit(seq, dseq, this.dseq, this.sseq);
    for (const seq of [...this.acks.redelivered.keys()]) {
      if (seq < first) {
        this.acks.redelivered.delete(seq);
        this.acks.unqueue(seq);
      }
    }
    this.recomputeNumPending();
    if (gone.length > 0) this.persist.markDirty();
  }

  // ---- persistence ----

  protected snapshot(): PersistedState {
    const acks = this.acks;
    return {
      delivered: { consumer_seq: this.dseq - 1, stream_seq: this.sseq - 1 },
      ack_floor: { consumer_seq: acks.floorConsumer, stream_seq: acks.floorStream },
      pending: [...acks.pending].map(([seq, p]) => [seq, p.dseq, p.tsMs] as [number, number, number]),
      redelivered: [...acks.redelivered],
      start_floor: this.startFloor,
    };
  }

  protected restore(state: PersistedState): void {
    this.sseq = state.delivered.stream_seq + 1;
    this.dseq = state.delivered.consumer_seq + 1;
    this.acks.floorConsumer = state.ack_floor.consumer_seq;
    this.acks.floorStream = state.ack_floor.stream_seq;
    this.startFloor = state.start_floor ?? 0;
    for (const [seq, count] of state.redelivered) this.acks.redelivered.set(seq, count);
    const lastSeq = this.host.store.state().lastSeq;
    for (const [seq, dseq, tsMs] of [...state.pending].sort((a, b) => a[0] - b[0])) {
      if (seq > lastSeq) continue;
      this.acks.track(seq, dseq, tsMs, this.ackWaitMs(seq));
    }
    this.recomputeNumPending();
  }
}

/** The delay of a `-NAK` (`{"delay": ns}` or a Go duration), null for a plain NAK or one nats-server would not parse. */
function parseNakDelay(argument: string): number | null {
  if (argument === '') return null;
  if (argument[0] === '{') {
    try {
      const parsed = JSON.parse(argument) as { delay?: unknown };
      const delay = parsed?.delay ?? 0;
      return typeof delay === 'number' && Number.isInteger(delay) ? delay : null;
    } catch {
      return null;
    }
  }
  return parseGoDuration(argument);
}

// Delivery: the loop that hands messages to a push subject or waiting pull requests, with status replies,
// flow control, idle heartbeats, replay pacing and rate limiting.

import { JS_ACK_PREFIX, JsServerHeaders } from '../api-constants.js';
import { publishFromJetStream } from '../internal-publish.js';
import type { StoredMessage } from '../store/types.js';
import { ConsumerCore } from './consumer-core.js';
import { deliverMessage } from './deliver-message.js';
import { admitRequest, WaitingQueue, type Admission, type PullReplies, type WaitingRequest } from './pull-requests.js';
import { FLOW_CONTROL_REQUEST, FlowControl, heartbeatHeaders, RateLimiter } from './push-flow.js';

const EMPTY = Buffer.alloc(0);
const CRLF = '\r\n';
const status = (line: string) => Buffer.from(`NATS/1.0 ${line}${CRLF}${CRLF}`, 'latin1');
const PUSH_BASED = status('409 Consumer is push based');
const CONSUMER_DELETED = status('409 Consumer Deleted');

/** Why the delivery loop stopped. */
export const enum Stop {
  Idle,
  Eof,
  MaxAckPending,
  Hold,
  Inactive,
  FlowControl,
  Paused,
}

const enum Source {
  Scan,
  Redelivery,
  SkipList,
}

function runScheduled(consumer: ConsumerDelivery): void {
  consumer.scheduled = false;
  consumer.runDelivery();
}
function waitTimerFired(consumer: ConsumerDelivery): void {
  consumer.waitTimer = null;
  consumer.waitTimerAt = Infinity;
  consumer.runDelivery();
}
function holdTimerFired(consumer: ConsumerDelivery): void {
  consumer.holdTimer = null;
  consumer.runDelivery();
}
function heartbeatFired(consumer: ConsumerDelivery): void {
  consumer.heartbeatTimer = null;
  consumer.heartbeatTick();
}

export abstract class ConsumerDelivery extends ConsumerCore {
  scheduled = false;
  waitTimer: NodeJS.Timeout | null = null;
  waitTimerAt = Infinity;
  holdTimer: NodeJS.Timeout | null = null;
  heartbeatTimer: NodeJS.Timeout | null = null;
  /** Pull mode: the waiting requests (null for push). */
  waiting: WaitingQueue | null = null;
  /** Push mode: whether the deliver subject has interest. */
  active = false;
  protected ackPrefix: string;
  private inLoop = false;
  private again = false;
  private stopReason = Stop.Idle;
  private candidateSource = Source.Scan;
  private candidateDc = 1;
  private lastWaitingCheckMs = 0;
  private readonly flowControl = new FlowControl();
  // Idle heartbeats (push): idle since the last delivery or heartbeat.
  private heartbeatBaseMs = 0;
  // Replay original: pace by stored timestamps until the stream's last sequence at start.
  protected replaying = false;
  protected replayUntil = 0;
  private replayLastTs = 0n;
  private replayReleased = 0;
  private rateLimiter: RateLimiter | null = null;

  /** How the pull queue answers requests, and what a no_wait request may expect (one object each per consumer). */
  private readonly replies: PullReplies;
  private readonly admission: Admission;

  protected constructor(...args: ConstructorParameters<typeof ConsumerCore>) {
    super(...args);
    this.ackPrefix = `${JS_ACK_PREFIX}.${this.host.name}.${this.name}.`;
    const sublist = this.host.account.sublist;
    this.replies = {
      status: (reply, headers) => this.sendStatus(reply, headers),
      heartbeat: (reply) => this.sendHeartbeat(reply),
      hasInterest: (reply) => sublist.hasInterest(reply),
    };
    this.admission = {
      available: () => {
        if (this.npcStale) this.recomputeNumPending();
        return Math.max(0, this.npc) + this.acks.queuedCount;
      },
      sweep: () => this.armWaitTimer(this.processWaiting(false)),
    };
  }

  protected abstract isPaused(nowMs: number): boolean;
  /** Push mode: the deliver subject stopped answering. */
  protected abstract interestLost(): void;

  /** Sets up push flow control, heartbeats, pacing and the pull queue from the config. */
  protected setupDelivery(nowMs: number): void {
    const cfg = this.config;
    if (!this.isPush) {
      if (this.waiting === null) this.waiting = new WaitingQueue(cfg.max_waiting, nowMs);
      else this.waiting.max = cfg.max_waiting;
    }
    this.flowControl.setEnabled(cfg.flow_control);
    this.setRateLimit();
    this.heartbeatBaseMs = nowMs;
    this.armHeartbeat();
  }

  protected setRateLimit(): void {
    const bps = this.config.rate_limit_bps;
    const maxMsgSize = this.host.config.max_msg_size;
    this.rateLimiter = bps === 0 ? null : new RateLimiter(bps, maxMsgSize > 0 ? maxMsgSize : this.host.server.options.maxPayload, Date.now());
  }

  // ---- the loop ----

  /** Schedules one delivery pass for this turn (at most one pending per consumer). */
  protected kick(): void {
    if (this.closed || this.scheduled) return;
    if (this.isPush ? !this.active : this.waiting === null || this.waiting.size === 0) return;
    this.scheduled = true;
    setImmediate(runScheduled, this);
  }

  /** Delivers what can be delivered now; re-entrant calls (a subscriber acking inline) just ask for another pass. */
  runDelivery(): void {
    if (this.closed) return;
    if (this.inLoop) {
      this.again = true;
      return;
    }
    this.inLoop = true;
    let reason = Stop.Idle;
    try {
      do {
        this.again = false;
        reason = this.deliverAvailable();
      } while (this.again && !this.closed);
      if (!this.closed) this.afterLoop(reason);
    } finally {
      this.inLoop = false;
    }
  }

  private deliverAvailable(): Stop {
    const push = this.isPush;
    if (this.npcStale) this.recomputeNumPending();
    for (;;) {
      if (this.closed) return Stop.Idle;
      const now = Date.now();
      if (this.isPaused(now)) return Stop.Paused;
      if (push) {
        if (!this.active) return Stop.Inactive;
        if (this.flowControl.stalled) return Stop.FlowControl;
      } else if (this.waiting!.size === 0) {
        return Stop.Idle;
      }
      const msg = this.peekNext();
      if (msg === null) return this.stopReason;
      const dc = this.candidateDc;
      const pending = Math.max(0, dc === 1 ? this.npc - 1 : this.npc);
      let headers = msg.headers;
      let payload = msg.data;
      if (this.config.headers_only) {
        headers = headersOnly(msg.headers, msg.data.length);
        payload = EMPTY;
      }
      const ackReply = `${this.ackPrefix}${dc}.${msg.seq}.${this.dseq}.${msg.timestampNs}.${pending}`;
      const size = msg.subject.length + ackReply.length + (headers === null ? 0 : headers.length) + payload.length;
      if (this.replaying && this.holdForReplay(msg)) return Stop.Hold;
      if (this.rateLimiter !== null && this.holdForRate(size, now)) return Stop.Hold;
      let target: string;
      let request: WaitingRequest | null = null;
      if (push) target = this.config.deliver_subject;
      else {
        request = this.waiting!.take(size, now, this.replies);
        if (request === null) return Stop.Idle;
        target = request.reply;
      }
      this.commit(msg);
      if (dc === 1) this.npc--;
      // A failed delivery ends this pass (the message is queued again or the push consumer went inactive).
      if (!this.deliver(msg, target, ackReply, headers, payload, size, request, now)) return Stop.Idle;
    }
  }

  /** The next message to deliver, without taking it (see commit), or null with stopReason set. */
  private peekNext(): StoredMessage | null {
    const acks = this.acks;
    const store = this.host.store;
    for (let seq = acks.peekQueued(); seq !== 0; seq = acks.peekQueued()) {
      const redeliveries = acks.redelivered.get(seq) ?? 0;
      const dc = redeliveries + 2;
      const maxDeliver = this.config.max_deliver;
      if (maxDeliver > 0 && dc > maxDeliver) {
        acks.popQueued();
        acks.redelivered.set(seq, redeliveries + 1);
        if (dc === maxDeliver + 1) this.maxDeliveriesReached(seq, dc - 1);
        acks.forget(seq);
        this.persist.markDirty();
        continue;
      }
      const msg = store.load(seq);
      if (msg === null) {
        // Gone from the stream while waiting for redelivery: done with it.
        acks.popQueued();
        const entry = acks.pending.get(seq);
        if (entry !== undefined) this.ack(seq, entry.dseq);
        acks.redelivered.delete(seq);
        continue;
      }
      this.candidateSource = Source.Redelivery;
      this.candidateDc = dc;
      return msg;
    }
    const maxAckPending = this.config.max_ack_pending;
    if (maxAckPending > 0 && acks.pending.size >= maxAckPending) {
      this.stopReason = Stop.MaxAckPending;
      return null;
    }
    while (this.skipList !== null) {
      const msg = store.load(this.skipList[this.skipIndex]!);
      if (msg !== null) {
        this.candidateSource = Source.SkipList;
        this.candidateDc = 1;
        return msg;
      }
      this.advanceSkipList(0);
    }
    const msg = store.loadNext(this.storeFilter, this.sseq);
    if (msg === null) {
      // End of stream: skip past whatever non-matching messages remain (nats-server moves sseq the same way).
      const last = store.state().lastSeq;
      if (last >= this.sseq) this.sseq = last + 1;
      this.stopReason = Stop.Eof;
      return null;
    }
    this.candidateSource = Source.Scan;
    this.candidateDc = 1;
    return msg;
  }

  private advanceSkipList(seq: number): void {
    const list = this.skipList!;
    this.skipIndex++;
    if (this.skipIndex >= list.length) {
      this.sseq = this.skipResume + 1;
      this.skipList = null;
    } else if (seq > 0) {
      this.sseq = seq + 1;
    }
  }

  /** Takes the message peekNext() returned. */
  private commit(msg: StoredMessage): void {
    if (this.candidateSource === Source.Redelivery) {
      this.acks.popQueued();
      this.acks.redelivered.set(msg.seq, (this.acks.redelivered.get(msg.seq) ?? 0) + 1);
    } else if (this.candidateSource === Source.SkipList) {
      this.advanceSkipList(msg.seq);
    } else {
      this.sseq = msg.seq + 1;
    }
  }

  /** Sends one message and records it; false when nobody received it. */
  private deliver(msg: StoredMessage, target: string, ackReply: string, headers: Buffer | null, payload: Buffer, size: number, request: WaitingRequest | null, now: number): boolean {
    const dseq = this.dseq++;
    const seq = msg.seq;
    this.lastDeliveredMs = now;
    const ackNone = this.config.ack_policy === 'none';
    if (ackNone) {
      this.acks.floorConsumer = dseq;
      this.acks.floorStream = seq;
    } else {
      this.acks.track(seq, dseq, now, this.ackWaitMs(seq));
      this.armAckTimer();
    }
    this.persist.markDirty();
    if (this.replaying) this.replayLastTs = msg.timestampNs;
    const delivered = deliverMessage(this.host.server, this.host.account, target, msg.subject, ackReply, headers, payload);
    if (!delivered) this.didNotDeliver(seq, request);
    if (this.isPush) {
      this.heartbeatBaseMs = now;
      if (this.flowControl.delivered(size)) this.sendStatus(this.config.deliver_subject, FLOW_CONTROL_REQUEST, this.flowControl.request(this.host.name, this.name));
    } else {
      this.waiting!.lastActivityMs = now;
      if (request !== null && request.batch > 0 && request.heartbeatMs > 0) request.heartbeatAtMs = now + request.heartbeatMs;
    }
    if (ackNone && this.host.config.retention !== 'limits') this.host.acknowledged(seq);
    return delivered;
  }

  /** Nobody took the message: push goes inactive; pull credits the request and queues the message again. */
  private didNotDeliver(seq: number, request: WaitingRequest | null): void {
    const redeliveries = this.acks.redelivered.get(seq) ?? 0;
    if (redeliveries > 1) this.acks.redelivered.set(seq, redeliveries - 1);
    else this.acks.redelivered.delete(seq);
    if (this.isPush) {
      this.active = false;
      this.interestLost();
      return;
    }
    if (request !== null && request.batch > 0) {
      request.batch++;
      request.delivered--;
    }
    if (this.acks.pending.has(seq)) this.acks.enqueue(seq);
  }

  private maxDeliveriesReached(seq: number, deliveries: number): void {
    this.host.advisory(`CONSUMER.MAX_DELIVERIES.${this.host.name}.${this.name}`, {
      type: 'io.nats.jetstream.advisory.v1.max_deliver',
      stream: this.host.name,
      consumer: this.name,
      stream_seq: seq,
      deliveries,
    });
  }

  private afterLoop(reason: Stop): void {
    if (this.replaying && this.sseq > this.replayUntil && reason !== Stop.Hold) this.replaying = false;
    if (this.waiting !== null) this.armWaitTimer(this.processWaiting(reason !== Stop.MaxAckPending && reason !== Stop.Hold));
  }

  // ---- replay pacing and rate limit ----

  private holdForReplay(msg: StoredMessage): boolean {
    if (this.replayLastTs === 0n || msg.seq === this.replayReleased) return false;
    const delayMs = Number(msg.timestampNs - this.replayLastTs) / 1e6;
    if (delayMs <= 1) return false;
    this.replayReleased = msg.seq;
    this.hold(delayMs);
    return true;
  }

  private holdForRate(size: number, now: number): boolean {
    const delayMs = this.rateLimiter!.delayFor(size, now);
    if (delayMs <= 0) return false;
    this.hold(delayMs);
    return true;
  }

  private hold(delayMs: number): void {
    if (this.holdTimer !== null) clearTimeout(this.holdTimer);
    this.holdTimer = setTimeout(holdTimerFired, Math.max(1, Math.ceil(delayMs)), this);
    this.holdTimer.unref();
  }

  // ---- pull requests ----

  /** A request on `$JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>` (or a +NXT ack). */
  processNextRequest(reply: string, body: Buffer): void {
    if (this.closed || reply === '') return;
    if (this.isPush || this.waiting === null) return this.sendStatus(reply, PUSH_BASED);
    const waiting = this.waiting;
    const now = Date.now();
    if (waiting.isFull() && now - this.lastWaitingCheckMs > 1000) this.armWaitTimer(this.processWaiting(false));
    const outcome = admitRequest(waiting, reply, body, this.config, now, this.admission);
    if (outcome instanceof Buffer) this.sendStatus(reply, outcome);
    else if (outcome !== null) this.kick();
  }

  /** Expires, drops and heartbeats waiting requests; returns when the next one is due (Infinity: none). */
  protected processWaiting(endOfStream: boolean): number {
    const waiting = this.waiting;
    if (waiting === null || waiting.size === 0) return Infinity;
    const now = Date.now();
    this.lastWaitingCheckMs = now;
    return waiting.sweep(endOfStream, now, this.replies);
  }

  private armWaitTimer(at: number): void {
    if (this.closed || at === Infinity) return;
    if (this.waitTimer !== null) {
      if (this.waitTimerAt <= at) return;
      clearTimeout(this.waitTimer);
    }
    this.waitTimerAt = at;
    this.waitTimer = setTimeout(waitTimerFired, Math.max(1, at - Date.now()), this);
    this.waitTimer.unref();
  }

  /** Answers every waiting request with 409 Consumer Deleted (the consumer or its stream is being deleted). */
  protected releaseWaiting(): void {
    if (this.waiting === null) return;
    for (const request of this.waiting.clear()) this.sendStatus(request.reply, CONSUMER_DELETED);
  }

  protected sendStatus(subject: string, headers: Buffer, reply = ''): void {
    publishFromJetStream(this.host.server, this.host.account, subject, reply, headers, EMPTY);
  }

  // ---- push: idle heartbeats and flow control ----

  protected sendHeartbeat(subject: string): void {
    this.sendStatus(subject, heartbeatHeaders(this.dseq - 1, this.sseq - 1, this.flowControl.id));
  }

  protected armHeartbeat(): void {
    const interval = this.config.idle_heartbeat / 1e6;
    if (this.closed || !this.isPush || interval <= 0 || this.heartbeatTimer !== null) return;
    const wait = Math.max(1, this.heartbeatBaseMs + interval - Date.now());
    this.heartbeatTimer = setTimeout(heartbeatFired, wait, this);
    this.heartbeatTimer.unref();
  }

  /** The heartbeat timer: sends one when idle for a whole interval (and the subject has interest). */
  heartbeatTick(): void {
    const interval = this.config.idle_heartbeat / 1e6;
    if (this.closed || interval <= 0) return;
    const now = Date.now();
    if (now + 1 >= this.heartbeatBaseMs + interval) {
      if (this.active) this.sendHeartbeat(this.config.deliver_subject);
      this.heartbeatBaseMs = now;
    }
    this.armHeartbeat();
  }

  /** A reply to `$JS.FC.<stream>.<consumer>.<id>`: the receiver caught up. */
  protected flowControlReply(subject: string): void {
    if (this.flowControl.replied(subject)) this.kick();
  }

  /** Every pending message is redelivered (push deliver subject changed). */
  protected forceExpirePending(): void {
    for (const seq of this.acks.pending.keys()) this.acks.enqueue(seq);
    this.kick();
  }

  protected stopDeliveryTimers(): void {
    for (const timer of [this.waitTimer, this.holdTimer, this.heartbeatTimer]) if (timer !== null) clearTimeout(timer);
    this.waitTimer = this.holdTimer = this.heartbeatTimer = null;
    this.waitTimerAt = Infinity;
    this.clearAckTimer();
  }
}

/** The header block of a headers_only delivery: the original headers plus Nats-Msg-Size. */
function headersOnly(headers: Buffer | null, size: number): Buffer {
  const tail = `${JsServerHeaders.MsgSize}: ${size}${CRLF}${CRLF}`;
  if (headers === null || headers.length === 0) return Buffer.from(`NATS/1.0${CRLF}${tail}`, 'latin1');
  return Buffer.concat([headers.subarray(0, headers.length - 2), Buffer.from(tail, 'latin1')]);
}

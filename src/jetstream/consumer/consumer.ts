// A JetStream consumer (StreamConsumer): lifecycle, subscriptions (acks, pull requests, flow control), info,
// config updates, inactivity deletion, pause, push interest, and recovery from disk.

import fs from 'node:fs';
import path from 'node:path';
import type { Subscription } from '../../core/subscription.js';
import { JS_FLOW_CONTROL_PREFIX } from '../api-constants.js';
import type { JsApiError } from '../api-errors.js';
import type { StreamConsumer } from '../contracts.js';
import { formatTimeNs, nowNs } from '../json-time.js';
import { checkConsumerUpdate, consumerConfigFromJson, consumerConfigJson, sameConsumerConfig, type ConsumerConfig } from './consumer-config.js';
import type { ConsumerOwner } from './consumer-core.js';
import { ConsumerStore } from './consumer-store.js';
import { ConsumerDelivery } from './delivery.js';
import { parseGoTime } from './go-time.js';

export type { ConsumerOwner } from './consumer-core.js';

const EPHEMERAL_THRESHOLD_NS = 5_000_000_000;
const PLUS = 0x2b;
const MINUS = 0x2d;

function startsWith(body: Buffer, text: string): boolean {
  if (body.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (body[i] !== text.charCodeAt(i)) return false;
  return true;
}

/** Reads the number at `start` up to the next '.' (or the end); -1 if none. */
function readNumber(text: string, start: number): number {
  let value = 0;
  let i = start;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 46) break;
    if (code < 48 || code > 57) return -1;
    value = value * 10 + (code - 48);
  }
  return i === start ? -1 : value;
}

function inactivityFired(consumer: Consumer): void {
  consumer.inactivityTimer = null;
  consumer.checkInactive();
}
function interestFired(consumer: Consumer): void {
  consumer.interestTimer = null;
  consumer.pollInterest();
}
function pauseFired(consumer: Consumer): void {
  consumer.pauseTimer = null;
  consumer.pauseEnded();
}
function reconcileFired(consumer: Consumer): void {
  consumer.reconcileScheduled = false;
  consumer.reconcile();
}

export class Consumer extends ConsumerDelivery implements StreamConsumer {
  inactivityTimer: NodeJS.Timeout | null = null;
  interestTimer: NodeJS.Timeout | null = null;
  pauseTimer: NodeJS.Timeout | null = null;
  reconcileScheduled = false;
  readonly created: string;
  private readonly subscriptions: Subscription[] = [];
  /** Delete after this long without activity (ms, 0 = never): inactive_threshold, 5 s for ephemerals. */
  private thresholdMs = 0;
  private interestPollMs = 50;
  private pauseUntilMs = 0;

  private constructor(host: ConsumerOwner, config: ConsumerConfig, name: string, createdNs: bigint) {
    super(host, config, name);
    this.created = formatTimeNs(createdNs);
  }

  /** A new consumer (config already defaulted and validated) starting at its deliver policy's position. */
  static create(host: ConsumerOwner, config: ConsumerConfig, name: string): Consumer {
    const consumer = new Consumer(host, config, name, nowNs());
    consumer.selectStartingSeq();
    consumer.start();
    consumer.writeConfig();
    consumer.persist.markDirty();
    return consumer;
  }

  /** A consumer from its folder (`<consumersDir>/<name>`), or null when the folder holds none. */
  static recover(host: ConsumerOwner, directory: string): Consumer | null {
    const saved = ConsumerStore.read(directory);
    if (saved === null) return null;
    const config = consumerConfigFromJson(saved.meta.config);
    if (config === null) return null;
    const created = parseGoTime(saved.meta.created);
    const consumer = new Consumer(host, config, saved.meta.name, created?.ns ?? nowNs());
    if (saved.state !== null) consumer.restore(saved.state);
    else consumer.selectStartingSeq();
    consumer.start();
    return consumer;
  }

  /** Every consumer found under the stream's consumers folder (unreadable ones are logged and skipped). */
  static recoverAll(host: ConsumerOwner): Consumer[] {
    const root = host.consumersDir;
    if (root === null) return [];
    let names: string[];
    try {
      names = fs.readdirSync(root);
    } catch {
      return [];
    }
    const recovered: Consumer[] = [];
    for (const name of names) {
      try {
        const consumer = Consumer.recover(host, path.join(root, name));
        if (consumer !== null) recovered.push(consumer);
      } catch (err) {
        host.server.logger.error(`JetStream: could not recover consumer '${host.name} > ${name}': ${(err as Error).message}`);
      }
    }
    return recovered;
  }

  private start(): void {
    const now = Date.now();
    const host = this.host;
    this.computeThreshold(this.config);
    this.setupDelivery(now);
    const account = host.account;
    this.subscriptions.push(account.subscribeInternal(`${this.ackPrefix}*.*.*.*.*`, (_s, subject, reply, headerSize, message) => this.handleAck(subject, reply, headerSize, message)));
    this.subscriptions.push(
      account.subscribeInternal(`$JS.API.CONSUMER.MSG.NEXT.${host.name}.${this.name}`, (_s, _subject, reply, headerSize, message) => {
        this.processNextRequest(reply, headerSize > 0 ? message.subarray(headerSize) : message);
      }),
    );
    if (this.config.flow_control) {
      this.subscriptions.push(account.subscribeInternal(`${JS_FLOW_CONTROL_PREFIX}.${host.name}.${this.name}.*`, (_s, subject) => this.flowControlReply(subject)));
    }
    if (this.config.replay_policy === 'original') {
      this.replaying = true;
      this.replayUntil = host.store.state().lastSeq;
    }
    this.setPause(this.config);
    if (this.isPush) {
      this.active = account.sublist.hasInterest(this.config.deliver_subject);
      if (!this.active) this.interestLost();
      else this.scheduleInterestPoll();
    } else {
      this.armInactivity(this.thresholdMs);
    }
    this.armAckTimer();
    this.kick();
  }

  private writeConfig(): void {
    this.persist.writeConfig({ name: this.name, created: this.created, config: consumerConfigJson(this.config) });
  }

  // ---- acks ----

  private handleAck(subject: string, reply: string, headerSize: number, message: Buffer): void {
    if (this.closed) return;
    let at = this.ackPrefix.length;
    const deliveries = readNumber(subject, at);
    at = subject.indexOf('.', at) + 1;
    const seq = readNumber(subject, at);
    at = subject.indexOf('.', at) + 1;
    const dseq = readNumber(subject, at);
    if (deliveries < 0 || seq < 0 || dseq < 0) return;
    const body = headerSize > 0 ? message.subarray(headerSize) : message;
    if (this.waiting !== null) this.waiting.lastActivityMs = Date.now();
    let replyNow = true;
    if (body.length === 0 || (body.length === 4 && startsWith(body, '+ACK')) || (body.length === 3 && startsWith(body, '+OK'))) {
      this.ack(seq, dseq);
    } else if (body[0] === PLUS && startsWith(body, '+NXT')) {
      this.ack(seq, dseq);
      replyNow = false;
      this.processNextRequest(reply, body.subarray(4));
    } else if (body[0] === MINUS && startsWith(body, '-NAK')) {
      this.nak(seq, dseq, body.toString('utf8', 4));
    } else if (body.length === 4 && startsWith(body, '+WPI')) {
      this.progress(seq);
    } else if (body[0] === PLUS && startsWith(body, '+TERM')) {
      this.term(seq, dseq, deliveries, body.toString('utf8', 5).trim());
    }
    if (replyNow && reply !== '') {
      // A double ack promises the ack is kept: write the state before confirming it, so a crash right
      // after cannot make an acknowledged message come back.
      this.persist.flush();
      this.sendStatus(reply, Buffer.alloc(0));
    }
  }

  // ---- stream events ----

  onMessagesRemoved(): void {
    if (this.closed) return;
    this.npcStale = true;
    if (this.reconcileScheduled) return;
    this.reconcileScheduled = true;
    setImmediate(reconcileFired, this);
  }

  reconcile(): void {
    this.reconcileRemovals();
  }

  // ---- info ----

  info(): object {
    const cfg = this.config;
    const now = Date.now();
    if (this.isPush && !this.closed) this.refreshInterest();
    // As nats-server: reporting num_waiting first drops expired and abandoned requests.
    if (this.waiting !== null) this.processWaiting(false);
    const numWaiting = this.waiting === null ? 0 : this.waiting.size;
    const acks = this.acks;
    const out: Record<string, unknown> = {
      stream_name: this.host.name,
      name: this.name,
      created: this.created,
      config: consumerConfigJson(cfg),
      delivered: { consumer_seq: this.dseq - 1, stream_seq: this.sseq - 1, ...lastActive(this.lastDeliveredMs) },
      ack_floor: { consumer_seq: acks.floorConsumer, stream_seq: acks.floorStream, ...lastActive(this.lastAckedMs) },
      num_ack_pending: acks.pending.size,
      num_redelivered: cfg.max_deliver === 1 ? 0 : acks.redelivered.size,
      num_waiting: numWaiting,
      num_pending: this.numPending(),
    };
    if (this.isPush && this.active) out.push_bound = true;
    if (this.pauseUntilMs > now) {
      out.paused = true;
      out.pause_remaining = Math.round((this.pauseUntilMs - now) * 1e6);
    }
    return out;
  }

  // ---- config updates ----

  /** Applies a new (defaulted, validated) config, or says why it may not change. */
  update(next: ConsumerConfig): JsApiError | null {
    const current = this.config;
    const bound = this.isPush && this.host.account.sublist.hasInterest(current.deliver_subject);
    const error = checkConsumerUpdate(current, next, bound);
    if (error !== null) return error;
    this.computeThreshold(next);
    if (sameConsumerConfig(current, next)) return null;
    const filtersChanged = JSON.stringify(current.filter_subject) !== JSON.stringify(next.filter_subject) || JSON.stringify(current.filter_subjects) !== JSON.stringify(next.filter_subjects);
    const deliverChanged = current.deliver_subject !== next.deliver_subject;
    this.config = next;
    if (filtersChanged) {
      this.setFilters(next);
      this.recomputeNumPending();
    }
    if (current.rate_limit_bps !== next.rate_limit_bps) this.setRateLimit();
    if (this.waiting !== null) this.waiting.max = next.max_waiting;
    if (current.inactive_threshold !== next.inactive_threshold) {
      this.clearInactivity();
      if (this.isPush ? !this.active : true) this.armInactivity(this.thresholdMs);
    }
    if (current.pause_until !== next.pause_until) {
      this.setPause(next);
      this.pauseAdvisory();
    }
    if (deliverChanged) {
      this.active = this.host.account.sublist.hasInterest(next.deliver_subject);
      this.forceExpirePending();
    }
    this.writeConfig();
    this.kick();
    return null;
  }

  /** Ephemerals always have an inactive threshold (5 s unless set), stamped into their config as nats-server does. */
  private computeThreshold(cfg: ConsumerConfig): void {
    const jitter = cfg.deliver_subject === '' ? 100 + Math.floor(Math.random() * 900) : 0;
    if (cfg.durable_name === '' && cfg.inactive_threshold <= 0) {
      cfg.inactive_threshold = EPHEMERAL_THRESHOLD_NS;
      this.thresholdMs = EPHEMERAL_THRESHOLD_NS / 1e6 + 100 + Math.floor(Math.random() * 900);
    } else if (cfg.inactive_threshold > 0) {
      this.thresholdMs = cfg.inactive_threshold / 1e6 + jitter;
    } else {
      this.thresholdMs = 0;
    }
  }

  // ---- pause ----

  private setPause(cfg: ConsumerConfig): void {
    if (this.pauseTimer !== null) clearTimeout(this.pauseTimer);
    this.pauseTimer = null;
    const until = cfg.pause_until === null ? null : parseGoTime(cfg.pause_until);
    this.pauseUntilMs = until === null ? 0 : Number(until.ns / 1_000_000n);
    const wait = this.pauseUntilMs - Date.now();
    if (wait > 0 && !this.closed) {
      this.pauseTimer = setTimeout(pauseFired, Math.min(wait, 2 ** 31 - 1), this);
      this.pauseTimer.unref();
    }
  }

  protected isPaused(nowMs: number): boolean {
    return this.pauseUntilMs > nowMs;
  }

  pauseEnded(): void {
    if (this.closed) return;
    if (this.pauseUntilMs > Date.now()) {
      this.setPause(this.config);
      return;
    }
    this.pauseAdvisory();
    this.kick();
  }

  private pauseAdvisory(): void {
    const paused = this.pauseUntilMs > Date.now();
    this.host.advisory(`CONSUMER.PAUSE.${this.host.name}.${this.name}`, {
      type: 'io.nats.jetstream.advisory.v1.consumer_pause',
      stream: this.host.name,
      consumer: this.name,
      paused,
      pause_until: this.config.pause_until ?? '0001-01-01T00:00:00Z',
    });
  }

  // ---- push interest and inactivity ----

  private refreshInterest(): void {
    const has = this.host.account.sublist.hasInterest(this.config.deliver_subject);
    if (has === this.active) return;
    this.active = has;
    if (has) {
      this.clearInactivity();
      this.interestPollMs = 50;
      this.armHeartbeat();
      this.kick();
    } else {
      this.interestLost();
    }
  }

  protected interestLost(): void {
    this.interestPollMs = 50;
    if (this.thresholdMs > 0 && this.inactivityTimer === null) this.armInactivity(this.thresholdMs);
    this.scheduleInterestPoll();
  }

  pollInterest(): void {
    if (this.closed) return;
    this.refreshInterest();
    this.scheduleInterestPoll();
  }

  /** Watches the deliver subject: quickly (backing off to 1 s) while nobody listens; every second otherwise if it may be deleted. */
  private scheduleInterestPoll(): void {
    if (this.closed || !this.isPush || this.interestTimer !== null) return;
    if (this.active && this.thresholdMs === 0) return;
    const wait = this.active ? 1000 : this.interestPollMs;
    this.interestPollMs = Math.min(1000, this.interestPollMs * 2);
    this.interestTimer = setTimeout(interestFired, wait, this);
    this.interestTimer.unref();
  }

  private armInactivity(ms: number): void {
    if (this.closed || ms <= 0 || this.inactivityTimer !== null) return;
    this.inactivityTimer = setTimeout(inactivityFired, Math.min(ms, 2 ** 31 - 1), this);
    this.inactivityTimer.unref();
  }

  private clearInactivity(): void {
    if (this.inactivityTimer !== null) clearTimeout(this.inactivityTimer);
    this.inactivityTimer = null;
  }

  /** The inactivity timer: a push consumer without interest, or a pull consumer without requests for too long, goes. */
  checkInactive(): void {
    if (this.closed || this.thresholdMs <= 0) return;
    if (this.isPush) {
      this.refreshInterest();
      if (!this.active) this.deleteSelf();
      return;
    }
    const waiting = this.waiting!;
    const idle = Date.now() - Math.max(waiting.lastActivityMs, this.lastAckedMs);
    if (idle < this.thresholdMs) return this.armInactivity(this.thresholdMs - idle);
    this.processWaiting(true);
    if (waiting.size > 0) return this.armInactivity(this.thresholdMs);
    this.deleteSelf();
  }

  /** Deletes this consumer on its own (inactive threshold): state removed, stream told, advisory sent. */
  private deleteSelf(): void {
    this.stop(true);
    this.host.removeConsumer?.(this.name);
    this.host.advisory(`CONSUMER.DELETED.${this.host.name}.${this.name}`, {
      type: 'io.nats.jetstream.advisory.v1.consumer_action',
      stream: this.host.name,
      consumer: this.name,
      action: 'delete',
    });
  }

  // ---- stop ----

  stop(deleteState: boolean): void {
    if (this.closed) return;
    if (deleteState) this.releaseWaiting();
    this.closed = true;
    this.stopDeliveryTimers();
    this.clearInactivity();
    for (const timer of [this.interestTimer, this.pauseTimer]) if (timer !== null) clearTimeout(timer);
    this.interestTimer = this.pauseTimer = null;
    for (const sub of this.subscriptions) this.host.account.unsubscribeInternal(sub);
    this.subscriptions.length = 0;
    this.persist.close(deleteState);
  }
}

function lastActive(ms: number): { last_active?: string } {
  return ms === 0 ? {} : { last_active: formatTimeNs(BigInt(ms) * 1_000_000n) };
}

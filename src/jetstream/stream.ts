// A stream: captures its subjects through internal subscriptions, checks and stores messages, answers with PubAcks.

import fs from 'node:fs';
import path from 'node:path';
import type { Server } from '../core/server.js';
import type { Account } from '../core/account.js';
import type { Subscription } from '../core/subscription.js';
import { getHeader, setHeader } from '../protocol/headers.js';
import { subjectMatches } from '../subjects/subject.js';
import { apiError, type JsApiError } from './api-errors.js';
import { JsPublishHeaders, ROLLUP_ALL, ROLLUP_SUBJECT } from './api-constants.js';
import type { ConsumerHost, StreamConsumer } from './contracts.js';
import { formatTimeNs, nowNs } from './json-time.js';
import { isJetStreamOrigin, publishFromJetStream } from './internal-publish.js';
import { StoreLimitError, type MessageStore, type StoreLimits } from './store/types.js';
import { streamConfigJson, type StreamConfig } from './stream-config.js';
import { SourceLink } from './sourcing.js';

const NS_PER_MS = 1_000_000;

/** The limits a stream config asks its store to enforce. */
export function storeLimitsFor(cfg: StreamConfig): StoreLimits {
  return {
    maxMsgs: cfg.max_msgs > 0 ? cfg.max_msgs : 0,
    maxBytes: cfg.max_bytes > 0 ? cfg.max_bytes : 0,
    maxAgeMs: cfg.max_age > 0 ? Math.max(1, Math.floor(cfg.max_age / NS_PER_MS)) : 0,
    maxMsgsPerSubject: cfg.max_msgs_per_subject > 0 ? cfg.max_msgs_per_subject : 0,
    discard: cfg.discard,
    discardNewPerSubject: cfg.discard_new_per_subject === true,
  };
}

/** What a stream needs of the JetStream account that owns it. */
export interface StreamOwner {
  readonly server: Server;
  readonly account: Account;
  advisory(subjectSuffix: string, body: object): void;
  /** The stream's state changed in size (for account usage); cheap. */
  usageChanged(): void;
  /** Whether `size` more bytes would pass the server's limit for this storage type. */
  wouldExceedStorage(storage: 'memory' | 'file', size: number): boolean;
}

interface DedupeEntry {
  seq: number;
  timeNs: bigint;
}

export class Stream implements ConsumerHost {
  readonly consumers = new Map<string, StreamConsumer>();
  readonly server: Server;
  readonly account: Account;
  private subscriptions: Subscription[] = [];
  /** Nats-Msg-Id -> the message it stored, within the duplicate window (insertion order = time order). */
  private readonly dedupe = new Map<string, DedupeEntry>();
  private lastMsgId = '';
  /** `{"stream":"<name>","seq":` for PubAcks (the name never changes). */
  private pubAckPrefix: string | null = null;
  private closed = false;
  /** Streams that copy this one (mirrors, sources), told of each stored message. */
  readonly followers = new Set<SourceLink>();
  /** This stream's own links to the streams it copies. */
  sourceLinks: SourceLink[] = [];

  constructor(
    private readonly owner: StreamOwner,
    public config: StreamConfig,
    readonly store: MessageStore,
    /** Creation time (ns since epoch), kept across restarts. */
    readonly createdNs: bigint,
    /** The stream's folder for a file stream, null for memory. */
    readonly directory: string | null,
  ) {
    this.server = owner.server;
    this.account = owner.account;
    this.store.onRemove = (seq, subject) => this.onStoreRemoved(seq, subject);
    this.makeSourceLinks();
  }

  get name(): string {
    return this.config.name;
  }

  get consumersDir(): string | null {
    return this.directory === null ? null : path.join(this.directory, 'obs');
  }

  /** Subscribes to the stream's subjects. */
  start(): void {
    for (const subject of this.config.subjects ?? []) {
      this.subscriptions.push(this.account.subscribeInternal(subject, (_sub, s, reply, headerSize, message) => this.processInbound(s, reply, headerSize, message)));
    }
  }

  /** Applies a new (validated) config: subjects, limits and flags. */
  update(next: StreamConfig): void {
    const subjectsChanged = JSON.stringify(next.subjects ?? []) !== JSON.stringify(this.config.subjects ?? []);
    const sourcesChanged = JSON.stringify(next.sources ?? []) !== JSON.stringify(this.config.sources ?? []);
    this.config = next;
    if (sourcesChanged) this.makeSourceLinks();
    this.store.updateLimits(storeLimitsFor(next));
    if (subjectsChanged) {
      for (const sub of this.subscriptions) this.account.unsubscribeInternal(sub);
      this.subscriptions = [];
      this.start();
    }
    this.owner.usageChanged();
  }

  // ---- inbound messages ----

  /**
   * One message published on a stream subject. `message` is a view valid only during this call; the
   * store copies what it keeps. Replies (PubAck or error) go to `reply` when there is one.
   */
  processInbound(subject: string, reply: string, headerSize: number, message: Buffer): void {
    // JetStream's own replies and deliveries, and API requests, are never stored (as with nats-server).
    if (this.closed || isJetStreamOrigin() || subject.startsWith('$JS.API.')) return;
    const headers = headerSize > 0 ? message.subarray(0, headerSize) : null;
    const data = headerSize > 0 ? message.subarray(headerSize) : message;
    const cfg = this.config;
    if (cfg.subject_transform && subjectMatches(cfg.subject_transform.src || '>', subject)) {
      subject = mapSubject(cfg.subject_transform.src || '>', cfg.subject_transform.dest, subject);
    }
    if (cfg.sealed) return this.replyError(reply, apiError('StreamSealed'));
    if (cfg.max_msg_size >= 0 && message.length > cfg.max_msg_size) return this.replyError(reply, apiError('StreamMessageExceedsMaximum'));
    let msgId = '';
    let rollup = '';
    let ttlMs = 0;
    if (headers !== null) {
      const expectedStream = getHeader(headers, JsPublishHeaders.ExpectedStream);
      if (expectedStream !== undefined && expectedStream !== cfg.name) return this.replyError(reply, apiError('StreamNotMatch'));
      msgId = getHeader(headers, JsPublishHeaders.MsgId) ?? '';
      if (msgId !== '') {
        this.expireDedupe();
        const seen = this.dedupe.get(msgId);
        if (seen !== undefined) {
          if (reply !== '') this.respond(reply, { stream: cfg.name, seq: seen.seq, duplicate: true });
          return;
        }
      }
      const expectedLast = getHeader(headers, JsPublishHeaders.ExpectedLastSequence);
      if (expectedLast !== undefined) {
        const lastSeq = this.store.state().lastSeq;
        if (parseSeq(expectedLast) !== lastSeq) return this.replyError(reply, apiError('StreamWrongLastSequence', { seq: lastSeq }));
      }
      const expectedLastSubject = getHeader(headers, JsPublishHeaders.ExpectedLastSubjectSequence);
      if (expectedLastSubject !== undefined) {
        const last = this.store.loadLast(subject)?.seq ?? 0;
        if (parseSeq(expectedLastSubject) !== last) return this.replyError(reply, apiError('StreamWrongLastSequence', { seq: last }));
      }
      const expectedLastId = getHeader(headers, JsPublishHeaders.ExpectedLastMsgId);
      if (expectedLastId !== undefined && expectedLastId !== this.lastMsgId) {
        return this.replyError(reply, apiError('StreamWrongLastMsgID', { id: this.lastMsgId }));
      }
      const ttl = getHeader(headers, JsPublishHeaders.TTL);
      if (ttl !== undefined) {
        if (!cfg.allow_msg_ttl) return this.replyError(reply, apiError('MessageTTLDisabled'));
        const parsed = parseTtl(ttl);
        if (parsed === null) return this.replyError(reply, apiError('MessageTTLInvalid'));
        ttlMs = parsed;
      }
      rollup = getHeader(headers, JsPublishHeaders.Rollup) ?? '';
      if (rollup !== '') {
        if (!cfg.allow_rollup_hdrs) return this.replyError(reply, apiError('StreamRollupFailed', { err: 'rollup not permitted' }));
        // nats-server drops a message with an unknown rollup value without a reply.
        if (rollup !== ROLLUP_SUBJECT && rollup !== ROLLUP_ALL) return;
      }
    }
    if (this.owner.wouldExceedStorage(cfg.storage, this.store.messageSize(subject, headers, data))) {
      return this.replyError(reply, apiError(cfg.storage === 'memory' ? 'MemoryResourcesExceeded' : 'StorageResourcesExceeded'));
    }
    let seq: number;
    let timeNs: bigint;
    try {
      const stored = this.store.store(subject, headers, data, ttlMs !== 0 ? { ttlMs } : undefined);
      seq = stored.seq;
      timeNs = stored.timestampNs;
    } catch (err) {
      if (err instanceof StoreLimitError) return this.replyError(reply, apiError('StreamStoreFailed', { err: err.reason }));
      this.server.logger.error(`JetStream failed to store a msg on stream '${this.account.name} > ${cfg.name}': ${(err as Error).message}`);
      return this.replyError(reply, apiError('StreamStoreFailed', { err: (err as Error).message }));
    }
    if (msgId !== '') {
      this.dedupe.set(msgId, { seq, timeNs });
      this.lastMsgId = msgId;
    }
    if (rollup === ROLLUP_SUBJECT) this.store.purge({ subject, upToSeq: seq });
    else if (rollup === ROLLUP_ALL) this.store.purge({ upToSeq: seq });
    if (rollup !== '') this.notifyRemoved();
    if (reply !== '' && !cfg.no_ack) this.respondPubAck(reply, seq);
    this.afterStore(seq, subject, headers, data, timeNs);
  }

  /** What follows every stored message: republish, followers (mirrors, sources), consumers, retention. */
  private afterStore(seq: number, subject: string, headers: Buffer | null, data: Buffer, timestampNs: bigint): void {
    const cfg = this.config;
    if (cfg.republish) this.republish(seq, subject, headers, data);
    if (this.followers.size > 0) {
      const message = { seq, subject, headers, data, timestampNs };
      for (const follower of this.followers) follower.onOriginStored(message);
    }
    for (const consumer of this.consumers.values()) consumer.onMessageStored(seq, subject);
    // An interest stream keeps a message only while some consumer still needs it; a work queue keeps what
    // arrives before any consumer exists.
    if (cfg.retention === 'interest' && !this.isNeeded(seq, subject)) this.store.remove(seq);
    this.owner.usageChanged();
  }

  /** A mirror stores the origin's message under the origin's own sequence. */
  storeFromOrigin(seq: number, timestampNs: bigint, subject: string, headers: Buffer | null, data: Buffer): void {
    if (this.closed || seq <= this.store.state().lastSeq) return;
    try {
      this.store.storeAt(seq, timestampNs, subject, headers, data);
    } catch (err) {
      this.server.logger.warn(`JetStream mirror '${this.name}' could not store sequence ${seq}: ${(err as Error).message}`);
      return;
    }
    this.afterStore(seq, subject, headers, data, timestampNs);
  }

  /** A stream with sources stores a copied message as a new one of its own. */
  storeSourced(subject: string, headers: Buffer | null, data: Buffer): void {
    if (this.closed) return;
    let stored;
    try {
      stored = this.store.store(subject, headers, data);
    } catch (err) {
      this.server.logger.warn(`JetStream stream '${this.name}' could not store a sourced message: ${(err as Error).message}`);
      return;
    }
    this.afterStore(stored.seq, subject, headers, data, stored.timestampNs);
  }

  /** Links to origins for a mirror or sources, made from the config. */
  makeSourceLinks(): void {
    for (const link of this.sourceLinks) link.detach();
    this.sourceLinks = [];
    if (this.config.mirror) this.sourceLinks.push(new SourceLink(this, this.config.mirror, true));
    for (const source of this.config.sources ?? []) this.sourceLinks.push(new SourceLink(this, source, false));
  }

  private replyError(reply: string, error: JsApiError): void {
    if (reply !== '') this.respond(reply, { error, stream: this.config.name, seq: 0 });
  }

  /** The PubAck, as JSON.stringify({ stream, seq }) gives it, from a prefix made once (it is per message). */
  private respondPubAck(reply: string, seq: number): void {
    if (this.pubAckPrefix === null) this.pubAckPrefix = `{"stream":${JSON.stringify(this.config.name)},"seq":`;
    publishFromJetStream(this.server, this.account, reply, '', null, Buffer.from(`${this.pubAckPrefix}${seq}}`));
  }

  private respond(reply: string, body: object): void {
    publishFromJetStream(this.server, this.account, reply, '', null, Buffer.from(JSON.stringify(body)));
  }

  private expireDedupe(): void {
    const window = BigInt(this.config.duplicate_window ?? 0);
    const cutoff = nowNs() - window;
    for (const [id, entry] of this.dedupe) {
      if (entry.timeNs >= cutoff) break;
      this.dedupe.delete(id);
    }
  }

  /** Copies a stored message to the republish destination with the stream headers nats-server adds. */
  private republish(seq: number, subject: string, headers: Buffer | null, data: Buffer): void {
    const rp = this.config.republish!;
    const src = rp.src || '>';
    if (!subjectMatches(src, subject)) return;
    const dest = mapSubject(src, rp.dest, subject);
    const previous = this.store.loadPrevious(seq - 1, subject);
    let block = headers;
    block = setHeader(block, 'Nats-Stream', this.config.name);
    block = setHeader(block, 'Nats-Subject', subject);
    block = setHeader(block, 'Nats-Sequence', String(seq));
    block = setHeader(block, 'Nats-Last-Sequence', String(previous?.seq ?? 0));
    if (rp.headers_only) {
      block = setHeader(block, 'Nats-Msg-Size', String(data.length));
      this.server.publish(this.account, dest, '', block, Buffer.alloc(0));
    } else {
      this.server.publish(this.account, dest, '', block, data);
    }
  }

  // ---- retention ----

  private isNeeded(seq: number, subject: string): boolean {
    for (const consumer of this.consumers.values()) if (consumer.needsMessage(seq, subject)) return true;
    return false;
  }

  acknowledged(seq: number): void {
    if (this.config.retention === 'limits') return;
    const message = this.store.load(seq);
    if (message === null) return;
    if (!this.isNeeded(seq, message.subject)) {
      this.store.remove(seq);
      this.owner.usageChanged();
    }
  }

  private onStoreRemoved(_seq: number, _subject: string): void {
    this.notifyRemoved();
  }

  /** Messages left the store (purge, delete, limits): consumers adjust their state. */
  notifyRemoved(): void {
    for (const consumer of this.consumers.values()) consumer.onMessagesRemoved();
    this.owner.usageChanged();
  }

  advisory(subjectSuffix: string, body: object): void {
    this.owner.advisory(subjectSuffix, body);
  }

  // ---- consumers ----

  addConsumer(consumer: StreamConsumer): void {
    this.consumers.set(consumer.name, consumer);
  }

  removeConsumer(name: string): void {
    this.consumers.delete(name);
  }

  // ---- info ----

  /** The `state` object of stream info. */
  stateJson(options: { deletedDetails?: boolean; subjectsFilter?: string } = {}): Record<string, unknown> {
    const state = this.store.state(options.deletedDetails === true);
    const out: Record<string, unknown> = {
      messages: state.messages,
      bytes: state.bytes,
      first_seq: state.firstSeq,
      first_ts: formatTimeNs(state.firstTimeNs),
      last_seq: state.lastSeq,
      last_ts: formatTimeNs(state.lastTimeNs),
    };
    if (state.numDeleted > 0) {
      if (options.deletedDetails) out.deleted = state.deleted ?? [];
      out.num_deleted = state.numDeleted;
    }
    if (state.numSubjects > 0) out.num_subjects = state.numSubjects;
    out.consumer_count = this.consumers.size;
    return out;
  }

  /** The `config` object as nats-server sends it. */
  configJson(): StreamConfig {
    return streamConfigJson(this.config);
  }

  created(): string {
    return formatTimeNs(this.createdNs);
  }

  /**
   * Stops receiving; consumers stop; the store closes, and with `deleteData` the stream's folder goes.
   * All of it happens before this returns (both stores close synchronously; the promise they return is
   * only for the interface), so a stream re-created with the same name right after cannot lose its files
   * to a deletion still in flight.
   */
  stop(deleteData: boolean): void {
    if (this.closed) return;
    this.closed = true;
    for (const sub of this.subscriptions) this.account.unsubscribeInternal(sub);
    this.subscriptions = [];
    for (const link of this.sourceLinks) link.detach();
    for (const follower of [...this.followers]) follower.detach();
    for (const consumer of this.consumers.values()) consumer.stop(deleteData);
    this.consumers.clear();
    void this.store.close();
    if (deleteData && this.directory !== null) fs.rmSync(this.directory, { recursive: true, force: true });
  }

  /**
   * After a restart: the message ids still inside the duplicate window, and the last one, are read back
   * from the stored messages, so de-duplication and Nats-Expected-Last-Msg-Id survive the restart.
   */
  rebuildDedupe(): void {
    const window = BigInt(this.config.duplicate_window ?? 0);
    if (window <= 0n) return;
    const store = this.store;
    let seq = store.seqForTime(nowNs() - window);
    for (let message = store.loadNext('>', seq); message !== null; message = store.loadNext('>', seq + 1)) {
      seq = message.seq;
      const id = getHeader(message.headers, JsPublishHeaders.MsgId);
      if (id === undefined || id === '') continue;
      this.dedupe.delete(id);
      this.dedupe.set(id, { seq: message.seq, timeNs: message.timestampNs });
      this.lastMsgId = id;
    }
  }
}

/**
 * A `Nats-TTL` value (ADR-43): a Go duration such as "90s" or "1h", or whole seconds; "never" keeps the
 * message forever (-1). At least one second. Returns milliseconds, or null when invalid.
 */
export function parseTtl(text: string): number | null {
  const value = text.trim();
  if (value === 'never') return -1;
  if (/^\d+$/.test(value)) {
    const seconds = Number(value);
    return seconds >= 1 ? seconds * 1000 : null;
  }
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value);
  if (match === null) return null;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  const ms = Number(match[1]) * unit;
  return ms >= 1000 ? Math.floor(ms) : null;
}

/** A header value as nats-server parses a sequence: digits only, otherwise -1 (never equal to a real one). */
function parseSeq(text: string): number {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : -1;
}

/** Maps a subject through src -> dest where both may carry wildcards in the same positions (republish). */
export function mapSubject(src: string, dest: string, subject: string): string {
  if (!dest.includes('*') && !dest.includes('>')) return dest;
  const srcTokens = src.split('.');
  const subjectTokens = subject.split('.');
  const captured: string[] = [];
  let rest: string[] = [];
  for (let i = 0; i < srcTokens.length; i++) {
    if (srcTokens[i] === '*') captured.push(subjectTokens[i]!);
    else if (srcTokens[i] === '>') rest = subjectTokens.slice(i);
  }
  let star = 0;
  const out: string[] = [];
  for (const token of dest.split('.')) {
    if (token === '*') out.push(captured[star++] ?? '*');
    else if (token === '>') out.push(...rest);
    else out.push(token);
  }
  return out.join('.');
}

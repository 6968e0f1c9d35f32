// JetStream in one account: its streams (created, recovered from disk, deleted), its API subscription and usage.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Server } from '../core/server.js';
import type { Account } from '../core/account.js';
import type { Subscription } from '../core/subscription.js';
import type { AccountJetStreamOption, JetStreamOptions } from '../config/options.js';
import { apiError, type JsApiError } from './api-errors.js';
import { JS_API_ALL } from './api-constants.js';
import { ApiRouter } from './api/router.js';
import { publishFromJetStream } from './internal-publish.js';
import { DIRECT_GET_PREFIX, handleDirectGet } from './api/stream-api.js';
import { recoverConsumers } from './api/consumer-api.js';
import { subjectsCollide } from '../subjects/subject.js';
import { formatTimeNs, nowNs } from './json-time.js';
import { FileStore, MemoryStore, readJson, writeJsonAtomic, type MessageStore } from './store/index.js';
import { Stream, storeLimitsFor, type StreamOwner } from './stream.js';
import { checkStreamUpdate, completeStreamConfig, sameStreamConfig, type StreamConfig } from './stream-config.js';

const META_FILE = 'meta.json';

interface StreamMeta {
  config: StreamConfig;
  created: string;
}

function readStreamMeta(file: string): StreamMeta | null {
  try {
    return readJson<StreamMeta>(file);
  } catch {
    return null;
  }
}

export class JetStreamAccount implements StreamOwner {
  readonly streams = new Map<string, Stream>();
  readonly router = new ApiRouter();
  apiTotal = 0;
  apiErrors = 0;
  private memoryBytes = 0;
  private storageBytes = 0;
  private usageStale = true;
  private apiSubscription: Subscription | null = null;
  private readonly streamsDir: string;

  constructor(
    readonly server: Server,
    readonly account: Account,
    readonly options: JetStreamOptions,
    /** The account's own limits (`accounts { A: { jetstream: {...} } }` or its JWT); null = only the server's. New claims replace them. */
    public limits: AccountJetStreamOption | null = null,
  ) {
    this.streamsDir = path.join(options.storeDir, 'jetstream', account.name, 'streams');
  }

  /** Recovers file streams from disk and starts answering the API. */
  start(): void {
    this.recoverStreams();
    this.apiSubscription = this.account.subscribeInternal(JS_API_ALL, (_sub, subject, reply, headerSize, message) => {
      this.handleApi(subject, reply, headerSize, message);
    });
  }

  async stop(): Promise<void> {
    if (this.apiSubscription) this.account.unsubscribeInternal(this.apiSubscription);
    this.apiSubscription = null;
    for (const stream of this.streams.values()) stream.stop(false);
    this.streams.clear();
  }

  private handleApi(subject: string, reply: string, headerSize: number, message: Buffer): void {
    if (reply === '') return;
    if (subject.startsWith(DIRECT_GET_PREFIX) || subject === DIRECT_GET_PREFIX.slice(0, -1)) {
      // Answered at once: the body is read before the parser's buffer is reused, so it is not copied.
      handleDirectGet(this, subject, reply, headerSize > 0 ? message.subarray(headerSize) : message);
      return;
    }
    const tokens = subject.split('.').slice(2);
    const headers = headerSize > 0 ? Buffer.from(message.subarray(0, headerSize)) : null;
    const body = Buffer.from(headerSize > 0 ? message.subarray(headerSize) : message);
    let response: object | null;
    try {
      response = this.router.dispatch(tokens, reply, body, headers);
    } catch (err) {
      this.server.logger.error(`JetStream API ${subject} failed: ${(err as Error).stack ?? err}`);
      response = { error: apiError('BadRequest') };
    }
    if (response === null) return;
    this.apiTotal++;
    if ('error' in response) this.apiErrors++;
    publishFromJetStream(this.server, this.account, reply, '', null, Buffer.from(JSON.stringify(response)));
  }

  // ---- streams ----

  getStream(name: string): Stream | undefined {
    return this.streams.get(name);
  }

  /** Creates a stream, or returns the existing one when the config is the same (idempotent create). */
  createStream(input: Partial<StreamConfig>): Stream | JsApiError {
    const completed = completeStreamConfig(input, { maxPayload: this.server.options.maxPayload });
    if ('err_code' in completed) return completed;
    const cfg = completed;
    if (cfg.sealed) return apiError('StreamInvalidConfig', { err: 'stream configuration for create can not be sealed' });
    if (cfg.num_replicas > 1) return apiError('StreamReplicasNotSupported');
    const existing = this.streams.get(cfg.name);
    if (existing !== undefined) {
      return sameStreamConfig(existing.config, cfg) ? existing : apiError('StreamNameExist');
    }
    const maxStreams = this.limits?.maxStreams ?? -1;
    if (maxStreams >= 0 && this.streams.size >= maxStreams) return apiError('MaximumStreamsLimit');
    if (this.limits?.maxBytesRequired && cfg.max_bytes <= 0) return apiError('StreamMaxBytesRequired');
    const resourceError = this.checkResources(cfg, null);
    if (resourceError) return resourceError;
    const overlap = this.checkOverlap(cfg, null);
    if (overlap) return overlap;
    const createdNs = nowNs();
    const directory = cfg.storage === 'file' ? path.join(this.streamsDir, cfg.name) : null;
    let store: MessageStore;
    try {
      store = this.openStore(cfg, directory);
      if (directory !== null) writeJsonAtomic(path.join(directory, META_FILE), { config: cfg, created: formatTimeNs(createdNs) } satisfies StreamMeta);
    } catch (err) {
      return apiError('StreamCreate', { err: (err as Error).message });
    }
    // first_seq (2.10): an empty stream whose first message gets this sequence.
    if ((cfg.first_seq ?? 0) > 1) store.compact(cfg.first_seq!);
    const stream = new Stream(this, cfg, store, createdNs, directory);
    this.streams.set(cfg.name, stream);
    stream.start();
    this.linkSources();
    this.advisory(`STREAM.CREATED.${cfg.name}`, { type: 'io.nats.jetstream.advisory.v1.stream_action', stream: cfg.name, action: 'create' });
    return stream;
  }

  /** Recreates a stream from a backup: its config, creation time and messages with their own sequences. */
  restoreStream(config: StreamConfig, created: string, messages: { seq: number; timestampNs: bigint; subject: string; headers: Buffer | null; data: Buffer }[]): Stream | JsApiError {
    if (this.streams.has(config.name)) return apiError('StreamNameExistRestoreFailed');
    const overlap = this.checkOverlap(config, null);
    if (overlap) return overlap;
    const directory = config.storage === 'file' ? path.join(this.streamsDir, config.name) : null;
    let store: MessageStore;
    try {
      store = this.openStore(config, directory);
      for (const m of messages) store.storeAt(m.seq, m.timestampNs, m.subject, m.headers, m.data);
      if (directory !== null) writeJsonAtomic(path.join(directory, META_FILE), { config, created } satisfies StreamMeta);
    } catch (err) {
      if (directory !== null) fs.rmSync(directory, { recursive: true, force: true });
      return apiError('StreamRestore', { err: (err as Error).message });
    }
    const createdMs = Date.parse(created);
    const stream = new Stream(this, config, store, BigInt(Number.isNaN(createdMs) ? Date.now() : createdMs) * 1_000_000n, directory);
    this.streams.set(config.name, stream);
    stream.start();
    this.linkSources();
    this.usageChanged();
    return stream;
  }

  updateStream(input: Partial<StreamConfig>): Stream | JsApiError {
    const stream = this.streams.get(input.name ?? '');
    if (stream === undefined) return apiError('StreamNotFound');
    const completed = completeStreamConfig(input, { maxPayload: this.server.options.maxPayload });
    if ('err_code' in completed) return completed;
    const updateError = checkStreamUpdate(stream.config, completed);
    if (updateError) return updateError;
    if (completed.sealed) {
      // A sealed stream keeps what it has: nothing ages out, nothing is deleted, purged or rolled up.
      Object.assign(completed, { max_age: 0, discard: 'new', deny_delete: true, deny_purge: true, allow_rollup_hdrs: false });
    }
    const resourceError = this.checkResources(completed, stream);
    if (resourceError) return resourceError;
    const overlap = this.checkOverlap(completed, stream);
    if (overlap) return overlap;
    stream.update(completed);
    this.linkSources();
    if (stream.directory !== null) writeJsonAtomic(path.join(stream.directory, META_FILE), { config: completed, created: stream.created() } satisfies StreamMeta);
    this.advisory(`STREAM.UPDATED.${completed.name}`, { type: 'io.nats.jetstream.advisory.v1.stream_action', stream: completed.name, action: 'modify' });
    return stream;
  }

  deleteStream(name: string): boolean {
    const stream = this.streams.get(name);
    if (stream === undefined) return false;
    this.streams.delete(name);
    stream.stop(true);
    this.linkSources();
    this.usageChanged();
    this.advisory(`STREAM.DELETED.${name}`, { type: 'io.nats.jetstream.advisory.v1.stream_action', stream: name, action: 'delete' });
    return true;
  }

  private openStore(cfg: StreamConfig, directory: string | null): MessageStore {
    const limits = storeLimitsFor(cfg);
    if (directory === null) return new MemoryStore({ limits });
    const sync = this.options;
    return new FileStore({
      directory,
      limits,
      syncAlways: sync.syncAlways === true,
      // One write per event-loop turn for the appends of that turn, before the PubAcks are flushed.
      writeBehind: true,
      ...(sync.syncIntervalMs !== undefined && { syncIntervalMs: sync.syncIntervalMs }),
      logger: (level, text) => {
        const line = `JetStream stream '${cfg.name}': ${text}`;
        if (level === 'error') this.server.logger.error(line);
        else if (level === 'warn') this.server.logger.warn(line);
        else this.server.logger.notice(line);
      },
    });
  }

  /** Two streams may not capture the same subjects. */
  private checkOverlap(cfg: StreamConfig, self: Stream | null): JsApiError | null {
    for (const other of this.streams.values()) {
      if (other === self) continue;
      for (const a of cfg.subjects ?? []) {
        for (const b of other.config.subjects ?? []) {
          if (subjectsCollide(a, b)) return apiError('StreamSubjectOverlap');
        }
      }
    }
    return null;
  }

  /** max_bytes must fit what the server may use for that storage type. */
  private checkResources(cfg: StreamConfig, self: Stream | null): JsApiError | null {
    void self;
    if (cfg.max_bytes <= 0) return null;
    if (cfg.storage === 'memory') {
      if (cfg.max_bytes > this.maxMemory()) return apiError('MemoryResourcesExceeded');
    } else if (cfg.max_bytes > this.maxStorage()) {
      return apiError('StorageResourcesExceeded');
    }
    return null;
  }

  /** As nats-server: the account's limit, the server's, or 75% of the machine's memory. */
  maxMemory(): number {
    const account = this.limits?.maxMemory ?? -1;
    if (account >= 0) return account;
    return this.options.maxMemoryStore > 0 ? this.options.maxMemoryStore : Math.floor(os.totalmem() * 0.75);
  }

  /** Whether the account may have another consumer (its `max_consumers`). */
  consumerLimitReached(): boolean {
    const max = this.limits?.maxConsumers ?? -1;
    if (max < 0) return false;
    let count = 0;
    for (const stream of this.streams.values()) count += stream.consumers.size;
    return count >= max;
  }

  /** As nats-server: the configured limit, or 75% of the free disk space where the store lives (1 TB if unknown). */
  maxStorage(): number {
    const account = this.limits?.maxStore ?? -1;
    if (account >= 0) return account;
    if (this.options.maxFileStore > 0) return this.options.maxFileStore;
    try {
      fs.mkdirSync(this.options.storeDir, { recursive: true });
      const stats = fs.statfsSync(this.options.storeDir);
      return Math.floor(stats.bavail * stats.bsize * 0.75);
    } catch {
      return 1024 ** 4;
    }
  }

  /** Marks the usage figures stale; they are summed again when next read (not on every message). */
  usageChanged(): void {
    this.usageStale = true;
  }

  get memoryUsed(): number {
    if (this.usageStale) this.sumUsage();
    return this.memoryBytes;
  }

  get storageUsed(): number {
    if (this.usageStale) this.sumUsage();
    return this.storageBytes;
  }

  /**
   * Whether storing `size` more bytes would pass the server's max_memory_store / max_file_store.
   * Only checked when such a limit is configured, so unlimited servers pay nothing per message.
   */
  wouldExceedStorage(storage: 'memory' | 'file', size: number): boolean {
    const used = () => (storage === 'memory' ? this.memoryUsed : this.storageUsed);
    // The account's own limit counts even at 0 (e.g. a JWT whose JetStream was taken away); the server's 0 means none.
    const accountLimit = storage === 'memory' ? this.limits?.maxMemory ?? -1 : this.limits?.maxStore ?? -1;
    if (accountLimit >= 0) return used() + size > accountLimit;
    const serverLimit = storage === 'memory' ? this.options.maxMemoryStore : this.options.maxFileStore;
    return serverLimit > 0 && used() + size > serverLimit;
  }

  private sumUsage(): void {
    let memory = 0;
    let storage = 0;
    for (const stream of this.streams.values()) {
      const bytes = stream.store.state().bytes;
      if (stream.config.storage === 'memory') memory += bytes;
      else storage += bytes;
    }
    this.memoryBytes = memory;
    this.storageBytes = storage;
    this.usageStale = false;
  }

  advisory(subjectSuffix: string, body: object): void {
    const subject = `$JS.EVENT.ADVISORY.${subjectSuffix}`;
    if (!this.account.sublist.hasInterest(subject)) return;
    const full = { ...body, id: randomBytes(11).toString('hex').toUpperCase(), timestamp: formatTimeNs(nowNs()) };
    publishFromJetStream(this.server, this.account, subject, '', null, Buffer.from(JSON.stringify(full)));
  }

  /** Opens every file stream found under the store folder (their config and creation time from meta.json). */
  private recoverStreams(): void {
    let names: string[];
    try {
      names = fs.readdirSync(this.streamsDir);
    } catch {
      return;
    }
    for (const name of names) {
      const directory = path.join(this.streamsDir, name);
      // A damaged meta.json skips that stream (as nats-server skips a bad meta.inf) instead of stopping the
      // server; /healthz then reports the stream as not recovered.
      const meta = readStreamMeta(path.join(directory, META_FILE));
      if (meta === null || meta.config?.name !== name) {
        this.server.logger.warn(`JetStream: skipping ${directory}: no valid ${META_FILE}`);
        continue;
      }
      try {
        const store = this.openStore(meta.config, directory);
        const createdMs = Date.parse(meta.created);
        const stream = new Stream(this, meta.config, store, BigInt(Number.isNaN(createdMs) ? Date.now() : createdMs) * 1_000_000n, directory);
        this.streams.set(name, stream);
        stream.rebuildDedupe();
        stream.start();
        recoverConsumers(stream);
        const state = store.state();
        this.server.logger.notice(`  Restored ${state.messages} messages for stream '${this.account.name} > ${name}'`);
      } catch (err) {
        this.server.logger.error(`JetStream: could not recover stream '${name}': ${(err as Error).message}`);
      }
    }
    this.linkSources();
    this.usageChanged();
  }

  /** Connects every mirror and source to its origin stream when that exists (origins may come later). */
  linkSources(): void {
    for (const stream of this.streams.values()) {
      for (const link of stream.sourceLinks) {
        const origin = this.streams.get(link.originName);
        if (origin !== undefined && origin !== stream) link.attach(origin);
        else link.detach();
      }
    }
  }
}

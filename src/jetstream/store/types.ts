// The JetStream message store contract: one MessageStore interface, its value types, limits and errors.

/**
 * One stored message. Sequences are plain numbers (exact up to 2^53). Timestamps are nanoseconds since
 * the Unix epoch as a bigint: nats-server reports them to the nanosecond (stream info, `$JS.ACK` reply
 * subjects, direct get), and a float64 cannot hold today's epoch in ns exactly (it exceeds 2^53).
 * `headers` and `data` are read-only views owned by the store: copy them before changing them.
 * Subjects are latin1 strings (one char per byte), as the core decodes them.
 */
export interface StoredMessage {
  seq: number;
  subject: string;
  /** The raw NATS header block (`NATS/1.0\r\n...`), or null when the message has none (empty counts as none). */
  headers: Buffer | null;
  data: Buffer;
  timestampNs: bigint;
}

export interface StoreResult {
  seq: number;
  timestampNs: bigint;
}

export interface StoreOptions {
  /** Per-message TTL in ms (nats-server's `Nats-TTL`): > 0 expires the message then; < 0 means it never expires, not even by max age. */
  ttlMs?: number;
}

export type DiscardPolicy = 'old' | 'new';

/** Limits the store enforces itself, as nats-server's stores do. 0 (or less) means unlimited. */
export interface StoreLimits {
  maxMsgs: number;
  /** Bytes as the store counts them (see MessageStore.messageSize). */
  maxBytes: number;
  maxAgeMs: number;
  maxMsgsPerSubject: number;
  /** 'old' drops the oldest messages to make room; 'new' makes store() throw a StoreLimitError. */
  discard: DiscardPolicy;
  /** With discard 'new': reject a message on a subject already at maxMsgsPerSubject (nats-server's discard_new_per_subject). */
  discardNewPerSubject: boolean;
}

export const DEFAULT_LIMITS: Readonly<StoreLimits> = {
  maxMsgs: 0,
  maxBytes: 0,
  maxAgeMs: 0,
  maxMsgsPerSubject: 0,
  discard: 'old',
  discardNewPerSubject: false,
};

/** nats-server's texts for a message refused under discard 'new' (ErrMaxMsgs, ErrMaxBytes, ErrMaxMsgsPerSubject). */
export const LimitReason = {
  maxMsgs: 'maximum messages exceeded',
  maxBytes: 'maximum bytes exceeded',
  maxMsgsPerSubject: 'maximum messages per subject exceeded',
} as const;
export type LimitReasonText = (typeof LimitReason)[keyof typeof LimitReason];

/** Thrown by store()/storeAt() when discard 'new' refuses a message; `message` is nats-server's text. */
export class StoreLimitError extends Error {
  constructor(readonly reason: LimitReasonText) {
    super(reason);
    this.name = 'StoreLimitError';
  }
}

/** Why the store removed a message on its own (never reported for remove/erase/purge/compact/truncate). */
export type RemoveReason = 'maxMsgs' | 'maxBytes' | 'maxMsgsPerSubject' | 'maxAge' | 'ttl';

/** Told after the store removed a message by itself, so the stream can update consumers and retention. */
export type RemoveListener = (seq: number, subject: string, reason: RemoveReason) => void;

export type StoreLogger = (level: 'info' | 'warn' | 'error', text: string) => void;

/**
 * nats-server's StreamState. An empty store that never held a message reports first 0, last 0; once
 * emptied (remove, purge, expiry) it reports first = last + 1 with firstTime 0. Deleted sequences are
 * the interior gaps between first and last (removed messages and sequences never used, e.g. by storeAt).
 * Times are ns since the epoch, 0n for "no time". lastTime stays the time of the last stored message.
 */
export interface StoreState {
  messages: number;
  bytes: number;
  firstSeq: number;
  firstTimeNs: bigint;
  lastSeq: number;
  lastTimeNs: bigint;
  numDeleted: number;
  numSubjects: number;
  /** Only with state(true): the deleted sequences in [firstSeq, lastSeq], ascending. */
  deleted?: number[];
}

export interface SubjectState {
  messages: number;
  firstSeq: number;
  lastSeq: number;
}

/**
 * A filter is a subject with optional `*` / `>` wildcards, or several of them (their union). '' or '>' means
 * all. The store caches the last filter it compiled by identity, so do not change an array once passed.
 */
export type SubjectFilter = string | readonly string[];

export interface PurgeOptions {
  /** Only messages on subjects matching this filter (default: all). */
  subject?: string;
  /** Only messages with a sequence below this one (nats-server's "up to but not including"). */
  upToSeq?: number;
  /** Leave this many of the newest matching messages. */
  keep?: number;
}

/**
 * The store under one stream. Synchronous: the server is single-threaded and every call completes before
 * it returns (a FileStore has written to the OS by then, and fsynced with syncAlways). Only flush(),
 * close() and delete() are async.
 */
export interface MessageStore {
  readonly type: 'memory' | 'file';
  /** Set by the stream; called synchronously after the store removes a message by itself. */
  onRemove: RemoveListener | null;

  /** Appends at lastSeq + 1 with the current time. Throws StoreLimitError under discard 'new'. */
  store(subject: string, headers: Buffer | null, data: Buffer, options?: StoreOptions): StoreResult;
  /** Appends with a given sequence (> lastSeq; a gap counts as deleted) and time, for mirrors and restores. */
  storeAt(seq: number, timestampNs: bigint, subject: string, headers: Buffer | null, data: Buffer, options?: StoreOptions): void;
  /** The limit store() would refuse this message for under discard 'new', or null. */
  wouldExceed(subject: string, headers: Buffer | null, data: Buffer): LimitReasonText | null;
  /** nats-server's accounted size of a message in this kind of store (memStoreMsgSize / fileStoreMsgSize). */
  messageSize(subject: string, headers: Buffer | null, data: Buffer): number;

  load(seq: number): StoredMessage | null;
  /** The first message at or after fromSeq whose subject matches the filter. */
  loadNext(filter: SubjectFilter, fromSeq: number): StoredMessage | null;
  /** The last message whose subject matches the filter (KV get, last_by_subj). */
  loadLast(filter: SubjectFilter): StoredMessage | null;
  /** The last message at or before fromSeq whose subject matches the filter (default all). */
  loadPrevious(fromSeq: number, filter?: SubjectFilter): StoredMessage | null;
  /** The first sequence whose message is at or after the time (for deliver-by-start-time); lastSeq + 1 if none. */
  seqForTime(timestampNs: bigint): number;

  remove(seq: number): boolean;
  /** Removes the message and overwrites its bytes (secure delete). */
  erase(seq: number): boolean;
  /** Returns how many messages were removed. With no options, removes everything (first becomes last + 1). */
  purge(options?: PurgeOptions): number;
  /** Removes every message below seq; past the end it empties the store so that the next sequence is seq. */
  compact(seq: number): number;
  /** Removes every message above seq (last becomes seq); truncate(0) resets the store to first 0, last 0. */
  truncate(seq: number): void;

  state(includeDeleted?: boolean): StoreState;
  subjectsState(filter: SubjectFilter): Map<string, SubjectState>;
  /** Messages at or after fromSeq matching the filter; with lastPerSubject, the matching subjects that have one. */
  numPending(filter: SubjectFilter, fromSeq: number, lastPerSubject: boolean): number;

  /** New limits take effect at once (lower limits remove messages under discard 'old', as nats-server does). */
  updateLimits(limits: Partial<StoreLimits>): void;
  readonly limits: Readonly<StoreLimits>;

  /** fsync everything written so far (FileStore); a no-op for memory. */
  flush(): Promise<void>;
  /** Stops timers and releases files; the store is unusable afterwards. */
  close(): Promise<void>;
  /** Closes and removes everything the store keeps (its folder, for a FileStore). */
  delete(): Promise<void>;
}

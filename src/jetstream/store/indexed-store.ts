// What both stores share: the sequence and subject indexes, nats-server's state rules, limits, expiry and queries.

import {
  DEFAULT_LIMITS,
  LimitReason,
  StoreLimitError,
  type LimitReasonText,
  type MessageStore,
  type PurgeOptions,
  type RemoveListener,
  type RemoveReason,
  type StoreLimits,
  type StoreOptions,
  type StoreResult,
  type StoreState,
  type StoredMessage,
  type SubjectFilter,
  type SubjectState,
} from './types.js';
import { FilterMatcher, SubjectIndex, type SubjectRecord } from './subject-index.js';
import { TtlHeap } from './ttl-heap.js';

/** One live message in the index. The payload (memory) or the record's location (file) hangs off it. */
export class IndexEntry {
  headers: Buffer | null = null;
  data: Buffer | null = null;
  block: unknown = null;
  offset = 0;
  recordLength = 0;
  /** File store: the id of the cached chunk in which this record's checksum was found good (0 none); its bytes cannot change there. */
  checkedIn = 0;
  constructor(
    readonly seq: number,
    public subject: string,
    readonly timestampNs: bigint,
    /** Accounted bytes (nats-server's formula for this kind of store). */
    readonly size: number,
    /** 0: none; > 0: expires timestamp + ttlMs; < 0: never expires. */
    readonly ttlMs: number,
  ) {}
}

const epochOffsetNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

/** Nanoseconds since the epoch, from the wall clock at start-up plus the monotonic clock since. */
export function nowNs(): bigint {
  return epochOffsetNs + process.hrtime.bigint();
}

export function nsToMs(ns: bigint): number {
  return Number(ns / 1_000_000n);
}

/** How many sequences a lookup walks one by one before it asks the subject lists instead. */
const SCAN_BUDGET = 64;
const MAX_TIMER_MS = 2 ** 31 - 1;
/** A re-armed expiry timer waits at least this long, so steady expiry does not fire once per message. */
const EXPIRY_MIN_INTERVAL_MS = 5;

function onExpiryTimer(store: IndexedStore): void {
  store.expireNow();
}

function normalizeLimits(limits: StoreLimits): StoreLimits {
  const positive = (n: number): number => (Number.isFinite(n) && n > 0 ? n : 0);
  return {
    maxMsgs: positive(limits.maxMsgs),
    maxBytes: positive(limits.maxBytes),
    maxAgeMs: positive(limits.maxAgeMs),
    maxMsgsPerSubject: positive(limits.maxMsgsPerSubject),
    discard: limits.discard === 'new' ? 'new' : 'old',
    discardNewPerSubject: limits.discardNewPerSubject === true,
  };
}

export abstract class IndexedStore implements MessageStore {
  abstract readonly type: 'memory' | 'file';
  onRemove: RemoveListener | null = null;

  protected readonly index = new Map<number, IndexEntry>();
  protected readonly subjects: SubjectIndex;
  protected messages = 0;
  protected bytes = 0;
  protected firstSeq = 0;
  protected firstTimeNs = 0n;
  protected lastSeq = 0;
  protected lastTimeNs = 0n;
  protected closed = false;

  private currentLimits: StoreLimits;
  private readonly ttls = new TtlHeap();
  private expiryTimer: NodeJS.Timeout | null = null;
  private expiryDueMs = Infinity;
  /** No later than the first time a stored message reaches max age (Infinity: none can). */
  private ageDueMs = Infinity;
  private lastFilter: SubjectFilter | null = null;
  private lastMatcher: FilterMatcher | null = null;

  constructor(limits?: Partial<StoreLimits>) {
    this.currentLimits = normalizeLimits({ ...DEFAULT_LIMITS, ...limits });
    this.subjects = new SubjectIndex((seq, subject) => this.index.get(seq)?.subject === subject);
  }

  /** nats-server's accounted size of one message (memStoreMsgSize / fileStoreMsgSize). */
  protected abstract sizeOf(subjectLength: number, headersLength: number, dataLength: number): number;
  /** Keeps the payload; fills in the entry's location. Throws (changing nothing) if it cannot. */
  protected abstract persistAppend(entry: IndexEntry, headers: Buffer | null, data: Buffer): void;
  protected abstract readEntry(entry: IndexEntry): StoredMessage | null;
  /** The entries have left the index; secure also overwrites their bytes. */
  protected abstract persistRemove(entries: IndexEntry[], secure: boolean): void;
  /** Every message up to floorSeq is gone; `removed` lists them (null: all there were). */
  protected abstract persistFloor(floorSeq: number, removed: IndexEntry[] | null): void;
  /** Every message above seq is gone (`removed`); lastLive is the newest message left, if any. */
  protected abstract persistTruncate(seq: number, removed: IndexEntry[], lastLive: IndexEntry | null): void;
  /** Everything is gone and sequences start over. */
  protected abstract persistReset(): void;

  get limits(): Readonly<StoreLimits> {
    return this.currentLimits;
  }

  messageSize(subject: string, headers: Buffer | null, data: Buffer): number {
    return this.sizeOf(subject.length, headers ? headers.length : 0, data.length);
  }

  // ---- writing ----

  store(subject: string, headers: Buffer | null, data: Buffer, options?: StoreOptions): StoreResult {
    this.assertOpen();
    const seq = this.lastSeq + 1;
    const timestampNs = nowNs();
    this.append(seq, timestampNs, subject, headers, data, options?.ttlMs ?? 0);
    return { seq, timestampNs };
  }

  storeAt(seq: number, timestampNs: bigint, subject: string, headers: Buffer | null, data: Buffer, options?: StoreOptions): void {
    this.assertOpen();
    if (!Number.isSafeInteger(seq) || seq <= this.lastSeq) {
      throw new Error(`sequence ${seq} is not above the last sequence ${this.lastSeq}`);
    }
    this.append(seq, timestampNs, subject, headers, data, options?.ttlMs ?? 0);
  }

  wouldExceed(subject: string, headers: Buffer | null, data: Buffer): LimitReasonText | null {
    return this.discardNewReason(subject, this.messageSize(subject, headers, data), (headers?.length ?? 0) + data.length);
  }

  private append(seq: number, timestampNs: bigint, subject: string, headers: Buffer | null, data: Buffer, ttlMs: number): void {
    if (headers !== null && headers.length === 0) headers = null;
    const size = this.sizeOf(subject.length, headers ? headers.length : 0, data.length);
    const reason = this.discardNewReason(subject, size, (headers ? headers.length : 0) + data.length);
    if (reason !== null) throw new StoreLimitError(reason);
    const entry = new IndexEntry(seq, subject, timestampNs, size, Number.isFinite(ttlMs) ? ttlMs : 0);
    this.persistAppend(entry, headers, data);
    const record = this.addEntry(entry);
    this.lastSeq = seq;
    this.lastTimeNs = timestampNs;
    if (entry.ttlMs > 0) this.scheduleExpiry(this.ttlDueMs(entry));
    const limits = this.currentLimits;
    if (limits.maxAgeMs > 0 && entry.ttlMs >= 0) {
      const due = nsToMs(timestampNs) + limits.maxAgeMs;
      if (due < this.ageDueMs) {
        this.ageDueMs = due;
        this.scheduleExpiry(due);
      }
    }
    if (limits.maxMsgsPerSubject > 0 && record.count > limits.maxMsgsPerSubject) this.enforceSubjectLimit(record);
    if (limits.discard === 'old' || this.type === 'file') this.enforceTotalLimits();
  }

  /**
   * nats-server's discard-new checks (memstore storeRawMsg), including the replace-at-subject-limit exception.
   * nats-server's file store compares max_bytes with the raw headers + payload size (`rawSize`) rather than
   * the stored size, and then trims old messages to fit; we do the same for file stores.
   */
  private discardNewReason(subject: string, size: number, rawSize: number): LimitReasonText | null {
    const limits = this.currentLimits;
    if (limits.discard !== 'new') return null;
    const record = limits.maxMsgsPerSubject > 0 ? this.subjects.records.get(subject) : undefined;
    const atSubjectLimit = record !== undefined && record.count >= limits.maxMsgsPerSubject;
    if (atSubjectLimit && limits.discardNewPerSubject) return LimitReason.maxMsgsPerSubject;
    if (limits.maxMsgs > 0 && this.messages >= limits.maxMsgs && !atSubjectLimit) return LimitReason.maxMsgs;
    if (limits.maxBytes > 0 && this.bytes + (this.type === 'file' ? rawSize : size) >= limits.maxBytes) {
      if (record === undefined || !atSubjectLimit) return LimitReason.maxBytes;
      const replaced = this.index.get(this.subjects.firstLive(record));
      if (replaced === undefined || replaced.size < size) return LimitReason.maxBytes;
    }
    return null;
  }

  /** Puts an entry in the indexes and the counts (also used while recovering). */
  protected addEntry(entry: IndexEntry): SubjectRecord {
    const record = this.subjects.add(entry.subject, entry.seq);
    entry.subject = record.subject;
    this.index.set(entry.seq, entry);
    if (this.messages === 0) {
      this.firstSeq = entry.seq;
      this.firstTimeNs = entry.timestampNs;
    }
    this.messages++;
    this.bytes += entry.size;
    if (entry.ttlMs > 0) this.ttls.push(this.ttlDueMs(entry), entry.seq);
    return record;
  }

  /** Takes an entry out of the indexes and the counts, without touching storage. */
  protected unindex(entry: IndexEntry): void {
    this.index.delete(entry.seq);
    this.subjects.remove(entry.subject, entry.seq);
    this.messages--;
    this.bytes -= entry.size;
    if (entry.seq === this.firstSeq) this.advanceFirst(entry.seq + 1);
  }

  protected removeEntry(entry: IndexEntry, reason: RemoveReason | null, secure = false): void {
    this.unindex(entry);
    this.persistRemove([entry], secure);
    if (reason !== null && this.onRemove !== null) this.onRemove(entry.seq, entry.subject, reason);
  }

  private advanceFirst(from: number): void {
    const seq = this.messages === 0 ? 0 : this.nextLiveSeq(from);
    if (seq === 0) {
      this.firstSeq = this.lastSeq + 1;
      this.firstTimeNs = 0n;
    } else {
      this.firstSeq = seq;
      this.firstTimeNs = (this.index.get(seq) as IndexEntry).timestampNs;
    }
  }

  private enforceSubjectLimit(record: SubjectRecord): void {
    const max = this.currentLimits.maxMsgsPerSubject;
    while (max > 0 && record.count > max) {
      const entry = this.index.get(this.subjects.firstLive(record));
      if (entry === undefined) break;
      this.removeEntry(entry, 'maxMsgsPerSubject');
    }
  }

  /** Applies every limit to what is stored (per-subject only if it is new or lower than previousPerSubject). */
  private enforceAllLimits(previousPerSubject: number): void {
    const max = this.currentLimits.maxMsgsPerSubject;
    if (max > 0 && (previousPerSubject === 0 || max < previousPerSubject)) {
      for (const record of [...this.subjects.records.values()]) if (record.count > max) this.enforceSubjectLimit(record);
    }
    // Lowered limits trim old messages whatever the discard policy (nats-server does so on a stream update).
    this.enforceTotalLimits();
  }

  private enforceTotalLimits(): void {
    const { maxMsgs, maxBytes } = this.currentLimits;
    while (maxMsgs > 0 && this.messages > maxMsgs) this.removeFirst('maxMsgs');
    while (maxBytes > 0 && this.bytes > maxBytes && this.messages > 0) this.removeFirst('maxBytes');
  }

  private removeFirst(reason: RemoveReason): void {
    this.removeEntry(this.index.get(this.firstSeq) as IndexEntry, reason);
  }

  remove(seq: number): boolean {
    this.assertOpen();
    const entry = this.index.get(seq);
    if (entry === undefined) return false;
    this.removeEntry(entry, null);
    return true;
  }

  erase(seq: number): boolean {
    this.assertOpen();
    const entry = this.index.get(seq);
    if (entry === undefined) return false;
    this.removeEntry(entry, null, true);
    return true;
  }

  purge(options: PurgeOptions = {}): number {
    this.assertOpen();
    const upToSeq = options.upToSeq ?? 0;
    const keep = options.keep ?? 0;
    const matcher = new FilterMatcher(options.subject ?? '');
    if (matcher.all) {
      if (keep <= 0) return upToSeq > 0 ? this.compact(upToSeq) : this.compact(this.lastSeq + 1);
      if (keep >= this.messages) return 0;
      let boundary = this.prevLiveSeq(this.lastSeq);
      for (let i = 1; i < keep; i++) boundary = this.prevLiveSeq(boundary - 1);
      return this.compact(upToSeq > 0 ? Math.min(boundary, upToSeq) : boundary);
    }
    const records = this.subjects.matching(matcher);
    let seqs: number[] = [];
    for (const record of records) seqs = seqs.length === 0 ? this.subjects.liveSeqs(record) : seqs.concat(this.subjects.liveSeqs(record));
    if (records.length > 1) seqs.sort((a, b) => a - b);
    let limit = seqs.length;
    if (keep > 0) {
      if (keep >= seqs.length) return 0;
      limit = seqs.length - keep;
    }
    const removed: IndexEntry[] = [];
    for (let i = 0; i < limit; i++) {
      if (upToSeq > 0 && seqs[i] >= upToSeq) break;
      removed.push(this.index.get(seqs[i]) as IndexEntry);
    }
    for (const entry of removed) this.unindex(entry);
    if (removed.length > 0) this.persistRemove(removed, false);
    return removed.length;
  }

  compact(seq: number): number {
    this.assertOpen();
    if (seq <= 0) seq = this.lastSeq + 1;
    const count = this.messages;
    if (seq > this.lastSeq) {
      this.index.clear();
      this.subjects.clear();
      this.ttls.clear();
      this.messages = 0;
      this.bytes = 0;
      this.lastSeq = seq - 1;
      this.firstSeq = seq;
      this.firstTimeNs = 0n;
      this.persistFloor(seq - 1, null);
      return count;
    }
    if (this.messages === 0 || seq <= this.firstSeq) return 0;
    const removed: IndexEntry[] = [];
    if (seq - this.firstSeq <= 2 * this.messages + SCAN_BUDGET) {
      for (let s = this.firstSeq; s < seq; s++) {
        const entry = this.index.get(s);
        if (entry !== undefined) removed.push(entry);
      }
    } else {
      for (const entry of this.index.values()) {
        if (entry.seq >= seq) break;
        removed.push(entry);
      }
    }
    for (const entry of removed) {
      this.index.delete(entry.seq);
      this.subjects.remove(entry.subject, entry.seq);
      this.messages--;
      this.bytes -= entry.size;
    }
    this.advanceFirst(seq);
    this.persistFloor(seq - 1, removed);
    return removed.length;
  }

  truncate(seq: number): void {
    this.assertOpen();
    if (seq <= 0) {
      this.index.clear();
      this.subjects.clear();
      this.ttls.clear();
      this.messages = 0;
      this.bytes = 0;
      this.firstSeq = this.lastSeq = 0;
      this.firstTimeNs = this.lastTimeNs = 0n;
      this.persistReset();
      return;
    }
    if (seq >= this.lastSeq) return;
    const removed: IndexEntry[] = [];
    if (this.lastSeq - seq <= 2 * this.messages + SCAN_BUDGET) {
      for (let s = this.lastSeq; s > seq; s--) {
        const entry = this.index.get(s);
        if (entry !== undefined) removed.push(entry);
      }
    } else {
      for (const entry of this.index.values()) if (entry.seq > seq) removed.push(entry);
      removed.reverse();
    }
    for (const entry of removed) {
      this.index.delete(entry.seq);
      this.subjects.remove(entry.subject, entry.seq);
      this.messages--;
      this.bytes -= entry.size;
    }
    this.subjects.truncateAbove(seq);
    this.lastSeq = seq;
    const lastLive = this.messages > 0 ? (this.index.get(this.prevLiveSeq(seq)) ?? null) : null;
    this.lastTimeNs = lastLive !== null ? lastLive.timestampNs : 0n;
    if (this.messages === 0) {
      this.firstSeq = seq + 1;
      this.firstTimeNs = 0n;
    }
    this.persistTruncate(seq, removed, lastLive);
  }

  updateLimits(limits: Partial<StoreLimits>): void {
    this.assertOpen();
    const old = this.currentLimits;
    this.currentLimits = normalizeLimits({ ...old, ...limits });
    this.enforceAllLimits(old.maxMsgsPerSubject);
    this.ageDueMs = Infinity;
    this.expireNow();
  }

  // ---- expiry ----

  private ttlDueMs(entry: IndexEntry): number {
    return nsToMs(entry.timestampNs) + entry.ttlMs;
  }

  private scheduleExpiry(dueMs: number): void {
    if (this.closed || dueMs >= this.expiryDueMs) return;
    if (this.expiryTimer !== null) clearTimeout(this.expiryTimer);
    this.expiryDueMs = dueMs;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, dueMs - Date.now()));
    this.expiryTimer = setTimeout(onExpiryTimer, delay, this);
    this.expiryTimer.unref();
  }

  /** Removes every message past its TTL or max age now, and re-arms the timer. */
  expireNow(): void {
    if (this.expiryTimer !== null) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    this.expiryDueMs = Infinity;
    if (this.closed) return;
    const nowMs = Date.now();
    while (this.ttls.size > 0 && this.ttls.peekTime() <= nowMs) {
      const entry = this.index.get(this.ttls.pop());
      if (entry !== undefined && entry.ttlMs > 0 && this.ttlDueMs(entry) <= nowMs) this.removeEntry(entry, 'ttl');
    }
    const maxAge = this.currentLimits.maxAgeMs;
    this.ageDueMs = Infinity;
    if (maxAge > 0) {
      const minAgeNs = nowNs() - BigInt(maxAge) * 1_000_000n;
      let seq = this.messages > 0 ? this.firstSeq : 0;
      while (seq !== 0) {
        const entry = this.index.get(seq);
        const next = this.nextLiveSeq(seq + 1);
        if (entry !== undefined && entry.ttlMs >= 0) {
          if (entry.timestampNs > minAgeNs) {
            this.ageDueMs = nsToMs(entry.timestampNs) + maxAge;
            break;
          }
          this.removeEntry(entry, 'maxAge');
        }
        seq = next;
      }
    }
    const due = Math.min(this.ageDueMs, this.ttls.peekTime());
    if (due !== Infinity) this.scheduleExpiry(Math.max(due, Date.now() + EXPIRY_MIN_INTERVAL_MS));
  }

  // ---- reading ----

  load(seq: number): StoredMessage | null {
    const entry = this.index.get(seq);
    return entry === undefined ? null : this.readEntry(entry);
  }

  loadNext(filter: SubjectFilter, fromSeq: number): StoredMessage | null {
    const matcher = this.matcher(filter);
    // Every subject and the next sequence live (a consumer replaying the stream): one index lookup, not two.
    if (matcher.all && fromSeq >= this.firstSeq) {
      const entry = this.index.get(fromSeq);
      if (entry !== undefined) return this.readEntry(entry);
    }
    const seq = this.nextMatchingSeq(matcher, fromSeq);
    return seq === 0 ? null : this.load(seq);
  }

  loadLast(filter: SubjectFilter): StoredMessage | null {
    // One literal subject (a KV key): its own record, without compiling a matcher for it.
    if (typeof filter === 'string' && filter !== '' && filter.indexOf('*') < 0 && filter.indexOf('>') < 0) {
      const record = this.messages === 0 ? undefined : this.subjects.records.get(filter);
      const seq = record === undefined ? 0 : this.subjects.lastAtOrBefore(record, this.lastSeq);
      return seq > 0 ? this.load(seq) : null;
    }
    return this.loadPrevious(this.lastSeq, filter);
  }

  loadPrevious(fromSeq: number, filter: SubjectFilter = '>'): StoredMessage | null {
    const seq = this.prevMatchingSeq(this.matcher(filter), Math.min(fromSeq, this.lastSeq));
    return seq === 0 ? null : this.load(seq);
  }

  seqForTime(timestampNs: bigint): number {
    if (this.messages === 0) return this.lastSeq + 1;
    let low = this.firstSeq;
    let high = this.lastSeq + 1;
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      const seq = this.nextLiveSeq(mid);
      if (seq === 0 || (this.index.get(seq) as IndexEntry).timestampNs >= timestampNs) high = mid;
      else low = mid + 1;
    }
    return this.nextLiveSeq(low) || this.lastSeq + 1;
  }

  state(includeDeleted = false): StoreState {
    const numDeleted = this.messages === 0 ? 0 : this.lastSeq - this.firstSeq + 1 - this.messages;
    const state: StoreState = {
      messages: this.messages,
      bytes: this.bytes,
      firstSeq: this.firstSeq,
      firstTimeNs: this.firstTimeNs,
      lastSeq: this.lastSeq,
      lastTimeNs: this.lastTimeNs,
      numDeleted,
      numSubjects: this.subjects.size,
    };
    if (includeDeleted) {
      const deleted: number[] = [];
      if (numDeleted > 0) for (let s = this.firstSeq; s <= this.lastSeq; s++) if (!this.index.has(s)) deleted.push(s);
      state.deleted = deleted;
    }
    return state;
  }

  subjectsState(filter: SubjectFilter): Map<string, SubjectState> {
    const out = new Map<string, SubjectState>();
    for (const record of this.subjects.matching(this.matcher(filter))) {
      out.set(record.subject, {
        messages: record.count,
        firstSeq: this.subjects.firstLive(record),
        lastSeq: this.subjects.lastLive(record),
      });
    }
    return out;
  }

  numPending(filter: SubjectFilter, fromSeq: number, lastPerSubject: boolean): number {
    if (this.messages === 0) return 0;
    const from = Math.max(fromSeq, this.firstSeq);
    if (from > this.lastSeq) return 0;
    const matcher = this.matcher(filter);
    if (matcher.all && !lastPerSubject) {
      if (from <= this.firstSeq) return this.messages;
      const above = this.lastSeq - from + 1;
      const below = from - this.firstSeq;
      if (Math.min(above, below) <= 4 * this.messages + 1024) {
        let n = 0;
        if (above <= below) {
          for (let s = from; s <= this.lastSeq; s++) if (this.index.has(s)) n++;
          return n;
        }
        for (let s = this.firstSeq; s < from; s++) if (this.index.has(s)) n++;
        return this.messages - n;
      }
    }
    let total = 0;
    for (const record of this.subjects.matching(matcher)) {
      if (lastPerSubject) {
        if (this.subjects.lastLive(record) >= from) total++;
      } else {
        total += this.subjects.countAtOrAfter(record, from);
      }
    }
    return total;
  }

  private matcher(filter: SubjectFilter): FilterMatcher {
    if (filter !== this.lastFilter || this.lastMatcher === null) {
      this.lastMatcher = new FilterMatcher(filter);
      this.lastFilter = filter;
    }
    return this.lastMatcher;
  }

  /** The smallest live sequence >= from, or 0. */
  protected nextLiveSeq(from: number): number {
    if (this.messages === 0) return 0;
    const end = Math.min(this.lastSeq, from + SCAN_BUDGET);
    for (let s = from; s <= end; s++) if (this.index.has(s)) return s;
    if (end >= this.lastSeq) return 0;
    let best = 0;
    for (const record of this.subjects.records.values()) {
      const s = this.subjects.firstAtOrAfter(record, end + 1);
      if (s !== 0 && (best === 0 || s < best)) best = s;
    }
    return best;
  }

  /** The largest live sequence <= from, or 0. */
  protected prevLiveSeq(from: number): number {
    if (this.messages === 0) return 0;
    const end = Math.max(this.firstSeq, from - SCAN_BUDGET);
    for (let s = from; s >= end; s--) if (this.index.has(s)) return s;
    if (end <= this.firstSeq) return 0;
    let best = 0;
    for (const record of this.subjects.records.values()) {
      const s = this.subjects.lastAtOrBefore(record, end - 1);
      if (s > best) best = s;
    }
    return best;
  }

  private nextMatchingSeq(matcher: FilterMatcher, fromSeq: number): number {
    if (this.messages === 0) return 0;
    const from = Math.max(fromSeq, this.firstSeq);
    if (from > this.lastSeq) return 0;
    if (matcher.all) return this.nextLiveSeq(from);
    let start = from;
    if (matcher.hasWildcards) {
      const end = Math.min(this.lastSeq, from + SCAN_BUDGET);
      for (let s = from; s <= end; s++) {
        const entry = this.index.get(s);
        if (entry !== undefined && matcher.matches(entry.subject)) return s;
      }
      if (end >= this.lastSeq) return 0;
      start = end + 1;
    }
    let best = 0;
    for (const record of this.subjects.matching(matcher)) {
      const s = this.subjects.firstAtOrAfter(record, start);
      if (s !== 0 && (best === 0 || s < best)) best = s;
    }
    return best;
  }

  private prevMatchingSeq(matcher: FilterMatcher, fromSeq: number): number {
    if (this.messages === 0 || fromSeq < this.firstSeq) return 0;
    if (matcher.all) return this.prevLiveSeq(fromSeq);
    let start = fromSeq;
    if (matcher.hasWildcards) {
      const end = Math.max(this.firstSeq, fromSeq - SCAN_BUDGET);
      for (let s = fromSeq; s >= end; s--) {
        const entry = this.index.get(s);
        if (entry !== undefined && matcher.matches(entry.subject)) return s;
      }
      if (end <= this.firstSeq) return 0;
      start = end - 1;
    }
    let best = 0;
    for (const record of this.subjects.matching(matcher)) {
      const s = this.subjects.lastAtOrBefore(record, start);
      if (s > best) best = s;
    }
    return best;
  }

  // ---- recovery and lifecycle (for subclasses) ----

  /** Drops, without touching storage, every entry up to floorSeq (a purge marker met while recovering). */
  protected dropUpTo(floorSeq: number): IndexEntry[] {
    const removed: IndexEntry[] = [];
    for (const entry of this.index.values()) {
      if (entry.seq > floorSeq) break;
      removed.push(entry);
    }
    for (const entry of removed) {
      this.index.delete(entry.seq);
      this.subjects.remove(entry.subject, entry.seq);
      this.messages--;
      this.bytes -= entry.size;
    }
    return removed;
  }

  /** After recovery: sets first/last as nats-server would report them, then applies limits and expiry. */
  protected finishRecovery(lastSeq: number, lastTimeNs: bigint, sawRecords: boolean): void {
    this.lastSeq = lastSeq;
    this.lastTimeNs = lastTimeNs;
    if (this.messages > 0) {
      const first = this.index.values().next().value as IndexEntry;
      this.firstSeq = first.seq;
      this.firstTimeNs = first.timestampNs;
    } else {
      this.firstSeq = sawRecords ? lastSeq + 1 : 0;
      this.firstTimeNs = 0n;
    }
    this.enforceAllLimits(0);
    this.expireNow();
  }

  protected assertOpen(): void {
    if (this.closed) throw new Error('message store is closed');
  }

  /** Stops the expiry timer and refuses further calls. */
  protected closeIndex(): void {
    this.closed = true;
    if (this.expiryTimer !== null) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
  }

  abstract flush(): Promise<void>;
  abstract close(): Promise<void>;
  abstract delete(): Promise<void>;
}

// Per-subject sequence lists for the stores, and compiled subject filters with `*` / `>` wildcards.

import type { SubjectFilter } from './types.js';

/** Whether a stored sequence is live and still on the given subject (sequences may come back after truncate). */
export type Liveness = (seq: number, subject: string) => boolean;

/**
 * The sequences of one subject, ascending. Removal is lazy: removed sequences stay in the array until
 * they reach either end or the dead ones outnumber the live ones, so any removal is O(1) amortized.
 */
export class SubjectRecord {
  seqs: number[] = [];
  head = 0;
  count = 0;
  constructor(readonly subject: string) {}
}

/** A subject filter compiled once: matches literal subjects without splitting them. */
export class FilterMatcher {
  readonly all: boolean;
  /** SubjectIndex.matching() caches its answer here, valid while the index's generation is unchanged. */
  cachedRecords: SubjectRecord[] | null = null;
  cachedGeneration = -1;
  /** The filters without wildcards (exact lookups), and the tokenized wildcard filters. */
  readonly literals: string[] = [];
  private readonly patterns: string[][] = [];

  constructor(filter: SubjectFilter) {
    const filters = typeof filter === 'string' ? [filter] : filter;
    let all = filters.length === 0;
    for (const f of filters) {
      if (f === '' || f === '>') all = true;
      const tokens = f.split('.');
      if (tokens.includes('*') || tokens.includes('>')) this.patterns.push(tokens);
      else if (!this.literals.includes(f)) this.literals.push(f);
    }
    this.all = all;
  }

  get hasWildcards(): boolean {
    return this.all || this.patterns.length > 0;
  }

  matches(subject: string): boolean {
    if (this.all) return true;
    for (const literal of this.literals) if (literal === subject) return true;
    for (const pattern of this.patterns) if (matchTokens(pattern, subject)) return true;
    return false;
  }
}

function matchTokens(pattern: string[], subject: string): boolean {
  let start = 0;
  const last = pattern.length - 1;
  for (let i = 0; i <= last; i++) {
    if (start > subject.length) return false;
    const token = pattern[i];
    if (token === '>' && i === last) return start < subject.length;
    let end = subject.indexOf('.', start);
    if (end < 0) end = subject.length;
    if (token !== '*' && (end - start !== token.length || !subject.startsWith(token, start))) return false;
    start = end + 1;
  }
  return start === subject.length + 1;
}

/** Every subject of the store with its sequences. */
export class SubjectIndex {
  readonly records = new Map<string, SubjectRecord>();
  /** Bumped whenever a subject appears or disappears. */
  generation = 0;

  constructor(private readonly live: Liveness) {}

  get size(): number {
    return this.records.size;
  }

  /** Adds a sequence above every sequence of this subject; returns the record (its subject string is the interned one). */
  add(subject: string, seq: number): SubjectRecord {
    let record = this.records.get(subject);
    if (!record) {
      record = new SubjectRecord(subject);
      this.records.set(subject, record);
      this.generation++;
    }
    record.seqs.push(seq);
    record.count++;
    return record;
  }

  /** Call after the sequence stopped being live. */
  remove(subject: string, seq: number): void {
    const record = this.records.get(subject);
    if (!record) return;
    if (--record.count === 0) {
      this.records.delete(subject);
      this.generation++;
      return;
    }
    const seqs = record.seqs;
    if (seqs[record.head] === seq) this.firstLive(record);
    else if (seqs[seqs.length - 1] === seq) this.lastLive(record);
    else if (seqs.length - record.head > 2 * record.count + 32) this.rebuild(record);
  }

  clear(): void {
    this.records.clear();
    this.generation++;
  }

  /** Drops every sequence above seq from every subject (after a truncate). */
  truncateAbove(seq: number): void {
    for (const record of this.records.values()) {
      const seqs = record.seqs;
      while (seqs.length > record.head && seqs[seqs.length - 1] > seq) seqs.pop();
    }
  }

  firstLive(record: SubjectRecord): number {
    const seqs = record.seqs;
    let head = record.head;
    while (head < seqs.length && !this.live(seqs[head], record.subject)) head++;
    record.head = head;
    if (head > 1024 && head * 2 > seqs.length) {
      record.seqs = seqs.slice(head);
      record.head = 0;
    }
    return record.seqs[record.head];
  }

  lastLive(record: SubjectRecord): number {
    const seqs = record.seqs;
    while (seqs.length > record.head && !this.live(seqs[seqs.length - 1], record.subject)) seqs.pop();
    return seqs[seqs.length - 1];
  }

  /** The first live sequence >= seq, or 0. */
  firstAtOrAfter(record: SubjectRecord, seq: number): number {
    const seqs = record.seqs;
    if (seq <= seqs[record.head]) return this.firstLive(record);
    for (let i = lowerBound(seqs, record.head, seq); i < seqs.length; i++) {
      if (this.live(seqs[i], record.subject)) return seqs[i];
    }
    return 0;
  }

  /** The last live sequence <= seq, or 0. */
  lastAtOrBefore(record: SubjectRecord, seq: number): number {
    const seqs = record.seqs;
    if (seq >= seqs[seqs.length - 1]) return this.lastLive(record);
    for (let i = lowerBound(seqs, record.head, seq + 1) - 1; i >= record.head; i--) {
      if (this.live(seqs[i], record.subject)) return seqs[i];
    }
    return 0;
  }

  /** How many live sequences are >= seq. */
  countAtOrAfter(record: SubjectRecord, seq: number): number {
    if (seq <= this.firstLive(record)) return record.count;
    if (seq > this.lastLive(record)) return 0;
    const seqs = record.seqs;
    let n = 0;
    for (let i = lowerBound(seqs, record.head, seq); i < seqs.length; i++) {
      if (this.live(seqs[i], record.subject)) n++;
    }
    return n;
  }

  /** The live sequences of a record, ascending. */
  liveSeqs(record: SubjectRecord): number[] {
    const out: number[] = [];
    const seqs = record.seqs;
    for (let i = record.head; i < seqs.length; i++) if (this.live(seqs[i], record.subject)) out.push(seqs[i]);
    return out;
  }

  /** The records whose subject the filter matches. */
  matching(matcher: FilterMatcher): SubjectRecord[] {
    const out: SubjectRecord[] = [];
    if (!matcher.hasWildcards) {
      for (const literal of matcher.literals) {
        const record = this.records.get(literal);
        if (record) out.push(record);
      }
      return out;
    }
    if (matcher.cachedRecords !== null && matcher.cachedGeneration === this.generation) return matcher.cachedRecords;
    for (const record of this.records.values()) if (matcher.matches(record.subject)) out.push(record);
    matcher.cachedRecords = out;
    matcher.cachedGeneration = this.generation;
    return out;
  }

  private rebuild(record: SubjectRecord): void {
    record.seqs = this.liveSeqs(record);
    record.head = 0;
  }
}

/** The first index i >= from with values[i] >= target (values ascending). */
function lowerBound(values: number[], from: number, target: number): number {
  let low = from;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (values[mid] < target) low = mid + 1;
    else high = mid;
  }
  return low;
}

// The subscription index: a trie of subjects (trie.ts) behind a bounded, exactly maintained match cache.
//
// Matching walks the trie once per distinct subject; repeat subjects are served from the cache. The cache
// stays exact: adding a subscription patches every cached result it matches, removing one evicts them.
// Once the cache is full, a subject gets in only on its second miss: one-off subjects (each reply's
// `_INBOX.<id>.<n>`) would otherwise push out the subjects that do repeat, and every cached result that
// lives long enough to be promoted to V8's old space and then evicted makes the next full GC longer.

import { subjectsCollide, subjectMatches } from './subject.js';
import { Collector, collect, EMPTY_RESULT, TrieLevel, trieInsert, trieRemove, walk, type SublistEntry, type SublistResult } from './trie.js';

export type { SublistEntry, SublistResult } from './trie.js';

export interface SublistStats {
  subscriptions: number;
  cacheEntries: number;
  inserts: number;
  removes: number;
  matches: number;
  cacheHits: number;
  /** Largest and mean number of receivers (plain subscriptions + queue groups) among cached results. */
  maxFanout: number;
  avgFanout: number;
}

export const DEFAULT_CACHE_SIZE = 1024;
/** Remembered hashes of subjects that missed while the cache was full (a power of two). */
const DOORKEEPER_SLOTS = 4096;

export class Sublist<S extends SublistEntry> {
  private readonly root = new TrieLevel<S>();
  private readonly cache = new Map<string, SublistResult<S>>();
  /** Hashes of subjects that missed while the cache was full; created when it first fills. */
  private doorkeeper: Int32Array | null = null;
  /** Scratch state of one match, reused so a cache miss allocates only what its result keeps. */
  private readonly collector = new Collector<S>();
  private count = 0;
  private inserts = 0;
  private removes = 0;
  private matches = 0;
  private cacheHits = 0;

  /** A cache size of 0 turns the cache off (`disable_sublist_cache`). */
  constructor(private readonly cacheSize = DEFAULT_CACHE_SIZE) {}

  get size(): number {
    return this.count;
  }

  insert(sub: S): void {
    if (!trieInsert(this.root, sub)) return;
    this.count++;
    this.inserts++;
    this.patchCacheForInsert(sub);
  }

  /** Removes a subscription; returns whether it was there. */
  remove(sub: S): boolean {
    if (!trieRemove(this.root, sub)) return false;
    this.count--;
    this.removes++;
    this.evictCacheForRemove(sub);
    return true;
  }

  /** The subscriptions that match a literal subject. The result must not be modified. */
  match(subject: string): SublistResult<S> {
    this.matches++;
    const cached = this.cache.get(subject);
    if (cached !== undefined) {
      this.cacheHits++;
      return cached;
    }
    const collector = this.collector;
    // A subject with an empty token reaches nobody, not even '>' (nats-server drops such messages).
    if (!collector.tokenize(subject)) return EMPTY_RESULT as SublistResult<S>;
    collect(this.root, 0, collector);
    const result = collector.take();
    if (this.cacheSize > 0) {
      if (this.cache.size < this.cacheSize) {
        this.cache.set(subject, result);
      } else if (this.seenBefore(subject)) {
        this.shrinkCache();
        this.cache.set(subject, result);
      }
    }
    return result;
  }

  /** Whether any subscription matches the subject (for no-responders and interest checks). */
  hasInterest(subject: string): boolean {
    const result = this.match(subject);
    return result.plain.length > 0 || result.queues.length > 0;
  }

  /** Every subscription, in no particular order. */
  all(): S[] {
    const out: S[] = [];
    walk(this.root, out);
    return out;
  }

  /** Counters plus fan-out figures walked from the cache: only when asked (monitoring), never per message. */
  stats(): SublistStats {
    let maxFanout = 0;
    let totalFanout = 0;
    for (const result of this.cache.values()) {
      const fanout = result.plain.length + result.queues.length;
      totalFanout += fanout;
      if (fanout > maxFanout) maxFanout = fanout;
    }
    return {
      maxFanout,
      avgFanout: this.cache.size > 0 ? totalFanout / this.cache.size : 0,
      subscriptions: this.count,
      cacheEntries: this.cache.size,
      inserts: this.inserts,
      removes: this.removes,
      matches: this.matches,
      cacheHits: this.cacheHits,
    };
  }

  /** The cache drops its oldest quarter when full; Map iteration is insertion order. */
  private shrinkCache(): void {
    let drop = Math.max(1, this.cacheSize >> 2);
    for (const key of this.cache.keys()) {
      this.cache.delete(key);
      if (--drop === 0) break;
    }
  }

  /** Whether the subject missed recently while the cache was full; remembers it if not. */
  private seenBefore(subject: string): boolean {
    const hash = fnv1a(subject);
    const slots = (this.doorkeeper ??= new Int32Array(DOORKEEPER_SLOTS));
    const slot = hash & (DOORKEEPER_SLOTS - 1);
    if (slots[slot] === hash) return true;
    slots[slot] = hash;
    return false;
  }

  private patchCacheForInsert(sub: S): void {
    if (this.cache.size === 0) return;
    if (!sub.subject.includes('*') && !sub.subject.includes('>')) {
      const cached = this.cache.get(sub.subject);
      if (cached !== undefined) this.cache.set(sub.subject, withAdded(cached, sub));
      return;
    }
    for (const [subject, cached] of this.cache) {
      if (subjectMatches(sub.subject, subject)) this.cache.set(subject, withAdded(cached, sub));
    }
  }

  private evictCacheForRemove(sub: S): void {
    if (this.cache.size === 0) return;
    if (!sub.subject.includes('*') && !sub.subject.includes('>')) {
      this.cache.delete(sub.subject);
      return;
    }
    for (const subject of this.cache.keys()) {
      if (subjectsCollide(sub.subject, subject)) this.cache.delete(subject);
    }
  }
}

/** 32-bit FNV-1a of a subject's UTF-16 code units: a cheap fingerprint for the doorkeeper. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}

function withAdded<S extends SublistEntry>(result: SublistResult<S>, sub: S): SublistResult<S> {
  if (sub.queue === '') return { plain: [...result.plain, sub], queues: result.queues };
  const queues = result.queues.slice();
  const index = queues.findIndex((group) => group[0].queue === sub.queue);
  if (index >= 0) queues[index] = [...queues[index], sub];
  else queues.push([sub]);
  return { plain: result.plain, queues };
}

// The subscription trie: subjects split into tokens, with '*' and '>' branches, plus a bounded match cache.
//
// Matching walks the trie once per distinct subject; repeat subjects are served from the cache. The cache
// stays exact: adding a subscription patches every cached result it matches, removing one evicts them.

import { subjectsCollide, subjectMatches } from './subject.js';

/** What the Sublist needs to know of a subscription. */
export interface SublistEntry {
  readonly subject: string;
  /** '' for a plain subscription. */
  readonly queue: string;
}

/** The subscriptions interested in one subject: plain ones, and one array per queue group. */
export interface SublistResult<S extends SublistEntry> {
  readonly plain: readonly S[];
  readonly queues: readonly (readonly S[])[];
}

class TrieNode<S extends SublistEntry> {
  next: TrieLevel<S> | null = null;
  readonly plain = new Set<S>();
  /** Queue name -> members. */
  readonly queues = new Map<string, Set<S>>();

  isEmpty(): boolean {
    return this.plain.size === 0 && this.queues.size === 0 && (this.next === null || this.next.isEmpty());
  }
}

class TrieLevel<S extends SublistEntry> {
  readonly literal = new Map<string, TrieNode<S>>();
  star: TrieNode<S> | null = null;
  fullWildcard: TrieNode<S> | null = null;

  isEmpty(): boolean {
    return this.literal.size === 0 && this.star === null && this.fullWildcard === null;
  }
}

export interface SublistStats {
  subscriptions: number;
  cacheEntries: number;
  inserts: number;
  removes: number;
  matches: number;
  cacheHits: number;
}

export const DEFAULT_CACHE_SIZE = 1024;

export class Sublist<S extends SublistEntry> {
  private readonly root = new TrieLevel<S>();
  private readonly cache = new Map<string, SublistResult<S>>();
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
    const tokens = sub.subject.split('.');
    let level = this.root;
    let node: TrieNode<S> | null = null;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i];
      if (token === '*') {
        node = level.star ??= new TrieNode<S>();
      } else if (token === '>') {
        node = level.fullWildcard ??= new TrieNode<S>();
      } else {
        node = level.literal.get(token) ?? null;
        if (node === null) {
          node = new TrieNode<S>();
          level.literal.set(token, node);
        }
      }
      if (i < tokens.length - 1) level = node.next ??= new TrieLevel<S>();
    }
    const leaf = node!;
    if (sub.queue === '') {
      if (leaf.plain.has(sub)) return;
      leaf.plain.add(sub);
    } else {
      let members = leaf.queues.get(sub.queue);
      if (members === undefined) {
        members = new Set<S>();
        leaf.queues.set(sub.queue, members);
      }
      if (members.has(sub)) return;
      members.add(sub);
    }
    this.count++;
    this.inserts++;
    this.patchCacheForInsert(sub);
  }

  /** Removes a subscription; returns whether it was there. */
  remove(sub: S): boolean {
    const tokens = sub.subject.split('.');
    const path: { level: TrieLevel<S>; node: TrieNode<S>; token: string }[] = [];
    let level: TrieLevel<S> | null = this.root;
    let node: TrieNode<S> | null = null;
    for (let i = 0; i < tokens.length; i++) {
      if (level === null) return false;
      const token = tokens[i];
      node = token === '*' ? level.star : token === '>' ? level.fullWildcard : level.literal.get(token) ?? null;
      if (node === null) return false;
      path.push({ level, node, token });
      level = node.next;
    }
    const leaf = node!;
    if (sub.queue === '') {
      if (!leaf.plain.delete(sub)) return false;
    } else {
      const members = leaf.queues.get(sub.queue);
      if (members === undefined || !members.delete(sub)) return false;
      if (members.size === 0) leaf.queues.delete(sub.queue);
    }
    // Prune nodes left empty, from the leaf up.
    for (let i = path.length - 1; i >= 0; i--) {
      const step = path[i];
      if (step.node.next !== null && step.node.next.isEmpty()) step.node.next = null;
      if (!step.node.isEmpty()) break;
      if (step.token === '*') step.level.star = null;
      else if (step.token === '>') step.level.fullWildcard = null;
      else step.level.literal.delete(step.token);
    }
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
    const tokens = subject.split('.');
    // A subject with an empty token reaches nobody, not even '>' (nats-server drops such messages).
    if (tokens.includes('')) return EMPTY_RESULT as SublistResult<S>;
    const plain: S[] = [];
    const queues = new Map<string, S[]>();
    collect(this.root, tokens, 0, plain, queues);
    const result: SublistResult<S> = { plain, queues: [...queues.values()] };
    if (this.cacheSize > 0) {
      if (this.cache.size >= this.cacheSize) this.shrinkCache();
      this.cache.set(subject, result);
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

  stats(): SublistStats {
    return {
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

const EMPTY_RESULT: SublistResult<SublistEntry> = { plain: [], queues: [] };

/**
 * Gathers matches in nats-server's order ('>' first, then '*' branches before the literal path, and at the
 * last token the literal node before '*'), so one connection with several matching subscriptions sees
 * its copies in the same order as with nats-server.
 */
function collect<S extends SublistEntry>(level: TrieLevel<S>, tokens: string[], index: number, plain: S[], queues: Map<string, S[]>): void {
  const last = index === tokens.length - 1;
  if (level.fullWildcard !== null) addNode(level.fullWildcard, plain, queues);
  const node = level.literal.get(tokens[index]);
  if (last) {
    if (node !== undefined) addNode(node, plain, queues);
    if (level.star !== null) addNode(level.star, plain, queues);
    return;
  }
  if (level.star !== null && level.star.next !== null) collect(level.star.next, tokens, index + 1, plain, queues);
  if (node !== undefined && node.next !== null) collect(node.next, tokens, index + 1, plain, queues);
}

function addNode<S extends SublistEntry>(node: TrieNode<S>, plain: S[], queues: Map<string, S[]>): void {
  for (const sub of node.plain) plain.push(sub);
  for (const [name, members] of node.queues) {
    let group = queues.get(name);
    if (group === undefined) {
      group = [];
      queues.set(name, group);
    }
    for (const sub of members) group.push(sub);
  }
}

function withAdded<S extends SublistEntry>(result: SublistResult<S>, sub: S): SublistResult<S> {
  if (sub.queue === '') return { plain: [...result.plain, sub], queues: result.queues };
  const queues = result.queues.slice();
  const index = queues.findIndex((group) => group[0].queue === sub.queue);
  if (index >= 0) queues[index] = [...queues[index], sub];
  else queues.push([sub]);
  return { plain: result.plain, queues };
}

function walk<S extends SublistEntry>(level: TrieLevel<S>, out: S[]): void {
  const visit = (node: TrieNode<S>) => {
    for (const sub of node.plain) out.push(sub);
    for (const members of node.queues.values()) for (const sub of members) out.push(sub);
    if (node.next !== null) walk(node.next, out);
  };
  for (const node of level.literal.values()) visit(node);
  if (level.star !== null) visit(level.star);
  if (level.fullWildcard !== null) visit(level.fullWildcard);
}

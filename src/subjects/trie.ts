// The Sublist's trie: one level per subject token, with literal, '*' and '>' branches, and the match walk.
//
// Sets and Maps are made only when a node or level needs them: with a million subscriptions most nodes
// are either a leaf (subscriptions, no next level) or a step on the way (a next level, no subscriptions),
// and every empty or one-entry Set or Map would cost memory and a pointer to chase on each walk.

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

const NO_SUBSCRIPTIONS: readonly never[] = [];
export const EMPTY_RESULT: SublistResult<SublistEntry> = { plain: NO_SUBSCRIPTIONS, queues: NO_SUBSCRIPTIONS };

class TrieNode<S extends SublistEntry> {
  next: TrieLevel<S> | null = null;
  plain: Set<S> | null = null;
  /** Queue name -> members. */
  queues: Map<string, Set<S>> | null = null;

  isEmpty(): boolean {
    return this.plain === null && this.queues === null && this.next === null;
  }
}

/**
 * One token position. Most levels have a single literal child (`svc` in `svc.a.b`, `evt` in `a.b.evt`):
 * that one is held in two fields, and a Map is made only for a second. Comparing one string is cheaper
 * than hashing it for a Map lookup, and a million one-entry Maps would cost a lot of memory.
 */
export class TrieLevel<S extends SublistEntry> {
  private soleToken = '';
  private soleNode: TrieNode<S> | null = null;
  private literal: Map<string, TrieNode<S>> | null = null;
  star: TrieNode<S> | null = null;
  fullWildcard: TrieNode<S> | null = null;

  getLiteral(token: string): TrieNode<S> | undefined {
    if (this.literal !== null) return this.literal.get(token);
    return this.soleNode !== null && this.soleToken === token ? this.soleNode : undefined;
  }

  /** Adds a literal child; the token must not be there yet. */
  addLiteral(token: string, node: TrieNode<S>): void {
    if (this.literal !== null) {
      this.literal.set(token, node);
    } else if (this.soleNode === null) {
      this.soleToken = token;
      this.soleNode = node;
    } else {
      this.literal = new Map([[this.soleToken, this.soleNode], [token, node]]);
      this.soleToken = '';
      this.soleNode = null;
    }
  }

  deleteLiteral(token: string): void {
    const literal = this.literal;
    if (literal === null) {
      if (this.soleToken === token) {
        this.soleToken = '';
        this.soleNode = null;
      }
      return;
    }
    literal.delete(token);
    if (literal.size === 1) {
      const [[onlyToken, onlyNode]] = literal;
      this.literal = null;
      this.soleToken = onlyToken;
      this.soleNode = onlyNode;
    }
  }

  literalNodes(): Iterable<TrieNode<S>> {
    if (this.literal !== null) return this.literal.values();
    return this.soleNode === null ? [] : [this.soleNode];
  }

  isEmpty(): boolean {
    return this.literal === null && this.soleNode === null && this.star === null && this.fullWildcard === null;
  }
}

/** Adds a subscription under its subject; false if it was already there. */
export function trieInsert<S extends SublistEntry>(root: TrieLevel<S>, sub: S): boolean {
  const tokens = sub.subject.split('.');
  let level = root;
  let node: TrieNode<S> | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === '*') {
      node = level.star ??= new TrieNode<S>();
    } else if (token === '>') {
      node = level.fullWildcard ??= new TrieNode<S>();
    } else {
      node = level.getLiteral(token) ?? null;
      if (node === null) {
        node = new TrieNode<S>();
        level.addLiteral(token, node);
      }
    }
    if (i < tokens.length - 1) level = node.next ??= new TrieLevel<S>();
  }
  const leaf = node!;
  let members: Set<S> | undefined;
  if (sub.queue === '') {
    members = leaf.plain ??= new Set<S>();
  } else {
    const queues = (leaf.queues ??= new Map());
    members = queues.get(sub.queue);
    if (members === undefined) {
      members = new Set<S>();
      queues.set(sub.queue, members);
    }
  }
  if (members.has(sub)) return false;
  members.add(sub);
  return true;
}

/** Removes a subscription and prunes what it leaves empty; false if it was not there. */
export function trieRemove<S extends SublistEntry>(root: TrieLevel<S>, sub: S): boolean {
  const tokens = sub.subject.split('.');
  const path: { level: TrieLevel<S>; node: TrieNode<S>; token: string }[] = [];
  let level: TrieLevel<S> | null = root;
  let node: TrieNode<S> | null = null;
  for (let i = 0; i < tokens.length; i++) {
    if (level === null) return false;
    const token = tokens[i];
    node = token === '*' ? level.star : token === '>' ? level.fullWildcard : level.getLiteral(token) ?? null;
    if (node === null) return false;
    path.push({ level, node, token });
    level = node.next;
  }
  const leaf = node!;
  if (sub.queue === '') {
    if (leaf.plain === null || !leaf.plain.delete(sub)) return false;
    if (leaf.plain.size === 0) leaf.plain = null;
  } else {
    const members = leaf.queues?.get(sub.queue);
    if (members === undefined || !members.delete(sub)) return false;
    if (members.size === 0) leaf.queues!.delete(sub.queue);
    if (leaf.queues!.size === 0) leaf.queues = null;
  }
  // Prune nodes left empty, from the leaf up.
  for (let i = path.length - 1; i >= 0; i--) {
    const step = path[i];
    if (step.node.next !== null && step.node.next.isEmpty()) step.node.next = null;
    if (!step.node.isEmpty()) break;
    if (step.token === '*') step.level.star = null;
    else if (step.token === '>') step.level.fullWildcard = null;
    else step.level.deleteLiteral(step.token);
  }
  return true;
}

/**
 * The tokens of the subject being matched and the matches found so far. One per Sublist, reused: matching
 * is synchronous. Arrays are made only when something matches; the shared empty ones stand in otherwise.
 */
export class Collector<S extends SublistEntry> {
  readonly tokens: string[] = [];
  count = 0;
  plain: S[] | null = null;
  queues: S[][] | null = null;

  /** Splits at '.' into `tokens` without allocating an array (split would); false if a token is empty. */
  tokenize(subject: string): boolean {
    const tokens = this.tokens;
    let count = 0;
    let start = 0;
    for (;;) {
      const dot = subject.indexOf('.', start);
      const end = dot < 0 ? subject.length : dot;
      if (end === start) return false;
      tokens[count++] = subject.substring(start, end);
      if (dot < 0) break;
      start = dot + 1;
    }
    this.count = count;
    return true;
  }

  /** The result of the walk; clears the scratch state for the next one. */
  take(): SublistResult<S> {
    const plain = this.plain;
    const queues = this.queues;
    this.plain = null;
    this.queues = null;
    if (plain === null && queues === null) return EMPTY_RESULT as SublistResult<S>;
    return { plain: plain ?? NO_SUBSCRIPTIONS, queues: queues ?? NO_SUBSCRIPTIONS };
  }
}

/**
 * Gathers matches in nats-server's order ('>' first, then '*' branches before the literal path, and at the
 * last token the literal node before '*'), so one connection with several matching subscriptions sees
 * its copies in the same order as with nats-server.
 */
export function collect<S extends SublistEntry>(level: TrieLevel<S>, index: number, collector: Collector<S>): void {
  if (level.fullWildcard !== null) addNode(level.fullWildcard, collector);
  const node = level.getLiteral(collector.tokens[index]);
  if (index === collector.count - 1) {
    if (node !== undefined) addNode(node, collector);
    if (level.star !== null) addNode(level.star, collector);
    return;
  }
  if (level.star !== null && level.star.next !== null) collect(level.star.next, index + 1, collector);
  if (node !== undefined && node.next !== null) collect(node.next, index + 1, collector);
}

function addNode<S extends SublistEntry>(node: TrieNode<S>, collector: Collector<S>): void {
  if (node.plain !== null) {
    // The first match makes a one-element array: most subjects have one subscriber, and an array that
    // grows from empty gets room for 17 at once.
    let plain = collector.plain;
    for (const sub of node.plain) {
      if (plain === null) plain = collector.plain = [sub];
      else plain.push(sub);
    }
  }
  if (node.queues === null) return;
  const queues = (collector.queues ??= []);
  for (const [name, members] of node.queues) {
    // Few groups share a subject: a scan beats a Map made per match. Groups keep first-seen order.
    let group: S[] | undefined;
    for (let g = 0; g < queues.length; g++) {
      if (queues[g][0].queue === name) {
        group = queues[g];
        break;
      }
    }
    if (group === undefined) {
      group = [];
      queues.push(group);
    }
    for (const sub of members) group.push(sub);
  }
}

/** Every subscription under a level, in no particular order. */
export function walk<S extends SublistEntry>(level: TrieLevel<S>, out: S[]): void {
  const visit = (node: TrieNode<S>) => {
    if (node.plain !== null) for (const sub of node.plain) out.push(sub);
    if (node.queues !== null) for (const members of node.queues.values()) for (const sub of members) out.push(sub);
    if (node.next !== null) walk(node.next, out);
  };
  for (const node of level.literalNodes()) visit(node);
  if (level.star !== null) visit(level.star);
  if (level.fullWildcard !== null) visit(level.fullWildcard);
}

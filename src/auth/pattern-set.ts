// A set of permission subjects ("foo.*", "bar.>", optionally with a queue: "foo.* q1") matched token by token.

const EMPTY_QUEUES: readonly string[] = [];

class PatternNode {
  literals: Map<string, PatternNode> | null = null;
  star: PatternNode | null = null;
  /** Entries ending at a `>` token below this node. */
  full: PatternLeaf | null = null;
  /** Entries ending exactly at this node. */
  leaf: PatternLeaf | null = null;
}

class PatternLeaf {
  plain = false;
  queues: string[] = [];
}

/** What a subject matched: a plain entry, and the queue names of queue entries. */
export interface PatternMatch {
  plain: boolean;
  queues: readonly string[];
}

/**
 * The permission subjects of one allow or deny list. Matching treats the tested subject's tokens as
 * literals against the set's wildcards, as nats-server's Sublist.Match does: "foo.*" in the set matches
 * the subject "foo.>" but "foo.bar" in the set does not match the subject "foo.*".
 */
export class PatternSet {
  private readonly root = new PatternNode();
  /** The entries as given ("subject" or "subject queue"), for deny-filter checks and inspection. */
  readonly entries: { subject: string; queue: string }[] = [];

  get size(): number {
    return this.entries.length;
  }

  /** Adds "subject" or "subject queue". Returns false (and adds nothing) for malformed entries. */
  add(entry: string): boolean {
    const fields = entry.trim().split(/\s+/);
    if (fields.length > 2 || fields[0] === '') return false;
    const subject = fields[0];
    const queue = fields.length === 2 ? fields[1] : '';
    const tokens = subject.split('.');
    let node = this.root;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i];
      if (token === '') return false;
      if (token === '>' && i === tokens.length - 1) {
        node.full ??= new PatternLeaf();
        addToLeaf(node.full, queue);
        this.entries.push({ subject, queue });
        return true;
      }
      if (token === '*') {
        node = node.star ??= new PatternNode();
      } else {
        node.literals ??= new Map();
        let next = node.literals.get(token);
        if (next === undefined) {
          next = new PatternNode();
          node.literals.set(token, next);
        }
        node = next;
      }
    }
    node.leaf ??= new PatternLeaf();
    addToLeaf(node.leaf, queue);
    this.entries.push({ subject, queue });
    return true;
  }

  /** Matches a subject (its wildcard tokens are taken literally). */
  match(subject: string): PatternMatch {
    const result = { plain: false, queues: EMPTY_QUEUES as string[] };
    matchLevel(this.root, subject.split('.'), 0, result);
    return result;
  }

  /** Whether a plain (non-queue) entry matches the subject. */
  matchesPlain(subject: string): boolean {
    return this.match(subject).plain;
  }
}

function addToLeaf(leaf: PatternLeaf, queue: string): void {
  if (queue === '') leaf.plain = true;
  else if (!leaf.queues.includes(queue)) leaf.queues.push(queue);
}

function collect(leaf: PatternLeaf, result: { plain: boolean; queues: string[] }): void {
  if (leaf.plain) result.plain = true;
  if (leaf.queues.length > 0) result.queues = result.queues === EMPTY_QUEUES ? leaf.queues.slice() : result.queues.concat(leaf.queues);
}

function matchLevel(node: PatternNode, tokens: string[], index: number, result: { plain: boolean; queues: string[] }): void {
  let current: PatternNode | null = node;
  for (let i = index; i < tokens.length && current !== null; i++) {
    if (current.full !== null) collect(current.full, result);
    if (current.star !== null) matchLevel(current.star, tokens, i + 1, result);
    current = current.literals?.get(tokens[i]) ?? null;
  }
  // All tokens consumed (a `*` recursion may arrive here with none left): entries ending here match.
  if (current !== null && current.leaf !== null) collect(current.leaf, result);
}

/**
 * nats-server's subjectIsSubsetMatch: whether every subject `subject` can match is also matched by
 * `test`. Wildcards in `subject` are only covered by the same or a wider wildcard in `test`.
 */
export function isSubsetMatch(subject: string, test: string): boolean {
  const tokens = subject.split('.');
  const testTokens = test.split('.');
  for (let i = 0; i < testTokens.length; i++) {
    if (i >= tokens.length) return false;
    const t2 = testTokens[i];
    if (t2 === '') return false;
    if (t2 === '>') return true;
    const t1 = tokens[i];
    if (t1 === '' || t1 === '>') return false;
    if (t1 === '*') {
      if (t2 !== '*') return false;
      continue;
    }
    if (t2 !== '*' && t1 !== t2) return false;
  }
  return tokens.length === testTokens.length;
}


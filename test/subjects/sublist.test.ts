// Sublist tests: matching checked against a naive matcher on random subjects, and exact cache invalidation.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sublist, type SublistEntry, type SublistResult } from '../../src/subjects/sublist.js';
import { subjectMatches, isValidSubject, isValidLiteralSubject, subjectsCollide } from '../../src/subjects/subject.js';
import { Random, testSeed } from '../helpers/random.js';

class Entry implements SublistEntry {
  constructor(readonly subject: string, readonly queue = '', readonly id = Entry.next++) {}
  static next = 1;
}

/** Entirely independent of the trie: token by token. */
function naiveMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

function flatten(result: SublistResult<Entry>): string[] {
  const ids = result.plain.map((e) => `p${e.id}`);
  for (const group of result.queues) for (const e of group) ids.push(`q${e.queue}:${e.id}`);
  return ids.sort();
}

function expected(entries: Iterable<Entry>, subject: string): string[] {
  const ids: string[] = [];
  for (const e of entries) if (naiveMatches(e.subject, subject)) ids.push(e.queue === '' ? `p${e.id}` : `q${e.queue}:${e.id}`);
  return ids.sort();
}

const TOKENS = ['a', 'b', 'c', 'foo', 'bar'];

function randomPattern(random: Random): string {
  const n = 1 + random.int(4);
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = random.next();
    if (i === n - 1 && r < 0.15) tokens.push('>');
    else if (r < 0.3) tokens.push('*');
    else tokens.push(random.pick(TOKENS));
  }
  return tokens.join('.');
}

function randomSubject(random: Random): string {
  const n = 1 + random.int(4);
  return Array.from({ length: n }, () => random.pick(TOKENS)).join('.');
}

test('sublist - matches agree with a naive matcher under random inserts, removes and lookups', () => {
  for (const cacheSize of [0, 8, 1024]) {
    const seed = testSeed();
    const random = new Random(seed);
    const sublist = new Sublist<Entry>(cacheSize);
    const live = new Set<Entry>();
    for (let step = 0; step < 4000; step++) {
      const r = random.next();
      if (r < 0.35 || live.size === 0) {
        const entry = new Entry(randomPattern(random), random.next() < 0.3 ? random.pick(['q1', 'q2']) : '');
        sublist.insert(entry);
        live.add(entry);
      } else if (r < 0.55) {
        const entry = random.pick([...live]);
        assert.equal(sublist.remove(entry), true);
        live.delete(entry);
      } else {
        const subject = randomSubject(random);
        assert.deepEqual(flatten(sublist.match(subject)), expected(live, subject), `seed ${seed} cache ${cacheSize} step ${step} subject ${subject}`);
      }
      assert.equal(sublist.size, live.size);
    }
  }
});

test('sublist - the cache is patched when a matching subscription arrives', () => {
  const sublist = new Sublist<Entry>();
  const literal = new Entry('foo.bar');
  sublist.insert(literal);
  assert.deepEqual(flatten(sublist.match('foo.bar')), [`p${literal.id}`]);
  assert.equal(sublist.stats().cacheEntries, 1);
  const wildcard = new Entry('foo.*');
  const full = new Entry('>');
  const queued = new Entry('foo.>', 'workers');
  const unrelated = new Entry('baz.*');
  for (const e of [wildcard, full, queued, unrelated]) sublist.insert(e);
  assert.deepEqual(flatten(sublist.match('foo.bar')), [`p${full.id}`, `p${literal.id}`, `p${wildcard.id}`, `qworkers:${queued.id}`].sort());
  const stats = sublist.stats();
  assert.ok(stats.cacheHits >= 1, 'second lookup served from the patched cache');
});

test('sublist - the cache forgets a removed subscription', () => {
  const sublist = new Sublist<Entry>();
  const wildcard = new Entry('foo.*');
  const literal = new Entry('foo.bar');
  sublist.insert(wildcard);
  sublist.insert(literal);
  sublist.match('foo.bar');
  sublist.match('foo.baz');
  sublist.match('other');
  sublist.remove(wildcard);
  assert.deepEqual(flatten(sublist.match('foo.bar')), [`p${literal.id}`]);
  assert.deepEqual(flatten(sublist.match('foo.baz')), []);
  sublist.remove(literal);
  assert.deepEqual(flatten(sublist.match('foo.bar')), []);
  assert.equal(sublist.size, 0);
});

test('sublist - a result held during delivery is not changed by later inserts', () => {
  const sublist = new Sublist<Entry>();
  sublist.insert(new Entry('x'));
  const held = sublist.match('x');
  sublist.insert(new Entry('x'));
  sublist.insert(new Entry('x', 'g'));
  assert.equal(held.plain.length, 1);
  assert.equal(held.queues.length, 0);
  assert.equal(sublist.match('x').plain.length, 2);
});

test('sublist - queue groups are grouped by name', () => {
  const sublist = new Sublist<Entry>();
  const members = [new Entry('job', 'a'), new Entry('job', 'a'), new Entry('job.*', 'a'), new Entry('job', 'b')];
  for (const m of members) sublist.insert(m);
  const result = sublist.match('job');
  assert.equal(result.queues.length, 2);
  const sizes = result.queues.map((g) => g.length).sort();
  assert.deepEqual(sizes, [1, 2]);
});

test('sublist - the cache stays bounded', () => {
  const sublist = new Sublist<Entry>(64);
  sublist.insert(new Entry('>'));
  for (let i = 0; i < 1000; i++) sublist.match(`s.${i}`);
  assert.ok(sublist.stats().cacheEntries <= 64);
});

test('sublist - removing what is not there is refused', () => {
  const sublist = new Sublist<Entry>();
  const entry = new Entry('a.b');
  assert.equal(sublist.remove(entry), false);
  sublist.insert(entry);
  assert.equal(sublist.remove(new Entry('a.b')), false);
  assert.equal(sublist.remove(entry), true);
  assert.equal(sublist.remove(entry), false);
});

test('subjects - validation as nats-server does it', () => {
  for (const valid of ['foo', 'foo.bar', 'foo.*', '>', 'foo.>', '*.*', 'foo*.bar', 'f>o', '$JS.API.>', '_INBOX.abc']) {
    assert.equal(isValidSubject(valid), true, valid);
  }
  for (const invalid of ['', '.', 'foo.', '.foo', 'foo..bar', '>.foo', 'foo.>.bar', 'foo bar', 'foo\tbar', 'a.\r']) {
    assert.equal(isValidSubject(invalid), false, JSON.stringify(invalid));
  }
  assert.equal(isValidLiteralSubject('foo.bar'), true);
  assert.equal(isValidLiteralSubject('foo*.bar'), true);
  assert.equal(isValidLiteralSubject('foo.*'), false);
  assert.equal(isValidLiteralSubject('>'), false);
});

test('subjects - matching and collision agree with the naive rules', () => {
  const seed = testSeed();
  const random = new Random(seed);
  for (let i = 0; i < 3000; i++) {
    const pattern = randomPattern(random);
    const subject = randomSubject(random);
    assert.equal(subjectMatches(pattern, subject), naiveMatches(pattern, subject), `${pattern} vs ${subject}`);
    // Two patterns collide exactly when some literal subject matches both.
    const other = randomPattern(random);
    const witnesses = allSubjects().some((s) => naiveMatches(pattern, s) && naiveMatches(other, s));
    assert.equal(subjectsCollide(pattern, other), witnesses, `seed ${seed}: ${pattern} vs ${other}`);
  }
});

let subjectsCache: string[] | null = null;
/** Every subject of 1 to 5 tokens over a small alphabet (a token outside TOKENS stands for "anything else"). */
function allSubjects(): string[] {
  if (subjectsCache) return subjectsCache;
  const alphabet = [...TOKENS, 'zz'];
  const out: string[] = [];
  let level = [''];
  for (let n = 1; n <= 5; n++) {
    level = level.flatMap((prefix) => alphabet.map((t) => (prefix ? `${prefix}.${t}` : t)));
    out.push(...level);
  }
  subjectsCache = out;
  return out;
}

test('sublist - matches come in nats-server order: > first, * branches before literals, the last literal before *', () => {
  for (const cacheSize of [0, 1024]) {
    const sublist = new Sublist<Entry>(cacheSize);
    for (const subject of ['a.b', 'a.*', '*.b', 'a.>', '>', '*.*']) sublist.insert(new Entry(subject));
    for (const [subject, queue] of [['a.b', 'q2'], ['a.*', 'q1'], ['>', 'q2']]) sublist.insert(new Entry(subject, queue));
    for (let lookup = 0; lookup < 2; lookup++) {
      const result = sublist.match('a.b');
      assert.deepEqual(result.plain.map((e) => e.subject), ['>', '*.b', '*.*', 'a.>', 'a.b', 'a.*']);
      assert.deepEqual(result.queues.map((group) => group.map((e) => e.subject)), [['>', 'a.b'], ['a.*']]);
    }
  }
});

test('sublist - once the cache is full, a subject is cached on its second miss only', () => {
  const sublist = new Sublist<Entry>(4);
  sublist.insert(new Entry('r.*'));
  for (let i = 0; i < 4; i++) sublist.match(`r.${i}`);
  assert.equal(sublist.stats().cacheEntries, 4, 'while there is room, every subject goes in');
  sublist.match('r.once');
  assert.equal(sublist.stats().cacheEntries, 4, 'a subject seen once does not push others out');
  const hits = sublist.stats().cacheHits;
  sublist.match('r.twice');
  sublist.match('r.twice');
  assert.deepEqual(flatten(sublist.match('r.twice')), flatten(sublist.match('r.0')));
  assert.ok(sublist.stats().cacheHits > hits, 'the second miss put it in the cache');
  assert.ok(sublist.stats().cacheEntries <= 4);
});

test('sublist - levels with one literal child and with many stay exact as children come and go', () => {
  const sublist = new Sublist<Entry>(0);
  const entries = ['x.a', 'x.b', 'x.c'].map((subject) => new Entry(subject));
  for (const e of entries) sublist.insert(e);
  sublist.remove(entries[0]);
  sublist.remove(entries[2]);
  assert.deepEqual(flatten(sublist.match('x.b')), [`p${entries[1].id}`]);
  assert.deepEqual(flatten(sublist.match('x.a')), []);
  sublist.insert(entries[0]);
  assert.deepEqual(flatten(sublist.match('x.a')), [`p${entries[0].id}`]);
  sublist.remove(entries[0]);
  sublist.remove(entries[1]);
  assert.equal(sublist.size, 0);
  assert.deepEqual(sublist.all(), []);
});

// The message store suite: one set of tests run against every MessageStore implementation.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StoreLimitError, LimitReason, type MessageStore, type RemoveReason, type StoreLimits } from '../../../src/jetstream/store/index.js';

export type OpenStore = (limits?: Partial<StoreLimits>) => MessageStore;

export const HEADERS = Buffer.from('NATS/1.0\r\nA: b\r\n\r\n');
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
export const text = (value: string): Buffer => Buffer.from(value);

export function tempDirectory(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'natrium-store-'));
}

/** A copy of the folder as a kill -9 would leave it: every write has reached the OS, nothing was closed. */
export function crashCopy(directory: string): string {
  const copy = tempDirectory();
  fs.cpSync(directory, copy, { recursive: true });
  return copy;
}

/** Records what the store removed on its own. */
export function listen(store: MessageStore): Array<[number, string, RemoveReason]> {
  const removed: Array<[number, string, RemoveReason]> = [];
  store.onRemove = (seq, subject, reason) => removed.push([seq, subject, reason]);
  return removed;
}

async function withStore(open: OpenStore, limits: Partial<StoreLimits> | undefined, body: (store: MessageStore) => void | Promise<void>): Promise<void> {
  const store = open(limits);
  try {
    await body(store);
  } finally {
    await store.delete();
  }
}

function fill(store: MessageStore, subjects: string[]): void {
  for (const subject of subjects) store.store(subject, null, text(`${subject} payload`));
}

export function storeSuite(name: string, open: OpenStore, expectedSize: (subject: number, headers: number, data: number) => number): void {
  const t = (title: string, body: (store: MessageStore) => void | Promise<void>, limits?: Partial<StoreLimits>): void => {
    test(`${name} - ${title}`, () => withStore(open, limits, body));
  };

  t('a fresh store reports first 0 and last 0', (store) => {
    const state = store.state(true);
    assert.deepEqual(state, { messages: 0, bytes: 0, firstSeq: 0, firstTimeNs: 0n, lastSeq: 0, lastTimeNs: 0n, numDeleted: 0, numSubjects: 0, deleted: [] });
    assert.equal(store.load(1), null);
    assert.equal(store.loadNext('>', 1), null);
    assert.equal(store.loadLast('>'), null);
  });

  t('store assigns sequences and load returns what was stored', (store) => {
    const a = store.store('foo', null, text('hello'));
    const b = store.store('bar.baz', HEADERS, text('world'));
    const c = store.store('foo', Buffer.alloc(0), Buffer.alloc(0));
    assert.deepEqual([a.seq, b.seq, c.seq], [1, 2, 3]);
    assert.ok(a.timestampNs <= b.timestampNs && b.timestampNs <= c.timestampNs);
    assert.ok(a.timestampNs > 1_600_000_000_000_000_000n);
    const loaded = store.load(2);
    assert.ok(loaded);
    assert.equal(loaded.subject, 'bar.baz');
    assert.deepEqual(loaded.headers, HEADERS);
    assert.equal(loaded.data.toString(), 'world');
    assert.equal(loaded.timestampNs, b.timestampNs);
    assert.equal(store.load(1)?.headers, null);
    assert.equal(store.load(3)?.headers, null, 'empty headers count as none');
    assert.equal(store.load(3)?.data.length, 0);
    assert.equal(store.load(4), null);
    const state = store.state();
    assert.equal(state.messages, 3);
    assert.equal(state.firstSeq, 1);
    assert.equal(state.lastSeq, 3);
    assert.equal(state.firstTimeNs, a.timestampNs);
    assert.equal(state.lastTimeNs, c.timestampNs);
    assert.equal(state.numSubjects, 2);
    assert.equal(state.bytes, expectedSize(3, 0, 5) + expectedSize(7, HEADERS.length, 5) + expectedSize(3, 0, 0));
    assert.equal(store.messageSize('foo', null, text('hello')), expectedSize(3, 0, 5));
  });

  t('the caller may reuse its buffers after store', (store) => {
    const data = text('original');
    store.store('foo', null, data);
    data.fill(0);
    assert.equal(store.load(1)?.data.toString(), 'original');
  });

  t('storeAt keeps given sequences and times; gaps count as deleted', (store) => {
    store.storeAt(5, 1_000n, 'a', null, text('x'));
    store.storeAt(8, 2_000n, 'b', null, text('y'));
    assert.throws(() => store.storeAt(8, 3_000n, 'c', null, text('z')));
    const state = store.state(true);
    assert.equal(state.firstSeq, 5);
    assert.equal(state.lastSeq, 8);
    assert.equal(state.firstTimeNs, 1_000n);
    assert.equal(state.lastTimeNs, 2_000n);
    assert.equal(state.numDeleted, 2);
    assert.deepEqual(state.deleted, [6, 7]);
    assert.equal(store.store('c', null, text('z')).seq, 9);
  });

  t('loadNext matches literal, wildcard and multiple filters', (store) => {
    fill(store, ['orders.new', 'orders.old', 'users.1', 'orders.new.eu', 'users.2', 'orders.new']);
    assert.equal(store.loadNext('orders.new', 1)?.seq, 1);
    assert.equal(store.loadNext('orders.new', 2)?.seq, 6);
    assert.equal(store.loadNext('orders.*', 2)?.seq, 2);
    assert.equal(store.loadNext('orders.>', 3)?.seq, 4);
    assert.equal(store.loadNext('*.new', 2)?.seq, 6);
    assert.equal(store.loadNext('users.*', 4)?.seq, 5);
    assert.equal(store.loadNext(['users.2', 'orders.old'], 1)?.seq, 2);
    assert.equal(store.loadNext(['users.2', 'orders.old'], 3)?.seq, 5);
    assert.equal(store.loadNext('>', 3)?.seq, 3);
    assert.equal(store.loadNext('', 0)?.seq, 1);
    assert.equal(store.loadNext('nothing', 1), null);
    assert.equal(store.loadNext('>', 7), null);
    assert.equal(store.loadNext('orders', 1), null);
  });

  t('loadNext skips far over messages that do not match', (store) => {
    store.store('rare.1', null, text('first'));
    for (let i = 0; i < 20_000; i++) store.store(`common.${i % 50}`, null, text('x'));
    store.store('rare.2', null, text('second'));
    const started = performance.now();
    for (let i = 0; i < 200; i++) {
      assert.equal(store.loadNext('rare.*', 2)?.seq, 20_002);
      assert.equal(store.loadNext('rare.2', 2)?.seq, 20_002);
    }
    assert.ok(performance.now() - started < 1000);
    for (let s = 2; s <= 20_001; s++) store.remove(s);
    assert.equal(store.loadNext('>', 2)?.seq, 20_002);
    assert.equal(store.loadPrevious(20_001)?.seq, 1);
  });

  t('loadLast and loadPrevious find the newest match', (store) => {
    fill(store, ['kv.a', 'kv.b', 'kv.a', 'other', 'kv.b.c']);
    assert.equal(store.loadLast('kv.a')?.seq, 3);
    assert.equal(store.loadLast('kv.*')?.seq, 3);
    assert.equal(store.loadLast('kv.>')?.seq, 5);
    assert.equal(store.loadLast('>')?.seq, 5);
    assert.equal(store.loadLast(['kv.b', 'other'])?.seq, 4);
    assert.equal(store.loadLast('missing'), null);
    assert.equal(store.loadPrevious(2, 'kv.a')?.seq, 1);
    assert.equal(store.loadPrevious(4)?.seq, 4);
    store.remove(4);
    assert.equal(store.loadPrevious(4)?.seq, 3);
    store.remove(3);
    assert.equal(store.loadLast('kv.a')?.seq, 1);
  });

  t('remove makes interior deletes and moves first past the removed head', (store) => {
    fill(store, ['a', 'b', 'c', 'd', 'e']);
    assert.equal(store.remove(3), true);
    assert.equal(store.remove(3), false);
    assert.equal(store.remove(99), false);
    assert.equal(store.load(3), null);
    let state = store.state(true);
    assert.equal(state.messages, 4);
    assert.equal(state.numDeleted, 1);
    assert.deepEqual(state.deleted, [3]);
    assert.equal(state.numSubjects, 4);
    store.remove(1);
    store.remove(2);
    state = store.state(true);
    assert.equal(state.firstSeq, 4);
    assert.equal(state.firstTimeNs, store.load(4)?.timestampNs);
    assert.equal(state.numDeleted, 0, 'deletes below first are not interior');
    store.remove(5);
    store.remove(4);
    state = store.state(true);
    assert.equal(state.messages, 0);
    assert.equal(state.bytes, 0);
    assert.equal(state.firstSeq, 6);
    assert.equal(state.lastSeq, 5);
    assert.equal(state.firstTimeNs, 0n);
    assert.ok(state.lastTimeNs > 0n, 'last time stays');
    assert.equal(store.store('f', null, text('x')).seq, 6);
  });

  t('erase removes the message like remove', (store) => {
    fill(store, ['a', 'b', 'c']);
    assert.equal(store.erase(2), true);
    assert.equal(store.erase(2), false);
    assert.equal(store.load(2), null);
    assert.equal(store.state().messages, 2);
    assert.equal(store.load(3)?.data.toString(), 'c payload');
  });

  t('purge with no options empties the store and keeps the sequence', (store) => {
    fill(store, ['a', 'b', 'c']);
    assert.equal(store.purge(), 3);
    const state = store.state();
    assert.equal(state.messages, 0);
    assert.equal(state.firstSeq, 4);
    assert.equal(state.lastSeq, 3);
    assert.equal(state.numSubjects, 0);
    assert.equal(store.loadLast('a'), null);
    assert.equal(store.store('a', null, text('x')).seq, 4);
    assert.equal(store.loadLast('a')?.seq, 4);
    assert.equal(store.state().firstSeq, 4);
  });

  t('purge by subject, wildcard, upToSeq and keep', (store) => {
    fill(store, ['a', 'b', 'a', 'c.1', 'a', 'c.2', 'a', 'b']);
    assert.equal(store.purge({ subject: 'a', keep: 2 }), 2);
    assert.deepEqual([...store.subjectsState('a').values()], [{ messages: 2, firstSeq: 5, lastSeq: 7 }]);
    assert.equal(store.purge({ subject: 'c.*' }), 2);
    assert.equal(store.purge({ subject: 'b', upToSeq: 8 }), 1);
    assert.equal(store.load(8)?.subject, 'b');
    assert.equal(store.purge({ subject: 'a', keep: 5 }), 0);
    assert.equal(store.purge({ subject: 'nothing' }), 0);
    const state = store.state(true);
    assert.equal(state.messages, 3);
    assert.equal(state.firstSeq, 5);
    assert.deepEqual(state.deleted, [6]);
  });

  t('purge upToSeq and keep on all subjects', (store) => {
    fill(store, ['a', 'b', 'c', 'd', 'e', 'f']);
    store.remove(5);
    assert.equal(store.purge({ upToSeq: 3 }), 2);
    assert.equal(store.state().firstSeq, 3);
    assert.equal(store.purge({ keep: 2 }), 1);
    assert.deepEqual([store.state().firstSeq, store.state().messages], [4, 2]);
    assert.equal(store.purge({ subject: '>', keep: 1 }), 1);
    assert.deepEqual([store.state().firstSeq, store.state().messages], [6, 1]);
  });

  t('compact removes below a sequence, and past the end sets the next sequence', (store) => {
    fill(store, ['a', 'b', 'c', 'd', 'e']);
    store.remove(3);
    assert.equal(store.compact(3), 2);
    let state = store.state();
    assert.deepEqual([state.firstSeq, state.lastSeq, state.messages], [4, 5, 2]);
    assert.equal(store.compact(2), 0);
    assert.equal(store.compact(10), 2);
    state = store.state();
    assert.deepEqual([state.firstSeq, state.lastSeq, state.messages, state.numDeleted], [10, 9, 0, 0]);
    assert.equal(store.store('x', null, text('y')).seq, 10);
    assert.equal(store.state().firstSeq, 10);
  });

  t('truncate removes above a sequence and the next store follows it', (store) => {
    fill(store, ['a', 'b', 'a', 'b', 'a']);
    const third = store.load(3);
    store.truncate(3);
    let state = store.state();
    assert.deepEqual([state.firstSeq, state.lastSeq, state.messages, state.numSubjects], [1, 3, 3, 2]);
    assert.equal(state.lastTimeNs, third?.timestampNs);
    assert.equal(store.loadLast('b')?.seq, 2);
    assert.equal(store.subjectsState('a').get('a')?.messages, 2);
    assert.equal(store.store('b', null, text('new')).seq, 4);
    assert.equal(store.loadLast('b')?.data.toString(), 'new');
    assert.equal(store.subjectsState('b').get('b')?.messages, 2);
    store.truncate(0);
    state = store.state();
    assert.deepEqual([state.firstSeq, state.lastSeq, state.messages], [0, 0, 0]);
    assert.equal(store.store('a', null, text('again')).seq, 1);
  });

  t('truncate below every message leaves an empty store at that sequence', (store) => {
    fill(store, ['a', 'b', 'c']);
    store.remove(1);
    store.truncate(1);
    const state = store.state();
    assert.deepEqual([state.firstSeq, state.lastSeq, state.messages], [2, 1, 0]);
    assert.equal(store.store('d', null, text('x')).seq, 2);
  });

  t('max messages with discard old drops the oldest and reports it', (store) => {
    const removed = listen(store);
    fill(store, ['a', 'b', 'c', 'd', 'e']);
    const state = store.state();
    assert.deepEqual([state.messages, state.firstSeq, state.lastSeq], [3, 3, 5]);
    assert.deepEqual(removed, [
      [1, 'a', 'maxMsgs'],
      [2, 'b', 'maxMsgs'],
    ]);
  }, { maxMsgs: 3 });

  t('max bytes with discard old keeps bytes at or under the limit', (store) => {
    const removed = listen(store);
    const size = store.messageSize('a', null, Buffer.alloc(10));
    store.updateLimits({ maxBytes: size * 3 });
    for (let i = 0; i < 5; i++) store.store('a', null, Buffer.alloc(10));
    assert.deepEqual([store.state().messages, store.state().bytes], [3, size * 3]);
    assert.deepEqual(removed.map((r) => r[2]), ['maxBytes', 'maxBytes']);
  });

  t('discard new refuses with nats-server reasons', (store) => {
    fill(store, ['a', 'b']);
    assert.equal(store.wouldExceed('c', null, text('x')), LimitReason.maxMsgs);
    assert.throws(() => store.store('c', null, text('x')), (error: unknown) => error instanceof StoreLimitError && error.message === 'maximum messages exceeded');
    assert.equal(store.state().lastSeq, 2);
    store.remove(1);
    assert.equal(store.store('c', null, text('x')).seq, 3);
  }, { maxMsgs: 2, discard: 'new' });

  t('discard new refuses on bytes', (store) => {
    const size = store.messageSize('a', null, Buffer.alloc(10));
    store.updateLimits({ maxBytes: size * 2 + 1 });
    store.store('a', null, Buffer.alloc(10));
    store.store('a', null, Buffer.alloc(10));
    assert.throws(() => store.store('a', null, Buffer.alloc(10)), { message: 'maximum bytes exceeded' });
    assert.equal(store.state().messages, 2);
  }, { discard: 'new' });

  t('max messages per subject drops the oldest of that subject', (store) => {
    const removed = listen(store);
    fill(store, ['k.1', 'k.2', 'k.1', 'k.1', 'k.2', 'k.2', 'k.2']);
    assert.deepEqual([...store.subjectsState('>')].sort(), [
      ['k.1', { messages: 2, firstSeq: 3, lastSeq: 4 }],
      ['k.2', { messages: 2, firstSeq: 6, lastSeq: 7 }],
    ]);
    assert.deepEqual(removed, [
      [1, 'k.1', 'maxMsgsPerSubject'],
      [2, 'k.2', 'maxMsgsPerSubject'],
      [5, 'k.2', 'maxMsgsPerSubject'],
    ]);
    assert.deepEqual(store.state(true).deleted, [5]);
  }, { maxMsgsPerSubject: 2 });

  t('discard new at a subject limit replaces unless discard new per subject', (store) => {
    fill(store, ['k', 'j', 'k']);
    assert.equal(store.wouldExceed('k', null, text('x')), null, 'at the subject limit the oldest is replaced');
    store.store('k', null, text('x'));
    assert.deepEqual([store.state().messages, store.state().firstSeq], [3, 2]);
    assert.throws(() => store.store('new', null, text('x')), { message: LimitReason.maxMsgs });
    store.updateLimits({ discardNewPerSubject: true });
    assert.throws(() => store.store('k', null, text('x')), { message: 'maximum messages per subject exceeded' });
  }, { maxMsgs: 3, maxMsgsPerSubject: 2, discard: 'new' });

  t('lowering limits trims at once', (store) => {
    const removed = listen(store);
    fill(store, ['a', 'a', 'a', 'b', 'b', 'c']);
    store.updateLimits({ maxMsgsPerSubject: 1 });
    assert.equal(store.state().messages, 3);
    store.updateLimits({ maxMsgs: 2 });
    assert.deepEqual([store.state().messages, store.state().firstSeq], [2, 5]);
    assert.deepEqual(removed.map((r) => r[0]), [1, 2, 4, 3]);
    assert.deepEqual(store.limits.maxMsgs, 2);
  });

  t('max age expires old messages by timer', async (store) => {
    const removed = listen(store);
    fill(store, ['a', 'b']);
    await sleep(30);
    store.store('c', null, text('late'));
    await sleep(60);
    assert.deepEqual(removed.map((r) => [r[0], r[2]]), [
      [1, 'maxAge'],
      [2, 'maxAge'],
    ]);
    assert.equal(store.state().firstSeq, 3);
    await sleep(60);
    const state = store.state();
    assert.deepEqual([state.messages, state.firstSeq, state.lastSeq], [0, 4, 3]);
  }, { maxAgeMs: 70 });

  t('max age applied later removes what is already old', async (store) => {
    fill(store, ['a', 'b']);
    await sleep(40);
    store.updateLimits({ maxAgeMs: 20 });
    assert.equal(store.state().messages, 0);
    store.storeAt(3, BigInt(Date.now() - 1000) * 1_000_000n, 'old', null, text('mirrored'));
    await sleep(20);
    assert.equal(store.state().messages, 0);
  });

  t('per-message TTL expires only that message; a negative TTL outlives max age', async (store) => {
    const removed = listen(store);
    store.store('a', null, text('short'), { ttlMs: 30 });
    store.store('b', null, text('forever'), { ttlMs: -1 });
    store.store('c', null, text('plain'));
    await sleep(80);
    assert.deepEqual(removed, [[1, 'a', 'ttl']]);
    store.updateLimits({ maxAgeMs: 40 });
    assert.deepEqual(removed.slice(1), [[3, 'c', 'maxAge']]);
    assert.equal(store.load(2)?.data.toString(), 'forever');
    assert.deepEqual([store.state().messages, store.state().firstSeq], [1, 2]);
  });

  t('numPending counts by filter, start and last per subject', (store) => {
    fill(store, ['a.1', 'a.2', 'b.1', 'a.1', 'b.1', 'a.1']);
    store.remove(4);
    assert.equal(store.numPending('>', 1, false), 5);
    assert.equal(store.numPending('>', 4, false), 2);
    assert.equal(store.numPending('a.*', 1, false), 3);
    assert.equal(store.numPending('a.1', 2, false), 1);
    assert.equal(store.numPending(['a.2', 'b.1'], 2, false), 3);
    assert.equal(store.numPending('>', 1, true), 3);
    assert.equal(store.numPending('>', 3, true), 2);
    assert.equal(store.numPending('a.>', 3, true), 1);
    assert.equal(store.numPending('>', 7, false), 0);
    assert.equal(store.numPending('c', 1, false), 0);
  });

  t('subjectsState reports count, first and last per matching subject', (store) => {
    fill(store, ['x.1', 'x.2', 'x.1', 'y', 'x.1']);
    store.remove(5);
    const state = store.subjectsState('x.*');
    assert.deepEqual(Object.fromEntries(state), {
      'x.1': { messages: 2, firstSeq: 1, lastSeq: 3 },
      'x.2': { messages: 1, firstSeq: 2, lastSeq: 2 },
    });
    assert.equal(store.subjectsState('>').size, 3);
    assert.equal(store.subjectsState('z').size, 0);
  });

  t('seqForTime finds the first message at or after a time', (store) => {
    store.storeAt(1, 100n, 'a', null, text('1'));
    store.storeAt(2, 200n, 'a', null, text('2'));
    store.storeAt(4, 400n, 'a', null, text('4'));
    store.storeAt(5, 500n, 'a', null, text('5'));
    assert.equal(store.seqForTime(0n), 1);
    assert.equal(store.seqForTime(200n), 2);
    assert.equal(store.seqForTime(201n), 4);
    assert.equal(store.seqForTime(500n), 5);
    assert.equal(store.seqForTime(501n), 6);
  });

  t('a closed store refuses writes', async (store) => {
    store.store('a', null, text('x'));
    await store.close();
    assert.throws(() => store.store('a', null, text('x')), /closed/);
  });
}

// FileStore: the shared store suite, then restarts, torn tails, corruption, many blocks and the JSON helpers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { FileStore, readJson, writeJsonAtomic, type FileStoreOptions, type MessageStore, type StoredMessage } from '../../../src/jetstream/store/index.js';
import { RECORD_OVERHEAD } from '../../../src/jetstream/store/record-format.js';
import { Random, testSeed } from '../../helpers/random.js';
import { HEADERS, crashCopy, sleep, storeSuite, tempDirectory, text } from './store-suite.js';

function open(directory: string, options: Partial<FileStoreOptions> = {}): FileStore {
  return new FileStore({ directory, blockSize: 64 * 1024, ...options });
}

function blockFiles(directory: string): string[] {
  return fs.readdirSync(path.join(directory, 'msgs')).filter((name) => name.endsWith('.blk'));
}

function blockBytes(directory: string): number {
  return blockFiles(directory).reduce((sum, name) => sum + fs.statSync(path.join(directory, 'msgs', name)).size, 0);
}

function everything(store: MessageStore): Array<StoredMessage | null> {
  const out: Array<StoredMessage | null> = [];
  const { firstSeq, lastSeq } = store.state();
  for (let seq = firstSeq; seq <= lastSeq; seq++) out.push(store.load(seq));
  return out;
}

storeSuite('file store', (limits) => open(tempDirectory(), { limits }), (subject, headers, data) =>
  headers === 0 ? 30 + subject + data : 34 + subject + headers + data,
);

// The server's stores gather each turn's appends into one write: the same answers, and on disk by the next turn.
storeSuite('file store, write-behind', (limits) => open(tempDirectory(), { limits, writeBehind: true }), (subject, headers, data) =>
  headers === 0 ? 30 + subject + data : 34 + subject + headers + data,
);

test('file store, write-behind - records are read back in the same turn and on disk by the next', async () => {
  const directory = tempDirectory();
  const store = open(directory, { writeBehind: true, blockSize: 4096 });
  for (let i = 1; i <= 300; i++) store.store(`wb.${i % 7}`, i % 3 === 0 ? HEADERS : null, text(`m${i}`));
  assert.equal(store.load(150)?.data.toString(), 'm150');
  store.remove(10);
  for (let i = 301; i <= 400; i++) store.store('wb.x', null, text(`m${i}`));
  await sleep(0);
  const crashed = crashCopy(directory);
  const reopened = open(crashed, { writeBehind: true, blockSize: 4096 });
  assert.equal(reopened.state().messages, 399);
  assert.equal(reopened.load(10), null);
  assert.equal(reopened.load(400)?.data.toString(), 'm400');
  assert.equal(reopened.load(299)?.data.toString(), 'm299');
  await reopened.close();
  await store.close();
  fs.rmSync(directory, { recursive: true });
  fs.rmSync(crashed, { recursive: true });
});

test('file store - restart keeps messages, deletes, subjects and state', async () => {
  const directory = tempDirectory();
  const store = open(directory, { blockSize: 2048 });
  for (let i = 0; i < 300; i++) store.store(`s.${i % 7}`, i % 3 === 0 ? HEADERS : null, text(`message ${i}`), i % 50 === 0 ? { ttlMs: 3_600_000 } : undefined);
  for (let seq = 5; seq < 300; seq += 9) store.remove(seq);
  store.erase(100);
  store.purge({ subject: 's.3', keep: 4 });
  store.compact(20);
  const expectedState = store.state(true);
  const expectedMessages = everything(store);
  const expectedSubjects = store.subjectsState('>');
  const crashed = crashCopy(directory);
  await store.close();

  for (const [label, folder] of [['summaries', directory], ['scan', directory], ['crash', crashed]] as const) {
    if (label === 'scan') for (const name of fs.readdirSync(path.join(folder, 'msgs'))) if (name.endsWith('.sum')) fs.rmSync(path.join(folder, 'msgs', name));
    const reopened = open(folder, { blockSize: 2048 });
    assert.deepEqual(reopened.state(true), expectedState, label);
    assert.deepEqual(everything(reopened), expectedMessages, label);
    assert.deepEqual(reopened.subjectsState('>'), expectedSubjects, label);
    if (label === 'summaries') assert.equal(reopened.recovery.summarized, reopened.recovery.blocks);
    else assert.equal(reopened.recovery.summarized, 0);
    assert.equal(reopened.corruptRecords, 0);
    await reopened.close();
  }
  const again = open(directory, { blockSize: 2048 });
  assert.equal(again.store('s.1', null, text('next')).seq, 301);
  await again.delete();
  fs.rmSync(crashed, { recursive: true });
  assert.equal(fs.existsSync(directory), false, 'delete removes the folder');
});

test('file store - sequences continue after purging everything, compacting past the end and truncating', async () => {
  for (const crash of [false, true]) {
    const directory = tempDirectory();
    let store = open(directory);
    for (let i = 0; i < 10; i++) store.store('a', null, text('x'));
    store.purge();
    const reopen = async (): Promise<FileStore> => {
      if (!crash) {
        await store.close();
        return open(directory);
      }
      const copy = crashCopy(directory);
      await store.close();
      fs.rmSync(directory, { recursive: true });
      fs.renameSync(copy, directory);
      return open(directory);
    };
    store = await reopen();
    assert.deepEqual([store.state().firstSeq, store.state().lastSeq, store.state().messages], [11, 10, 0]);
    store.compact(50);
    store = await reopen();
    assert.deepEqual([store.state().firstSeq, store.state().lastSeq], [50, 49]);
    for (let i = 0; i < 10; i++) store.store(`b.${i % 2}`, null, text(`y${i}`));
    store.compact(53);
    store.remove(58);
    store.truncate(58);
    const expected = store.state(true);
    store = await reopen();
    assert.deepEqual(store.state(true), expected);
    assert.equal(store.load(52), null, 'compacted messages stay gone after the truncate');
    assert.equal(store.store('c', null, text('z')).seq, 59);
    store.truncate(40);
    store = await reopen();
    assert.deepEqual([store.state().firstSeq, store.state().lastSeq, store.state().messages], [41, 40, 0]);
    store.truncate(0);
    store = await reopen();
    assert.deepEqual([store.state().firstSeq, store.state().lastSeq], [0, 0]);
    await store.delete();
  }
});

test('file store - a torn tail is cut off and every complete record survives', async () => {
  const random = new Random(testSeed());
  const directory = tempDirectory();
  const store = open(directory, { blockSize: 1 << 20 });
  const ends: number[] = [];
  let offset = 0;
  for (let i = 1; i <= 60; i++) {
    const data = Buffer.alloc(random.int(200), i);
    const headers = i % 4 === 0 ? HEADERS : null;
    store.store(`torn.${i}`, headers, data);
    offset += RECORD_OVERHEAD + `torn.${i}`.length + (headers ? headers.length : 0) + data.length;
    ends.push(offset);
  }
  const pristine = crashCopy(directory);
  await store.delete();
  const blockPath = (folder: string): string => path.join(folder, 'msgs', '1.blk');
  assert.equal(fs.statSync(blockPath(pristine)).size, offset);
  const cuts = [offset - 1, ends[ends.length - 2] + 1, ends[0] - 1, 1];
  for (let i = 0; i < 12; i++) cuts.push(random.int(offset));
  for (const cut of cuts) {
    const folder = crashCopy(pristine);
    fs.truncateSync(blockPath(folder), cut);
    const complete = ends.filter((end) => end <= cut).length;
    const logs: string[] = [];
    const reopened = open(folder, { logger: (level, line) => logs.push(`${level} ${line}`) });
    const state = reopened.state();
    assert.equal(state.messages, complete, `cut at ${cut} (seed ${random.seed})`);
    assert.equal(state.lastSeq, complete);
    assert.equal(reopened.recovery.truncatedBytes, cut - (complete > 0 ? ends[complete - 1] : 0));
    assert.equal(reopened.corruptRecords, 0);
    for (let seq = 1; seq <= complete; seq++) {
      const message = reopened.load(seq);
      assert.equal(message?.subject, `torn.${seq}`);
      assert.ok(message.data.every((byte) => byte === seq));
    }
    assert.equal(reopened.store('after', null, text('crash')).seq, complete + 1);
    await reopened.close();
    const again = open(folder);
    assert.equal(again.state().messages, complete + 1);
    assert.equal(again.loadLast('after')?.data.toString(), 'crash');
    await again.delete();
  }
  fs.rmSync(pristine, { recursive: true });
});

test('file store - a flipped bit in a middle record is detected and never served', async () => {
  const random = new Random(testSeed());
  const directory = tempDirectory();
  const store = open(directory);
  const starts: number[] = [];
  let offset = 0;
  for (let i = 1; i <= 21; i++) {
    starts.push(offset);
    store.store(`flip.${i}`, null, text(`payload number ${i}`));
    offset += RECORD_OVERHEAD + `flip.${i}`.length + `payload number ${i}`.length;
  }
  const blockPath = (folder: string): string => path.join(folder, 'msgs', '1.blk');
  const middleLength = starts[11] - starts[10];
  const flip = (folder: string): void => {
    const fd = fs.openSync(blockPath(folder), 'r+');
    const at = starts[10] + random.int(middleLength);
    const byte = Buffer.alloc(1);
    fs.readSync(fd, byte, 0, 1, at);
    byte[0] ^= 1 << random.int(8);
    fs.writeSync(fd, byte, 0, 1, at);
    fs.closeSync(fd);
  };

  for (let round = 0; round < 8; round++) {
    const folder = crashCopy(directory);
    flip(folder);
    const logs: string[] = [];
    const reopened = open(folder, { logger: (level, line) => logs.push(`${level} ${line}`) });
    assert.equal(reopened.load(11), null, `seed ${random.seed}`);
    assert.equal(reopened.loadNext('flip.11', 1), null);
    assert.equal(reopened.state().messages, 20);
    assert.equal(reopened.corruptRecords, 1);
    assert.ok(logs.some((line) => line.startsWith('warn')));
    for (let seq = 1; seq <= 21; seq++) if (seq !== 11) assert.equal(reopened.load(seq)?.data.toString(), `payload number ${seq}`);
    await reopened.delete();
  }

  // Corruption after start-up is caught when the record is read.
  flip(directory);
  assert.equal(store.load(11), null);
  assert.equal(store.corruptRecords, 1);
  assert.equal(store.state().messages, 20);
  assert.equal(store.load(12)?.data.toString(), 'payload number 12');
  await store.delete();
});

test('file store - many tiny blocks: rollover, dropping empty blocks and reclaiming space', async () => {
  const directory = tempDirectory();
  const store = open(directory, { blockSize: 256, maxOpenFiles: 8 });
  for (let i = 0; i < 900; i++) store.store(`tiny.${i % 5}`, null, text(`m${i}`));
  const blocks = blockFiles(directory).length;
  assert.ok(blocks > 150, `${blocks} blocks`);
  for (let seq = 1; seq <= 300; seq++) store.remove(seq);
  assert.ok(blockFiles(directory).length < blocks - 50, 'emptied blocks are removed');
  const before = blockBytes(directory);
  for (let seq = 301; seq <= 900; seq++) if (seq % 4 !== 0) store.remove(seq);
  assert.ok(blockBytes(directory) < before / 2, 'mostly deleted blocks are rewritten');
  assert.equal(store.loadNext('tiny.0', 301)?.seq, 316);
  assert.equal(store.numPending('tiny.*', 1, false), 150);
  const expected = everything(store);
  await store.close();
  const reopened = open(directory, { blockSize: 256 });
  assert.deepEqual(everything(reopened), expected);
  reopened.purge();
  assert.equal(blockFiles(directory).length, 1);
  await reopened.delete();
});

test('file store - TTLs and max age still apply after a restart', async () => {
  const directory = tempDirectory();
  const store = open(directory, { limits: { maxAgeMs: 60_000 } });
  store.store('short', null, text('a'), { ttlMs: 30 });
  store.store('long', null, text('b'), { ttlMs: 60_000 });
  store.store('never', null, text('c'), { ttlMs: -1 });
  store.storeAt(10, BigInt(Date.now() - 120_000) * 1_000_000n, 'old', null, text('d'), { ttlMs: -1 });
  await store.close();
  await sleep(50);
  const reopened = open(directory, { limits: { maxAgeMs: 60_000 } });
  assert.deepEqual([...reopened.subjectsState('>').keys()].sort(), ['long', 'never', 'old']);
  reopened.updateLimits({ maxAgeMs: 10 });
  assert.deepEqual([...reopened.subjectsState('>').keys()].sort(), ['never', 'old']);
  await reopened.delete();
});

test('file store - sync always and flush', async () => {
  const directory = tempDirectory();
  const store = open(directory, { syncAlways: true, blockSize: 512 });
  for (let i = 0; i < 50; i++) store.store('sync', null, text(`m${i}`));
  store.remove(3);
  store.erase(4);
  store.purge({ keep: 10 });
  await store.flush();
  const copy = crashCopy(directory);
  const reopened = open(copy);
  assert.deepEqual(reopened.state(true), store.state(true));
  await reopened.delete();
  await store.delete();
});

test('file store - erase overwrites the bytes on disk', async () => {
  const directory = tempDirectory();
  const store = open(directory);
  store.store('secret', null, text('the launch code is 1234'));
  store.store('secret', null, text('keep me'));
  store.erase(1);
  const bytes = fs.readFileSync(path.join(directory, 'msgs', '1.blk'));
  assert.equal(bytes.includes('launch code'), false);
  assert.equal(bytes.includes('keep me'), true);
  await store.close();
  const reopened = open(directory);
  assert.deepEqual([reopened.state().messages, reopened.state().firstSeq], [1, 2]);
  await reopened.delete();
});

test('file store - writeJsonAtomic and readJson', () => {
  const directory = tempDirectory();
  const file = path.join(directory, 'config.json');
  assert.equal(readJson(file), null);
  writeJsonAtomic(file, { name: 'ORDERS', subjects: ['orders.>'] });
  writeJsonAtomic(file, { name: 'ORDERS', subjects: ['orders.*'] });
  assert.deepEqual(readJson(file), { name: 'ORDERS', subjects: ['orders.*'] });
  assert.deepEqual(fs.readdirSync(directory), ['config.json']);
  fs.writeFileSync(file, '{broken');
  assert.throws(() => readJson(file));
  fs.rmSync(directory, { recursive: true });
});

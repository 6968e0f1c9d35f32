// The file store's block cache: its byte budget, and that no change to a block file leaves stale bytes to be served.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { FileStore, type FileStoreOptions } from '../../../src/jetstream/store/index.js';
import { BlockCache, CHUNK_BYTES, CachedChunk, type ChunkOwner } from '../../../src/jetstream/store/block-cache.js';
import { RECORD_OVERHEAD } from '../../../src/jetstream/store/record-format.js';
import { storeSuite, tempDirectory, text } from './store-suite.js';

function open(directory: string, cache: BlockCache, options: Partial<FileStoreOptions> = {}): FileStore {
  return new FileStore({ directory, blockSize: 64 * 1024, blockCache: cache, ...options });
}

// The whole suite with room for one chunk: every read misses, evicts or extends.
storeSuite('file store, one-chunk cache', (limits) => open(tempDirectory(), new BlockCache(CHUNK_BYTES), { limits, writeBehind: true }), (subject, headers, data) =>
  headers === 0 ? 30 + subject + data : 34 + subject + headers + data,
);

test('block cache - stays within its budget, least recently used out first', () => {
  const cache = new BlockCache(3 * CHUNK_BYTES);
  const owners: ChunkOwner[] = [{ chunks: null }, { chunks: null }];
  const chunk = (owner: ChunkOwner, index: number): CachedChunk => {
    const made = new CachedChunk(owner, index, index * CHUNK_BYTES, Buffer.alloc(CHUNK_BYTES));
    made.filled = CHUNK_BYTES;
    cache.add(made);
    return made;
  };
  const a0 = chunk(owners[0]!, 0);
  chunk(owners[0]!, 1);
  chunk(owners[1]!, 0);
  assert.equal(cache.find(owners[0]!, 10, 10), a0, 'a0 is used: a1 is now the oldest');
  chunk(owners[1]!, 1);
  assert.equal(cache.size, 3 * CHUNK_BYTES);
  assert.equal(cache.find(owners[0]!, CHUNK_BYTES + 10, 10), null, 'a1 went first');
  assert.equal(cache.find(owners[0]!, 10, 10), a0);
  cache.drop(owners[1]!);
  assert.equal(cache.size, CHUNK_BYTES);
  assert.equal(owners[1]!.chunks, null);
});

test('block cache - a cached block is read right after truncate, compaction, erase and appends', async () => {
  const directory = tempDirectory();
  const store = open(directory, new BlockCache(), { writeBehind: true });
  const body = (seq: number, round: string): string => `${round}-${seq}-${'x'.repeat(seq % 50)}`;
  for (let seq = 1; seq <= 400; seq++) store.store(`c.${seq % 5}`, null, text(body(seq, 'a')));
  for (let seq = 1; seq <= 400; seq++) assert.equal(store.load(seq)?.data.toString(), body(seq, 'a'));

  // Truncate, then new records where the cut ones were.
  store.truncate(200);
  for (let seq = 201; seq <= 400; seq++) assert.equal(store.store(`c.${seq % 5}`, null, text(body(seq, 'b'))).seq, seq);
  for (let seq = 195; seq <= 400; seq++) assert.equal(store.load(seq)?.data.toString(), body(seq, seq <= 200 ? 'a' : 'b'));

  // A following reader: appends past what the cache read are read after them.
  for (let seq = 401; seq <= 500; seq++) {
    store.store('c.tail', null, text(body(seq, 'c')));
    assert.equal(store.load(seq)?.data.toString(), body(seq, 'c'));
  }

  // Fill a second block so the first is no longer written to, then delete most of the first: it is rewritten.
  while (fs.readdirSync(path.join(directory, 'msgs')).filter((n) => n.endsWith('.blk')).length < 2) store.store('c.fill', null, text('f'.repeat(500)));
  for (let seq = 1; seq <= 500; seq++) assert.ok(store.load(seq));
  for (let seq = 1; seq <= 500; seq++) if (seq % 10 !== 0) store.remove(seq);
  for (let seq = 10; seq <= 500; seq += 10) assert.equal(store.load(seq)?.data.toString(), body(seq, seq <= 200 ? 'a' : seq <= 400 ? 'b' : 'c'));

  // Erase drops the block's cached bytes (they must not stay readable in memory); the rest reads from the file.
  assert.ok(store.erase(20));
  assert.equal(store.load(20), null);
  assert.equal(store.load(30)?.data.toString(), body(30, 'a'));
  await store.delete();
});

test('block cache - a record corrupt on disk before its chunk is read is never served', async () => {
  const directory = tempDirectory();
  const cache = new BlockCache();
  const store = open(directory, cache);
  let offset = 0;
  let start7 = 0;
  for (let seq = 1; seq <= 20; seq++) {
    if (seq === 7) start7 = offset;
    store.store('bad.x', null, text(`value ${seq}`));
    offset += RECORD_OVERHEAD + 'bad.x'.length + `value ${seq}`.length;
  }
  const fd = fs.openSync(path.join(directory, 'msgs', '1.blk'), 'r+');
  fs.writeSync(fd, Buffer.from('!'), 0, 1, start7 + RECORD_OVERHEAD - 4 + 'bad.x'.length + 2);
  fs.closeSync(fd);
  assert.equal(store.load(6)?.data.toString(), 'value 6', 'the chunk is read with the corrupt record in it');
  assert.equal(store.load(7), null);
  assert.equal(store.corruptRecords, 1);
  assert.equal(store.load(8)?.data.toString(), 'value 8');
  await store.delete();
});

// Recently read stretches of block files, shared by every file store, bounded in bytes, least recently used dropped first.

import fs from 'node:fs';
import { RECORD_HEADER } from './record-format.js';
import type { IndexEntry } from './indexed-store.js';
import type { StoredMessage } from './types.js';

/** Block files are read in aligned chunks of this size (a record crossing the end extends its chunk). */
export const CHUNK_BYTES = 128 * 1024;
/** The cache's budget for all file stores of the process together. */
export const DEFAULT_CACHE_BYTES = 8 * 1024 * 1024;

/**
 * One stretch of a block file: [start, start + filled) read, room for [start, start + bytes.length). Bytes once
 * read never change: a change to the file drops the chunk instead, so messages handed out as views of it stay
 * as they were read. Only the unread room is written, when the file has grown (a reader following appends).
 */
let lastChunkId = 0;

export class CachedChunk {
  /** Unique for the process: records remember the id of the chunk they were checked in, not the chunk (which may go). */
  readonly id = ++lastChunkId;
  filled = 0;
  constructor(
    readonly owner: ChunkOwner,
    readonly index: number,
    readonly start: number,
    readonly bytes: Buffer,
  ) {}

  /** Whether [offset, offset + length) of the file is inside. */
  holds(offset: number, length: number): boolean {
    return offset >= this.start && offset + length <= this.start + this.filled;
  }
}

/** What a cached chunk belongs to (a block): its chunks by index. */
export interface ChunkOwner {
  chunks: Map<number, CachedChunk> | null;
}

export class BlockCache {
  /** Every cached chunk, least recently used first. */
  private readonly lru = new Map<CachedChunk, true>();
  private bytes = 0;
  /** The chunk used last: reads in a row from one chunk skip the LRU reordering. */
  private recent: CachedChunk | null = null;

  constructor(readonly budget: number = DEFAULT_CACHE_BYTES) {}

  get size(): number {
    return this.bytes;
  }

  /** The chunk of `owner` holding [offset, offset + length), or null. */
  find(owner: ChunkOwner, offset: number, length: number): CachedChunk | null {
    const recent = this.recent;
    if (recent !== null && recent.owner === owner && recent.holds(offset, length)) return recent;
    if (owner.chunks === null) return null;
    const chunk = owner.chunks.get(Math.floor(offset / CHUNK_BYTES));
    if (chunk === undefined || !chunk.holds(offset, length)) return null;
    this.use(chunk);
    return chunk;
  }

  /** The chunk of `owner` with this index, whatever it holds (to be filled further), or null. */
  get(owner: ChunkOwner, index: number): CachedChunk | null {
    return owner.chunks?.get(index) ?? null;
  }

  /** Marks a chunk as the most recently used. */
  use(chunk: CachedChunk): void {
    if (this.recent === chunk) return;
    this.lru.delete(chunk);
    this.lru.set(chunk, true);
    this.recent = chunk;
  }

  /** Adds a chunk (replacing one with its index), then drops the least recently used past the budget (room counts). */
  add(chunk: CachedChunk): void {
    const owner = chunk.owner;
    if (owner.chunks === null) owner.chunks = new Map();
    const old = owner.chunks.get(chunk.index);
    if (old !== undefined) this.remove(old);
    owner.chunks.set(chunk.index, chunk);
    this.lru.set(chunk, true);
    this.bytes += chunk.bytes.length;
    this.recent = chunk;
    for (const oldest of this.lru.keys()) {
      if (this.bytes <= this.budget || oldest === chunk) break;
      this.remove(oldest);
    }
  }

  /** Forgets every chunk of `owner` (its file changed or went away). */
  drop(owner: ChunkOwner): void {
    const chunks = owner.chunks;
    if (chunks === null) return;
    for (const chunk of [...chunks.values()]) this.remove(chunk);
    owner.chunks = null;
  }

  private remove(chunk: CachedChunk): void {
    if (!this.lru.delete(chunk)) return;
    this.bytes -= chunk.bytes.length;
    chunk.owner.chunks?.delete(chunk.index);
    if (this.recent === chunk) this.recent = null;
  }
}

/**
 * The cached chunk holding [offset, offset + length) of a block, read now if missing: the aligned chunk
 * around it (with room to the record's end if it crosses the chunk's), or the rest of a chunk the file has
 * grown into since it was read (a consumer following appends reads only the new records). Sequential
 * readers thus read ahead a chunk at a time. Null when the file is shorter than the record (the caller then
 * finds it corrupt) or the record crosses the end of a chunk read before (read on its own instead).
 */
export function readThroughCache<B extends ChunkOwner & { readonly size: number }>(
  cache: BlockCache,
  block: B,
  fdOf: (block: B) => number,
  offset: number,
  length: number,
): CachedChunk | null {
  const found = cache.find(block, offset, length);
  if (found !== null) return found;
  const end = offset + length;
  if (end > block.size) return null;
  const index = Math.floor(offset / CHUNK_BYTES);
  let chunk = cache.get(block, index);
  if (chunk === null) {
    const start = index * CHUNK_BYTES;
    chunk = new CachedChunk(block, index, start, Buffer.allocUnsafe(Math.max(CHUNK_BYTES, end - start)));
    cache.add(chunk);
  } else if (end > chunk.start + chunk.bytes.length) {
    return null;
  }
  const readTo = Math.min(block.size, chunk.start + chunk.bytes.length);
  const want = readTo - chunk.start - chunk.filled;
  const got = fs.readSync(fdOf(block), chunk.bytes, chunk.filled, want, chunk.start + chunk.filled);
  chunk.filled += got;
  cache.use(chunk);
  return chunk.holds(offset, length) ? chunk : null;
}

/** The message in a checked record at `at` of `buf`: views of the buffer, no copies. */
export function messageAt(entry: IndexEntry, buf: Buffer, at: number): StoredMessage {
  const headersStart = at + RECORD_HEADER + buf.readUInt16LE(at + 5);
  const headersLength = buf.readUInt32LE(at + 7);
  const dataStart = headersStart + headersLength;
  return {
    seq: entry.seq,
    subject: entry.subject,
    headers: headersLength > 0 ? buf.subarray(headersStart, dataStart) : null,
    data: buf.subarray(dataStart, at + entry.recordLength - 4),
    timestampNs: entry.timestampNs,
  };
}

/** The process's cache (one budget for every file store). */
export const sharedBlockCache = new BlockCache();

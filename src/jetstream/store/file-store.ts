// FileStore: a stream's messages in numbered block files, rebuilt at start by scanning (or from summaries).

import fs from 'node:fs';
import path from 'node:path';
import { randomFillSync } from 'node:crypto';
import { IndexedStore, IndexEntry } from './indexed-store.js';
import { RECORD_HEADER, RecordKind, RecordView, encodeRecord, encodeRecordInto, isIntactMessage, recordLength, scanRecords, sealRecord } from './record-format.js';
import { decodeSummary, encodeSummary, type SummaryEntry } from './block-summary.js';
import { syncDirectory } from './json-file.js';
import { BlockCache, CHUNK_BYTES, CachedChunk, messageAt, readThroughCache, sharedBlockCache, type ChunkOwner } from './block-cache.js';
import type { StoreLimits, StoreLogger, StoredMessage } from './types.js';

export interface FileStoreOptions {
  /** The stream's folder; blocks live in its `msgs/` subfolder (other files there are the stream's). */
  directory: string;
  limits?: Partial<StoreLimits>;
  /** A block file is closed for appends past this size (default 8 MB); a bigger record gets a block of its own. */
  blockSize?: number;
  /** fsync before store() and remove() return. Otherwise writes reach the OS at once and fsync runs every syncIntervalMs. */
  syncAlways?: boolean;
  /** Default 2 minutes, as nats-server's sync_interval. */
  syncIntervalMs?: number;
  logger?: StoreLogger;
  /** Block files kept open for reading at once (least recently used are closed). Default 64. */
  maxOpenFiles?: number;
  /**
   * Gather appended records in a write buffer and write them with one call per event-loop turn (a microtask
   * queued by the first append of the turn) instead of one write per message. The server's PubAcks leave in a
   * later Immediate, so an acknowledged message has still reached the OS. Not with syncAlways. Default false:
   * store() then returns with the record written, which the store tests' crash copies rely on. The cost: if
   * that one write fails (disk full, I/O error) the turn's records were already acknowledged — as with
   * nats-server, whose message blocks are also flushed after the PubAck; the failure is logged and every
   * later store fails, so nothing more is acknowledged.
   */
  writeBehind?: boolean;
  /** Where recently read block contents are kept (default: the process's shared cache); null reads every record from its file. */
  blockCache?: BlockCache | null;
}

export interface RecoveryReport {
  blocks: number;
  /** Blocks restored from their summary instead of being scanned. */
  summarized: number;
  corruptRecords: number;
  truncatedBytes: number;
  durationMs: number;
}

export const DEFAULT_BLOCK_SIZE = 8 * 1024 * 1024;
export const DEFAULT_SYNC_INTERVAL_MS = 120_000;
/** The write-behind buffer; a bigger record is written on its own. */
const WRITE_BUFFER_BYTES = 1 << 20;
const DELETED_BYTE = Buffer.from([RecordKind.deleted]);

/** One block file and what the index knows about it. */
class Block implements ChunkOwner {
  fd = -1;
  /** Its chunks in the block cache. */
  chunks: Map<number, CachedChunk> | null = null;
  size = 0;
  /** Live messages and the bytes of their records. */
  live = 0;
  liveBytes = 0;
  /** Every message entry appended here, live or not, in order (pruned when the block is rewritten). */
  entries: IndexEntry[] = [];
  /** The highest sequence of any record here, its time, and the highest purge floor here (-1 none). */
  maxSeq = 0;
  maxSeqTimeNs = 0n;
  floorSeq = -1;
  dirty = false;
  /** Whether the summary file on disk describes this block as it is. */
  summaryValid = false;
  constructor(
    readonly number: number,
    readonly path: string,
    readonly summaryPath: string,
  ) {}

  noteSeq(seq: number, timestampNs: bigint): void {
    if (seq > this.maxSeq) {
      this.maxSeq = seq;
      this.maxSeqTimeNs = timestampNs;
    }
  }
}

function onSyncTimer(store: FileStore): void {
  store.syncNow();
}

/** nats-server's fileStoreMsgSize. */
function fileStoreMsgSize(subjectLength: number, headersLength: number, dataLength: number): number {
  return headersLength === 0 ? 30 + subjectLength + dataLength : 34 + subjectLength + headersLength + dataLength;
}

export class FileStore extends IndexedStore {
  readonly type = 'file' as const;
  readonly directory: string;
  readonly recovery: RecoveryReport = { blocks: 0, summarized: 0, corruptRecords: 0, truncatedBytes: 0, durationMs: 0 };
  /** Records found corrupt since start-up (at recovery or when loaded). */
  corruptRecords = 0;

  private readonly blocksDirectory: string;
  private readonly blockSize: number;
  private readonly syncAlways: boolean;
  private readonly maxOpenFiles: number;
  private readonly logger: StoreLogger | null;
  private blocks: Block[] = [];
  private writeBlock: Block | null = null;
  private nextBlockNumber = 1;
  /** Blocks with an open descriptor, least recently used first. */
  private readonly openBlocks = new Map<Block, true>();
  private syncTimer: NodeJS.Timeout | null = null;
  /** The first write error sticks: later writes fail with it, as nats-server's filestore does. */
  private writeError: Error | null = null;
  private readonly writeBehind: boolean;
  private readonly cache: BlockCache | null;
  /** Write-behind: records appended to pendingBlock (counted in its size) not yet written, from file offset pendingStart. */
  private pending: Buffer | null = null;
  private pendingLength = 0;
  private pendingBlock: Block | null = null;
  private pendingStart = 0;
  private flushQueued = false;
  /** fdOf for the block cache, made once (the descriptor is only needed when the cache misses). */
  private readonly fdForRead = (block: Block): number => this.fdOf(block);
  /** One function for every turn's queued flush (no closure per message). */
  private readonly flushQueuedTask = (): void => {
    this.flushQueued = false;
    this.flushPending();
  };

  constructor(options: FileStoreOptions) {
    super(options.limits);
    this.directory = options.directory;
    this.blocksDirectory = path.join(options.directory, 'msgs');
    this.blockSize = Math.max(1, options.blockSize ?? DEFAULT_BLOCK_SIZE);
    this.syncAlways = options.syncAlways === true;
    this.writeBehind = options.writeBehind === true && !this.syncAlways;
    this.maxOpenFiles = Math.max(2, options.maxOpenFiles ?? 64);
    this.cache = options.blockCache === undefined ? sharedBlockCache : options.blockCache;
    this.logger = options.logger ?? null;
    fs.mkdirSync(this.blocksDirectory, { recursive: true });
    const started = performance.now();
    this.recover();
    this.recovery.durationMs = performance.now() - started;
    const interval = options.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS;
    if (!this.syncAlways && interval > 0) {
      this.syncTimer = setInterval(onSyncTimer, interval, this);
      this.syncTimer.unref();
    }
  }

  protected sizeOf(subjectLength: number, headersLength: number, dataLength: number): number {
    return fileStoreMsgSize(subjectLength, headersLength, dataLength);
  }

  // ---- recovery ----

  private recover(): void {
    const numbers: number[] = [];
    for (const name of fs.readdirSync(this.blocksDirectory)) {
      const match = /^(\d+)\.blk$/.exec(name);
      if (match) numbers.push(Number(match[1]));
      else if (name.endsWith('.tmp')) fs.rmSync(path.join(this.blocksDirectory, name), { force: true });
    }
    numbers.sort((a, b) => a - b);
    let maxSeq = 0;
    let maxSeqTimeNs = 0n;
    let sawRecords = false;
    for (const number of numbers) {
      const block = this.blockObject(number);
      this.blocks.push(block);
      if (!this.recoverFromSummary(block)) this.recoverByScan(block);
      if (block.maxSeq > 0 || block.floorSeq >= 0 || block.size > 0) sawRecords = true;
      if (block.maxSeq > maxSeq) {
        maxSeq = block.maxSeq;
        maxSeqTimeNs = block.maxSeqTimeNs;
      }
    }
    for (const stale of fs.readdirSync(this.blocksDirectory)) {
      const match = /^(\d+)\.sum$/.exec(stale);
      if (match && !numbers.includes(Number(match[1]))) fs.rmSync(path.join(this.blocksDirectory, stale), { force: true });
    }
    this.nextBlockNumber = numbers.length > 0 ? numbers[numbers.length - 1] + 1 : 1;
    this.recovery.blocks = this.blocks.length;
    const last = this.blocks[this.blocks.length - 1];
    for (const block of this.blocks.slice()) if (block !== last && block.live === 0) this.unlinkBlock(block);
    this.writeBlock = last ?? null;
    this.finishRecovery(maxSeq, maxSeqTimeNs, sawRecords);
  }

  private recoverFromSummary(block: Block): boolean {
    let buf: Buffer;
    let stat: fs.BigIntStats;
    try {
      buf = fs.readFileSync(block.summaryPath);
      stat = fs.statSync(block.path, { bigint: true });
    } catch {
      return false;
    }
    const header = decodeSummary(
      buf,
      (h) => {
        if (h.fileSize !== Number(stat.size) || h.mtimeNs !== stat.mtimeNs) return false;
        if (h.floorSeq >= 0) this.applyFloor(h.floorSeq);
        return true;
      },
      (seq, offset, recordLength, size, timestampNs, ttlMs, subject) => {
        if (seq <= this.lastSeq) return;
        const entry = new IndexEntry(seq, subject, timestampNs, size, ttlMs);
        this.attach(block, entry, offset, recordLength);
        this.addEntry(entry);
        this.lastSeq = seq;
      },
    );
    if (header === null) return false;
    block.size = header.fileSize;
    block.floorSeq = header.floorSeq;
    block.noteSeq(header.maxSeq, header.maxSeqTimeNs);
    this.lastSeq = Math.max(this.lastSeq, block.maxSeq);
    block.summaryValid = true;
    this.recovery.summarized++;
    return true;
  }

  /** Reads and checks every record; a block that cannot be read fails the open (its data must not be dropped). */
  private recoverByScan(block: Block): void {
    const buf = fs.readFileSync(block.path);
    const result = scanRecords(
      buf,
      (view) => this.recoverRecord(block, buf, view),
      (offset, skipped) => {
        this.corruptRecords++;
        this.recovery.corruptRecords++;
        this.log('warn', `skipped ${skipped} corrupt bytes at offset ${offset} of ${block.path}`);
      },
    );
    block.size = result.validEnd;
    if (result.validEnd < buf.length) {
      const cut = buf.length - result.validEnd;
      this.recovery.truncatedBytes += cut;
      this.log('warn', `truncated a torn tail of ${cut} bytes from ${block.path}`);
      fs.truncateSync(block.path, result.validEnd);
    }
  }

  private recoverRecord(block: Block, buf: Buffer, view: RecordView): void {
    if (view.kind === RecordKind.floor) {
      this.applyFloor(view.seq);
      block.floorSeq = Math.max(block.floorSeq, view.seq);
    } else if (view.kind === RecordKind.message) {
      if (view.seq <= this.lastSeq) {
        this.corruptRecords++;
        this.recovery.corruptRecords++;
        this.log('warn', `skipped out-of-order sequence ${view.seq} at offset ${view.offset} of ${block.path}`);
        return;
      }
      const start = view.offset + RECORD_HEADER;
      const subject = buf.toString('latin1', start, start + view.subjectLength);
      const size = fileStoreMsgSize(view.subjectLength, view.headersLength, view.dataLength);
      const entry = new IndexEntry(view.seq, subject, view.timestampNs, size, view.ttlMs);
      this.attach(block, entry, view.offset, view.length);
      this.addEntry(entry);
    }
    block.noteSeq(view.seq, view.timestampNs);
    if (view.seq > this.lastSeq) this.lastSeq = view.seq;
  }

  /** A purge floor met while recovering: drops what it covers, in any block seen so far. */
  private applyFloor(floorSeq: number): void {
    for (const entry of this.dropUpTo(floorSeq)) {
      const block = entry.block as Block;
      block.live--;
      block.liveBytes -= entry.recordLength;
    }
  }

  private attach(block: Block, entry: IndexEntry, offset: number, recordLength: number): void {
    entry.block = block;
    entry.offset = offset;
    entry.recordLength = recordLength;
    block.entries.push(entry);
    block.live++;
    block.liveBytes += recordLength;
  }

  // ---- writing ----

  protected persistAppend(entry: IndexEntry, headers: Buffer | null, data: Buffer): void {
    if (this.writeError) throw this.writeError;
    const length = recordLength(entry.subject.length, headers === null ? 0 : headers.length, data.length);
    let block = this.writeBlock;
    const previous = block;
    if (block === null || (block.size > 0 && block.size + length > this.blockSize)) {
      this.flushPending();
      block = this.newBlock();
    }
    if (this.writeBehind && length <= WRITE_BUFFER_BYTES) {
      this.bufferRecord(block, length, entry, headers, data);
    } else {
      const record = encodeRecord(RecordKind.message, entry.seq, entry.timestampNs, entry.ttlMs, entry.subject, headers, data);
      this.flushPending();
      this.appendRecord(block, record);
    }
    this.attach(block, entry, block.size - length, length);
    block.noteSeq(entry.seq, entry.timestampNs);
    if (this.syncAlways) this.fsyncBlock(block);
    if (previous !== null && previous !== block) this.retire(previous);
  }

  /** Encodes a message record into the write buffer (the block's size counts it) and queues the turn's flush. */
  private bufferRecord(block: Block, length: number, entry: IndexEntry, headers: Buffer | null, data: Buffer): void {
    if (this.pendingLength + length > WRITE_BUFFER_BYTES) this.flushPending();
    if (this.pendingLength === 0) {
      this.touch(block);
      this.pendingBlock = block;
      this.pendingStart = block.size;
    }
    if (this.pending === null) this.pending = Buffer.allocUnsafe(WRITE_BUFFER_BYTES);
    encodeRecordInto(this.pending, this.pendingLength, length, RecordKind.message, entry.seq, entry.timestampNs, entry.ttlMs, entry.subject, headers, data);
    this.pendingLength += length;
    block.size += length;
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(this.flushQueuedTask);
    }
  }

  /**
   * Writes the buffered records. Every other file operation calls this first, so the files are as if each
   * record had been written at once. A failed write sticks (later stores fail); it is not thrown, since the
   * caller may be the queued microtask: the records it lost are found missing when read.
   */
  private flushPending(): void {
    if (this.pendingLength === 0) return;
    const block = this.pendingBlock!;
    const length = this.pendingLength;
    this.pendingLength = 0;
    this.pendingBlock = null;
    if (this.writeError !== null) return;
    let fd = -1;
    try {
      fd = this.fdOf(block);
      const written = fs.writeSync(fd, this.pending!, 0, length, this.pendingStart);
      if (written !== length) throw new Error(`short write to ${block.path}`);
    } catch (error) {
      this.writeError = error as Error;
      try {
        if (fd >= 0) fs.ftruncateSync(fd, this.pendingStart);
      } catch {
        // The half-written records are cut off by the next recovery instead.
      }
      this.log('error', `write to ${block.path} failed: ${(error as Error).message}`);
    }
  }

  /** Appends a whole record to a block (a floor or a sequence marker too); a failed write sticks. */
  private appendRecord(block: Block, record: Buffer): void {
    this.touch(block);
    const fd = this.fdOf(block);
    try {
      const written = fs.writeSync(fd, record, 0, record.length, block.size);
      if (written !== record.length) throw new Error(`short write to ${block.path}`);
    } catch (error) {
      this.writeError = error as Error;
      try {
        fs.ftruncateSync(fd, block.size);
      } catch {
        // The half-written record is cut off by the next recovery instead.
      }
      this.log('error', `write to ${block.path} failed: ${(error as Error).message}`);
      throw error;
    }
    block.size += record.length;
  }

  private appendMarker(kind: number, seq: number, timestampNs: bigint): void {
    this.flushPending();
    if (this.writeError) throw this.writeError;
    const block = this.writeBlock ?? this.newBlock();
    this.appendRecord(block, encodeRecord(kind, seq, timestampNs, 0, '', null, null));
    if (kind === RecordKind.floor) block.floorSeq = Math.max(block.floorSeq, seq);
    block.noteSeq(seq, timestampNs);
    if (this.syncAlways) this.fsyncBlock(block);
  }

  protected persistRemove(entries: IndexEntry[], secure: boolean): void {
    this.flushPending();
    const affected = new Set<Block>();
    for (const entry of entries) {
      const block = entry.block as Block;
      block.live--;
      block.liveBytes -= entry.recordLength;
      affected.add(block);
    }
    for (const entry of entries) {
      const block = entry.block as Block;
      if (secure) this.eraseRecord(entry);
      else if (block.live > 0 || block === this.writeBlock) this.writeAt(block, DELETED_BYTE, entry.offset);
    }
    this.settle(affected);
  }

  protected persistFloor(floorSeq: number, removed: IndexEntry[] | null): void {
    this.flushPending();
    const affected = new Set<Block>();
    if (removed === null) {
      for (const block of this.blocks) {
        block.live = 0;
        block.liveBytes = 0;
        block.entries = [];
        affected.add(block);
      }
    } else {
      for (const entry of removed) {
        const block = entry.block as Block;
        block.live--;
        block.liveBytes -= entry.recordLength;
        affected.add(block);
      }
      // A block other than the write block keeps live messages: mark its removed records one by one,
      // since the floor record below protects only the block it is written to.
      for (const entry of removed) {
        const block = entry.block as Block;
        if (block !== this.writeBlock && block.live > 0) this.writeAt(block, DELETED_BYTE, entry.offset);
      }
    }
    this.appendMarker(RecordKind.floor, floorSeq, this.lastTimeNs);
    this.settle(affected);
  }

  protected persistTruncate(seq: number, removed: IndexEntry[], lastLive: IndexEntry | null): void {
    this.flushPending();
    for (const entry of removed) {
      const block = entry.block as Block;
      block.live--;
      block.liveBytes -= entry.recordLength;
    }
    if (lastLive === null) {
      for (const block of this.blocks.slice()) this.unlinkBlock(block);
      this.appendMarker(RecordKind.floor, seq, 0n);
      return;
    }
    const keep = lastLive.block as Block;
    for (const block of this.blocks.slice()) if (block.number > keep.number) this.unlinkBlock(block);
    this.touch(keep);
    // New records will be written where the cut ones were: cached bytes there would be stale.
    this.cache?.drop(keep);
    const cut = lastLive.offset + lastLive.recordLength;
    fs.ftruncateSync(this.fdOf(keep), cut);
    keep.size = cut;
    keep.dirty = true;
    keep.entries = keep.entries.filter((entry) => entry.seq <= lastLive.seq);
    keep.maxSeq = lastLive.seq;
    keep.maxSeqTimeNs = lastLive.timestampNs;
    keep.floorSeq = -1;
    this.writeBlock = keep;
    // The cut may have dropped a floor that covered this block's oldest records: restate it.
    if (this.firstSeq > 1) this.appendMarker(RecordKind.floor, this.firstSeq - 1, lastLive.timestampNs);
    if (lastLive.seq < seq) this.appendMarker(RecordKind.deleted, seq, lastLive.timestampNs);
    if (this.syncAlways) this.fsyncBlock(keep);
  }

  protected persistReset(): void {
    this.flushPending();
    for (const block of this.blocks.slice()) this.unlinkBlock(block);
    this.writeBlock = null;
  }

  /** Overwrites a record's headers and data with random bytes and marks it deleted, in one write. */
  private eraseRecord(entry: IndexEntry): void {
    const block = entry.block as Block;
    const record = Buffer.allocUnsafe(entry.recordLength);
    const fd = this.fdOf(block);
    if (fs.readSync(fd, record, 0, entry.recordLength, entry.offset) !== entry.recordLength) return;
    // An erased message must not stay readable in memory either.
    this.cache?.drop(block);
    const payloadStart = RECORD_HEADER + record.readUInt16LE(5);
    randomFillSync(record, payloadStart, entry.recordLength - 4 - payloadStart);
    record[0] = RecordKind.deleted;
    sealRecord(record, 0, entry.recordLength);
    this.writeAt(block, record, entry.offset);
  }

  /** After removals: drops blocks left empty (except the write block) and rewrites mostly-empty ones. */
  private settle(affected: Set<Block>): void {
    for (const block of affected) {
      if (block === this.writeBlock || !this.blocks.includes(block)) continue;
      if (block.live === 0) this.unlinkBlock(block);
      else if (block.liveBytes * 2 < block.size) this.rewrite(block);
    }
    if (this.syncAlways) for (const block of affected) if (block.dirty && block.fd >= 0) this.fsyncBlock(block);
  }

  /** A block stops being the write block: dropped if empty, compacted if mostly deleted. */
  private retire(block: Block): void {
    if (block.live === 0) this.unlinkBlock(block);
    else if (block.liveBytes * 2 < block.size) this.rewrite(block);
  }

  private writeAt(block: Block, bytes: Buffer, position: number): void {
    this.flushPending();
    this.touch(block);
    fs.writeSync(this.fdOf(block), bytes, 0, bytes.length, position);
  }

  /** Copies a block's live records into a new file that replaces it (temp file, fsync, rename). */
  private rewrite(block: Block): void {
    this.flushPending();
    const live = block.entries.filter((entry) => this.index.get(entry.seq) === entry);
    const fd = this.fdOf(block);
    const out = Buffer.allocUnsafe(block.liveBytes);
    let at = 0;
    for (const entry of live) {
      fs.readSync(fd, out, at, entry.recordLength, entry.offset);
      at += entry.recordLength;
    }
    this.touch(block);
    const temp = `${block.path}.tmp`;
    const tempFd = fs.openSync(temp, 'w');
    try {
      fs.writeSync(tempFd, out, 0, at);
      fs.fsyncSync(tempFd);
    } finally {
      fs.closeSync(tempFd);
    }
    this.closeFd(block);
    this.cache?.drop(block);
    fs.renameSync(temp, block.path);
    at = 0;
    for (const entry of live) {
      entry.offset = at;
      at += entry.recordLength;
    }
    block.entries = live;
    block.size = at;
    block.floorSeq = -1;
  }

  private newBlock(): Block {
    const block = this.blockObject(this.nextBlockNumber++);
    block.fd = fs.openSync(block.path, 'w+');
    this.openBlocks.set(block, true);
    this.trimOpenFiles();
    this.blocks.push(block);
    this.writeBlock = block;
    if (this.syncAlways) syncDirectory(this.blocksDirectory);
    return block;
  }

  private blockObject(number: number): Block {
    return new Block(number, path.join(this.blocksDirectory, `${number}.blk`), path.join(this.blocksDirectory, `${number}.sum`));
  }

  private unlinkBlock(block: Block): void {
    this.closeFd(block);
    this.cache?.drop(block);
    fs.rmSync(block.path, { force: true });
    fs.rmSync(block.summaryPath, { force: true });
    const at = this.blocks.indexOf(block);
    if (at >= 0) this.blocks.splice(at, 1);
    if (block === this.writeBlock) this.writeBlock = null;
    block.live = 0;
    block.entries = [];
    // A dropped block took its removed records with it: the unlink itself must not be lost.
    if (this.syncAlways) syncDirectory(this.blocksDirectory);
  }

  /** Before a block changes: its summary no longer describes it. */
  private touch(block: Block): void {
    block.dirty = true;
    if (block.summaryValid) {
      block.summaryValid = false;
      fs.rmSync(block.summaryPath, { force: true });
    }
  }

  private fdOf(block: Block): number {
    if (block.fd >= 0) {
      this.openBlocks.delete(block);
      this.openBlocks.set(block, true);
      return block.fd;
    }
    block.fd = fs.openSync(block.path, 'r+');
    this.openBlocks.set(block, true);
    this.trimOpenFiles();
    return block.fd;
  }

  private trimOpenFiles(): void {
    for (const block of this.openBlocks.keys()) {
      if (this.openBlocks.size <= this.maxOpenFiles) break;
      if (block !== this.writeBlock) this.closeFd(block);
    }
  }

  private closeFd(block: Block): void {
    if (block === this.pendingBlock) this.flushPending();
    if (block.fd < 0) return;
    if (block.dirty && !this.syncAlways) this.fsyncBlock(block);
    fs.closeSync(block.fd);
    block.fd = -1;
    this.openBlocks.delete(block);
  }

  private fsyncBlock(block: Block): void {
    if (block.fd >= 0) fs.fsyncSync(block.fd);
    block.dirty = false;
  }

  // ---- reading ----

  /**
   * A message from the block cache (its chunk read from the file if missing); a record bigger than a chunk is
   * read on its own. A record's checksum is checked when it is first read from a chunk read from disk, so
   * corrupt bytes are never served; a corrupt record is removed from the index.
   */
  protected readEntry(entry: IndexEntry): StoredMessage | null {
    if (entry.block === this.pendingBlock) this.flushPending();
    const block = entry.block as Block;
    const length = entry.recordLength;
    let chunk: CachedChunk | null = null;
    let record: Buffer | null = null;
    let at = 0;
    try {
      if (this.cache !== null && length <= CHUNK_BYTES) {
        chunk = readThroughCache(this.cache, block, this.fdForRead, entry.offset, length);
        if (chunk !== null) {
          at = entry.offset - chunk.start;
          if (entry.checkedIn === chunk.id) return messageAt(entry, chunk.bytes, at);
          record = chunk.bytes;
        }
      }
      if (record === null) {
        record = Buffer.allocUnsafe(length);
        if (fs.readSync(this.fdOf(block), record, 0, length, entry.offset) !== length) record = null;
      }
    } catch (error) {
      this.log('error', `cannot read ${block.path}: ${(error as Error).message}`);
      record = null;
    }
    if (record === null || !isIntactMessage(record, at, length, entry.seq)) {
      this.corruptRecords++;
      this.log('warn', `sequence ${entry.seq} is corrupt in ${block.path}; removed`);
      this.removeEntry(entry, null);
      return null;
    }
    if (chunk !== null) entry.checkedIn = chunk.id;
    return messageAt(entry, record, at);
  }

  // ---- lifecycle ----

  /** fsyncs every block written since the last sync (the interval timer calls this). */
  syncNow(): void {
    this.flushPending();
    for (const block of this.openBlocks.keys()) if (block.dirty) this.fsyncBlock(block);
  }

  async flush(): Promise<void> {
    if (!this.closed) this.syncNow();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flushPending();
    this.closeIndex();
    if (this.syncTimer !== null) clearInterval(this.syncTimer);
    this.syncTimer = null;
    for (const block of [...this.openBlocks.keys()]) this.closeFd(block);
    if (this.cache !== null) for (const block of this.blocks) this.cache.drop(block);
    if (this.writeError === null) for (const block of this.blocks) if (!block.summaryValid) this.writeSummary(block);
  }

  async delete(): Promise<void> {
    await this.close();
    fs.rmSync(this.directory, { recursive: true, force: true });
  }

  private writeSummary(block: Block): void {
    try {
      const stat = fs.statSync(block.path, { bigint: true });
      const entries: SummaryEntry[] = [];
      for (const entry of block.entries) {
        if (this.index.get(entry.seq) === entry) entries.push(entry);
      }
      const header = {
        fileSize: Number(stat.size),
        mtimeNs: stat.mtimeNs,
        maxSeq: block.maxSeq,
        maxSeqTimeNs: block.maxSeqTimeNs,
        floorSeq: block.floorSeq,
      };
      const temp = `${block.summaryPath}.tmp`;
      fs.writeFileSync(temp, encodeSummary(header, entries));
      fs.renameSync(temp, block.summaryPath);
      block.summaryValid = true;
    } catch (error) {
      this.log('warn', `cannot write the summary of ${block.path}: ${(error as Error).message}`);
    }
  }

  private log(level: 'info' | 'warn' | 'error', text: string): void {
    if (this.logger !== null) this.logger(level, `file store ${this.directory}: ${text}`);
  }
}


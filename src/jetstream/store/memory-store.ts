// MemoryStore: the message store kept in process memory (storage: memory), sized as nats-server's memstore.

import { randomFillSync } from 'node:crypto';
import { IndexedStore, type IndexEntry } from './indexed-store.js';
import type { StoreLimits, StoredMessage } from './types.js';

export interface MemoryStoreOptions {
  limits?: Partial<StoreLimits>;
}

export class MemoryStore extends IndexedStore {
  readonly type = 'memory' as const;

  constructor(options: MemoryStoreOptions = {}) {
    super(options.limits);
  }

  /** nats-server's memStoreMsgSize: subject + headers + data + 16 (sequence and timestamp). */
  protected sizeOf(subjectLength: number, headersLength: number, dataLength: number): number {
    return subjectLength + headersLength + dataLength + 16;
  }

  /** Copies headers and data into one allocation: the caller's buffers are views into read buffers. */
  protected persistAppend(entry: IndexEntry, headers: Buffer | null, data: Buffer): void {
    const headersLength = headers ? headers.length : 0;
    const copy = Buffer.allocUnsafe(headersLength + data.length);
    if (headers) headers.copy(copy, 0);
    data.copy(copy, headersLength);
    entry.headers = headers ? copy.subarray(0, headersLength) : null;
    entry.data = copy.subarray(headersLength);
  }

  protected readEntry(entry: IndexEntry): StoredMessage {
    return {
      seq: entry.seq,
      subject: entry.subject,
      headers: entry.headers,
      data: entry.data as Buffer,
      timestampNs: entry.timestampNs,
    };
  }

  protected persistRemove(entries: IndexEntry[], secure: boolean): void {
    if (!secure) return;
    for (const entry of entries) {
      if (entry.headers) randomFillSync(entry.headers);
      if (entry.data) randomFillSync(entry.data);
    }
  }

  protected persistFloor(): void {}
  protected persistTruncate(): void {}
  protected persistReset(): void {}

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.closeIndex();
    this.index.clear();
    this.subjects.clear();
  }

  async delete(): Promise<void> {
    await this.close();
  }
}

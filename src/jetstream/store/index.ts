// The message store's public surface: the MessageStore contract, both stores and the atomic JSON helpers.

export * from './types.js';
export { MemoryStore, type MemoryStoreOptions } from './memory-store.js';
export { FileStore, DEFAULT_BLOCK_SIZE, DEFAULT_SYNC_INTERVAL_MS, type FileStoreOptions, type RecoveryReport } from './file-store.js';
export { writeJsonAtomic, readJson, writeFileAtomic } from './json-file.js';

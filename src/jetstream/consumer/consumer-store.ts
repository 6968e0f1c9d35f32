// A consumer's persisted state for file streams: config.json and state.json in <stream>/obs/<name>, batched atomic writes.

import fs from 'node:fs';
import path from 'node:path';
import { readJson, writeJsonAtomic } from '../store/index.js';

export const CONFIG_FILE = 'config.json';
export const STATE_FILE = 'state.json';
/** State is written at most this often (and when the consumer stops). */
export const STATE_FLUSH_INTERVAL_MS = 100;

export interface SequencePair {
  consumer_seq: number;
  stream_seq: number;
}

/** What survives a restart: nats-server's ConsumerState. */
export interface PersistedState {
  delivered: SequencePair;
  ack_floor: SequencePair;
  /** [stream seq, consumer seq of the first delivery, last delivery time in ms]. */
  pending: [number, number, number][];
  /** [stream seq, times redelivered]. */
  redelivered: [number, number][];
  /** The stream sequence below which the consumer never wanted messages (its start), for interest retention. */
  start_floor?: number;
}

export interface PersistedMeta {
  name: string;
  /** RFC 3339 creation time. */
  created: string;
  config: Record<string, unknown>;
}

function flushFired(store: ConsumerStore): void {
  store.timer = null;
  store.flush();
}

/** Writes a consumer's files; a memory consumer (no directory) keeps nothing. */
export class ConsumerStore {
  timer: NodeJS.Timeout | null = null;
  private dirty = false;
  private closed = false;

  constructor(
    readonly directory: string | null,
    private readonly snapshot: () => PersistedState,
    private readonly log: (text: string) => void,
  ) {}

  get persistent(): boolean {
    return this.directory !== null;
  }

  writeConfig(meta: PersistedMeta): void {
    if (this.directory === null || this.closed) return;
    try {
      fs.mkdirSync(this.directory, { recursive: true });
      writeJsonAtomic(path.join(this.directory, CONFIG_FILE), meta);
    } catch (err) {
      this.log(`could not write ${CONFIG_FILE}: ${(err as Error).message}`);
    }
  }

  /** The state changed: written within STATE_FLUSH_INTERVAL_MS. */
  markDirty(): void {
    if (this.directory === null || this.closed) return;
    this.dirty = true;
    if (this.timer === null) {
      this.timer = setTimeout(flushFired, STATE_FLUSH_INTERVAL_MS, this);
      this.timer.unref();
    }
  }

  flush(): void {
    if (!this.dirty || this.directory === null || this.closed) return;
    this.dirty = false;
    try {
      fs.mkdirSync(this.directory, { recursive: true });
      writeJsonAtomic(path.join(this.directory, STATE_FILE), this.snapshot());
    } catch (err) {
      this.log(`could not write ${STATE_FILE}: ${(err as Error).message}`);
    }
  }

  /** Stops writing; with `remove` the consumer's folder goes, otherwise pending state is written first. */
  close(remove: boolean): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (!remove) this.flush();
    this.closed = true;
    if (remove && this.directory !== null) fs.rmSync(this.directory, { recursive: true, force: true });
  }

  /** Reads a consumer folder; null when it holds no usable config. Throws on unreadable JSON. */
  static read(directory: string): { meta: PersistedMeta; state: PersistedState | null } | null {
    const meta = readJson<PersistedMeta>(path.join(directory, CONFIG_FILE));
    if (meta === null || typeof meta.name !== 'string' || typeof meta.config !== 'object' || meta.config === null) return null;
    const state = readJson<PersistedState>(path.join(directory, STATE_FILE));
    return { meta, state };
  }
}

// The contracts between JetStream's parts: what a consumer sees of its stream, and what a stream needs of a consumer.

import type { Server } from '../core/server.js';
import type { Account } from '../core/account.js';
import type { MessageStore } from './store/types.js';
import type { StreamConfig } from './stream-config.js';

/** What a consumer may use of the stream it reads. Implemented by Stream. */
export interface ConsumerHost {
  readonly name: string;
  readonly config: StreamConfig;
  readonly store: MessageStore;
  readonly server: Server;
  readonly account: Account;
  /** Folder for this stream's persistent consumer state (`<stream dir>/obs`); null for memory streams. */
  readonly consumersDir: string | null;
  /**
   * A consumer has acknowledged (or terminated) `seq`. Under interest and workqueue retention the stream
   * removes the message once no consumer still needs it (see StreamConsumer.needsMessage).
   */
  acknowledged(seq: number): void;
  /** Sends an advisory on `$JS.EVENT.ADVISORY.<...>` (body is JSON). */
  advisory(subjectSuffix: string, body: object): void;
}

/** What a stream needs of each of its consumers. Implemented by Consumer. */
export interface StreamConsumer {
  readonly name: string;
  /** The consumer's filter subjects ([] = all). */
  readonly filters: readonly string[];
  /** A message was stored at `seq`; push consumers deliver, waiting pull requests are served. */
  onMessageStored(seq: number, subject: string): void;
  /** Messages left the stream (delete, purge, limits); the consumer drops them from its pending and redelivery state. */
  onMessagesRemoved(): void;
  /** For interest/workqueue retention: whether this consumer has not yet acknowledged `seq` (and its filter matches `subject`). */
  needsMessage(seq: number, subject: string): boolean;
  /** The consumer info object for the API (nats-server's ConsumerInfo JSON, without `type`). */
  info(): object;
  /** Stops timers and delivery; with `deleteState` also removes its persisted state. */
  stop(deleteState: boolean): void;
}

// A subscription: a client's SUB (bytes go to its outbound buffer) or an internal one (a callback in the server).

import type { SublistEntry } from '../subjects/sublist.js';
import type { Client } from './client.js';

/**
 * Called for each message an internal subscription receives. `message` is headers + body and is a view
 * valid only during the call: copy what you keep. `headerSize` is -1 when the message has no headers.
 */
export type InternalMessageHandler = (subscription: Subscription, subject: string, reply: string, headerSize: number, message: Buffer) => void;

export class Subscription implements SublistEntry {
  /** Messages delivered so far (for UNSUB with a maximum). */
  delivered = 0;
  /** Stop after this many messages; 0 = no limit. */
  max = 0;
  /** `' <sid> '` as bytes, ready to go between subject and size in MSG lines. */
  readonly sidBytes: Buffer;
  /** The MSG/HMSG line start for the last subject seen ('MSG subject sid '), re-used while the subject repeats. */
  prefixSubject = '';
  prefix: Buffer | null = null;
  hprefix: Buffer | null = null;

  constructor(
    readonly subject: string,
    readonly queue: string,
    readonly sid: string,
    /** The connection that subscribed; null for an internal subscription. */
    readonly client: Client | null,
    readonly handler: InternalMessageHandler | null,
  ) {
    this.sidBytes = Buffer.from(` ${sid} `, 'latin1');
  }
}

// An account: a namespace of subjects with its own Sublist; every connection belongs to exactly one.

import { Sublist } from '../subjects/sublist.js';
import type { Client } from './client.js';
import { Subscription, type InternalMessageHandler } from './subscription.js';

export const GLOBAL_ACCOUNT = '$G';

export class Account {
  readonly sublist: Sublist<Subscription>;
  readonly clients = new Set<Client>();
  /** Totals of this account's closed connections (monitoring adds the open ones when asked; nothing counts per message here). */
  inMsgs = 0;
  inBytes = 0;
  outMsgs = 0;
  outBytes = 0;
  /** Connections of this account cut as slow consumers (one increment per cut, a rare event). */
  slowConsumers = 0;
  private nextInternalSid = 1;

  constructor(readonly name: string, cacheSize?: number) {
    this.sublist = new Sublist<Subscription>(cacheSize);
  }

  /**
   * Subscribes a callback inside the server: how services (JetStream, monitoring, the system account)
   * receive messages. Returns the subscription, to pass to `unsubscribeInternal`.
   */
  subscribeInternal(subject: string, handler: InternalMessageHandler, queue = ''): Subscription {
    const sub = new Subscription(subject, queue, `i${this.nextInternalSid++}`, null, handler);
    this.sublist.insert(sub);
    return sub;
  }

  unsubscribeInternal(sub: Subscription): void {
    this.sublist.remove(sub);
  }
}

// The most recent closed client connections, kept for /connz?state=closed (nats-server keeps 10,000).

import type { Client } from './client.js';

/** nats-server's default `max_closed_clients`. */
export const DEFAULT_MAX_CLOSED_CLIENTS = 10_000;

/** A subscription as it was when its connection closed. */
export interface ClosedSubscription {
  subject: string;
  queue: string;
  sid: string;
  msgs: number;
  max: number;
}

/**
 * What monitoring reports about a connection after it closed. A copy rather than the Client itself, so that
 * ten thousand closed connections do not keep their sockets and buffers alive.
 */
export interface ClosedConnection {
  id: number;
  kind: string;
  remoteHost: string;
  remotePort: number;
  start: Date;
  stop: Date;
  lastActivity: number;
  reason: string;
  rttMs: number;
  inMsgs: number;
  outMsgs: number;
  inBytes: number;
  outBytes: number;
  name: string;
  lang: string;
  version: string;
  user: string;
  account: string;
  subscriptions: ClosedSubscription[];
}

/** A fixed-size ring: once full, each new closed connection replaces the oldest. */
export class ClosedConnectionRing {
  private readonly entries: (ClosedConnection | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly capacity = DEFAULT_MAX_CLOSED_CLIENTS) {
    this.entries = new Array<ClosedConnection | undefined>(Math.max(0, capacity));
  }

  get size(): number {
    return this.count;
  }

  /** Records a client as it closes (once per connection, never on the message path). */
  record(client: Client): void {
    if (this.capacity <= 0) return;
    const options = client.connectOptions;
    const subscriptions: ClosedSubscription[] = [];
    for (const sub of client.subscriptions.values()) {
      subscriptions.push({ subject: sub.subject, queue: sub.queue, sid: sub.sid, msgs: sub.delivered, max: sub.max });
    }
    this.entries[this.next] = {
      id: client.id,
      kind: client.kind,
      remoteHost: client.remoteHost,
      remotePort: client.remotePort,
      start: client.start,
      stop: client.stop ?? new Date(),
      lastActivity: client.lastActivity,
      reason: client.closedReason,
      rttMs: client.rttMs,
      inMsgs: client.inMsgs,
      outMsgs: client.outMsgs,
      inBytes: client.inBytes,
      outBytes: client.outBytes,
      name: options?.name ?? '',
      lang: options?.lang ?? '',
      version: options?.version ?? '',
      user: client.user,
      account: client.account.name,
      subscriptions,
    };
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** Oldest first. */
  list(): ClosedConnection[] {
    const out: ClosedConnection[] = [];
    const start = this.count < this.capacity ? 0 : this.next;
    for (let i = 0; i < this.count; i++) out.push(this.entries[(start + i) % this.capacity]!);
    return out;
  }
}

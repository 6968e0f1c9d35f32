// Exports and imports between accounts: streams copied into the importer, services answered across accounts.
//
// A stream import is an internal subscription in the exporting account that re-publishes each message into the
// importing account under the imported (optionally prefixed or renamed) subject. A service import is an
// internal subscription in the importing account: a request on the imported subject is re-published into
// the exporting account with a fresh reply subject `_R_.<id>.<n>`, so responders never see the importer's
// inbox; their response is routed back to the original reply subject, once (singleton) or until the
// response threshold passes (stream, chunked).

import { randomBytes } from 'node:crypto';
import type { Account } from './account.js';
import type { Server } from './server.js';
import type { Subscription } from './subscription.js';

export type ResponseType = 'Singleton' | 'Stream' | 'Chunked';

/** Maps a subject matched by `from` (which may hold wildcards) onto `to` (which may hold the same wildcards in order). */
export function mapImportSubject(from: string, to: string, subject: string): string {
  if (from === to) return subject;
  const fromTokens = from.split('.');
  const subjectTokens = subject.split('.');
  const stars: string[] = [];
  let rest: string[] = [];
  for (let i = 0; i < fromTokens.length; i++) {
    if (fromTokens[i] === '*') stars.push(subjectTokens[i]!);
    else if (fromTokens[i] === '>') rest = subjectTokens.slice(i);
  }
  let star = 0;
  const out: string[] = [];
  for (const token of to.split('.')) {
    if (token === '*') out.push(stars[star++] ?? '*');
    else if (token === '>') out.push(...rest);
    else out.push(token);
  }
  return out.join('.');
}

/** A response route: where the exporter's answer to one request goes. */
interface PendingResponse {
  importer: Account;
  reply: string;
  type: ResponseType;
  expiresAt: number;
}

/** The `_R_` reply subjects of one exporting account, and the subscription that routes their answers back. */
class ResponseRouter {
  private readonly prefix = `_R_.${randomBytes(4).toString('hex')}.`;
  private next = 1;
  private readonly pending = new Map<string, PendingResponse>();
  private readonly subscription: Subscription;
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(private readonly server: Server, private readonly exporter: Account) {
    this.subscription = exporter.subscribeInternal(`${this.prefix}>`, (_sub, subject, reply, headerSize, message) => {
      this.onResponse(subject, reply, headerSize, message);
    });
  }

  /** A reply subject in the exporter that leads back to `reply` in the importer. */
  map(importer: Account, reply: string, type: ResponseType, thresholdMs: number): string {
    const mapped = `${this.prefix}${(this.next++).toString(36)}`;
    this.pending.set(mapped, { importer, reply, type, expiresAt: Date.now() + thresholdMs });
    if (this.sweepTimer === null) {
      this.sweepTimer = setInterval(sweepFired, Math.max(1000, Math.min(thresholdMs, 30_000)), this);
      this.sweepTimer.unref();
    }
    return mapped;
  }

  sweep(): void {
    const now = Date.now();
    for (const [subject, route] of this.pending) if (route.expiresAt <= now) this.pending.delete(subject);
    if (this.pending.size === 0 && this.sweepTimer !== null) {
      clearInterval(this.sweepTimer);
      this.sweepTimer = null;
    }
  }

  close(): void {
    this.exporter.unsubscribeInternal(this.subscription);
    if (this.sweepTimer !== null) clearInterval(this.sweepTimer);
    this.pending.clear();
  }

  private onResponse(subject: string, reply: string, headerSize: number, message: Buffer): void {
    const route = this.pending.get(subject);
    if (route === undefined) return;
    if (route.expiresAt <= Date.now()) {
      this.pending.delete(subject);
      return;
    }
    if (route.type === 'Singleton') this.pending.delete(subject);
    this.server.route(route.importer, route.reply, reply, headerSize, message, null);
  }
}

function sweepFired(router: ResponseRouter): void {
  router.sweep();
}

/** The links between the accounts of one server; rebuilt as a whole when the configuration changes. */
export class AccountLinks {
  private readonly subscriptions: { account: Account; subscription: Subscription }[] = [];
  private readonly routers = new Map<Account, ResponseRouter>();

  constructor(private readonly server: Server) {}

  /**
   * Messages published in `exporter` on subjects matching `exported` reach `importer` as `to`
   * (where `to` keeps the wildcards of `exported`, or is `prefix.<subject>`).
   */
  addStreamImport(exporter: Account, importer: Account, exported: string, to: string): void {
    const server = this.server;
    const subscription = exporter.subscribeInternal(exported, (_sub, subject, reply, headerSize, message) => {
      server.route(importer, mapImportSubject(exported, to, subject), reply, headerSize, message, null);
    });
    this.subscriptions.push({ account: exporter, subscription });
  }

  /**
   * Requests published in `importer` on `local` are answered by `exporter`'s responders on `exported`
   * (wildcards map in order). `thresholdMs` bounds how long a response route lives.
   */
  addServiceImport(exporter: Account, importer: Account, exported: string, local: string, type: ResponseType, thresholdMs: number): void {
    const server = this.server;
    const subscription = importer.subscribeInternal(local, (_sub, subject, reply, headerSize, message) => {
      const target = mapImportSubject(local, exported, subject);
      const mappedReply = reply === '' ? '' : this.routerFor(exporter).map(importer, reply, type, thresholdMs);
      server.route(exporter, target, mappedReply, headerSize, message, null);
    });
    this.subscriptions.push({ account: importer, subscription });
  }

  /** Removes every link (before they are built again from a new configuration). */
  clear(): void {
    for (const { account, subscription } of this.subscriptions) account.unsubscribeInternal(subscription);
    this.subscriptions.length = 0;
    for (const router of this.routers.values()) router.close();
    this.routers.clear();
  }

  private routerFor(exporter: Account): ResponseRouter {
    let router = this.routers.get(exporter);
    if (router === undefined) {
      router = new ResponseRouter(this.server, exporter);
      this.routers.set(exporter, router);
    }
    return router;
  }
}

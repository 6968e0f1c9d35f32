// Answers `$JS.API.*` in accounts without JetStream with nats-server's "JetStream not enabled for account" error.

import type { Account } from '../core/account.js';
import type { Server } from '../core/server.js';
import type { Subscription } from '../core/subscription.js';
import { apiError } from './api-errors.js';
import { JS_API_ALL } from './api-constants.js';
import type { ApiRouter } from './api/router.js';
import { publishFromJetStream } from './internal-publish.js';

/**
 * The fields nats-server's Go response types always write (no omitempty), so they follow the error even
 * in this reply: paged lists carry their paging and an empty list (null for the names of streams, as Go's nil slice).
 */
const PAGED = { total: 0, offset: 0, limit: 0 };
const ALWAYS_WRITTEN: Readonly<Record<string, Record<string, unknown>>> = {
  'io.nats.jetstream.api.v1.stream_names_response': { ...PAGED, streams: null },
  'io.nats.jetstream.api.v1.stream_list_response': { ...PAGED, streams: [] },
  'io.nats.jetstream.api.v1.consumer_names_response': { ...PAGED, consumers: [] },
  'io.nats.jetstream.api.v1.consumer_list_response': { ...PAGED, consumers: [] },
  'io.nats.jetstream.api.v1.stream_info_response': PAGED,
  'io.nats.jetstream.api.v1.stream_purge_response': { purged: 0 },
  'io.nats.jetstream.api.v1.stream_restore_response': { deliver_subject: '' },
};

/**
 * nats-server answers every known API endpoint in such an account (so a client learns why, instead of
 * waiting for a timeout) with the endpoint's response type and error 10039; unknown endpoints get nothing.
 * `router` is any JetStream account's: it knows every endpoint's response type.
 */
export class NotEnabledResponder {
  private readonly subscriptions = new Map<Account, Subscription>();

  constructor(private readonly server: Server, private readonly router: ApiRouter) {}

  cover(account: Account): void {
    if (this.subscriptions.has(account)) return;
    const sub = account.subscribeInternal(JS_API_ALL, (_sub, subject, reply) => this.answer(account, subject, reply));
    this.subscriptions.set(account, sub);
  }

  /** The account got JetStream: its own API answers from now on. */
  uncover(account: Account): void {
    const sub = this.subscriptions.get(account);
    if (sub === undefined) return;
    account.unsubscribeInternal(sub);
    this.subscriptions.delete(account);
  }

  private answer(account: Account, subject: string, reply: string): void {
    if (reply === '') return;
    const found = this.router.resolve(subject.split('.').slice(2));
    if (found === null) return;
    const type = found.route.type;
    const response = { type, error: apiError('NotEnabledForAccount'), ...(type !== undefined ? ALWAYS_WRITTEN[type] : undefined) };
    publishFromJetStream(this.server, account, reply, '', null, Buffer.from(JSON.stringify(response)));
  }
}

// Answers `$JS.API.*` in accounts without JetStream with nats-server's "JetStream not enabled for account" error.

import type { Account } from '../core/account.js';
import type { Server } from '../core/server.js';
import type { Subscription } from '../core/subscription.js';
import { apiError } from './api-errors.js';
import type { ApiRouter } from './api/router.js';
import { publishFromJetStream } from './internal-publish.js';

const JS_API_ALL = '$JS.API.>';

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
    const response = { type: found.route.type, error: apiError('NotEnabledForAccount') };
    publishFromJetStream(this.server, account, reply, '', null, Buffer.from(JSON.stringify(response)));
  }
}

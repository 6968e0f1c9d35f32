// Publishing from inside JetStream (API replies, PubAcks, deliveries, advisories) without streams capturing it.

import type { Server } from '../core/server.js';
import type { Account } from '../core/account.js';

let depth = 0;

/**
 * Publishes a message that JetStream itself produces. nats-server does not store its own API responses,
 * acknowledgements or deliveries in streams, even in a stream whose subjects (such as `>`) would match
 * them; streams check `isJetStreamOrigin()` and ignore such messages. Republished messages do not go
 * through here: another stream may capture them.
 */
export function publishFromJetStream(server: Server, account: Account, subject: string, reply: string, headers: Buffer | null, payload: Buffer): boolean {
  depth++;
  try {
    return server.publish(account, subject, reply, headers, payload);
  } finally {
    depth--;
  }
}

/** Whether the message being delivered right now comes from JetStream itself. */
export function isJetStreamOrigin(): boolean {
  return depth > 0;
}

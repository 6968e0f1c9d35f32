// Publishing from inside JetStream (API replies, PubAcks, deliveries, advisories) without streams capturing it.

import type { Server } from '../core/server.js';
import type { Account } from '../core/account.js';
import { deliverToMatches } from '../core/delivery.js';

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

/**
 * Delivers a stored message for a consumer: routed by `target` (the deliver subject or the pull request's
 * reply subject) but showing the message's own `subject`, as nats-server does. Streams do not capture it.
 */
export function deliverFromJetStream(server: Server, account: Account, target: string, subject: string, reply: string, headers: Buffer | null, payload: Buffer): boolean {
  let message = payload;
  let headerSize = -1;
  if (headers !== null && headers.length > 0) {
    message = Buffer.concat([headers, payload]);
    headerSize = headers.length;
  }
  depth++;
  try {
    return deliverToMatches(account.sublist.match(target), subject, reply, headerSize, message, null);
  } finally {
    depth--;
    // Deliveries from inside the server cannot be paused like a socket; congestion is left to max_pending.
    server.congestedReceiver = null;
  }
}

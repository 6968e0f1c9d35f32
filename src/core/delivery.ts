// Delivers one message to the subscriptions that match its subject: every plain one, one member per queue group.

import type { SublistResult } from '../subjects/sublist.js';
import type { Client } from './client.js';
import type { Subscription } from './subscription.js';

/**
 * Delivers to a match result. `sender` is the publishing connection (null for messages from inside the
 * server); with echo off it does not receive its own messages. Returns whether anyone received it.
 */
export function deliverToMatches(
  result: SublistResult<Subscription>,
  subject: string,
  reply: string,
  headerSize: number,
  message: Buffer,
  sender: Client | null,
): boolean {
  let delivered = false;
  const noEcho = sender !== null && !sender.echo;
  const plain = result.plain;
  for (let i = 0; i < plain.length; i++) {
    const sub = plain[i];
    const client = sub.client;
    if (client === null) {
      deliverInternal(sub, subject, reply, headerSize, message);
      delivered = true;
    } else if (!(noEcho && client === sender) && client.deliver(sub, subject, reply, headerSize, message)) {
      delivered = true;
    }
  }
  const queues = result.queues;
  for (let g = 0; g < queues.length; g++) {
    if (deliverToQueue(queues[g], subject, reply, headerSize, message, noEcho ? sender : null)) delivered = true;
  }
  return delivered;
}

/** One member of the group, picked at random; members that cannot take it are skipped. */
function deliverToQueue(members: readonly Subscription[], subject: string, reply: string, headerSize: number, message: Buffer, skip: Client | null): boolean {
  const count = members.length;
  const first = count === 1 ? 0 : Math.floor(Math.random() * count);
  for (let k = 0; k < count; k++) {
    const sub = members[(first + k) % count];
    const client = sub.client;
    if (client === null) {
      deliverInternal(sub, subject, reply, headerSize, message);
      return true;
    }
    if (client === skip || client.closed) continue;
    if (client.deliver(sub, subject, reply, headerSize, message)) return true;
  }
  return false;
}

function deliverInternal(sub: Subscription, subject: string, reply: string, headerSize: number, message: Buffer): void {
  sub.delivered++;
  try {
    sub.handler!(sub, subject, reply, headerSize, message);
  } catch (err) {
    // A failing service inside the server must not take the publisher's connection down with it.
    internalErrorHandler(err as Error, subject);
  }
}

let internalErrorHandler: (err: Error, subject: string) => void = (err, subject) => {
  process.stderr.write(`internal subscription on "${subject}" failed: ${err.stack ?? err}\n`);
};

/** Where failures of internal subscriptions are reported (the server's logger). */
export function onInternalError(handler: (err: Error, subject: string) => void): void {
  internalErrorHandler = handler;
}

// Hands a stored message to whoever listens on a delivery subject while showing the message's own subject.

import type { Server } from '../../core/server.js';
import type { Account } from '../../core/account.js';
import { deliverToMatches } from '../../core/delivery.js';
import * as internalPublish from '../internal-publish.js';

type Deliver = (server: Server, account: Account, target: string, subject: string, reply: string, headers: Buffer | null, payload: Buffer) => boolean;

/**
 * nats-server delivers a consumer's message to the deliver subject (push) or the pull request's reply subject,
 * but the subscriber sees the stored message's subject (`MSG orders.1 <sid> $JS.ACK...`). Uses JetStream's own
 * `deliverFromJetStream` when internal-publish.ts provides one (so streams do not capture deliveries), else routes here.
 */
export const deliverMessage: Deliver =
  (internalPublish as unknown as { deliverFromJetStream?: Deliver }).deliverFromJetStream ??
  ((server, account, target, subject, reply, headers, payload) => {
    let message = payload;
    let headerSize = -1;
    if (headers !== null && headers.length > 0) {
      message = Buffer.concat([headers, payload]);
      headerSize = headers.length;
    }
    const delivered = deliverToMatches(account.sublist.match(target), subject, reply, headerSize, message, null);
    server.congestedReceiver = null;
    return delivered;
  });

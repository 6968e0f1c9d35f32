// The system account's services: connect/disconnect events, SERVER.PING (statsz), and account JWT claim updates.

import { randomBytes } from 'node:crypto';
import type { Client } from './client.js';
import type { Server } from './server.js';
import type { Account } from './account.js';
import { NATS_COMPAT_VERSION } from './version.js';

/** RFC 3339 with nanoseconds, as Go prints time.Time in JSON. */
function goTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

/** An event id, as nats-server's (22 characters). */
export function eventId(): string {
  return randomBytes(11).toString('base64url').toUpperCase().replace(/[^A-Z0-9]/g, 'X').slice(0, 22);
}

/** Publishes the system events of one server and answers `$SYS.REQ.*` requests in its system account. */
export class SystemAccountServices {
  private sequence = 0;

  constructor(private readonly server: Server, readonly account: Account) {
    account.subscribeInternal('$SYS.REQ.SERVER.PING', (_sub, _subject, reply) => this.reply(reply, this.statsz()));
    account.subscribeInternal('$SYS.REQ.SERVER.PING.STATSZ', (_sub, _subject, reply) => this.reply(reply, this.statsz()));
    account.subscribeInternal(`$SYS.REQ.SERVER.${server.id}.STATSZ`, (_sub, _subject, reply) => this.reply(reply, this.statsz()));
    account.subscribeInternal('$SYS.REQ.CLAIMS.UPDATE', (_sub, _subject, reply, headerSize, message) => {
      void this.claimsUpdate(undefined, reply, message.subarray(Math.max(0, headerSize)));
    });
    account.subscribeInternal('$SYS.REQ.ACCOUNT.*.CLAIMS.UPDATE', (_sub, subject, reply, headerSize, message) => {
      void this.claimsUpdate(subject.split('.')[3], reply, message.subarray(Math.max(0, headerSize)));
    });
    account.subscribeInternal('$SYS.REQ.ACCOUNT.*.CLAIMS.LOOKUP', (_sub, subject, reply) => {
      void this.claimsLookup(subject.split('.')[3]!, reply);
    });
  }

  /** `$SYS.ACCOUNT.<account>.CONNECT`, once a client is authenticated. */
  clientConnected(client: Client): void {
    const subject = `$SYS.ACCOUNT.${client.account.name}.CONNECT`;
    if (!this.account.sublist.hasInterest(subject)) return;
    this.publish(subject, {
      type: 'io.nats.server.advisory.v1.client_connect',
      id: eventId(),
      timestamp: goTime(new Date()),
      server: this.serverInfo(),
      client: this.clientInfo(client),
    });
  }

  /** `$SYS.ACCOUNT.<account>.DISCONNECT`, with what the connection sent and received and why it closed. */
  clientDisconnected(client: Client): void {
    const subject = `$SYS.ACCOUNT.${client.account.name}.DISCONNECT`;
    if (!this.account.sublist.hasInterest(subject)) return;
    this.publish(subject, {
      type: 'io.nats.server.advisory.v1.client_disconnect',
      id: eventId(),
      timestamp: goTime(new Date()),
      server: this.serverInfo(),
      client: this.clientInfo(client),
      // As nats-server reports them: seen from the client (what it sent, what it received).
      sent: { msgs: client.inMsgs, bytes: client.inBytes },
      received: { msgs: client.outMsgs, bytes: client.outBytes },
      reason: client.closedReason,
    });
  }

  /** The `server` object of every event and `$SYS.REQ` reply, in nats-server's field order. */
  serverInfo(): Record<string, unknown> {
    return {
      name: this.server.name,
      host: this.server.options.host,
      id: this.server.id,
      ver: NATS_COMPAT_VERSION,
      seq: ++this.sequence,
      jetstream: this.server.options.jetstream.enabled,
      time: goTime(new Date()),
    };
  }

  private clientInfo(client: Client): Record<string, unknown> {
    const options = client.connectOptions;
    return {
      start: goTime(client.start),
      ...(client.stop ? { stop: goTime(client.stop) } : {}),
      host: client.remoteHost,
      id: client.id,
      acc: client.account.name,
      ...(client.user ? { user: client.user } : {}),
      ...(options?.name ? { name: options.name } : {}),
      ...(options?.lang ? { lang: options.lang } : {}),
      ...(options?.version ? { ver: options.version } : {}),
      ...(client.rttMs > 0 ? { rtt: Math.round(client.rttMs * 1_000_000) } : {}),
      server: this.server.name,
      kind: 'Client',
      client_type: 'nats',
    };
  }

  private statsz(): Record<string, unknown> {
    const server = this.server;
    const memory = process.memoryUsage();
    return {
      server: this.serverInfo(),
      statsz: {
        start: goTime(server.startTime),
        mem: memory.rss,
        cores: 0,
        cpu: 0,
        connections: server.clients.size,
        total_connections: server.totalConnections,
        active_accounts: [...server.accounts.values()].filter((a) => a.clients.size > 0).length,
        subscriptions: [...server.accounts.values()].reduce((n, a) => n + a.sublist.size, 0),
        sent: { msgs: server.outMsgs, bytes: server.outBytes },
        received: { msgs: server.inMsgs, bytes: server.inBytes },
        slow_consumers: server.slowConsumers,
      },
    };
  }

  /** A new account JWT for the resolver (full/cache directory resolvers keep it); the answer says what happened. */
  private async claimsUpdate(account: string | undefined, reply: string, body: Buffer): Promise<void> {
    const resolver = this.server.accountResolver;
    if (resolver === null) return;
    const result = await resolver.update(body.toString('utf8').trim(), account);
    this.reply(reply, this.server.claimUpdateResponse(result));
    if (result.ok && result.changed) this.server.accountClaimsChanged(result.account);
  }

  private async claimsLookup(account: string, reply: string): Promise<void> {
    const resolver = this.server.accountResolver;
    if (resolver === null || reply === '') return;
    const jwt = await resolver.fetch(account);
    if (jwt !== undefined) this.server.publish(this.account, reply, '', null, Buffer.from(jwt));
  }

  private reply(reply: string, body: object): void {
    if (reply !== '') this.publish(reply, body);
  }

  private publish(subject: string, body: object): void {
    this.server.publish(this.account, subject, '', null, Buffer.from(JSON.stringify(body)));
  }
}

// Test support for consumers: a small real stream (ConsumerStreamHandle over a MemoryStore) on a real Server, and inboxes.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Server } from '../../../src/core/server.js';
import type { Account } from '../../../src/core/account.js';
import type { Subscription } from '../../../src/core/subscription.js';
import { Logger } from '../../../src/core/logger.js';
import { defaultOptions } from '../../../src/config/options.js';
import type { StreamConsumer } from '../../../src/jetstream/contracts.js';
import { MemoryStore } from '../../../src/jetstream/store/index.js';
import { completeStreamConfig, type StreamConfig } from '../../../src/jetstream/stream-config.js';
import { ApiRouter } from '../../../src/jetstream/api/router.js';
import { registerConsumerApi, type ConsumerStreamHandle } from '../../../src/jetstream/api/consumer-api.js';
import { encodeHeaders, parseHeaders } from '../../../src/protocol/headers.js';

export const MS = 1_000_000;
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function quietServer(): Server {
  return new Server(defaultOptions(), new Logger({ debug: false, trace: false, logtime: false, logFile: path.join(os.tmpdir(), 'natrium-consumer-tests.log') }));
}

export function tempDirectory(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'natrium-consumer-'));
}

export interface StreamOptions extends Partial<StreamConfig> {
  server?: Server;
  store?: MemoryStore;
  /** A folder for consumer state (makes it a "file" stream for the consumers). */
  directory?: string;
}

/** A stream as the consumer sees it: stores what `publish` gets and applies interest/workqueue retention. */
export class TestStream implements ConsumerStreamHandle {
  readonly server: Server;
  readonly account: Account;
  readonly store: MemoryStore;
  readonly config: StreamConfig;
  readonly consumers = new Map<string, StreamConsumer>();
  readonly advisories: [string, Record<string, unknown>][] = [];
  readonly consumersDir: string | null;

  constructor(options: StreamOptions = {}) {
    const { server, store, directory, ...config } = options;
    this.server = server ?? quietServer();
    this.account = this.server.globalAccount;
    this.store = store ?? new MemoryStore();
    const name = config.name ?? 'S';
    const completed = completeStreamConfig({ subjects: [`${name.toLowerCase()}.>`], storage: directory ? 'file' : 'memory', ...config, name }, { maxPayload: 1024 * 1024 });
    if ('err_code' in completed) throw new Error(completed.description);
    this.config = completed;
    this.consumersDir = directory ? path.join(directory, 'obs') : null;
  }

  get name(): string {
    return this.config.name;
  }

  publish(subject: string, data: string | Buffer = '', headers?: Record<string, string>): number {
    const block = headers ? encodeHeaders(Object.entries(headers)) : null;
    const { seq } = this.store.store(subject, block, typeof data === 'string' ? Buffer.from(data) : data);
    for (const consumer of this.consumers.values()) consumer.onMessageStored(seq, subject);
    // Interest retention drops what no consumer wants; a workqueue keeps messages until one is acked.
    if (this.config.retention === 'interest' && !this.isNeeded(seq, subject)) this.store.remove(seq);
    return seq;
  }

  private isNeeded(seq: number, subject: string): boolean {
    for (const consumer of this.consumers.values()) if (consumer.needsMessage(seq, subject)) return true;
    return false;
  }

  acknowledged(seq: number): void {
    if (this.config.retention === 'limits') return;
    const message = this.store.load(seq);
    if (message !== null && !this.isNeeded(seq, message.subject)) this.store.remove(seq);
  }

  advisory(subjectSuffix: string, body: object): void {
    this.advisories.push([subjectSuffix, body as Record<string, unknown>]);
  }

  addConsumer(consumer: StreamConsumer): void {
    this.consumers.set(consumer.name, consumer);
  }

  removeConsumer(name: string): void {
    this.consumers.delete(name);
  }

  stop(deleteState = false): void {
    for (const consumer of this.consumers.values()) consumer.stop(deleteState);
    this.consumers.clear();
  }
}

export interface Received {
  subject: string;
  reply: string;
  /** The status of a status message ("404 No Messages"), '' otherwise. */
  status: string;
  headers: Record<string, string>;
  data: string;
}

/** Collects what is published to a subject (internal subscription). */
export class Inbox {
  readonly messages: Received[] = [];
  private readonly sub: Subscription;
  private seen = 0;

  constructor(
    private readonly account: Account,
    readonly subject: string,
  ) {
    this.sub = account.subscribeInternal(subject, (_s, subj, reply, headerSize, message) => {
      const parsed = parseHeaders(headerSize > 0 ? message.subarray(0, headerSize) : null);
      this.messages.push({
        subject: subj,
        reply,
        status: parsed.status ? `${parsed.status}${parsed.description ? ` ${parsed.description}` : ''}` : '',
        headers: Object.fromEntries(parsed.entries),
        data: (headerSize > 0 ? message.subarray(headerSize) : message).toString(),
      });
    });
  }

  /** Waits until `count` new messages arrived (or the timeout) and returns the new ones. */
  async next(count: number, timeoutMs = 1000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length - this.seen < count && Date.now() < deadline) await sleep(5);
    const fresh = this.messages.slice(this.seen, this.seen + count);
    this.seen += fresh.length;
    return fresh;
  }

  /** Everything new after a quiet period. */
  async drain(quietMs = 50): Promise<Received[]> {
    await sleep(quietMs);
    const fresh = this.messages.slice(this.seen);
    this.seen = this.messages.length;
    return fresh;
  }

  close(): void {
    this.account.unsubscribeInternal(this.sub);
  }
}

let inboxes = 0;
export function inboxName(): string {
  return `_INBOX.test.${++inboxes}`;
}

/** Publishes from "a client" (no reply unless given). */
export function send(stream: TestStream, subject: string, body: string | object = '', reply = ''): void {
  const payload = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  stream.server.publish(stream.account, subject, reply, null, payload);
}

/** Sends a pull request and returns the inbox its answers arrive on. */
export function pull(stream: TestStream, consumer: string, body: string | object = ''): Inbox {
  const inbox = new Inbox(stream.account, inboxName());
  send(stream, `$JS.API.CONSUMER.MSG.NEXT.${stream.name}.${consumer}`, body, inbox.subject);
  return inbox;
}

/** Acks a delivered message; with `expectReply` waits for the empty confirmation. */
export async function ack(stream: TestStream, message: Received, body = '+ACK', expectReply = true): Promise<void> {
  if (!expectReply) return send(stream, message.reply, body);
  const inbox = new Inbox(stream.account, inboxName());
  send(stream, message.reply, body, inbox.subject);
  const replies = await inbox.next(1, 500);
  inbox.close();
  if (replies.length !== 1) throw new Error(`no reply to ${body} on ${message.reply}`);
}

/** An API router with the consumer endpoints over the given streams. */
export function consumerApi(...streams: TestStream[]): { router: ApiRouter; call: (subject: string, body?: string | object) => Record<string, unknown> | null } {
  const router = new ApiRouter();
  registerConsumerApi(router, { getStream: (name) => streams.find((s) => s.name === name) });
  const call = (subject: string, body?: string | object) => {
    const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    return router.dispatch(subject.split('.'), '_INBOX.api', payload, null) as Record<string, unknown> | null;
  };
  return { router, call };
}

/** Creates a durable through the API (explicit ack pull unless overridden) and returns its info. */
export function durable(api: ReturnType<typeof consumerApi>, stream: string, name: string, extra: object = {}): Record<string, unknown> {
  const response = api.call(`CONSUMER.DURABLE.CREATE.${stream}.${name}`, { stream_name: stream, config: { durable_name: name, ack_policy: 'explicit', ...extra } });
  if (response === null || 'error' in response) throw new Error(`create failed: ${JSON.stringify(response)}`);
  return response;
}

/** Consumer info through the API. */
export function info(api: ReturnType<typeof consumerApi>, stream: string, name: string): Record<string, any> {
  return api.call(`CONSUMER.INFO.${stream}.${name}`) as Record<string, any>;
}

/** The fields of a `$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>` subject. */
export function ackFields(reply: string): { delivered: number; streamSeq: number; consumerSeq: number; pending: number } {
  const t = reply.split('.');
  return { delivered: Number(t[4]), streamSeq: Number(t[5]), consumerSeq: Number(t[6]), pending: Number(t[8]) };
}

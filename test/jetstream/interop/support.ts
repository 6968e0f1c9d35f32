// Shared setup for the JetStream interop tests: servers with a fresh store each, the official v3 clients, small helpers.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, JetStreamApiError, type Consumer, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { freePort, startServer, type RunningServer, type ServerKind } from '../../helpers/server-process.js';

/** Servers every case runs against: JS_INTEROP_SERVERS=natrium,nats (both by default). nats-server is the reference. */
export const JS_SERVERS: ServerKind[] = (process.env.JS_INTEROP_SERVERS?.split(',') ?? ['natrium', 'nats']).map((s) => {
  const kind = s.trim();
  if (kind !== 'natrium' && kind !== 'nats') throw new Error(`JS_INTEROP_SERVERS: unknown server '${kind}'`);
  return kind;
});

/** Client request timeout: short, so a missing reply fails fast instead of stalling the suite. */
export const API_TIMEOUT_MS = 3000;

/** A JetStream server on its own store folder; restartable on the same folder and port. */
export class JsServer {
  private constructor(
    readonly kind: ServerKind,
    readonly storeDir: string,
    readonly port: number,
    private readonly args: string[],
    public running: RunningServer,
    private readonly ownsDir: boolean,
  ) {}

  static async start(kind: ServerKind, opts: { storeDir?: string; args?: string[] } = {}): Promise<JsServer> {
    const ownsDir = opts.storeDir === undefined;
    const storeDir = opts.storeDir ?? mkdtempSync(path.join(tmpdir(), `natrium-js-${kind}-`));
    const port = await freePort();
    const args = opts.args ?? [];
    const running = await JsServer.spawn(kind, storeDir, port, args);
    return new JsServer(kind, storeDir, port, args, running, ownsDir);
  }

  private static spawn(kind: ServerKind, storeDir: string, port: number, args: string[]): Promise<RunningServer> {
    return startServer(kind, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir, ...args], { port });
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  output(): string {
    return this.running.output();
  }

  /** Stops (SIGTERM by default, SIGKILL for a crash) and starts again on the same store folder and port. */
  async restart(signal: NodeJS.Signals = 'SIGTERM', between?: () => void | Promise<void>): Promise<void> {
    await this.running.stop(signal);
    if (between) await between();
    this.running = await JsServer.spawn(this.kind, this.storeDir, this.port, this.args);
  }

  async stop(): Promise<void> {
    await this.running.stop();
    if (this.ownsDir) rmSync(this.storeDir, { recursive: true, force: true });
  }
}

export interface JsClient {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

/** One connection (no reconnects) with a JetStream client and manager. */
export async function connectJs(url: string, timeout = API_TIMEOUT_MS): Promise<JsClient> {
  const nc = await connect({ servers: url, reconnect: false, timeout: 5000 });
  try {
    const jsm = await jetstreamManager(nc, { timeout });
    return { nc, js: jetstream(nc, { timeout }), jsm };
  } catch (err) {
    await nc.close();
    throw err;
  }
}

/** A server plus one client for a describe block; `name(x)` gives names unique within the server. */
export class JsEnv {
  private counter = 0;
  private constructor(readonly server: JsServer, public client: JsClient) {}

  static async open(kind: ServerKind, opts: { args?: string[] } = {}): Promise<JsEnv> {
    const server = await JsServer.start(kind, opts);
    try {
      return new JsEnv(server, await connectJs(server.url));
    } catch (err) {
      await server.stop();
      throw err;
    }
  }

  get kind(): ServerKind { return this.server.kind; }
  get nc(): NatsConnection { return this.client.nc; }
  get js(): JetStreamClient { return this.client.js; }
  get jsm(): JetStreamManager { return this.client.jsm; }

  name(prefix: string): string {
    return `${prefix}${++this.counter}`;
  }

  async close(): Promise<void> {
    await this.client.nc.close().catch(() => undefined);
    await this.server.stop();
  }
}

/** Asserts the promise rejects with a JetStream API error of the given err_code (and returns it). */
export async function rejectsApi(promise: Promise<unknown>, errCode: number, what: string): Promise<JetStreamApiError> {
  let error: unknown;
  try {
    const value = await promise;
    assert.fail(`${what}: expected API error ${errCode}, got ${JSON.stringify(value)}`);
  } catch (err) {
    error = err;
  }
  if (error instanceof assert.AssertionError) throw error;
  assert.ok(error instanceof JetStreamApiError, `${what}: expected JetStreamApiError ${errCode}, got ${describe(error)}`);
  assert.equal(error.code, errCode, `${what}: err_code (${error.message})`);
  return error;
}

export function describe(err: unknown): string {
  return err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err);
}

/** Polls `check` until it returns true; fails after `ms` (a guard, never a timing assertion). */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, ms = 5000, every = 50): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(every);
  }
}

/** Rejects if `promise` has not settled within `ms`: a failure guard, never a wait. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const text = (data: Uint8Array): string => new TextDecoder().decode(data);

export { patternBytes } from '../../helpers/random.js';

/** Collects `n` messages from an async iterable (stops early after `n`), guarded by `ms`. */
export async function take<T>(iter: AsyncIterable<T>, n: number, ms: number, what: string): Promise<T[]> {
  const out: T[] = [];
  if (n === 0) return out;
  await within((async () => {
    for await (const item of iter) {
      out.push(item);
      if (out.length >= n) break;
    }
  })(), ms, `${what} (got ${out.length} of ${n})`);
  return out;
}

/** nanoseconds from milliseconds, as JetStream configs want durations. */
export const ns = (ms: number): number => ms * 1_000_000;

/** Publishes `count` messages `<prefix><i>` (i from 1) to `subject` (a function of i, or fixed) and waits for each ack. */
export async function fill(js: JetStreamClient, subject: string | ((i: number) => string), count: number, prefix = 'm'): Promise<void> {
  for (let i = 1; i <= count; i++) await js.publish(typeof subject === 'string' ? subject : subject(i), `${prefix}${i}`);
}

/** Everything one fetch returns (the iterator ends at the batch size or at expiry). */
export async function fetchAll(consumer: Consumer, max: number, expiresMs = 1000): Promise<JsMsg[]> {
  const out: JsMsg[] = [];
  const iter = await consumer.fetch({ max_messages: max, expires: expiresMs });
  await within((async () => { for await (const m of iter) out.push(m); })(), expiresMs + 5000, `fetch of ${max}`);
  return out;
}

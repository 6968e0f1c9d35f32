// Shared setup for the interop tests: which servers to run against, the two official clients behind one shape, small helpers.
import net from 'node:net';
import * as v3 from '@nats-io/transport-node';
import * as v2 from 'nats';
import type { ServerKind } from '../helpers/server-process.js';

/** Servers every interop case runs against: INTEROP_SERVERS=natrium,nats (both by default). */
export const SERVERS: ServerKind[] = (process.env.INTEROP_SERVERS?.split(',') ?? ['natrium', 'nats']).map((s) => {
  const kind = s.trim();
  if (kind !== 'natrium' && kind !== 'nats') throw new Error(`INTEROP_SERVERS: unknown server '${kind}'`);
  return kind;
});

// The part of each client's API the tests use. Both packages fit it; they are cast to it once, below.
export interface Headers {
  append(key: string, value: string): void;
  set(key: string, value: string): void;
  get(key: string): string;
  values(key: string): string[];
  has(key: string): boolean;
  keys(): string[];
}
export type Payload = Uint8Array | string;
export interface Msg {
  subject: string;
  reply?: string;
  data: Uint8Array;
  headers?: Headers;
  string(): string;
  respond(payload?: Payload, opts?: { headers?: Headers }): boolean;
}
export interface Subscription extends AsyncIterable<Msg> {
  unsubscribe(max?: number): void;
  drain(): Promise<void>;
  isClosed(): boolean;
  getReceived(): number;
  getProcessed(): number;
  closed: Promise<void | Error>;
}
export interface SubOpts {
  queue?: string;
  max?: number;
  callback?: (err: Error | null, msg: Msg) => void;
}
export interface Connection {
  info?: { max_payload: number; headers?: boolean };
  publish(subject: string, payload?: Payload, opts?: { reply?: string; headers?: Headers }): void;
  subscribe(subject: string, opts?: SubOpts): Subscription;
  request(subject: string, payload?: Payload, opts?: { timeout: number; headers?: Headers }): Promise<Msg>;
  flush(): Promise<void>;
  drain(): Promise<void>;
  close(): Promise<void>;
  closed(): Promise<void | Error>;
  rtt(): Promise<number>;
  isClosed(): boolean;
}
export interface ConnectOpts {
  servers: string;
  noEcho?: boolean;
  user?: string;
  pass?: string;
  token?: string;
  name?: string;
}
export interface ClientLib {
  name: string;
  connect(opts: ConnectOpts): Promise<Connection>;
  headers(): Headers;
  isNoResponders(err: unknown): boolean;
  isTimeout(err: unknown): boolean;
  isAuthorizationError(err: unknown): boolean;
  isMaxPayloadError(err: unknown): boolean;
}

const common = { reconnect: false, timeout: 5000 };

const natsV3: ClientLib = {
  name: '@nats-io/transport-node v3',
  connect: async (opts) => (await v3.connect({ ...common, ...opts })) as unknown as Connection,
  headers: () => v3.headers() as unknown as Headers,
  isNoResponders: (err) => err instanceof v3.NoRespondersError || (err instanceof v3.RequestError && err.isNoResponders()),
  isTimeout: (err) => err instanceof v3.TimeoutError,
  isAuthorizationError: (err) => err instanceof v3.AuthorizationError,
  isMaxPayloadError: (err) => err instanceof v3.InvalidArgumentError && /max_payload/.test(err.message),
};

const natsV2: ClientLib = {
  name: 'nats v2',
  connect: async (opts) => (await v2.connect({ ...common, ...opts })) as unknown as Connection,
  headers: () => v2.headers() as unknown as Headers,
  isNoResponders: (err) => err instanceof v2.NatsError && err.code === v2.ErrorCode.NoResponders,
  isTimeout: (err) => err instanceof v2.NatsError && err.code === v2.ErrorCode.Timeout,
  isAuthorizationError: (err) => err instanceof v2.NatsError && err.code === v2.ErrorCode.AuthorizationViolation,
  isMaxPayloadError: (err) => err instanceof v2.NatsError && err.code === v2.ErrorCode.MaxPayloadExceeded,
};

export const CLIENTS: readonly ClientLib[] = [natsV3, natsV2];

/** Describes an error for an assertion message. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? ` (cause ${err.cause.constructor.name}: ${err.cause.message})` : '';
  const code = (err as { code?: unknown }).code;
  return `${err.constructor.name}${code === undefined ? '' : `[${String(code)}]`}: ${err.message}${cause}`;
}

/** Rejects if `promise` has not settled within `ms`: a failure guard, never a wait. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

/** Runs `fn` and returns what it threw, failing if it did not throw. */
export async function caught(fn: () => unknown, what: string): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error(`expected an error: ${what}`);
}

export { startWithConfig } from '../helpers/server-process.js';

/** A raw TCP connection to a server that records everything it receives, to look at the wire itself. */
export class RawConnection {
  text = '';
  closed = false;
  private readonly socket: net.Socket;
  private readonly waiters: (() => void)[] = [];

  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.on('data', (d: Buffer) => { this.text += d.toString('latin1'); this.wake(); });
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => { this.closed = true; this.wake(); });
  }

  send(text: string): void {
    this.socket.write(text);
  }

  /** Resolves once what was received satisfies `test`; rejects on close or after `ms`. */
  async waitFor(test: (text: string) => boolean, what: string, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!test(this.text)) {
      if (this.closed) throw new Error(`connection closed while waiting for ${what}; received: ${JSON.stringify(this.text.slice(-500))}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting for ${what}; received: ${JSON.stringify(this.text.slice(-500))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  /** Resolves once the server has closed the connection; rejects after `ms`. */
  async waitClosed(ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.closed) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`server did not close the connection; received: ${JSON.stringify(this.text.slice(-500))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  /** Counts how often `needle` occurs in what was received. */
  count(needle: string): number {
    return this.text.split(needle).length - 1;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

/** Opens a raw connection and completes the CONNECT handshake (PING answered by PONG). */
export async function rawConnect(port: number, connect: Record<string, unknown> = {}): Promise<RawConnection> {
  const raw = new RawConnection(port);
  await raw.waitFor((t) => t.startsWith('INFO ') && t.includes('\r\n'), 'INFO');
  raw.send(`CONNECT ${JSON.stringify({ verbose: false, pedantic: false, headers: true, protocol: 1, ...connect })}\r\nPING\r\n`);
  await raw.waitFor((t) => t.includes('PONG\r\n'), 'PONG after CONNECT');
  return raw;
}

export { patternBytes } from '../helpers/random.js';

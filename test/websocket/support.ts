// WebSocket test support: a server with a websocket {} block on a free port, the official client over ws, and a raw ws client.
import WebSocket from 'ws';
import { wsconnect, type NatsConnection, type WsConnectionOptions } from '@nats-io/nats-core';
import { freePort, type ServerKind } from '../helpers/server-process.js';
import { startConf, type ConfServer } from '../security/support.js';

// Node 20 has no WebSocket global; the official client's wsconnect looks for one.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

export interface WsServer extends ConfServer {
  wsPort: number;
  /** ws://127.0.0.1:<wsPort> (wss:// when the block has tls). */
  wsUrl: string;
}

/**
 * Starts `kind` with `websocket { listen: 127.0.0.1:<free port>, <wsBody> }` plus `topBody`.
 * `wsBody` should say `no_tls: true` or carry a tls block.
 */
export async function startWs(kind: ServerKind, wsBody: string, topBody = ''): Promise<WsServer> {
  const wsPort = await freePort();
  const conf = await startConf(kind, `${topBody}\nwebsocket {\n  listen: "127.0.0.1:${wsPort}"\n  ${wsBody}\n}`);
  const scheme = /\btls\s*[:{]/.test(wsBody.replace(/no_tls/g, '')) ? 'wss' : 'ws';
  return { ...conf, wsPort, wsUrl: `${scheme}://127.0.0.1:${wsPort}` };
}

/** The official client over websocket. */
export function wsConnect(url: string, opts: Partial<WsConnectionOptions> = {}): Promise<NatsConnection> {
  return wsconnect({ servers: url, reconnect: false, ...opts });
}

/** A raw websocket client: everything the server sends as text, the close status, and a way to wait for either. */
export class RawWs {
  readonly ws: WebSocket;
  text = '';
  closeCode: number | null = null;
  closeReason = '';
  /** The HTTP status of a refused upgrade. */
  refusedStatus: number | null = null;
  refusedBody = '';
  error: Error | null = null;
  private readonly waiters: (() => void)[] = [];

  constructor(url: string, options: WebSocket.ClientOptions = {}) {
    this.ws = new WebSocket(url, options);
    this.ws.on('message', (data: Buffer) => { this.text += data.toString('latin1'); this.wake(); });
    this.ws.on('close', (code: number, reason: Buffer) => { this.closeCode = code; this.closeReason = reason.toString(); this.wake(); });
    this.ws.on('unexpected-response', (_req, res) => {
      this.refusedStatus = res.statusCode ?? 0;
      res.on('data', (chunk: Buffer) => { this.refusedBody += chunk.toString(); });
      res.on('end', () => { this.closeCode = -1; this.wake(); });
    });
    this.ws.on('error', (err: Error) => { this.error = err; this.wake(); });
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Resolves when `check` holds (checked on every event); rejects after `limitMs` with what was seen. */
  until(check: () => boolean, limitMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out; seen ${JSON.stringify(this.text.slice(-300))} close=${this.closeCode} ${this.closeReason} error=${this.error?.message}`)), limitMs);
      const test = () => {
        if (check()) {
          clearTimeout(timer);
          resolve();
        } else this.waiters.push(test);
      };
      test();
    });
  }

  untilText(pattern: RegExp, limitMs?: number): Promise<void> {
    return this.until(() => pattern.test(this.text), limitMs);
  }

  untilClosed(limitMs?: number): Promise<void> {
    return this.until(() => this.closeCode !== null, limitMs);
  }

  opened(): Promise<void> {
    return this.until(() => this.ws.readyState === WebSocket.OPEN || this.closeCode !== null || this.error !== null);
  }

  send(data: string | Buffer): void {
    this.ws.send(data);
  }

  /** The first INFO line as JSON. */
  info(): Record<string, unknown> {
    const match = /^INFO (\{.*?\}) \r\n/.exec(this.text);
    if (!match) throw new Error(`no INFO in ${JSON.stringify(this.text.slice(0, 200))}`);
    return JSON.parse(match[1]!) as Record<string, unknown>;
  }

  close(): void {
    this.ws.terminate();
  }
}

/** Connects raw, waits for INFO. */
export async function rawWs(url: string, options: WebSocket.ClientOptions = {}): Promise<RawWs> {
  const raw = new RawWs(url, options);
  await raw.until(() => raw.text.startsWith('INFO ') || raw.closeCode !== null || raw.error !== null);
  return raw;
}

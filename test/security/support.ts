// Shared helpers for the security suite: servers under a config file, a raw TCP client, official-client probes, JWT chains.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect, type ConnectionOptions, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import type { KeyPair } from '@nats-io/nkeys';
import { encodeJwt } from '../../src/auth/jwt.js';
import { freePort, NATRIUM_SERVER_JS, NATS_SERVER_BIN, startServer, type RunningServer, type ServerKind } from '../helpers/server-process.js';

/** Servers every case runs against: SECURITY_SERVERS=nats,natrium (both by default; nats-server first). */
export const SERVERS: ServerKind[] = (process.env.SECURITY_SERVERS?.split(',') ?? ['nats', 'natrium']).map((s) => {
  const kind = s.trim();
  if (kind !== 'natrium' && kind !== 'nats') throw new Error(`SECURITY_SERVERS: unknown server '${kind}'`);
  return kind;
});

export const skipFor = (kind: ServerKind): string | false => (kind === 'nats' && NATS_SERVER_BIN === undefined ? 'nats-server is not installed' : false);

export const AUTH_VIOLATION = "-ERR 'Authorization Violation'";

export function tempDir(prefix = 'natrium-sec-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export interface ConfServer {
  server: RunningServer;
  port: number;
  url: string;
  dir: string;
  file: string;
  stop(): Promise<void>;
}

/**
 * Writes `listen: 127.0.0.1:<port>` + (unless the body mentions jetstream) `jetstream: disabled` + body
 * to a fresh folder and starts `kind` with `-c` on it. `body` gets the port and the folder.
 */
export async function startConf(kind: ServerKind, body: string | ((dir: string) => string), extraArgs: string[] = []): Promise<ConfServer> {
  const dir = tempDir();
  const port = await freePort();
  const text = typeof body === 'string' ? body : body(dir);
  const file = path.join(dir, 'server.conf');
  writeFileSync(file, `listen: 127.0.0.1:${port}\n${/\bjetstream\b/.test(text) ? '' : 'jetstream: disabled\n'}${text}\n`);
  let server: RunningServer;
  try {
    server = await startServer(kind, ['-c', file, ...extraArgs], { port });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    server, port, url: server.url, dir, file,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts `kind` on a config that should be refused; resolves with its exit code (null: still running after `limitMs`, then killed) and output. */
export async function startExpectingFailure(kind: ServerKind, body: string, limitMs = 8000): Promise<{ code: number | null; output: string }> {
  const dir = tempDir();
  const port = await freePort();
  const file = path.join(dir, 'server.conf');
  writeFileSync(file, `listen: 127.0.0.1:${port}\njetstream: disabled\n${body}\n`);
  const child = kind === 'natrium' ? spawn(process.execPath, [NATRIUM_SERVER_JS, '-c', file]) : spawn(NATS_SERVER_BIN!, ['-c', file]);
  let output = '';
  child.stdout.on('data', (d) => { output += d.toString(); });
  child.stderr.on('data', (d) => { output += d.toString(); });
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(null); }, limitMs);
    child.once('exit', (c) => { clearTimeout(timer); resolve(c); });
  });
  rmSync(dir, { recursive: true, force: true });
  return { code, output };
}

// ---- raw TCP ----

/** A raw NATS connection: collects everything the server sends and tells when the server closed. */
export class RawConn {
  text = '';
  closed = false;
  info: Record<string, unknown> = {};
  private waiters: (() => void)[] = [];
  private constructor(private socket: net.Socket) {
    this.listen(socket);
  }

  private listen(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => { this.text += chunk.toString('latin1'); this.wake(); });
    socket.on('close', () => { this.closed = true; this.wake(); });
    socket.on('error', () => undefined);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Connects, waits for INFO (then upgrades to TLS when `tlsOptions` is given) and leaves the rest of the text in `text`. */
  static async open(port: number, tlsOptions?: tls.ConnectionOptions): Promise<RawConn> {
    const socket = net.connect(port, '127.0.0.1');
    const conn = new RawConn(socket);
    const m = await conn.waitFor(/^INFO (.*)\r\n/);
    conn.info = JSON.parse(m[1]) as Record<string, unknown>;
    if (tlsOptions) {
      socket.removeAllListeners('data');
      socket.removeAllListeners('close');
      const secure = tls.connect({ socket, servername: 'localhost', ...tlsOptions });
      conn.socket = secure;
      conn.listen(secure);
      await new Promise<void>((resolve, reject) => {
        secure.once('secureConnect', resolve);
        secure.once('error', (err) => { secure.destroy(); reject(err); });
        secure.once('close', () => reject(new Error('closed during the TLS handshake')));
      });
    }
    return conn;
  }

  send(text: string | Buffer): void {
    if (!this.socket.destroyed) this.socket.write(text);
  }

  /** Waits until `pattern` matches the received text and consumes it up to the match's end. */
  async waitFor(pattern: RegExp, limitMs = 5000): Promise<RegExpExecArray> {
    const deadline = Date.now() + limitMs;
    for (;;) {
      const m = pattern.exec(this.text);
      if (m) {
        this.text = this.text.slice(m.index + m[0].length);
        return m;
      }
      if (this.closed || Date.now() > deadline) throw new Error(`no ${pattern} (closed=${this.closed}) in ${JSON.stringify(this.text.slice(0, 500))}`);
      await this.tick(deadline);
    }
  }

  /** Waits until the server closes the connection; false if it is still open after `limitMs`. */
  async waitClosed(limitMs = 5000): Promise<boolean> {
    const deadline = Date.now() + limitMs;
    while (!this.closed && Date.now() < deadline) await this.tick(deadline);
    return this.closed;
  }

  private tick(deadline: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiters.push(resolve);
      setTimeout(resolve, Math.max(1, Math.min(100, deadline - Date.now())));
    });
  }

  /** Sends `text` + PING and returns what came before the PONG. */
  async roundTrip(text: string): Promise<string> {
    this.send(`${text}PING\r\n`);
    const m = await this.waitFor(/PONG\r\n/);
    return m.input.slice(0, m.index);
  }

  close(): void {
    this.socket.destroy();
  }
}

export interface ConnectOutcome {
  info: Record<string, unknown>;
  /** Everything after INFO up to the PONG or the close. */
  text: string;
  /** PONG came back: the server accepted the CONNECT. */
  accepted: boolean;
  closed: boolean;
  /** The TLS handshake failed on the client's side (code or message). */
  tlsError?: string;
}

/**
 * Sends CONNECT (an object, or raw text after "CONNECT ") + PING and waits for PONG or the close.
 * `connect` may be a function of the INFO (to sign the nonce).
 */
export async function rawConnect(
  port: number, connectArg: object | string | ((info: Record<string, unknown>) => object | string), limitMs = 5000, tlsOptions?: tls.ConnectionOptions,
): Promise<ConnectOutcome> {
  let conn: RawConn;
  try {
    conn = await RawConn.open(port, tlsOptions);
  } catch (err) {
    if (!tlsOptions) throw err;
    return { info: {}, text: '', accepted: false, closed: true, tlsError: (err as NodeJS.ErrnoException).code ?? String(err) };
  }
  const value = typeof connectArg === 'function' ? connectArg(conn.info) : connectArg;
  const body = typeof value === 'string' ? value : JSON.stringify({ verbose: false, pedantic: false, protocol: 1, ...value });
  conn.send(`CONNECT ${body}\r\nPING\r\n`);
  const deadline = Date.now() + limitMs;
  while (!conn.closed && !/PONG\r\n/.test(conn.text) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const accepted = /PONG\r\n/.test(conn.text);
  if (!accepted) await conn.waitClosed(Math.max(0, deadline - Date.now()));
  const outcome = { info: conn.info, text: conn.text, accepted, closed: conn.closed };
  conn.close();
  return outcome;
}

/** The CONNECT `sig` for a nonce: base64url of the key's Ed25519 signature of the nonce text. */
export function signNonce(kp: KeyPair, nonce: unknown): string {
  return Buffer.from(kp.sign(new TextEncoder().encode(String(nonce)))).toString('base64url');
}

// ---- official client ----

export type Attempt = { ok: true; nc: NatsConnection } | { ok: false; error: Error };

/** Connects with the official client (no reconnects); the refusal is returned, not thrown. */
export async function tryConnect(url: string, opts: Partial<ConnectionOptions> = {}): Promise<Attempt> {
  try {
    const nc = await connect({ servers: url, reconnect: false, timeout: 5000, ...opts });
    return { ok: true, nc };
  } catch (error) {
    return { ok: false, error: error as Error };
  }
}

export async function mustConnect(url: string, opts: Partial<ConnectionOptions> = {}): Promise<NatsConnection> {
  const attempt = await tryConnect(url, opts);
  if (!attempt.ok) throw new Error(`connect failed: ${attempt.error.name}: ${attempt.error.message}`);
  return attempt.nc;
}

/** The error text of a refused attempt (name + message), for assertions. */
export function refusal(attempt: Attempt): string {
  if (attempt.ok) return 'accepted'; // left open: the server's stop closes it
  return `${attempt.error.name}: ${attempt.error.message}`;
}

/** Collects what `sub` receives until `count` messages arrived or `limitMs` passed. */
export async function collect(sub: Subscription, count: number, limitMs = 3000): Promise<Msg[]> {
  const got: Msg[] = [];
  const timer = setTimeout(() => sub.unsubscribe(), limitMs);
  for await (const m of sub) {
    got.push(m);
    if (got.length >= count) break;
  }
  clearTimeout(timer);
  return got;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Permission errors the connection reported through status(), as texts. */
export function watchErrors(nc: NatsConnection): string[] {
  const errors: string[] = [];
  void (async () => {
    for await (const s of nc.status()) if (s.type === 'error') errors.push(String((s as { error?: Error }).error?.message ?? s));
  })().catch(() => undefined);
  return errors;
}

export async function waitUntil(check: () => boolean, limitMs = 3000): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (!check() && Date.now() < deadline) await sleep(10);
  return check();
}

// ---- JWTs ----

export const nowSeconds = () => Math.floor(Date.now() / 1000);
const UNLIMITED = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };

export function operatorJwt(operator: KeyPair, nats: Record<string, unknown> = {}): string {
  return encodeJwt({ sub: operator.getPublicKey(), name: 'O', nats: { type: 'operator', ...nats } }, operator);
}

export function accountJwt(account: KeyPair, signer: KeyPair, name: string, nats: Record<string, unknown> = {}): string {
  return encodeJwt({ sub: account.getPublicKey(), name, nats: { type: 'account', limits: UNLIMITED, ...nats } }, signer);
}

export function userJwt(user: KeyPair, signer: KeyPair, nats: Record<string, unknown> = {}, claims: { exp?: number; iat?: number } = {}): string {
  return encodeJwt({ sub: user.getPublicKey(), name: 'U', exp: claims.exp, iat: claims.iat, nats: { type: 'user', subs: -1, data: -1, payload: -1, ...nats } }, signer);
}

/** The text of a `.creds` file as nsc writes it. */
export function credsText(jwt: string, user: KeyPair): string {
  const seed = new TextDecoder().decode(user.getSeed());
  return `-----BEGIN NATS USER JWT-----\n${jwt}\n------END NATS USER JWT------\n\n************************* IMPORTANT *************************\nNKEY Seed printed below can be used to sign and prove identity.\nNKEYs are sensitive and should be treated as secrets.\n\n-----BEGIN USER NKEY SEED-----\n${seed}\n------END USER NKEY SEED------\n\n*************************************************************\n`;
}

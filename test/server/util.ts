// Shared helpers for the server process tests: raw TCP clients, config files, one-shot runs, log and file waits.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NATRIUM_SERVER_JS, NATS_SERVER_BIN, freePort, startServer, type RunningServer, type ServerKind } from '../helpers/server-process.js';

export { freePort, startServer, NATRIUM_SERVER_JS, NATS_SERVER_BIN, type RunningServer, type ServerKind };

/** Servers the comparative tests run against: SERVER_TEST_KINDS=natrium,nats (both by default). */
export const KINDS: ServerKind[] = (process.env['SERVER_TEST_KINDS']?.split(',') ?? ['natrium', 'nats']).map((s) => {
  const kind = s.trim();
  if (kind !== 'natrium' && kind !== 'nats') throw new Error(`SERVER_TEST_KINDS: unknown server '${kind}'`);
  return kind;
});

/** Log line prefix of nats-server: `[pid] 2006/01/02 15:04:05.000000 [INF] `. */
export const LOG_LINE = /^\[(\d+)\] (\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{6}) \[(INF|WRN|ERR|FTL|DBG|TRC)\] /;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a truthy value; throws after `timeoutMs` (a failure guard, never a wait). */
export async function waitUntil<T>(check: () => T | Promise<T>, timeoutMs: number, what: string, everyMs = 20): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Rejects if `promise` has not settled within `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

/** A temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'natrium-server-test-'): { dir: string; file(name: string, text?: string): string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    dir,
    file(name: string, text?: string) {
      const full = path.join(dir, name);
      if (text !== undefined) writeFileSync(full, text);
      return full;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Starts a server from a config body (listen host/port added); the folder goes when `stop` is called. */
export async function startWithConfig(kind: ServerKind, body: string, extraArgs: string[] = []): Promise<RunningServer & { confFile: string; port: number }> {
  const tmp = tempDir();
  const port = await freePort();
  const confFile = tmp.file('server.conf', `listen: "127.0.0.1:${port}"\n${body}\n`);
  const server = await startServer(kind, ['-c', confFile, ...extraArgs], { port, cwd: tmp.dir });
  const stop = server.stop.bind(server);
  return Object.assign(server, {
    confFile,
    async stop(signal?: NodeJS.Signals) {
      try {
        return await stop(signal);
      } finally {
        tmp.cleanup();
      }
    },
  });
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a server binary to completion (for -v, -h, -t, --signal); killed after `timeoutMs`. */
export function runOnce(kind: ServerKind, args: string[], timeoutMs = 10_000, cwd?: string): Promise<RunResult> {
  const child = kind === 'natrium'
    ? spawn(process.execPath, [NATRIUM_SERVER_JS, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd })
    : spawn(NATS_SERVER_BIN!, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => { stdout += d.toString(); });
  child.stderr!.on('data', (d) => { stderr += d.toString(); });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => child.once('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); }));
}

/** A server process whose port is not known in advance (e.g. `-p -1`): no waiting for INFO. */
export interface Spawned {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function spawnServer(kind: ServerKind, args: string[], cwd?: string): Spawned {
  const child = kind === 'natrium'
    ? spawn(process.execPath, [NATRIUM_SERVER_JS, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd })
    : spawn(NATS_SERVER_BIN!, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd });
  let out = '';
  child.stdout!.on('data', (d) => { out += d.toString(); });
  child.stderr!.on('data', (d) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child, exited,
    output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Waits until the server's log matches `pattern`; returns the matching text. */
export async function waitForLog(server: { output(): string }, pattern: RegExp, timeoutMs = 5000): Promise<string> {
  try {
    return await waitUntil(() => server.output().match(pattern)?.[0], timeoutMs, `log ${pattern}`);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- server output ---\n${server.output()}`);
  }
}

/** Waits for the process to exit; resolves with its exit code, or throws after `timeoutMs`. */
export function waitExit(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return within(new Promise((resolve) => child.once('exit', (code) => resolve(code))), timeoutMs, `process ${child.pid} to exit`);
}

/** Resident memory of a process in KiB, from /proc (0 when unknown). */
export function rssKiB(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** A raw TCP client that records everything the server sends, as latin1 text. */
export class RawClient {
  readonly socket: net.Socket;
  text = '';
  bytes = 0;
  closed = false;
  error: Error | null = null;
  readonly closedPromise: Promise<void>;
  /** false: only count bytes (for floods), keeping the last 4 KB of text. */
  keepText = true;

  constructor(port: number, host = '127.0.0.1') {
    this.socket = net.connect(port, host);
    this.socket.on('data', (d: Buffer) => {
      this.bytes += d.length;
      this.text += d.toString('latin1');
      if (!this.keepText && this.text.length > 8192) this.text = this.text.slice(-4096);
    });
    this.socket.on('error', (err) => { this.error = err; });
    this.closedPromise = new Promise((resolve) => this.socket.once('close', () => { this.closed = true; resolve(); }));
  }

  /** Connects, waits for INFO, optionally sends CONNECT (and a PING, waiting for its PONG). */
  static async open(port: number, connect: Record<string, unknown> | null = { verbose: false, protocol: 1 }, timeoutMs = 5000): Promise<RawClient> {
    const client = new RawClient(port);
    await client.waitFor(/^INFO \{.*\} ?\r\n/, timeoutMs);
    if (connect !== null) {
      client.send(`CONNECT ${JSON.stringify(connect)}\r\nPING\r\n`);
      await client.waitFor(/PONG\r\n/, timeoutMs);
    }
    return client;
  }

  send(data: string | Buffer): void {
    if (!this.socket.destroyed) this.socket.write(data);
  }

  /** Waits until the received text matches; returns the match. */
  async waitFor(pattern: RegExp, timeoutMs = 5000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.text.match(pattern);
      if (match) return match;
      const why = this.closed ? 'connection closed' : Date.now() > deadline ? `timed out after ${timeoutMs} ms` : '';
      if (why) throw new Error(`${why} waiting for ${pattern}; received ${JSON.stringify(this.text.slice(-500))}`);
      await sleep(5);
    }
  }

  /** Resolves when the server closes the connection; throws after `timeoutMs`. */
  waitClosed(timeoutMs = 5000): Promise<void> {
    return within(this.closedPromise, timeoutMs, `server to close the connection (received ${JSON.stringify(this.text.slice(-300))})`);
  }

  /** Lines received so far, without INFO lines. */
  linesWithoutInfo(): string[] {
    return this.text.split('\r\n').filter((line) => line !== '' && !line.startsWith('INFO '));
  }

  /** All INFO objects received so far. */
  infos(): Record<string, unknown>[] {
    return [...this.text.matchAll(/^INFO (\{.*\}) ?\r\n/gm)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Tries to connect once: 'refused' if the TCP connect fails, 'closed' if closed before INFO, else the first line. */
export function probeConnect(port: number, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let seen = '';
    const done = (v: string) => { socket.destroy(); resolve(v); };
    socket.setTimeout(timeoutMs, () => done('timeout'));
    socket.on('data', (d) => { seen += d.toString('latin1'); const end = seen.indexOf('\r\n'); if (end >= 0) done(seen.slice(0, end)); });
    socket.on('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' ? 'refused' : `error ${err.code ?? err.message}`));
    socket.on('close', () => done('closed'));
  });
}

/**
 * Counts MSG frames arriving on a socket without keeping them: each payload starts with a 6-digit sequence
 * number; `inOrder` stays true while they arrive as 0, 1, 2, ...
 */
export class MsgCounter {
  count = 0;
  inOrder = true;
  firstGap = '';
  private pending = Buffer.alloc(0);

  constructor(socket: net.Socket) {
    socket.on('data', (d: Buffer) => this.feed(d));
  }

  feed(chunk: Buffer): void {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let at = 0;
    for (;;) {
      const eol = buf.indexOf('\r\n', at);
      if (eol < 0) break;
      const line = buf.toString('latin1', at, eol);
      if (!line.startsWith('MSG ')) {
        at = eol + 2;
        continue;
      }
      const size = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (buf.length < eol + 2 + size + 2) break;
      const seq = Number(buf.toString('latin1', eol + 2, eol + 8));
      if (seq !== this.count && this.inOrder) {
        this.inOrder = false;
        this.firstGap = `expected #${this.count}, got #${seq}`;
      }
      this.count++;
      at = eol + 2 + size + 2;
    }
    buf = buf.subarray(at);
    this.pending = Buffer.from(buf);
  }
}

/** A PUB of `size` bytes whose payload starts with the 6-digit sequence number. */
export function pubFrame(subject: string, seq: number, size: number): string {
  return `PUB ${subject} ${size}\r\n${String(seq).padStart(6, '0')}${'x'.repeat(size - 6)}\r\n`;
}

/** Writes frames as fast as the socket takes them, honouring backpressure. */
export async function flood(socket: net.Socket, count: number, frame: (i: number) => string): Promise<void> {
  for (let i = 0; i < count; i++) {
    if (socket.destroyed) throw new Error(`publisher socket destroyed after ${i} messages`);
    if (!socket.write(frame(i))) await new Promise<void>((resolve) => { socket.once('drain', resolve); socket.once('close', resolve); });
  }
}

// Raw-protocol conformance harness: plays scripted TCP conversations against a server and records normalized transcripts.
import net from 'node:net';
import type { ServerKind } from '../helpers/server-process.js';
import { displayLine, displaySent, normalizeReceivedLine } from './normalize.js';

/*
 * The transcript model. A scenario's steps run in order. `send` steps record what was sent ("> a: ...", one
 * line per CRLF) and are not waited on; `sleep` steps only let time pass. Every other step (open, wait,
 * expectClosed, expectOpen, close) is a checkpoint: when it ends, the complete lines each connection received since the previous checkpoint
 * are appended ("< a: ..."), connection by connection in declaration order, then a close by the server if one
 * was seen ("x a: closed by server"). Placing received lines at checkpoints rather than by arrival time keeps
 * transcripts independent of timing and TCP segmentation; waits end only after the connections went quiet
 * briefly, so answers land at the same checkpoint on both servers. Times are never recorded.
 * Expectation failures (a wait that timed out, a close that did not happen, an `expect` line missing) are kept
 * apart from the transcript: they describe nats-server and are asserted when it runs.
 */

/** How a `send` step cuts its bytes into separate socket writes. */
export type SplitRule = 'bytes' | number | number[];

export type Step =
  | { kind: 'open'; connection: string }
  | { kind: 'send'; connection: string; data: string | Buffer; split?: SplitRule; delayMs: number }
  | { kind: 'wait'; connection: string; pattern?: string | RegExp; quietMs: number; timeoutMs: number }
  | { kind: 'expectClosed'; connection: string; timeoutMs: number }
  | { kind: 'expectOpen'; connection: string; forMs: number }
  | { kind: 'sleep'; ms: number }
  | { kind: 'close'; connection: string };

/** Something Natrium knowingly does differently from nats-server in one scenario. */
export interface KnownDifference {
  reason: string;
  /** Applied to every transcript line of both servers before comparing. */
  normalize?: (line: string) => string;
  /** Do not compare this scenario at all (still recorded against nats-server). */
  skipComparison?: boolean;
}

export interface Scenario {
  /** Unique, "group - behaviour". */
  name: string;
  /** Set by the scenario index from the file the scenario lives in. */
  group?: string;
  /** What the scenario shows, in one sentence. */
  description?: string;
  /** nats-server configuration file text (both servers read the same file). */
  config?: string;
  /** Extra command-line arguments. */
  args?: string[];
  /** Needs a fresh server of its own even without config or args (scenarios with a config always get one). */
  isolated?: boolean;
  /** Connections opened (in this order, each waiting for its INFO) before the first step; default ['a']. */
  connections?: string[];
  steps: Step[];
  /** Ordered transcript lines that must appear (a subsequence): the scenario's own expectations of nats-server. */
  expect?: string[];
  /** Transcript lines that must not appear. */
  expectAbsent?: (string | RegExp)[];
  /** Scenario-specific normalization applied to each received line (e.g. random inbox subjects). */
  normalize?: (line: string) => string;
  /** Scenario-specific normalization of the whole transcript (e.g. merging connections when the receiver is random). */
  normalizeTranscript?: (lines: string[]) => string[];
  knownDifferences?: KnownDifference[];
}

export interface ScenarioResult {
  scenario: string;
  server: ServerKind;
  /** Normalized, readable transcript lines; compared between servers. */
  transcript: string[];
  /** Expectation failures (waits that timed out, closes that did not happen, `expect` lines missing). */
  failures: string[];
  /** Wall time of the conversation, for information only. */
  durationMs: number;
  /** Set when the server could not be started or the harness itself broke. */
  error?: string;
}

// ---- step builders -------------------------------------------------------------------------

interface ConnectionOption { connection?: string }

export function open(connection: string): Step {
  return { kind: 'open', connection };
}

/** Sends bytes; `split` cuts them into separate writes (`'bytes'` = one byte per write) `delayMs` apart. */
export function send(data: string | Buffer, options: ConnectionOption & { split?: SplitRule; delayMs?: number } = {}): Step {
  return { kind: 'send', connection: options.connection ?? 'a', data, split: options.split, delayMs: options.delayMs ?? 3 };
}

/** Waits until `pattern` arrives on the connection (since its previous wait), then until the line is quiet. */
export function waitFor(pattern: string | RegExp, options: ConnectionOption & { timeoutMs?: number } = {}): Step {
  return { kind: 'wait', connection: options.connection ?? 'a', pattern, quietMs: 30, timeoutMs: options.timeoutMs ?? 2000 };
}

/** Waits until no connection has received anything for `ms`. */
export function quiet(ms = 150): Step {
  return { kind: 'wait', connection: 'a', quietMs: ms, timeoutMs: ms + 3000 };
}

export function expectClosed(options: ConnectionOption & { timeoutMs?: number } = {}): Step {
  return { kind: 'expectClosed', connection: options.connection ?? 'a', timeoutMs: options.timeoutMs ?? 2000 };
}

export function expectOpen(options: ConnectionOption & { forMs?: number } = {}): Step {
  return { kind: 'expectOpen', connection: options.connection ?? 'a', forMs: options.forMs ?? 150 };
}

export function sleep(ms: number): Step {
  return { kind: 'sleep', ms };
}

export function closeConnection(connection = 'a'): Step {
  return { kind: 'close', connection };
}

/** `PING` round trip: the usual way to know the server has processed everything sent before it. */
export function ping(connection = 'a'): Step[] {
  return [send('PING\r\n', { connection }), waitFor('PONG\r\n', { connection })];
}

// ---- one recorded connection -----------------------------------------------------------------

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class RecordedConnection {
  readonly name: string;
  readonly socket: net.Socket;
  /** Everything received, latin1-decoded so that bytes map 1:1 to characters. */
  text = '';
  /** How much of `text` was already written to the transcript (always at a line end). */
  flushed = 0;
  /** Where the next pattern wait on this connection starts looking (the end of what its previous wait saw). */
  cursor = 0;
  closed = false;
  closeReported = false;
  lastDataAt = Date.now();
  private readonly listeners = new Set<() => void>();

  constructor(name: string, port: number) {
    this.name = name;
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => {
      this.text += chunk.toString('latin1');
      this.lastDataAt = Date.now();
      this.notify();
    });
    this.socket.on('error', () => { /* a reset counts as a close; the kind is timing-dependent and not recorded */ });
    this.socket.on('close', () => { this.closed = true; this.notify(); });
    this.socket.on('end', () => { this.closed = true; this.notify(); });
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  /** Resolves true once `condition` holds, false after `timeoutMs`. */
  until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
    if (condition()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (!condition()) return;
        finish(true);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (value: boolean) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve(value);
      };
      this.listeners.add(check);
    });
  }

  write(data: Buffer): Promise<void> {
    if (this.closed || this.socket.destroyed || !this.socket.writable) return Promise.resolve();
    return new Promise((resolve) => this.socket.write(data, () => resolve()));
  }
}

// ---- running a scenario ----------------------------------------------------------------------

function matches(text: string, pattern: string | RegExp): boolean {
  return typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
}

function cut(data: Buffer, split: SplitRule | undefined): Buffer[] {
  if (split === undefined) return [data];
  const sizes: number[] = [];
  if (split === 'bytes') for (let i = 0; i < data.length; i++) sizes.push(1);
  else if (typeof split === 'number') for (let i = 0; i < data.length; i += split) sizes.push(Math.min(split, data.length - i));
  else sizes.push(...split);
  const pieces: Buffer[] = [];
  let offset = 0;
  for (const size of sizes) {
    if (offset >= data.length) break;
    pieces.push(data.subarray(offset, offset + size));
    offset += size;
  }
  if (offset < data.length) pieces.push(data.subarray(offset));
  return pieces;
}

/** Plays one scenario's conversation against a running server and records the transcript. */
export class ConversationRunner {
  private readonly connections = new Map<string, RecordedConnection>();
  private readonly order: string[] = [];
  readonly transcript: string[] = [];
  readonly failures: string[] = [];

  constructor(private readonly scenario: Scenario, private readonly port: number) {}

  async run(): Promise<void> {
    for (const name of this.scenario.connections ?? ['a']) await this.execute(open(name));
    for (const step of this.scenario.steps) await this.execute(step);
    await this.execute(quiet(100));
    this.checkpoint(true);
    for (const connection of this.connections.values()) connection.socket.destroy();
  }

  private connection(name: string): RecordedConnection {
    const connection = this.connections.get(name);
    if (!connection) throw new Error(`scenario ${this.scenario.name}: connection '${name}' used before it was opened`);
    return connection;
  }

  private async execute(step: Step): Promise<void> {
    switch (step.kind) {
      case 'open': {
        const connection = new RecordedConnection(step.connection, this.port);
        this.connections.set(step.connection, connection);
        this.order.push(step.connection);
        this.transcript.push(`= ${step.connection}: connect`);
        const ok = await connection.until(() => connection.closed || connection.text.includes('\r\n'), 3000);
        if (!ok) this.failures.push(`${step.connection}: no INFO line after connecting`);
        await this.settle();
        connection.cursor = connection.text.length;
        break;
      }
      case 'send': {
        const connection = this.connection(step.connection);
        const data = typeof step.data === 'string' ? Buffer.from(step.data, 'latin1') : step.data;
        const pieces = cut(data, step.split);
        const how = step.split === undefined ? '' : step.split === 'bytes' ? ' [1 byte per write]' : ` [in ${pieces.length} writes]`;
        for (const line of displaySent(data)) this.transcript.push(`> ${step.connection}${how}: ${line}`);
        for (let i = 0; i < pieces.length; i++) {
          if (i > 0) await delay(step.delayMs);
          await connection.write(pieces[i]!);
        }
        return; // a send is not a checkpoint: its answers are recorded at the next wait
      }
      case 'wait': {
        if (step.pattern !== undefined) {
          const connection = this.connection(step.connection);
          const pattern = step.pattern;
          const found = await connection.until(() => matches(connection.text.slice(connection.cursor), pattern) || connection.closed, step.timeoutMs);
          const seen = matches(connection.text.slice(connection.cursor), pattern);
          if (!seen) this.failures.push(`${step.connection}: ${found ? 'closed before' : 'timed out waiting for'} ${String(pattern).replace(/\r\n/g, '\\r\\n')}`);
          await this.settle(step.quietMs);
          connection.cursor = connection.text.length;
        } else {
          await this.settle(step.quietMs, step.timeoutMs);
        }
        break;
      }
      case 'expectClosed': {
        const connection = this.connection(step.connection);
        const closed = await connection.until(() => connection.closed, step.timeoutMs);
        if (!closed) this.failures.push(`${step.connection}: expected the server to close the connection`);
        await this.settle();
        break;
      }
      case 'expectOpen': {
        const connection = this.connection(step.connection);
        await connection.until(() => connection.closed, step.forMs);
        if (connection.closed) this.failures.push(`${step.connection}: expected the connection to stay open`);
        await this.settle();
        break;
      }
      case 'sleep':
        await delay(step.ms);
        return; // not a checkpoint: what arrives while sleeping is recorded at the next checkpoint
      case 'close': {
        const connection = this.connection(step.connection);
        this.checkpoint(false);
        connection.socket.end();
        connection.closed = true;
        connection.closeReported = true;
        this.transcript.push(`= ${step.connection}: client closes`);
        return;
      }
    }
    this.checkpoint(false);
  }

  /** Waits until no connection has received anything for `quietMs` (bounded by `maxMs`). */
  private async settle(quietMs = 30, maxMs = 1000): Promise<void> {
    const start = Date.now();
    for (;;) {
      const last = Math.max(start, ...[...this.connections.values()].map((c) => c.lastDataAt));
      const remaining = last + quietMs - Date.now();
      if (remaining <= 0 || Date.now() - start >= maxMs) return;
      await delay(Math.min(remaining, 25));
    }
  }

  /** Moves complete received lines (and closes) into the transcript, connection by connection. */
  private checkpoint(final: boolean): void {
    for (const name of this.order) {
      const connection = this.connections.get(name)!;
      const end = final ? connection.text.length : connection.text.lastIndexOf('\r\n') + 2;
      if (end > connection.flushed) {
        const fresh = connection.text.slice(connection.flushed, end);
        connection.flushed = end;
        const lines = fresh.split('\r\n');
        const partial = lines.pop()!;
        for (const line of lines) this.transcript.push(`< ${name}: ${this.display(line)}`);
        if (partial !== '') this.transcript.push(`< ${name}: ${this.display(partial)} (no CRLF)`);
      }
      if (connection.closed && !connection.closeReported) {
        connection.closeReported = true;
        this.transcript.push(`x ${name}: closed by server`);
      }
    }
  }

  private display(line: string): string {
    let shown = displayLine(normalizeReceivedLine(line));
    if (this.scenario.normalize) shown = this.scenario.normalize(shown);
    return shown;
  }
}

/** Checks the scenario's declared expectations against a transcript; returns failure texts. */
export function checkExpectations(scenario: Scenario, transcript: string[]): string[] {
  const failures: string[] = [];
  let from = 0;
  for (const wanted of scenario.expect ?? []) {
    const index = transcript.indexOf(wanted, from);
    if (index < 0) {
      const anywhere = transcript.indexOf(wanted);
      failures.push(anywhere < 0 ? `expected line missing: ${wanted}` : `expected line out of order: ${wanted}`);
    } else {
      from = index + 1;
    }
  }
  for (const unwanted of scenario.expectAbsent ?? []) {
    const hit = transcript.find((line) => (typeof unwanted === 'string' ? line === unwanted : unwanted.test(line)));
    if (hit !== undefined) failures.push(`unexpected line: ${hit}`);
  }
  return failures;
}

/** Applies a scenario's known differences to a transcript, for comparison. */
export function comparable(scenario: Scenario, transcript: string[]): string[] {
  let lines = transcript;
  for (const difference of scenario.knownDifferences ?? []) {
    if (difference.normalize) lines = lines.map(difference.normalize);
  }
  return lines;
}

/** Runs `work` over `items` with at most `limit` in flight; results keep the input order. */
export async function runPool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** `CONFORMANCE_ONLY=nats|natrium` restricts runs to one server. */
export function selectedServers(): ServerKind[] {
  const only = process.env.CONFORMANCE_ONLY;
  if (only === 'nats' || only === 'natrium') return [only];
  return ['nats', 'natrium'];
}

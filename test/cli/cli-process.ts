// Runs the compiled `natrium` client CLI as a child process and watches its output, for the CLI tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startServer, type RunningServer, type ServerKind } from '../helpers/server-process.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** dist/test/cli -> dist/src/cli/natrium.js */
export const CLI_JS = path.resolve(here, '../../src/cli/natrium.js');

/** Which server the CLI tests talk to: `natrium` unless CLI_TEST_SERVER=nats. */
export const SERVER_KIND = (process.env['CLI_TEST_SERVER'] ?? 'natrium') as ServerKind;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment without NATS_* settings, so the host's configuration cannot leak into a test. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('NATS_')) env[key] = value;
  return { ...env, ...extra };
}

export class CliProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<CliResult>;
  private readonly killTimer: NodeJS.Timeout;

  constructor(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number) {
    this.child = spawn(process.execPath, [CLI_JS, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => { this.stdout += d; });
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => { this.stderr += d; });
    this.killTimer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    this.exited = new Promise((resolve) => {
      this.child.once('close', (code, signal) => {
        clearTimeout(this.killTimer);
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  /** Resolves once `pattern` appears on the chosen stream; rejects on timeout or exit. */
  async waitFor(pattern: RegExp | ((text: string) => boolean), stream: 'stdout' | 'stderr' = 'stderr', timeoutMs = 5000): Promise<void> {
    const test = typeof pattern === 'function' ? pattern : (text: string) => pattern.test(text);
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => { exited = true; });
    while (!test(this[stream])) {
      if (exited) throw new Error(`natrium exited before ${String(pattern)} on ${stream}; stdout=${this.stdout} stderr=${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(pattern)} on ${stream}; stdout=${this.stdout} stderr=${this.stderr}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Sends SIGINT and waits for the exit. */
  interrupt(): Promise<CliResult> {
    this.child.kill('SIGINT');
    return this.exited;
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

/** Starts `natrium ARGS` in the background. */
export function startCli(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): CliProcess {
  return new CliProcess(args, opts.env ?? cleanEnv(), opts.timeoutMs ?? 20_000);
}

/** Runs `natrium ARGS` to completion. */
export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  return startCli(args, opts).exited;
}

/** A server of SERVER_KIND started from a configuration file text (port and host are added). */
export async function startConfiguredServer(configBody: string): Promise<RunningServer & { cleanup(): Promise<void> }> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'natrium-cli-'));
  const file = path.join(dir, 'server.conf');
  writeFileSync(file, `port: ${port}\nhost: 127.0.0.1\n${configBody}\n`);
  const server = await startServer(SERVER_KIND, ['-c', file], { port });
  return Object.assign(server, {
    async cleanup() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

/** Lines of a status output with their HH:MM:SS prefix removed. */
export function logLines(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 0).map((line) => line.replace(/^\d\d:\d\d:\d\d /, ''));
}

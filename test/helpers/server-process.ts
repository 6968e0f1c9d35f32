// Starts natrium-server or nats-server as a child process on a free port, for tests that need a real server.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

const here = path.dirname(fileURLToPath(import.meta.url));
/** dist/test/helpers -> dist/src/cli/natrium-server.js */
export const NATRIUM_SERVER_JS = path.resolve(here, '../../src/cli/natrium-server.js');
export const NATS_SERVER_BIN = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((p) => existsSync(p));

export type ServerKind = 'natrium' | 'nats';

export interface RunningServer {
  kind: ServerKind;
  port: number;
  host: string;
  url: string;
  process: ChildProcess;
  /** Everything the server wrote to stdout and stderr so far. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once something on host:port sends its first INFO line. */
export async function waitForInfo(port: number, host = '127.0.0.1', timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, host);
      let seen = '';
      const done = (v: boolean) => { socket.destroy(); resolve(v); };
      socket.setTimeout(1000, () => done(false));
      socket.on('data', (d) => { seen += d.toString('latin1'); if (seen.startsWith('INFO ')) done(true); });
      socket.on('error', () => done(false));
      socket.on('close', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no server answered on ${host}:${port} within ${timeoutMs} ms`);
}

/**
 * Starts a server with extra nats-server style arguments. `-a 127.0.0.1 -p <free port>` are added
 * unless the arguments already contain a port (`-p`/`--port`) or a config file (`-c`), in which case `port` must be given.
 */
export async function startServer(kind: ServerKind, args: string[] = [], opts: { port?: number; env?: NodeJS.ProcessEnv; cwd?: string; waitTimeoutMs?: number } = {}): Promise<RunningServer> {
  const port = opts.port ?? (await freePort());
  const hasPort = args.some((a) => a === '-p' || a === '--port' || a === '-port' || a === '-c' || a === '--config' || a === '-config');
  const fullArgs = hasPort ? args : ['-a', '127.0.0.1', '-p', String(port), ...args];
  let child: ChildProcess;
  if (kind === 'natrium') {
    child = spawn(process.execPath, [NATRIUM_SERVER_JS, ...fullArgs], { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env, cwd: opts.cwd });
  } else {
    if (!NATS_SERVER_BIN) throw new Error('nats-server is not installed (apt-get install -y nats-server)');
    child = spawn(NATS_SERVER_BIN, fullArgs, { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env, cwd: opts.cwd });
  }
  let out = '';
  child.stdout!.on('data', (d) => { out += d.toString(); });
  child.stderr!.on('data', (d) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await Promise.race([
      waitForInfo(port, '127.0.0.1', opts.waitTimeoutMs ?? 10_000),
      exited.then((code) => { throw new Error(`${kind} server exited early with ${code}: ${out}`); }),
    ]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    kind, port, host: '127.0.0.1', url: `nats://127.0.0.1:${port}`, process: child,
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

/** A server started from a temporary config file (`port` and `host` are added); the file goes away with the server. */
export async function startWithConfig(kind: ServerKind, body: string): Promise<RunningServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'natrium-conf-'));
  const port = await freePort();
  const file = path.join(dir, 'server.conf');
  writeFileSync(file, `port: ${port}\nhost: 127.0.0.1\n${body}\n`);
  try {
    const server = await startServer(kind, ['-c', file], { port });
    const stop = server.stop.bind(server);
    server.stop = async (signal) => {
      try {
        return await stop(signal);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    return server;
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

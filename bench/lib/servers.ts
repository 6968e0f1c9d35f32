// Starts the server under test (natrium-server or nats-server) as a direct child, so its pid is the server's.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { openFileLimits } from './machine.js';

export type ServerKind = 'nats' | 'natrium';

export interface ServerCommands {
  natriumJs: string;
  natsBin: string | undefined;
  /** Working directory for the servers (Natrium's JetStream default store is ./data). */
  cwd: string;
  /** Server output is appended here. */
  logFile: string;
}

export interface RunningServer {
  kind: ServerKind;
  pid: number;
  port: number;
  stop(): Promise<void>;
}

/**
 * The command line that starts a server on 127.0.0.1:port, with a configuration file if given (both servers
 * take `-c FILE`; the flags after it win); the program execs into the server (same pid).
 */
export function serverCommand(kind: ServerKind, port: number, commands: ServerCommands, configFile?: string, storeDir?: string): string[] {
  const flags = [...(configFile ? ['-c', configFile] : []), '-a', '127.0.0.1', '-p', String(port)];
  // JetStream is on by default in Natrium and off in nats-server: both run core NATS only unless given a store
  // directory, then both run JetStream with it.
  const js = storeDir !== undefined ? ['-js', '-sd', storeDir] : kind === 'natrium' ? ['--no_js'] : [];
  const base = kind === 'natrium' ? [process.execPath, commands.natriumJs, ...js, ...flags] : [commands.natsBin ?? 'nats-server', ...js, ...flags];
  // 10,000 connections need as many descriptors. Node raises its own soft limit to the hard one, so
  // children inherit enough; if not, prlimit sets it and then execs the server, keeping the pid.
  const { soft, hard } = openFileLimits('self');
  if (soft < 12_000 && hard > soft) return ['prlimit', `--nofile=${hard}:${hard}`, '--', ...base];
  return base;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const port = (probe.address() as net.AddressInfo).port;
      probe.close(() => resolve(port));
    });
  });
}

/** Resolves true once something on the port sends a line starting with INFO. */
function infoSeen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let seen = '';
    const done = (value: boolean) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('data', (chunk) => {
      seen += chunk.toString('latin1');
      if (seen.length >= 4) done(seen.startsWith('INFO'));
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Starts a server; `config` is the text of a configuration file to start it with. */
/** Starts a server; with `jetstream` it runs JetStream in a fresh store directory, removed when it stops. */
export async function startServer(kind: ServerKind, commands: ServerCommands, config?: string, jetstream = false): Promise<RunningServer> {
  const port = await freePort();
  const storeDir = jetstream ? fs.mkdtempSync(path.join(commands.cwd, `js-${kind}-`)) : undefined;
  let configFile: string | undefined;
  if (config !== undefined) {
    configFile = path.join(commands.cwd, `bench-${port}.conf`);
    fs.writeFileSync(configFile, config);
  }
  const [program, ...args] = serverCommand(kind, port, commands, configFile, storeDir);
  const log = fs.openSync(commands.logFile, 'a');
  fs.writeSync(log, `=== ${new Date().toISOString()} ${program} ${args.join(' ')}\n`);
  const child: ChildProcess = spawn(program, args, { cwd: commands.cwd, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exit;
    clearTimeout(killer);
    if (storeDir !== undefined) fs.rmSync(storeDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  while (!exited && Date.now() < deadline) {
    if (await infoSeen(port)) return { kind, pid: child.pid!, port, stop };
    await sleep(20);
  }
  await stop();
  throw new Error(`${kind} server did not come up on port ${port} (see ${commands.logFile})`);
}

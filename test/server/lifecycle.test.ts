// natrium-server as a process: flags, config check, random port and ports/pid files, signals, log format and log file.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  LOG_LINE, RawClient, KINDS, freePort, runOnce, spawnServer, startServer, tempDir, waitExit, waitForLog, waitUntil,
  type RunningServer, type ServerKind, type Spawned,
} from './util.js';

const tmp = tempDir();
after(() => tmp.cleanup());

/** Servers a test started, stopped (SIGKILL if need be) when the file ends. */
const running: (RunningServer | Spawned)[] = [];
after(async () => {
  await Promise.all(running.map((s) => s.stop('SIGKILL')));
});

async function start(args: string[] = [], opts: { cwd?: string } = {}): Promise<RunningServer> {
  const server = await startServer('natrium', args, opts);
  running.push(server);
  return server;
}

describe('command line', () => {
  test('-v prints a version and exits 0', async () => {
    const r = await runOnce('natrium', ['-v']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /v\d+\.\d+\.\d+/);
  });

  test('-h prints the usage and exits 0', async () => {
    const r = await runOnce('natrium', ['-h']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Usage: natrium-server \[options\]/);
    assert.match(r.stdout, /-p, --port <port>/);
    assert.match(r.stdout, /-c, --config <file>/);
  });

  test('an unknown flag fails with exit 1 and names the flag', async () => {
    const r = await runOnce('natrium', ['--no_such_flag']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /flag provided but not defined: -no_such_flag/);
  });

  test('-c bad.conf -t fails with file:line:col', async () => {
    const bad = tmp.file('bad.conf', 'port: 4222\nmax_payload: 1MB\nfoo {\n  bar: [1, 2\n');
    const r = await runOnce('natrium', ['-c', bad, '-t']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bad\.conf:5:\d+: /, r.stderr);
    assert.doesNotMatch(r.stdout, /is valid/);
  });

  test('-c with an invalid value and -t fails with file:line:col (nats-server refuses it too)', async () => {
    const file = tmp.file('ldm-short.conf', 'port: 4222\nlame_duck_duration: "2s"\n');
    const r = await runOnce('natrium', ['-c', file, '-t']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ldm-short\.conf:2:\d+: invalid lame_duck_duration/, r.stderr);
    if (KINDS.includes('nats')) {
      const ref = await runOnce('nats', ['-c', file, '-t']);
      assert.equal(ref.code, 1, 'nats-server refuses it as well');
    }
  });

  test('-c good.conf -t exits 0 and says the file is valid', async () => {
    const good = tmp.file('good.conf', 'port: 4222\nmax_payload: 1MB\nping_interval: "1m"\nauthorization { user: a, password: b }\n');
    const r = await runOnce('natrium', ['-c', good, '-t']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /configuration file .*good\.conf is valid/);
  });

  test('a port already in use fails with exit 1 and says so', async () => {
    const blocker = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const r = await runOnce('natrium', ['-a', '127.0.0.1', '-p', String(port)]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /address already in use/);
    } finally {
      blocker.close();
    }
  });
});

describe('ports and pid files', () => {
  /** Starts with -p -1 and --ports_file_dir; returns the process and the parsed ports file. */
  async function startRandom(kind: ServerKind, dir: string): Promise<{ server: Spawned; file: string; ports: Record<string, string[]> }> {
    const server = spawnServer(kind, ['-a', '127.0.0.1', '-p', '-1', '--ports_file_dir', dir]);
    running.push(server);
    const file = path.join(dir, `nats-server_${server.child.pid}.ports`);
    const text = await waitUntil(() => {
      if (server.child.exitCode !== null) throw new Error(`${kind} exited: ${server.output()}`);
      try {
        const t = readFileSync(file, 'utf8');
        return t.endsWith('}') ? t : null;
      } catch {
        return null;
      }
    }, 10_000, `${file}`);
    return { server, file, ports: JSON.parse(text) as Record<string, string[]> };
  }

  test('-p -1 picks a random port, written to the ports file like nats-server, removed on shutdown', async () => {
    const dir = tmp.file('ports-natrium');
    mkdirSync(dir);
    const { server, file, ports } = await startRandom('natrium', dir);
    assert.deepEqual(Object.keys(ports), ['nats']);
    assert.equal(ports['nats']!.length, 1);
    const m = /^nats:\/\/127\.0\.0\.1:(\d+)$/.exec(ports['nats']![0]!);
    assert.ok(m, `URL shape: ${ports['nats']![0]}`);
    const port = Number(m[1]);
    assert.ok(port > 0 && port !== 4222, `a random port, got ${port}`);
    const client = await RawClient.open(port);
    assert.equal(client.infos()[0]!['port'], port, 'INFO carries the random port');
    client.destroy();

    if (KINDS.includes('nats')) {
      const refDir = tmp.file('ports-nats');
      mkdirSync(refDir);
      const ref = await startRandom('nats', refDir);
      const shape = (p: Record<string, string[]>) => JSON.stringify(p).replace(/:\d+"/g, ':PORT"');
      assert.equal(shape(ports), shape(ref.ports), 'same JSON shape as nats-server');
      await ref.server.stop('SIGINT');
    }

    assert.equal(await server.stop('SIGTERM'), 0);
    assert.equal(existsSync(file), false, 'ports file removed on shutdown');
    assert.deepEqual(readdirSync(dir), []);
  });

  test('-P writes the pid and removes the file on shutdown', async () => {
    const pidFile = tmp.file('natrium.pid');
    const server = await start(['-P', pidFile]);
    await waitUntil(() => existsSync(pidFile), 5000, 'pid file');
    assert.equal(readFileSync(pidFile, 'utf8').trim(), String(server.process.pid));
    assert.equal(await server.stop('SIGTERM'), 0);
    assert.equal(existsSync(pidFile), false, 'pid file removed on shutdown');
  });
});

describe('signals', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`${signal} stops the server with exit code 0 and closes client connections`, async () => {
      const server = await start();
      const a = await RawClient.open(server.port);
      const b = await RawClient.open(server.port, { verbose: false });
      b.send('SUB foo 1\r\nPING\r\n');
      await b.waitFor(/PONG\r\n.*PONG\r\n/s);
      server.process.kill(signal);
      const code = await waitExit(server.process, 5000);
      assert.equal(code, 0, server.output());
      await a.waitClosed(3000);
      await b.waitClosed(3000);
      assert.match(server.output(), /\[INF\] Server Exiting\.\./);
      assert.equal(await new Promise((resolve) => {
        const s = net.connect(server.port, '127.0.0.1');
        s.on('connect', () => { s.destroy(); resolve('connected'); });
        s.on('error', () => resolve('refused'));
      }), 'refused', 'nothing listens any more');
    });
  }
});

describe('logging', () => {
  /** Connects, subscribes, publishes, pings, disconnects: some traffic for -D / -V. */
  async function traffic(port: number): Promise<void> {
    const c = await RawClient.open(port, { verbose: false });
    c.send('SUB foo 1\r\nPUB foo 2\r\nhi\r\nPING\r\n');
    await c.waitFor(/MSG foo 1 2\r\nhi\r\n/);
    await c.waitFor(/PONG\r\n.*PONG\r\n/s);
    c.destroy();
    await c.closedPromise;
  }

  test('log lines look like nats-server\'s, with no DBG/TRC lines by default', async () => {
    const server = await start();
    await traffic(server.port);
    await server.stop('SIGTERM');
    const lines = server.output().split('\n').filter((l) => l !== '');
    assert.ok(lines.length >= 3);
    for (const line of lines) {
      const m = LOG_LINE.exec(line);
      assert.ok(m, `log line shape: ${JSON.stringify(line)}`);
      assert.equal(m[1], String(server.process.pid), 'pid in brackets');
      assert.notEqual(m[3], 'DBG');
      assert.notEqual(m[3], 'TRC');
    }
    assert.ok(lines.some((l) => / \[INF\] Server is ready$/.test(l)));
    assert.ok(lines.some((l) => / \[INF\] Listening for client connections on 127\.0\.0\.1:\d+$/.test(l)));
  });

  test('-D adds [DBG] lines for connections', async () => {
    const server = await start(['-D']);
    await traffic(server.port);
    await waitForLog(server, /\[DBG\] 127\.0\.0\.1:\d+ - cid:\d+ - Client connection closed/);
    await server.stop('SIGTERM');
    assert.match(server.output(), /^\[\d+\] [\d/]+ [\d:.]+ \[DBG\] 127\.0\.0\.1:\d+ - cid:\d+ - Client connection created$/m);
    assert.doesNotMatch(server.output(), /\[TRC\]/);
  });

  test('-V adds [TRC] lines for protocol operations', async () => {
    const server = await start(['-V']);
    await traffic(server.port);
    await server.stop('SIGTERM');
    const out = server.output();
    const prefix = String.raw`^\[\d+\] [\d/]+ [\d:.]+ \[TRC\] 127\.0\.0\.1:\d+ - cid:\d+ - `;
    for (const op of [String.raw`<<- \[SUB foo 1\]`, String.raw`<<- \[PUB foo 2\]`, String.raw`->> \[MSG foo 1 2\]`, String.raw`<<- \[PING\]`, String.raw`->> \[PONG\]`]) {
      assert.match(out, new RegExp(prefix + op + '$', 'm'), `trace of ${op}`);
    }
    assert.doesNotMatch(out, /\[DBG\]/);
  });

  test('log timestamps never go backwards', async () => {
    const server = await start(['-DV']);
    // Many trace lines within a few milliseconds.
    const c = await RawClient.open(server.port, { verbose: false });
    c.send('SUB foo 1\r\n' + 'PUB foo 2\r\nhi\r\n'.repeat(300) + 'PING\r\n');
    await c.waitFor(/PONG\r\n.*PONG\r\n/s);
    c.destroy();
    await server.stop('SIGTERM');
    const stamps = server.output().split('\n').map((l) => LOG_LINE.exec(l)?.[2]).filter((s): s is string => s !== undefined);
    assert.ok(stamps.length > 20);
    for (let i = 1; i < stamps.length; i++) {
      assert.ok(stamps[i]! >= stamps[i - 1]!, `timestamp ${stamps[i]} after ${stamps[i - 1]} (line ${i + 1})`);
    }
  });

  test('-l FILE writes the log to the file instead of stderr', async () => {
    const logFile = tmp.file('server.log');
    const server = await start(['-D', '-l', logFile]);
    await traffic(server.port);
    await server.stop('SIGTERM');
    const text = readFileSync(logFile, 'utf8');
    assert.match(text, /\[INF\] Server is ready/);
    assert.match(text, /\[DBG\] .*Client connection created/);
    assert.match(text, /\[INF\] Server Exiting\.\./);
    for (const line of text.split('\n').filter((l) => l !== '')) assert.match(line, LOG_LINE);
    assert.doesNotMatch(server.output(), /\[(INF|DBG)\]/, 'nothing logged to stderr/stdout');
  });
});

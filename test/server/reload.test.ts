// Configuration reload (SIGHUP and --signal reload=PID): new credentials apply, non-reloadable changes and syntax errors are refused.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { KINDS, RawClient, freePort, probeConnect, runOnce, startWithConfig, waitForLog, type RunningServer, type ServerKind } from './util.js';

/** Connects with user/password; 'ok' after a PONG, else the -ERR text (or 'closed'). */
async function login(port: number, user: string, pass: string): Promise<string> {
  const c = new RawClient(port);
  try {
    await c.waitFor(/^INFO .*\r\n/);
    c.send(`CONNECT ${JSON.stringify({ verbose: false, protocol: 1, user, pass })}\r\nPING\r\n`);
    const m = await c.waitFor(/PONG\r\n|-ERR '[^']*'/).catch(() => null);
    if (m?.[0] === 'PONG\r\n') return 'ok';
    if (m) {
      await c.waitClosed(3000);
      return m[0];
    }
    return 'closed';
  } finally {
    c.destroy();
  }
}

/** Number of times `text` appears in the server log. */
function count(server: RunningServer, text: string): number {
  return server.output().split(text).length - 1;
}

/** Rewrites the config file (listen line kept) and sends the reload by signal or by --signal reload=PID. */
async function reload(kind: ServerKind, server: RunningServer & { confFile: string }, body: string, how: 'SIGHUP' | 'command', listen = `127.0.0.1:${server.port}`): Promise<void> {
  writeFileSync(server.confFile, `listen: "${listen}"\n${body}\n`);
  if (how === 'SIGHUP') {
    server.process.kill('SIGHUP');
  } else {
    const r = await runOnce(kind, ['--signal', `reload=${server.process.pid}`]);
    assert.equal(r.code, 0, `--signal reload: ${r.stdout}${r.stderr}`);
  }
}

for (const kind of KINDS) {
  describe(`reload (${kind})`, () => {
    const servers: RunningServer[] = [];
    after(async () => { await Promise.all(servers.map((s) => s.stop('SIGKILL'))); });

    async function start(body: string) {
      const server = await startWithConfig(kind, body);
      servers.push(server);
      return server;
    }

    for (const how of ['SIGHUP', 'command'] as const) {
      test(`a new password applies after ${how === 'SIGHUP' ? 'SIGHUP' : '--signal reload=PID'}`, async () => {
        const server = await start('authorization { user: a, password: b }');
        assert.equal(await login(server.port, 'a', 'b'), 'ok');
        await reload(kind, server, 'authorization { user: a, password: secret2 }', how);
        await waitForLog(server, /\[INF\] Reloaded server configuration/);
        assert.equal(await login(server.port, 'a', 'secret2'), 'ok', 'new password accepted');
        assert.equal(await login(server.port, 'a', 'b'), "-ERR 'Authorization Violation'", 'old password refused');
        assert.ok(server.process.exitCode === null, 'server still running');
      });
    }

    test('a connection made with the old password is closed by the reload', async () => {
      const server = await start('authorization { user: a, password: b }');
      const old = await RawClient.open(server.port, { verbose: false, protocol: 1, user: 'a', pass: 'b' });
      await reload(kind, server, 'authorization { user: a, password: secret2 }', 'SIGHUP');
      await waitForLog(server, /Reloaded server configuration/);
      await old.waitClosed(3000);
    });

    test('a refused connection logs one "authentication error" line', async () => {
      const server = await start('authorization { user: a, password: b }');
      assert.equal(await login(server.port, 'a', 'wrong'), "-ERR 'Authorization Violation'");
      await waitForLog(server, /authentication error/);
      assert.equal(await login(server.port, 'a', 'b'), 'ok', 'a later good login (its log lines come after)');
      assert.equal(count(server, 'authentication error'), 1, server.output());
    });

    test('a client whose credentials are still valid stays connected across the reload', async () => {
      const server = await start('authorization { users: [{user: a, password: b}, {user: c, password: d}] }');
      const a = await RawClient.open(server.port, { verbose: false, protocol: 1, user: 'a', pass: 'b' });
      await reload(kind, server, 'authorization { users: [{user: a, password: b}, {user: c, password: e}] }', 'SIGHUP');
      await waitForLog(server, /Reloaded server configuration/);
      assert.equal(await login(server.port, 'c', 'e'), 'ok');
      assert.equal(await login(server.port, 'c', 'd'), "-ERR 'Authorization Violation'");
      a.send('PING\r\n');
      await a.waitFor(/PONG\r\n.*PONG\r\n/s);
      assert.equal(a.closed, false);
      a.destroy();
    });

    test('a reload that changes the port is refused and the server keeps its old settings', async () => {
      const server = await start('authorization { user: a, password: b }');
      const other = await freePort();
      await reload(kind, server, 'authorization { user: a, password: changed }', 'SIGHUP', `127.0.0.1:${other}`);
      const line = await waitForLog(server, /\[ERR\] Failed to reload server configuration: .*/);
      assert.match(line, /config reload not supported for port/i);
      assert.doesNotMatch(server.output(), /Reloaded server configuration/);
      assert.equal(await probeConnect(other), 'refused', 'nothing listens on the new port');
      assert.equal(await login(server.port, 'a', 'b'), 'ok', 'old password still valid');
      assert.equal(await login(server.port, 'a', 'changed'), "-ERR 'Authorization Violation'", 'nothing of the refused file applied');
      assert.ok(server.process.exitCode === null, 'server still running');
    });

    test('a reload with a syntax error is refused and the server keeps its old settings', async () => {
      const server = await start('authorization { user: a, password: b }');
      await reload(kind, server, 'authorization { user: a, password: changed \n', 'SIGHUP');
      const line = await waitForLog(server, /\[ERR\] Failed to reload server configuration: .*/);
      assert.match(line, /line 4|:4:\d+/, 'names the line');
      assert.equal(await login(server.port, 'a', 'b'), 'ok');
      assert.equal(await login(server.port, 'a', 'changed'), "-ERR 'Authorization Violation'");
      // The file fixed again: a later reload works.
      await reload(kind, server, 'authorization { user: a, password: fixed }', 'SIGHUP');
      await waitForLog(server, /Reloaded server configuration/);
      assert.equal(await login(server.port, 'a', 'fixed'), 'ok');
    });
  });
}

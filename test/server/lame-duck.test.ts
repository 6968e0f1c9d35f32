// Lame duck mode (SIGUSR2 and --signal ldm=PID): INFO with ldm to clients, no new connections, clients closed, exit 0.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { KINDS, RawClient, probeConnect, runOnce, startWithConfig, waitExit, waitForLog, waitUntil, type RunningServer } from './util.js';

// nats-server refuses a lame_duck_duration under 30s (see lifecycle.test.ts), so the shortest allowed is used;
// with few clients both servers close them about a second apart, long before the duration ends.
const CONFIG = 'lame_duck_duration: "30s"\nlame_duck_grace_period: "500ms"';
const DURATION_MS = 30_000;
const GRACE_MS = 500;
/** A failure guard only: the process must be gone within the duration plus a margin. */
const EXIT_GUARD_MS = DURATION_MS + 5000;

for (const kind of KINDS) {
  describe(`lame duck mode (${kind})`, () => {
    const servers: RunningServer[] = [];
    after(async () => { await Promise.all(servers.map((s) => s.stop('SIGKILL'))); });

    async function start(): Promise<RunningServer> {
      const server = await startWithConfig(kind, CONFIG);
      servers.push(server);
      return server;
    }

    test('SIGUSR2: INFO with ldm, new connections refused, clients closed, exit 0', async () => {
      const server = await start();
      const clients = [await RawClient.open(server.port), await RawClient.open(server.port)];
      const signalled = Date.now();
      server.process.kill('SIGUSR2');
      await waitForLog(server, /\[INF\] Entering lame duck mode/);
      for (const c of clients) {
        await c.waitFor(/INFO \{[^\r\n]*"ldm":true[^\r\n]*\} ?\r\n/, 3000);
        const ldm = c.infos().find((info) => info['ldm'] === true)!;
        assert.equal(ldm['server_id'], c.infos()[0]!['server_id'], 'the INFO comes from the same server');
      }
      assert.equal(await probeConnect(server.port), 'refused', 'new connections are refused');
      const closedAt: number[] = [];
      for (const c of clients) {
        await c.waitClosed(EXIT_GUARD_MS);
        closedAt.push(Date.now() - signalled);
        assert.doesNotMatch(c.text, /-ERR/, 'closed without an error');
      }
      assert.ok(Math.min(...closedAt) >= GRACE_MS - 50, `no client closed before the grace period (${closedAt})`);
      assert.equal(await waitExit(server.process, EXIT_GUARD_MS), 0, server.output());
    });

    test('--signal ldm=PID does the same', async () => {
      const server = await start();
      const client = await RawClient.open(server.port);
      const r = await runOnce(kind, ['--signal', `ldm=${server.process.pid}`]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      await client.waitFor(/"ldm":true/, 3000);
      assert.equal(await probeConnect(server.port), 'refused');
      await client.waitClosed(EXIT_GUARD_MS);
      assert.equal(await waitExit(server.process, EXIT_GUARD_MS), 0, server.output());
    });

    test('with no clients connected it exits 0 as well', async () => {
      const server = await start();
      server.process.kill('SIGUSR2');
      assert.equal(await waitExit(server.process, EXIT_GUARD_MS), 0, server.output());
      assert.match(server.output(), /Server Exiting/);
    });

    test('a client that did not ask for protocol 1 gets no async INFO, only the close', async () => {
      const server = await start();
      const modern = await RawClient.open(server.port, { verbose: false, protocol: 1 });
      const legacy = await RawClient.open(server.port, { verbose: false });
      server.process.kill('SIGUSR2');
      await modern.waitFor(/"ldm":true/, 3000);
      await legacy.waitClosed(EXIT_GUARD_MS);
      assert.equal(legacy.infos().length, 1, `only the first INFO: ${legacy.text}`);
      await waitUntil(() => server.process.exitCode !== null, EXIT_GUARD_MS, 'exit');
    });
  });
}

// Limits against nats-server's behaviour: slow consumers (max_pending, write_deadline), stale connections, max_connections, many idle connections.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  KINDS, MsgCounter, RawClient, flood, pubFrame, rssKiB, startWithConfig, waitForLog, waitUntil, sleep, type RunningServer,
} from './util.js';

/** A subscriber on `subject` that counts what it gets without keeping it. */
async function counter(port: number, subject: string): Promise<{ client: RawClient; msgs: MsgCounter }> {
  const client = await RawClient.open(port);
  client.keepText = false;
  const msgs = new MsgCounter(client.socket);
  client.send(`SUB ${subject} 1\r\nPING\r\n`);
  await waitUntil(() => client.text.split('PONG').length >= 3, 5000, 'PONG after SUB');
  return { client, msgs };
}

/** Sends PING and waits for one more PONG than seen so far. */
async function roundTrip(client: RawClient, timeoutMs = 10_000): Promise<void> {
  const before = client.text.split('PONG\r\n').length;
  client.send('PING\r\n');
  await waitUntil(() => client.text.split('PONG\r\n').length > before || client.closed, timeoutMs, 'PONG');
  assert.equal(client.closed, false, 'connection still open after PING');
}

for (const kind of KINDS) {
  describe(`limits (${kind})`, () => {
    const servers: RunningServer[] = [];
    const clients: RawClient[] = [];
    after(async () => {
      for (const c of clients) c.destroy();
      await Promise.all(servers.map((s) => s.stop('SIGKILL')));
    });
    async function start(body: string): Promise<RunningServer> {
      const server = await startWithConfig(kind, body);
      servers.push(server);
      return server;
    }
    async function open(port: number, connect?: Record<string, unknown> | null): Promise<RawClient> {
      const c = await RawClient.open(port, connect);
      clients.push(c);
      return c;
    }

    /**
     * One subscriber that never reads, one that reads everything, one publisher flooding `count` 1 KB messages.
     * Checks what both servers do: the slow one is cut without an -ERR, the others do not notice.
     */
    async function slowConsumerScenario(server: RunningServer, count: number, logPattern: RegExp): Promise<void> {
      const slow = await open(server.port);
      slow.send('SUB load 1\r\nPING\r\n');
      await slow.waitFor(/PONG\r\n.*PONG\r\n/s);
      slow.socket.pause();
      const fast = await counter(server.port, 'load');
      clients.push(fast.client);
      const pub = await open(server.port);
      await flood(pub.socket, count, (i) => pubFrame('load', i, 1024));
      const line = await waitForLog(server, logPattern, 15_000);
      assert.ok(line.includes(`127.0.0.1:${slow.socket.localPort} - cid:`), `the slow subscriber is the one cut: ${line}`);
      assert.doesNotMatch(server.output(), new RegExp(`127\\.0\\.0\\.1:${fast.client.socket.localPort} - cid:\\d+ - Slow Consumer`), 'the fast one is not');
      await waitUntil(() => fast.msgs.count >= count || fast.client.closed, 20_000, `fast subscriber to get ${count} messages (has ${fast.msgs.count})`);
      assert.equal(fast.client.closed, false, `fast subscriber still connected (got ${fast.msgs.count} of ${count}); log: ${server.output().match(/.*Slow Consumer.*/g)}`);
      assert.equal(fast.msgs.count, count, 'fast subscriber got every message');
      assert.ok(fast.msgs.inOrder, `in order: ${fast.msgs.firstGap}`);
      await roundTrip(pub);
      assert.equal(pub.closed, false, 'publisher never disconnected');
      assert.doesNotMatch(pub.text, /-ERR/);
      slow.socket.resume();
      await slow.waitClosed(10_000);
      assert.doesNotMatch(slow.text, /-ERR/, 'nats-server sends the slow consumer no -ERR');
    }

    test('max_pending: a subscriber that never reads is cut as a slow consumer, others unaffected', async () => {
      // write_deadline is shortened so that nats-server, which stalls the publisher rather than letting
      // max_pending fill up, cuts the slow consumer in 2s instead of the default 10s.
      const server = await start('max_pending: 256KB\nmax_payload: 64KB\nwrite_deadline: "2s"');
      await slowConsumerScenario(server, 5000, /\[INF\] [^\n]*Slow Consumer Detected[^\n]*/);
    });

    test('max_pending: a subscriber that keeps reading is not cut by a burst bigger than max_pending', async () => {
      const server = await start('max_pending: 256KB\nmax_payload: 64KB');
      const fast = await counter(server.port, 'burst');
      clients.push(fast.client);
      const pub = await open(server.port);
      const count = 20_000;
      await flood(pub.socket, count, (i) => pubFrame('burst', i, 1024));
      await waitUntil(() => fast.msgs.count >= count || fast.client.closed, 20_000, `subscriber to get ${count} messages (has ${fast.msgs.count})`);
      assert.equal(fast.client.closed, false, `subscriber still connected (got ${fast.msgs.count} of ${count}); log: ${server.output().match(/.*Slow Consumer.*/g)}`);
      assert.equal(fast.msgs.count, count);
      assert.ok(fast.msgs.inOrder, fast.msgs.firstGap);
      await roundTrip(pub);
      assert.doesNotMatch(server.output(), /Slow Consumer/);
    });

    test('write_deadline: a subscriber that never reads is cut once its socket is full, others unaffected', async () => {
      const server = await start('write_deadline: "500ms"\nmax_pending: 64MB');
      await slowConsumerScenario(server, 10_000, /\[INF\] [^\n]*Slow Consumer Detected: WriteDeadline[^\n]*/i);
    });

    test('stale connection: PINGs, then -ERR \'Stale Connection\' and close for a client that never answers', async () => {
      const server = await start('ping_interval: "300ms"\nping_max: 2');
      const silent = await open(server.port);
      await silent.waitFor(/-ERR 'Stale Connection'\r\n/, 5000);
      await silent.waitClosed(3000);
      // Our own PING's PONG, then ping_max PINGs, then the error.
      assert.deepEqual(silent.linesWithoutInfo(), ['PONG', 'PING', 'PING', "-ERR 'Stale Connection'"]);
    });

    test('stale connection: a client that answers PONG stays connected for several intervals', async () => {
      const server = await start('ping_interval: "300ms"\nping_max: 2');
      const alive = await open(server.port);
      let pings = 0;
      alive.socket.on('data', (d: Buffer) => {
        for (const m of d.toString('latin1').matchAll(/PING\r\n/g)) { void m; pings++; alive.send('PONG\r\n'); }
      });
      await sleep(2000); // about 6 ping intervals
      assert.equal(alive.closed, false, `still connected: ${alive.text}`);
      assert.ok(pings >= 2, `the server kept pinging (${pings} PINGs)`);
      assert.doesNotMatch(alive.text, /-ERR/);
      await roundTrip(alive);
    });

    test('max_connections: the one too many gets INFO then -ERR and is closed; a slot freed is reusable', async () => {
      const server = await start('max_connections: 3');
      const three = [await open(server.port), await open(server.port), await open(server.port)];
      const extra = new RawClient(server.port);
      clients.push(extra);
      await extra.waitFor(/-ERR 'maximum connections exceeded'\r\n/, 5000);
      await extra.waitClosed(3000);
      assert.match(extra.text, /^INFO \{.*\} ?\r\n-ERR 'maximum connections exceeded'\r\n$/);
      assert.match(server.output(), /maximum connections exceeded/);
      for (const c of three) await roundTrip(c);
      three[0]!.destroy();
      // The server notices the close asynchronously: retry until a new connection is accepted.
      const again = await waitUntil(async () => {
        const c = new RawClient(server.port);
        clients.push(c);
        await c.waitFor(/^INFO .*\r\n/);
        c.send('CONNECT {"verbose":false}\r\nPING\r\n');
        const m = await c.waitFor(/PONG\r\n|-ERR '[^']*'/);
        return m[0] === 'PONG\r\n' ? c : (c.destroy(), null);
      }, 5000, 'a connection accepted after one closed', 50);
      assert.equal(again.closed, false);
    });

    test('hundreds of idle connections and one busy pair all stay connected', async (t) => {
      const server = await start('');
      const idleCount = 400;
      const rssBefore = rssKiB(server.process.pid!);
      const idle: RawClient[] = [];
      for (let i = 0; i < idleCount; i += 50) {
        const batch = await Promise.all(Array.from({ length: Math.min(50, idleCount - i) }, () => open(server.port)));
        idle.push(...batch);
      }
      const rssIdle = rssKiB(server.process.pid!);
      const sub = await counter(server.port, 'busy');
      clients.push(sub.client);
      const pub = await open(server.port);
      const count = 20_000;
      await flood(pub.socket, count, (i) => pubFrame('busy', i, 128));
      await waitUntil(() => sub.msgs.count >= count || sub.client.closed, 20_000, `busy subscriber (has ${sub.msgs.count})`);
      assert.equal(sub.msgs.count, count);
      assert.ok(sub.msgs.inOrder, sub.msgs.firstGap);
      await Promise.all(idle.map((c) => roundTrip(c)));
      assert.equal(idle.filter((c) => c.closed).length, 0, 'no idle connection closed');
      t.diagnostic(`${kind}: RSS ${rssBefore} KiB before, ${rssIdle} KiB with ${idleCount} idle connections ` +
        `(${((rssIdle - rssBefore) / idleCount).toFixed(1)} KiB each), ${rssKiB(server.process.pid!)} KiB after the busy pair`);
      for (const c of idle) c.destroy();
    });
  });
}


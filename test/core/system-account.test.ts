// The system account: connect/disconnect events and SERVER.PING, with the same shapes as nats-server's.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect, type NatsConnection, type Msg } from '@nats-io/transport-node';
import { freePort, startServer, type RunningServer, type ServerKind } from '../helpers/server-process.js';

const KINDS = (process.env.SYSTEM_SERVERS?.split(',') ?? ['nats', 'natrium']) as ServerKind[];
const json = (m: Msg) => JSON.parse(new TextDecoder().decode(m.data)) as Record<string, any>;

for (const kind of KINDS) {
  describe(`system account (server: ${kind})`, () => {
    let server: RunningServer;
    let dir: string;
    let sys: NatsConnection;

    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natrium-sys-'));
      const port = await freePort();
      const conf = path.join(dir, 'server.conf');
      fs.writeFileSync(conf, `host: 127.0.0.1\nport: ${port}\njetstream: disabled\nsystem_account: SYS\naccounts {\n  SYS: { users: [ { user: sys, password: sys } ] }\n  APP: { users: [ { user: app, password: app } ] }\n}\n`);
      server = await startServer(kind, ['-c', conf], { port });
      sys = await connect({ servers: server.url, user: 'sys', pass: 'sys' });
    });
    after(async () => {
      await sys?.close();
      await server?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('announces connects and disconnects of an account on $SYS.ACCOUNT.<account>.CONNECT/DISCONNECT', async () => {
      const events: Record<string, any>[] = [];
      const sub = sys.subscribe('$SYS.ACCOUNT.APP.>', { callback: (_err, m) => { events.push({ subject: m.subject, ...json(m) }); } });
      await sys.flush();
      const app = await connect({ servers: server.url, user: 'app', pass: 'app', name: 'my-app' });
      app.publish('x', 'hello');
      await app.flush();
      await app.close();
      const deadline = Date.now() + 5000;
      const has = (subject: string) => events.some((e) => e.subject === subject);
      while (!(has('$SYS.ACCOUNT.APP.CONNECT') && has('$SYS.ACCOUNT.APP.DISCONNECT')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      sub.unsubscribe();
      const connected = events.find((e) => e.subject === '$SYS.ACCOUNT.APP.CONNECT');
      const disconnected = events.find((e) => e.subject === '$SYS.ACCOUNT.APP.DISCONNECT');
      assert.ok(connected, `a CONNECT event (got ${events.map((e) => e.subject)})`);
      assert.ok(disconnected, 'a DISCONNECT event');
      assert.equal(connected.type, 'io.nats.server.advisory.v1.client_connect');
      assert.equal(connected.client.acc, 'APP');
      assert.equal(connected.client.user, 'app');
      assert.equal(connected.client.name, 'my-app');
      assert.equal(disconnected.type, 'io.nats.server.advisory.v1.client_disconnect');
      // Counted from the client's side: the one message it published is "sent".
      assert.equal(disconnected.sent.msgs, 1);
      assert.equal(disconnected.received.msgs, 0);
      for (const key of ['id', 'timestamp', 'server', 'client']) assert.ok(key in connected, `CONNECT has ${key}`);
      for (const key of ['sent', 'received', 'reason']) assert.ok(key in disconnected, `DISCONNECT has ${key}`);
      for (const key of ['name', 'id', 'ver', 'seq', 'time']) assert.ok(key in connected.server, `server has ${key}`);
      for (const key of ['start', 'host', 'id', 'acc', 'user', 'name', 'lang', 'ver']) assert.ok(key in connected.client, `client has ${key}`);
    });

    it('answers $SYS.REQ.SERVER.PING with its statsz', async () => {
      const reply = json(await sys.request('$SYS.REQ.SERVER.PING', '', { timeout: 3000 }));
      assert.ok(reply.server.id.startsWith('N'));
      for (const key of ['start', 'mem', 'connections', 'total_connections', 'subscriptions', 'sent', 'received', 'slow_consumers']) {
        assert.ok(key in reply.statsz, `statsz has ${key}`);
      }
      assert.ok(reply.statsz.connections >= 1);
    });

    it('is not reachable from another account', async () => {
      const app = await connect({ servers: server.url, user: 'app', pass: 'app' });
      try {
        await assert.rejects(app.request('$SYS.REQ.SERVER.PING', '', { timeout: 1000 }));
      } finally {
        await app.close();
      }
    });
  });
}

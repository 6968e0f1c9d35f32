// Permissions and accounts that must hold beyond the first CONNECT: across a config reload, and against a second CONNECT.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { AUTH_VIOLATION, RawConn, SERVERS, skipFor, startConf, waitUntil, type ConfServer } from './support.js';

const RELOAD_CONFIG = `authorization { users = [
  { user: watcher, password: pw, permissions: { subscribe: { allow: [">"], deny: ["feed.secret"] } } }
  { user: pub, password: pw }
] }`;

async function connected(port: number, user: string): Promise<RawConn> {
  const conn = await RawConn.open(port);
  await conn.roundTrip(`CONNECT {"verbose":false,"pedantic":false,"user":"${user}","pass":"pw"}\r\n`);
  return conn;
}

for (const kind of SERVERS) {
  describe(`connect rules (${kind})`, { skip: skipFor(kind) }, () => {
    const servers: ConfServer[] = [];
    after(async () => { await Promise.all(servers.map((s) => s.stop())); });

    it('a wildcard subscription still skips denied subjects after a reload (SIGHUP)', async () => {
      const s = await startConf(kind, RELOAD_CONFIG);
      servers.push(s);
      const watcher = await connected(s.port, 'watcher');
      const publisher = await connected(s.port, 'pub');
      await watcher.roundTrip('SUB feed.* 1\r\n');
      const check = async (): Promise<string> => {
        await publisher.roundTrip('PUB feed.secret 1\r\nx\r\nPUB feed.open 1\r\ny\r\n');
        // Everything received up to the open subject's message (waitFor consumes it).
        const m = await watcher.waitFor(/MSG feed\.open 1 1\r\ny\r\n/);
        return m.input.slice(0, m.index);
      };
      assert.doesNotMatch(await check(), /feed\.secret/, 'before the reload');
      const before = s.server.output().length;
      s.server.process.kill('SIGHUP');
      assert.ok(await waitUntil(() => /Reloaded/i.test(s.server.output().slice(before)), 5000), 'the server reloaded');
      watcher.text = '';
      assert.doesNotMatch(await check(), /feed\.secret/, 'after the reload');
      watcher.close();
      publisher.close();
    });

    // nats-server 2.9.10 answers a second CONNECT for another account's user as if nothing changed; Natrium refuses it.
    it('a second CONNECT as a user of another account is refused', { skip: kind === 'nats' ? 'Natrium rule' : false }, async () => {
      const s = await startConf(kind, `accounts {
  A: { users: [ { user: a, password: pw } ] }
  B: { users: [ { user: b, password: pw } ] }
}`);
      servers.push(s);
      const conn = await connected(s.port, 'a');
      await conn.roundTrip('SUB x 1\r\n');
      conn.send('CONNECT {"verbose":false,"pedantic":false,"user":"b","pass":"pw"}\r\nPING\r\n');
      await conn.waitFor(new RegExp(AUTH_VIOLATION.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      assert.equal(await conn.waitClosed(), true);
      // The same account again is fine.
      const again = await connected(s.port, 'a');
      assert.match(await again.roundTrip('CONNECT {"verbose":false,"pedantic":false,"user":"a","pass":"pw"}\r\n'), /^$/);
      again.close();
    });
  });
}

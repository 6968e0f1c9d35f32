// Per-account slow consumers: one count per connection cut, in /accstatz and the system account's STATZ, as nats-server shows them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '@nats-io/transport-node';
import { KINDS, RawClient, flood, freePort, pubFrame, startWithConfig } from '../server/util.js';

interface AccountStat { acc: string; slow_consumers: number }

for (const kind of KINDS) {
  test(`${kind}: a subscriber cut as a slow consumer counts once for its account`, async () => {
    const httpPort = await freePort();
    // write_deadline is short so nats-server, which stalls the publisher first, cuts the reader in 2 s.
    const server = await startWithConfig(kind, [
      `http: 127.0.0.1:${httpPort}`, 'max_pending: 256KB', 'max_payload: 64KB', 'write_deadline: "2s"',
      'accounts { A { users: [{user: a, password: a}] }, B { users: [{user: b, password: b}] }, SYS { users: [{user: sys, password: sys}] } }',
      'system_account: SYS',
    ].join('\n'), kind === 'natrium' ? ['--no_js'] : []);
    const clients: RawClient[] = [];
    try {
      const login = { verbose: false, user: 'a', pass: 'a' };
      const slow = await RawClient.open(server.port, login);
      const idle = await RawClient.open(server.port, { verbose: false, user: 'b', pass: 'b' });
      clients.push(slow, idle);
      slow.send('SUB load 1\r\nPING\r\n');
      await slow.waitFor(/PONG\r\n.*PONG\r\n/s);
      slow.socket.pause();
      const pub = await RawClient.open(server.port, login);
      pub.keepText = false;
      clients.push(pub);
      await flood(pub.socket, 5000, (i) => pubFrame('load', i, 1024));
      // Once the publisher's PING is answered every message has been handled, and the reader cut.
      pub.send('PING\r\n');
      await pub.waitFor(/PONG\r\n.*PONG\r\n/s, 15_000);
      // A paused socket never reports its close: read what is left to see it.
      slow.socket.resume();
      await slow.waitClosed(15_000);

      const statz = await (await fetch(`http://127.0.0.1:${httpPort}/accstatz?unused=1`)).json() as { account_statz: AccountStat[] };
      const byName = new Map(statz.account_statz.map((s) => [s.acc, s.slow_consumers]));
      assert.equal(byName.get('A'), 1, 'account A counts its slow consumer');
      assert.equal(byName.get('B'), 0, 'account B has none');
      const varz = await (await fetch(`http://127.0.0.1:${httpPort}/varz`)).json() as { slow_consumers: number };
      assert.equal(varz.slow_consumers, 1);

      const sys = await connect({ servers: server.url, user: 'sys', pass: 'sys' });
      try {
        const reply = (await sys.request('$SYS.REQ.ACCOUNT.A.STATZ', '', { timeout: 2000 })).json<{ data: { account_statz: AccountStat[] } }>();
        assert.deepEqual(reply.data.account_statz.map((s) => [s.acc, s.slow_consumers]), [['A', 1]]);
      } finally {
        await sys.close();
      }
    } finally {
      for (const c of clients) c.destroy();
      await server.stop();
    }
  });
}

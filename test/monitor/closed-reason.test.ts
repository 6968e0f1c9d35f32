// The close reason /connz keeps for a client that sends an unknown operation: "Protocol Violation", as nats-server's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient } from '../server/util.js';
import { freePort, startServer, type ServerKind } from '../helpers/server-process.js';

for (const kind of ['natrium', 'nats'] as ServerKind[]) {
  test(`${kind}: an unknown operation closes the connection as a Protocol Violation`, async () => {
    const httpPort = await freePort();
    const server = await startServer(kind, kind === 'natrium' ? ['-m', String(httpPort), '--no_js'] : ['-m', String(httpPort)]);
    try {
      const client = await RawClient.open(server.port);
      client.send('FOO BAR\r\n');
      await client.waitClosed();
      assert.match(client.text, /-ERR 'Unknown Protocol Operation'\r\n/);
      const report = await (await fetch(`http://127.0.0.1:${httpPort}/connz?state=closed`)).json() as { connections: { reason: string }[] };
      // The newest closed connection is this client (the start-up probe closed before it, as 'Client Closed').
      assert.equal(report.connections.at(-1)?.reason, 'Protocol Violation');
    } finally {
      await server.stop();
    }
  });
}

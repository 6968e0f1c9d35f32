// Bad input over websocket: garbage, a PUB over max_payload, an oversized frame, a silent handshake. Only that client is closed; the server keeps serving.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { NatsConnection } from '@nats-io/nats-core';
import { SERVERS, collect, skipFor } from '../security/support.js';
import { RawWs, rawWs, startWs, wsConnect, type WsServer } from './support.js';

const CONNECT = 'CONNECT {"verbose":false,"protocol":1}\r\n';

for (const kind of SERVERS) {
  describe(`websocket bad input (${kind})`, { skip: skipFor(kind) }, () => {
    let server: WsServer;
    let bystander: NatsConnection;

    before(async () => {
      server = await startWs(kind, 'no_tls: true\n  handshake_timeout: "500ms"');
      bystander = await wsConnect(server.wsUrl);
    });
    after(async () => {
      await bystander?.close();
      await server?.stop();
    });

    /** The other client still gets its messages through. */
    async function bystanderStillServed(): Promise<void> {
      const sub = bystander.subscribe('alive');
      await bystander.flush();
      bystander.publish('alive', 'yes');
      const [msg] = await collect(sub, 1);
      assert.equal(msg?.string(), 'yes');
    }

    it('an unknown operation: -ERR, then a close frame 1002 "Protocol Violation"; the log names the client wid:', async () => {
      const raw = await rawWs(server.wsUrl);
      raw.send(CONNECT);
      raw.send('FOO BAR\r\n');
      await raw.untilClosed();
      assert.match(raw.text, /-ERR 'Unknown Protocol Operation'\r\n/);
      assert.equal(raw.closeCode, 1002);
      assert.equal(raw.closeReason, 'Protocol Violation');
      // The server logged the parser error before it closed; websocket clients are `wid:` in log lines.
      assert.match(server.server.output(), /\[ERR\] [\d.]+:\d+ - wid:\d+ - Client parser ERROR/);
      assert.doesNotMatch(server.server.output(), / - cid:\d+ - Client parser ERROR/);
      await bystanderStillServed();
    });

    it('a PUB over max_payload: -ERR Maximum Payload Violation, close 1009 with the reason', async () => {
      const raw = await rawWs(server.wsUrl);
      raw.send(CONNECT);
      raw.send('PUB foo 2000000\r\n');
      await raw.untilClosed();
      assert.match(raw.text, /-ERR 'Maximum Payload Violation'\r\n/);
      assert.equal(raw.closeCode, 1009);
      assert.equal(raw.closeReason, 'Maximum Message Payload Exceeded');
      await bystanderStillServed();
    });

    it('protocol in text frames is accepted like binary frames', async () => {
      const raw = await rawWs(server.wsUrl);
      raw.send(`${CONNECT}PING\r\n`);
      await raw.untilText(/PONG\r\n/);
      raw.close();
    });

    it('a control line split across frames is put back together', async () => {
      const raw = await rawWs(server.wsUrl);
      raw.ws.send(Buffer.from(`${CONNECT}SUB s 1\r\nPU`));
      raw.ws.send(Buffer.from('B s 5\r\nhel'));
      raw.ws.send(Buffer.from('lo\r\nPING\r\n'));
      await raw.untilText(/MSG s 1 5\r\nhello\r\n[\s\S]*PONG/);
      raw.close();
    });

    it('a frame far above max_payload closes that client only', async () => {
      const raw = await rawWs(server.wsUrl);
      raw.send(CONNECT);
      raw.send(Buffer.alloc(4 * 1024 * 1024, 0x41));
      await raw.untilClosed();
      if (kind === 'natrium') {
        // Natrium refuses the frame itself, from its header, with 1009.
        assert.equal(raw.closeCode, 1009);
      } else {
        // nats-server reads the frame and fails on the garbage (1002), or cuts the socket before the close frame lands (1006).
        assert.ok(raw.closeCode === 1002 || raw.closeCode === 1006, `close ${raw.closeCode}`);
      }
      await bystanderStillServed();
    });

    it('not a websocket at all: plain NATS bytes on the websocket port get no INFO and are cut', async () => {
      const socket = net.connect(server.wsPort, '127.0.0.1');
      let seen = '';
      socket.on('data', (d) => { seen += d.toString(); });
      socket.write(`${CONNECT}PING\r\n`);
      await new Promise<void>((resolve) => socket.on('close', () => resolve()));
      assert.doesNotMatch(seen, /INFO|PONG/);
      assert.match(seen, /^HTTP\/1\.1 400/);
      await bystanderStillServed();
    });

    it('a connection that never sends its upgrade request is closed after handshake_timeout', async () => {
      const socket = net.connect(server.wsPort, '127.0.0.1');
      let seen = '';
      let endedByServer = false;
      let resetByServer = false;
      socket.on('data', (d) => { seen += d.toString(); });
      socket.on('end', () => { endedByServer = true; });
      socket.on('error', (err: NodeJS.ErrnoException) => { resetByServer = err.code === 'ECONNRESET'; });
      await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
      const localPort = socket.localPort;
      // We never write nor close: the close can only come from the server.
      await new Promise<void>((resolve) => socket.on('close', () => resolve()));
      assert.ok(endedByServer || resetByServer, 'the server closed the connection');
      assert.equal(seen, '', 'nothing at all (no INFO, no HTTP answer) before the close');
      if (kind === 'natrium') {
        assert.match(server.server.output(), new RegExp(`\\[ERR\\] 127\\.0\\.0\\.1:${localPort} - websocket handshake error: timeout`));
      }
      await bystanderStillServed();
    });

    it('a client closing its websocket is a normal close for the server', async () => {
      const raw = new RawWs(server.wsUrl);
      await raw.untilText(/^INFO /);
      raw.send(`${CONNECT}PING\r\n`);
      await raw.untilText(/PONG/);
      raw.ws.close(1000, 'bye');
      await raw.untilClosed();
      assert.equal(raw.closeCode, 1000);
      await bystanderStillServed();
    });
  });
}

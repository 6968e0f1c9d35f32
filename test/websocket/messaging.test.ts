// NATS over websocket with the official client: pub/sub, request/reply, headers, queue groups, traffic with TCP clients, compression; INFO as nats-server sends it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '@nats-io/transport-node';
import { headers, type NatsConnection } from '@nats-io/nats-core';
import { SERVERS, collect, skipFor } from '../security/support.js';
import { rawWs, startWs, wsConnect, type WsServer } from './support.js';

for (const kind of SERVERS) {
  describe(`websocket messaging (${kind})`, { skip: skipFor(kind) }, () => {
    let server: WsServer;
    let ws: NatsConnection;

    before(async () => {
      server = await startWs(kind, 'no_tls: true');
      ws = await wsConnect(server.wsUrl);
    });
    after(async () => {
      await ws?.close();
      await server?.stop();
    });

    it('publish and subscribe between two websocket clients', async () => {
      const other = await wsConnect(server.wsUrl);
      const sub = other.subscribe('ws.greet');
      await other.flush();
      ws.publish('ws.greet', 'hello');
      ws.publish('ws.greet', new Uint8Array(100_000).fill(7));
      const got = await collect(sub, 2);
      assert.equal(got[0]!.string(), 'hello');
      assert.equal(got[1]!.data.length, 100_000);
      assert.ok(got[1]!.data.every((b) => b === 7));
      await other.close();
    });

    it('request/reply with headers across websocket and TCP clients', async () => {
      const tcp = await connect({ servers: server.url });
      tcp.subscribe('svc.echo', {
        callback: (_err, msg) => {
          const h = headers();
          h.set('X-Seen', msg.headers?.get('X-Ask') ?? 'none');
          msg.respond(`echo:${msg.string()}`, { headers: h });
        },
      });
      await tcp.flush();
      const h = headers();
      h.set('X-Ask', 'websocket');
      const reply = await ws.request('svc.echo', 'ping', { timeout: 5000, headers: h });
      assert.equal(reply.string(), 'echo:ping');
      assert.equal(reply.headers?.get('X-Seen'), 'websocket');

      // And the other way: a TCP requester, a websocket responder.
      ws.subscribe('svc.ws', { callback: (_err, msg) => { msg.respond(`from-ws:${msg.string()}`); } });
      await ws.flush();
      const back = await tcp.request('svc.ws', 'x', { timeout: 5000 });
      assert.equal(back.string(), 'from-ws:x');
      await tcp.close();
    });

    it('queue groups spread messages over websocket members', async () => {
      const a = await wsConnect(server.wsUrl);
      const b = await wsConnect(server.wsUrl);
      let countA = 0;
      let countB = 0;
      a.subscribe('work', { queue: 'q', callback: () => { countA++; } });
      b.subscribe('work', { queue: 'q', callback: () => { countB++; } });
      await Promise.all([a.flush(), b.flush()]);
      for (let i = 0; i < 200; i++) ws.publish('work', String(i));
      await ws.flush();
      await Promise.all([a.flush(), b.flush()]);
      assert.equal(countA + countB, 200);
      await Promise.all([a.close(), b.close()]);
    });

    it('no responders over websocket', async () => {
      await assert.rejects(ws.request('nobody.home', '', { timeout: 5000 }), /no responders/i);
    });

    it('INFO to a websocket client is the client INFO: no ws_connect_urls in single-server mode, same client port', async () => {
      const raw = await rawWs(server.wsUrl);
      const info = raw.info();
      raw.close();
      assert.equal(info.port, server.port);
      assert.equal(info.headers, true);
      assert.equal('ws_connect_urls' in info, false);
      assert.equal('connect_urls' in info, false);
      assert.equal('tls_required' in info, false);
      assert.equal('auth_required' in info, false);
      assert.equal(typeof info.client_id, 'number');
    });
  });

  describe(`websocket with compression (${kind})`, { skip: skipFor(kind) }, () => {
    let server: WsServer;
    before(async () => { server = await startWs(kind, 'no_tls: true\n  compression: true'); });
    after(async () => { await server?.stop(); });

    it('negotiates permessage-deflate and carries messages', async () => {
      const raw = await rawWs(server.wsUrl, { perMessageDeflate: true });
      assert.match(raw.ws.extensions, /permessage-deflate/);
      raw.send('CONNECT {"verbose":false,"protocol":1}\r\nSUB z 1\r\nPUB z 3000\r\n' + 'a'.repeat(3000) + '\r\nPING\r\n');
      await raw.untilText(/MSG z 1 3000\r\na{3000}\r\n[\s\S]*PONG\r\n/);
      raw.close();
      const nc = await wsConnect(server.wsUrl);
      const sub = nc.subscribe('c');
      nc.publish('c', 'x'.repeat(50_000));
      const [msg] = await collect(sub, 1);
      assert.equal(msg!.string(), 'x'.repeat(50_000));
      await nc.close();
    });

    it('without compression configured, the extension is not offered back', async () => {
      const plain = await startWs(kind, 'no_tls: true');
      const raw = await rawWs(plain.wsUrl, { perMessageDeflate: true });
      assert.equal(raw.ws.extensions, '');
      raw.close();
      await plain.stop();
    });
  });
}

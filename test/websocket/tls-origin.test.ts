// wss:// with certificates from `natrium certs`, and the origin checks (same_origin, allowed_origins): 403 refusals as nats-server sends them.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { SERVERS, collect, skipFor } from '../security/support.js';
import { makeCertSet, type CertSet } from '../tls/tls-fixtures.js';
import { RawWs, rawWs, startWs, wsConnect, type WsServer } from './support.js';

for (const kind of SERVERS) {
  describe(`websocket over TLS (${kind})`, { skip: skipFor(kind) }, () => {
    let certs: CertSet;
    let server: WsServer;
    let ca: Buffer;

    before(async () => {
      certs = await makeCertSet();
      ca = readFileSync(certs.main.caFile);
      server = await startWs(kind, `tls {\n    cert_file: ${JSON.stringify(certs.main.server.certFile)}\n    key_file: ${JSON.stringify(certs.main.server.keyFile)}\n  }`);
    });
    after(async () => {
      await server?.stop();
      certs?.cleanup();
    });

    it('a wss client that trusts the CA connects; INFO carries no tls_required (TLS wraps the websocket)', async () => {
      const raw = await rawWs(server.wsUrl, { ca });
      const info = raw.info();
      raw.close();
      assert.equal('tls_required' in info, false);
      assert.equal(info.port, server.port);
    });

    it('the official client publishes and subscribes over wss', async () => {
      // The client creates `new WebSocket(url)`: this one adds the CA, as a browser would with a trusted root.
      const previous = globalThis.WebSocket;
      (globalThis as { WebSocket?: unknown }).WebSocket = class extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { ca });
        }
      };
      try {
        const nc = await wsConnect(server.wsUrl);
        const sub = nc.subscribe('secure');
        nc.publish('secure', 'over wss');
        const [msg] = await collect(sub, 1);
        assert.equal(msg?.string(), 'over wss');
        await nc.close();
      } finally {
        (globalThis as { WebSocket?: unknown }).WebSocket = previous;
      }
    });

    it('a client that does not trust the certificate fails the TLS handshake', async () => {
      const raw = new RawWs(server.wsUrl);
      await raw.until(() => raw.error !== null);
      assert.match(raw.error!.message, /self[- ]signed|unable to verify|certificate/i);
    });

    it('plain ws:// to the wss port gets no INFO', async () => {
      const raw = new RawWs(server.wsUrl.replace('wss:', 'ws:'));
      await raw.until(() => raw.closeCode !== null || raw.error !== null);
      assert.equal(raw.text, '');
    });
  });

  describe(`websocket origin checks (${kind})`, { skip: skipFor(kind) }, () => {
    let same: WsServer;
    let listed: WsServer;

    before(async () => {
      same = await startWs(kind, 'no_tls: true\n  same_origin: true');
      listed = await startWs(kind, 'no_tls: true\n  allowed_origins: ["http://app.example.com", "https://secure.example.com:8443"]');
    });
    after(async () => {
      await same?.stop();
      await listed?.stop();
    });

    async function refusal(url: string, origin: string): Promise<RawWs> {
      const raw = new RawWs(url, { origin });
      await raw.until(() => raw.closeCode !== null || raw.text !== '');
      return raw;
    }

    it('same_origin: an Origin naming another host is refused with 403 Forbidden', async () => {
      const raw = await refusal(same.wsUrl, 'http://evil.example.com');
      assert.equal(raw.refusedStatus, 403);
      assert.equal(raw.refusedBody, 'Forbidden\n');
      assert.equal(raw.text, '');
    });

    it('same_origin: another port on the same host is refused too', async () => {
      const raw = await refusal(same.wsUrl, `http://127.0.0.1:${same.wsPort + 1}`);
      assert.equal(raw.refusedStatus, 403);
    });

    it('same_origin: the request host as Origin, or no Origin at all, is accepted', async () => {
      const raw = await rawWs(same.wsUrl, { origin: `http://127.0.0.1:${same.wsPort}` });
      assert.match(raw.text, /^INFO /);
      raw.close();
      const bare = await rawWs(same.wsUrl);
      assert.match(bare.text, /^INFO /);
      bare.close();
    });

    it('allowed_origins: listed origins (default port by scheme) are accepted', async () => {
      for (const origin of ['http://app.example.com', 'http://app.example.com:80', 'https://secure.example.com:8443']) {
        const raw = await rawWs(listed.wsUrl, { origin });
        assert.match(raw.text, /^INFO /, origin);
        raw.close();
      }
    });

    it('allowed_origins: another scheme, port or host is refused with 403', async () => {
      for (const origin of ['https://app.example.com', 'http://app.example.com:8080', 'http://other.example.com', 'https://secure.example.com', 'null']) {
        const raw = await refusal(listed.wsUrl, origin);
        assert.equal(raw.refusedStatus, 403, origin);
      }
    });
  });
}

// Natrium-only: the log line a refusal leaves, as nats-server words it.
describe('websocket origin refusal log (natrium)', () => {
  it('logs "websocket handshake error: origin not allowed"', async () => {
    const server = await startWs('natrium', 'no_tls: true\n  same_origin: true');
    try {
      const raw = new RawWs(server.wsUrl, { origin: 'http://elsewhere.test' });
      await raw.until(() => raw.refusedStatus !== null && raw.closeCode !== null);
      assert.match(server.server.output(), /websocket handshake error: origin not allowed: not same origin/);
    } finally {
      await server.stop();
    }
  });
});

// Websocket auth: the websocket authorization block (token, user/password, timeout) for websocket clients only, no_auth_user, jwt_cookie in operator mode.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '@nats-io/transport-node';
import { createAccount, createOperator, createUser } from '@nats-io/nkeys';
import { SERVERS, accountJwt, operatorJwt, skipFor, userJwt } from '../security/support.js';
import { RawWs, rawWs, startWs, wsConnect, type WsServer } from './support.js';

const AUTH_ERR = /-ERR 'Authorization Violation'/;

for (const kind of SERVERS) {
  describe(`websocket authorization block (${kind})`, { skip: skipFor(kind) }, () => {
    let token: WsServer;
    let userPass: WsServer;

    before(async () => {
      token = await startWs(kind, 'no_tls: true\n  authorization { token: "ws-secret", timeout: 1 }');
      userPass = await startWs(kind, 'no_tls: true\n  authorization { user: wsuser, password: "wspass" }', 'authorization { token: "tcp-secret" }');
    });
    after(async () => {
      await token?.stop();
      await userPass?.stop();
    });

    it('token: INFO says auth_required to websocket clients only; the right token connects', async () => {
      const raw = await rawWs(token.wsUrl);
      assert.equal(raw.info().auth_required, true);
      raw.close();
      // TCP clients are not concerned by the websocket block.
      const tcp = await connect({ servers: token.url });
      assert.equal(tcp.info?.auth_required, undefined);
      await tcp.close();
      const nc = await wsConnect(token.wsUrl, { token: 'ws-secret' });
      await nc.flush();
      await nc.close();
    });

    it('token: a wrong or missing token is an Authorization Violation, close 1008', async () => {
      for (const connectJson of ['{"auth_token":"nope"}', '{}']) {
        const raw = await rawWs(token.wsUrl);
        raw.send(`CONNECT ${connectJson}\r\nPING\r\n`);
        await raw.untilClosed();
        assert.match(raw.text, AUTH_ERR);
        assert.equal(raw.closeCode, 1008);
        assert.equal(raw.closeReason, 'Authentication Failure');
      }
    });

    it('authorization timeout applies to websocket clients that never send CONNECT', async () => {
      const raw = await rawWs(token.wsUrl);
      await raw.untilClosed();
      assert.match(raw.text, /-ERR 'Authentication Timeout'/);
      assert.equal(raw.closeCode, 1008);
    });

    it('user/password: websocket clients use the websocket credentials, TCP clients the top-level token', async () => {
      const nc = await wsConnect(userPass.wsUrl, { user: 'wsuser', pass: 'wspass' });
      await nc.flush();
      await nc.close();
      await assert.rejects(wsConnect(userPass.wsUrl, { token: 'tcp-secret' }), /Authorization Violation/i);
      await assert.rejects(wsConnect(userPass.wsUrl, { user: 'wsuser', pass: 'bad' }), /Authorization Violation/i);
      const tcp = await connect({ servers: userPass.url, token: 'tcp-secret' });
      await tcp.flush();
      await tcp.close();
      await assert.rejects(connect({ servers: userPass.url, user: 'wsuser', pass: 'wspass', reconnect: false }), /Authorization Violation/i);
    });
  });

  describe(`websocket no_auth_user (${kind})`, { skip: skipFor(kind) }, () => {
    let server: WsServer;
    before(async () => {
      server = await startWs(kind, 'no_tls: true\n  no_auth_user: guest', [
        'authorization { users: [',
        '  { user: admin, password: "adminpw" }',
        '  { user: guest, password: "guestpw", permissions: { publish: "public.>", subscribe: "public.>" } }',
        '] }',
      ].join('\n'));
    });
    after(async () => { await server?.stop(); });

    it('a websocket client without credentials is the no_auth_user, with its permissions', async () => {
      const raw = await rawWs(server.wsUrl);
      raw.send('CONNECT {"verbose":false}\r\nSUB public.x 1\r\nPUB public.x 2\r\nhi\r\nPUB private.x 2\r\nno\r\nPING\r\n');
      await raw.untilText(/PONG/);
      assert.match(raw.text, /MSG public\.x 1 2\r\nhi/);
      assert.match(raw.text, /-ERR 'Permissions Violation for Publish to "private\.x"'/);
      raw.close();
    });

    it('a TCP client without credentials is refused (no_auth_user is websocket-only here)', async () => {
      await assert.rejects(connect({ servers: server.url, reconnect: false }), /Authorization Violation/i);
    });

    it('a websocket client with credentials is that user', async () => {
      const nc = await wsConnect(server.wsUrl, { user: 'admin', pass: 'adminpw' });
      nc.publish('private.x', 'allowed');
      await nc.flush();
      await nc.close();
    });
  });

  describe(`websocket jwt_cookie (${kind})`, { skip: skipFor(kind) }, () => {
    const operator = createOperator();
    const account = createAccount();
    const bearer = createUser();
    const signed = createUser();
    let server: WsServer;

    before(async () => {
      const top = `operator: ${operatorJwt(operator)}\nresolver: MEMORY\nresolver_preload: {\n  ${account.getPublicKey()}: ${accountJwt(account, operator, 'A')}\n}\n`;
      server = await startWs(kind, 'no_tls: true\n  jwt_cookie: "natsjwt"', top);
    });
    after(async () => { await server?.stop(); });

    it('a bearer user JWT in the named cookie authenticates a CONNECT without a JWT', async () => {
      const jwt = userJwt(bearer, account, { bearer_token: true });
      const raw = await rawWs(server.wsUrl, { headers: { Cookie: `other=1; natsjwt=${jwt}` } });
      raw.send('CONNECT {"verbose":false,"protocol":1}\r\nPING\r\n');
      await raw.untilText(/PONG|-ERR/);
      assert.doesNotMatch(raw.text, /-ERR/);
      raw.close();
    });

    it('without the cookie (or with another cookie name) the CONNECT is refused', async () => {
      const jwt = userJwt(bearer, account, { bearer_token: true });
      const variants: Record<string, string>[] = [{}, { Cookie: `jwt=${jwt}` }];
      for (const headers of variants) {
        const raw = await rawWs(server.wsUrl, { headers });
        raw.send('CONNECT {"verbose":false}\r\nPING\r\n');
        await raw.untilClosed();
        assert.match(raw.text, AUTH_ERR);
      }
    });

    it('a non-bearer JWT from the cookie still needs the nonce signed', async () => {
      const jwt = userJwt(signed, account);
      const raw = new RawWs(server.wsUrl, { headers: { Cookie: `natsjwt=${jwt}` } });
      await raw.untilText(/^INFO /);
      const nonce = String(raw.info().nonce);
      const sig = Buffer.from(signed.sign(new TextEncoder().encode(nonce))).toString('base64url');
      raw.send(`CONNECT ${JSON.stringify({ verbose: false, sig })}\r\nPING\r\n`);
      await raw.untilText(/PONG|-ERR/);
      assert.doesNotMatch(raw.text, /-ERR/);
      raw.close();
    });
  });
}

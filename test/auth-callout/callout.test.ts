// Auth callout end to end (natrium only: nats-server 2.9.10 has no auth callout): a service on the official client decides.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, AuthorizationError, PermissionViolationError, type NatsConnection } from '@nats-io/transport-node';
import { createAccount, createCurve, createServer, fromCurveSeed } from '@nats-io/nkeys';
import { isPublicKey } from '../../src/auth/credentials.js';
import type { RunningServer } from '../helpers/server-process.js';
import { AUTH_SUBJECT, connectError, nowSeconds, response, startNatrium, startService, strangerNkey, userJwt, waitFor, type CalloutService, type Decide } from './support.js';

const issuer = createAccount();
const impostor = createAccount();

const CONFIG = `
authorization {
  timeout: 1
  auth_callout {
    issuer: ${issuer.getPublicKey()}
    account: AUTH
    auth_users: [ auth ]
  }
}
accounts {
  AUTH { users: [ { user: auth, password: pwd } ] }
  APP {}
}
`;

/** alice gets APP with app.> only; everyone else is refused with an error. */
const standardDecision: Decide = (request) => {
  if (request.connect.user === 'alice' && request.connect.pass === 'alice-pw') {
    const jwt = userJwt(issuer, request, 'APP', { pub: { allow: ['app.>'] }, sub: { allow: ['app.>', '_INBOX.>'] } }, { name: 'Alice' });
    return response(issuer, request, { jwt });
  }
  return response(issuer, request, { error: `no such user ${String(request.connect.user)}` });
};

/** Resolves with the first permission violation the server reports to this connection. */
function nextPermissionViolation(nc: NatsConnection): Promise<PermissionViolationError> {
  return (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'error' && status.error instanceof PermissionViolationError) return status.error;
    }
    throw new Error('connection closed without a permission violation');
  })();
}

function assertViolation(err: Error, what: string): void {
  assert.ok(err instanceof AuthorizationError, `${what}: AuthorizationError expected, got ${err?.constructor?.name}: ${err?.message}`);
  assert.match(err.message, /authorization violation/i, what);
}

describe('auth callout (natrium, config mode)', () => {
  let server: RunningServer;
  let service: CalloutService;
  before(async () => {
    server = await startNatrium(CONFIG);
    service = await startService(server.url, 'auth', 'pwd', standardDecision);
  });
  after(async () => {
    await service?.close();
    await server?.stop();
  });

  it('auth callout - auth users bypass the callout; a wrong auth password is refused without asking', async () => {
    assert.equal(service.requests.length, 0, 'the service connected without a request');
    const err = await connectError(server.url, { user: 'auth', pass: 'wrong' });
    assertViolation(err, 'auth user with a wrong password');
    assert.equal(service.requests.length, 0, 'no request for an auth user');
    // Clients of the callout account may not publish requests to the service themselves.
    const violation = nextPermissionViolation(service.nc);
    service.nc.publish(AUTH_SUBJECT, 'forged');
    const error = await violation;
    assert.equal(error.operation, 'publish');
    assert.equal(error.subject, AUTH_SUBJECT);
  });

  it('auth callout - an allowed user joins the account its JWT names, with the JWT permissions', async () => {
    const before = service.requests.length;
    const alice = await connect({ servers: server.url, user: 'alice', pass: 'alice-pw', name: 'alice-app', reconnect: false });
    const alice2 = await connect({ servers: server.url, user: 'alice', pass: 'alice-pw', reconnect: false });
    try {
      const request = service.requests[before]!;
      assert.equal(request.claims.type, 'authorization_request');
      assert.equal(request.claims.iss, alice.info!.server_id, 'signed by the server');
      assert.equal(request.serverId, alice.info!.server_id);
      assert.equal(request.claims.sub, issuer.getPublicKey());
      assert.equal(request.claims.aud, 'nats-authorization-request');
      assert.ok(request.claims.exp > nowSeconds() - 1, 'the request expires');
      assert.ok(isPublicKey(request.userNkey, 'user'));
      assert.equal(request.connect.user, 'alice');
      assert.equal(request.connect.pass, 'alice-pw');
      assert.equal(request.connect.name, 'alice-app');
      assert.equal(request.connect.lang, 'nats.js');
      assert.equal(request.clientInfo.host, '127.0.0.1');
      assert.equal(request.clientInfo.kind, 'Client');
      assert.equal(request.clientInfo.type, 'nats');
      assert.ok(request.server.name && request.server.version);
      assert.notEqual(service.requests[before + 1]!.userNkey, request.userNkey, 'a fresh user nkey per request');

      // Same account: alice2 reaches alice; the service (account AUTH) sees nothing.
      const got: string[] = [];
      alice.subscribe('app.greet', { callback: (_err, m) => { got.push(m.string()); } });
      let leaked = 0;
      service.nc.subscribe('app.greet', { callback: () => { leaked++; } });
      await alice.flush();
      await service.nc.flush();
      alice2.publish('app.greet', 'hi');
      await waitFor(() => got.length === 1, 'delivery inside APP');
      assert.deepEqual(got, ['hi']);
      await service.nc.flush();
      assert.equal(leaked, 0, 'APP traffic never reaches AUTH');

      // The JWT allows app.> only.
      const violation = nextPermissionViolation(alice2);
      alice2.publish('other.subject', 'x');
      const error = await violation;
      assert.equal(error.operation, 'publish');
      assert.equal(error.subject, 'other.subject');
    } finally {
      await alice.close();
      await alice2.close();
    }
  });

  it('auth callout - a user the service refuses gets Authorization Violation (error or empty answer)', async () => {
    assertViolation(await connectError(server.url, { user: 'bob', pass: 'x' }), 'service error');
    assert.match(server.output(), /Auth callout service returned an error: no such user bob/);
    service.decide = () => new Uint8Array(0);
    try {
      assertViolation(await connectError(server.url, { user: 'carol', pass: 'x' }), 'empty answer');
    } finally {
      service.decide = standardDecision;
    }
  });

  it('auth callout - a service that never answers means Authorization Violation after the auth timeout', async () => {
    service.decide = () => null;
    try {
      const timeouts = () => server.output().match(/Authorization callout response not received in time on account "AUTH"/g)?.length ?? 0;
      const timeoutsBefore = timeouts();
      const requestsBefore = service.requests.length;
      const err = await connectError(server.url, { user: 'dave', pass: 'x' });
      assertViolation(err, 'no answer');
      assert.equal(service.requests.length, requestsBefore + 1, 'the service was asked');
      assert.equal(service.requests[requestsBefore]!.connect.user, 'dave');
      // The refusal comes from the callout timing out, which the server logs.
      await waitFor(() => timeouts() === timeoutsBefore + 1, 'the callout timeout log line');
    } finally {
      service.decide = standardDecision;
    }
  });

  it('auth callout - answers signed by another key, about another user or server, or expired are refused and logged', async () => {
    const cases: [string, Decide, RegExp][] = [
      ['response signed by another account', (r) => response(impostor, r, { jwt: userJwt(issuer, r, 'APP') }), /not signed by the issuer/],
      ['user JWT signed by another account', (r) => response(issuer, r, { jwt: userJwt(impostor, r, 'APP') }), /Wrong issuer for auth callout response/],
      ['response about another user', (r) => response(issuer, r, { jwt: userJwt(issuer, r, 'APP') }, { sub: strangerNkey() }), /response is not for expected user/],
      ['user JWT for another user', (r) => response(issuer, r, { jwt: userJwt(issuer, r, 'APP', {}, { sub: strangerNkey() }) }), /Expected authorized user of/],
      ['response for another server', (r) => response(issuer, r, { jwt: userJwt(issuer, r, 'APP') }, { aud: createServer().getPublicKey() }), /response is not for server/],
      ['expired response', (r) => response(issuer, r, { jwt: userJwt(issuer, r, 'APP') }, { exp: nowSeconds() - 5 }), /validation errors: claim is expired/],
      ['expired user JWT', (r) => response(issuer, r, { jwt: userJwt(issuer, r, 'APP', {}, { exp: nowSeconds() - 5 }) }), /Error validating user JWT: claim is expired/],
      ['unknown account', (r) => response(issuer, r, { jwt: userJwt(issuer, r, 'NOPE') }), /No valid account "NOPE"/],
      ['not a JWT', () => 'garbage', /not valid/],
    ];
    try {
      for (const [what, decide, logged] of cases) {
        service.decide = decide;
        assertViolation(await connectError(server.url, { user: 'eve', pass: 'x' }), what);
        assert.match(server.output(), logged, what);
      }
    } finally {
      service.decide = standardDecision;
    }
  });
});

describe('auth callout (natrium) - encryption and a missing service', () => {
  it('auth callout - with xkey the request is encrypted; plain and encrypted answers are both accepted', async () => {
    const serviceCurve = createCurve();
    const seed = serviceCurve.getSeed();
    const server = await startNatrium(`
authorization {
  users: [ { user: auth, password: pwd } ]
  auth_callout { issuer: ${issuer.getPublicKey()}, auth_users: [ auth ], xkey: ${serviceCurve.getPublicKey()} }
}`);
    const curve = fromCurveSeed(seed);
    let encryptedRequests = 0;
    const service = await startService(server.url, 'auth', 'pwd', (request) => {
      encryptedRequests += request.serverXkey !== '' && request.server.xkey === request.serverXkey ? 1 : 0;
      const answer = response(issuer, request, { jwt: userJwt(issuer, request, '$G') });
      return request.connect.user === 'sealed' ? curve.seal(Buffer.from(answer), request.serverXkey) : answer;
    }, (data, sender) => curve.open(data, sender));
    try {
      for (const user of ['plain', 'sealed']) {
        const nc = await connect({ servers: server.url, user, pass: 'x', reconnect: false });
        await nc.close();
      }
      assert.equal(encryptedRequests, 2);
    } finally {
      await service.close();
      await server.stop();
    }
  });

  it('auth callout - with no service listening a client is refused at once', async () => {
    const server = await startNatrium(`
authorization {
  users: [ { user: auth, password: pwd } ]
  timeout: 30
  auth_callout { issuer: ${issuer.getPublicKey()}, auth_users: [ auth ] }
}`);
    try {
      // With a 30 s auth timeout, a refusal before connectError's own 5 s connect timeout can only come from
      // the server noticing nobody listens, not from waiting the callout out.
      const err = await connectError(server.url, { user: 'frank', pass: 'x' });
      assertViolation(err, 'no service');
      assert.match(server.output(), /No auth callout service on "\$SYS\.REQ\.USER\.AUTH" in account "\$G"/);
      assert.doesNotMatch(server.output(), /not received in time/);
    } finally {
      await server.stop();
    }
  });
});

// Interop - user/password and token authentication from a config file: right credentials work, wrong ones raise the client's authorization error.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningServer } from '../helpers/server-process.js';
import { CLIENTS, SERVERS, RawConnection, caught, describeError, startWithConfig, within, type ClientLib, type ConnectOpts } from './support.js';

/** Connects, checks a request/reply round trip works, closes. */
async function roundTrip(lib: ClientLib, opts: ConnectOpts): Promise<void> {
  const nc = await lib.connect(opts);
  try {
    const subject = `auth.echo.${process.pid}`;
    nc.subscribe(subject, { callback: (_err, m) => m.respond(`echo ${m.string()}`) });
    const answer = await within(nc.request(subject, 'hi', { timeout: 5000 }), 6000, 'authenticated round trip');
    assert.equal(answer.string(), 'echo hi');
  } finally {
    await nc.close();
  }
}

async function assertRefused(lib: ClientLib, opts: ConnectOpts, what: string): Promise<void> {
  const err = await caught(() => within(lib.connect(opts), 10_000, `connect with ${what}`), `connect with ${what}`);
  assert.ok(lib.isAuthorizationError(err), `${what}: authorization error expected, got ${describeError(err)}`);
}

/** The wire-level answer to a bad CONNECT: -ERR 'Authorization Violation', then the server closes. */
async function assertRawRefused(port: number, connect: Record<string, unknown>): Promise<void> {
  const raw = new RawConnection(port);
  try {
    await raw.waitFor((t) => t.includes('\r\n'), 'INFO');
    assert.match(raw.text, /"auth_required":true/);
    raw.send(`CONNECT ${JSON.stringify({ verbose: false, pedantic: false, protocol: 1, ...connect })}\r\nPING\r\n`);
    await raw.waitClosed(5000);
    assert.match(raw.text, /\r\n-ERR 'Authorization Violation'\r\n$/);
    assert.doesNotMatch(raw.text, /PONG/);
  } finally {
    raw.destroy();
  }
}

for (const kind of SERVERS) {
  describe(`interop user/password auth (server: ${kind})`, () => {
    let server: RunningServer;
    before(async () => { server = await startWithConfig(kind, 'authorization {\n  user: alice\n  password: "s3cr3t!pw"\n}'); });
    after(async () => { await server?.stop(); });

    for (const lib of CLIENTS) {
      it(`${lib.name} - the right user and password connect; wrong password, unknown user and no credentials are refused`, async () => {
        await roundTrip(lib, { servers: server.url, user: 'alice', pass: 's3cr3t!pw' });
        await assertRefused(lib, { servers: server.url, user: 'alice', pass: 'wrong' }, 'a wrong password');
        await assertRefused(lib, { servers: server.url, user: 'mallory', pass: 's3cr3t!pw' }, 'an unknown user');
        await assertRefused(lib, { servers: server.url }, 'no credentials');
        await assertRefused(lib, { servers: server.url, token: 's3cr3t!pw' }, 'a token instead of a user');
      });
    }

    it('raw - a wrong password gets -ERR \'Authorization Violation\' and a close, with no PONG', async () => {
      await assertRawRefused(server.port, { user: 'alice', pass: 'nope' });
    });
  });

  describe(`interop users list auth (server: ${kind})`, () => {
    let server: RunningServer;
    before(async () => { server = await startWithConfig(kind, 'authorization {\n  users = [\n    {user: bob, password: "b0b"}\n    {user: carol, password: "c4r0l"}\n  ]\n}'); });
    after(async () => { await server?.stop(); });

    for (const lib of CLIENTS) {
      it(`${lib.name} - each listed user connects with their own password, not with another's`, async () => {
        await roundTrip(lib, { servers: server.url, user: 'bob', pass: 'b0b' });
        await roundTrip(lib, { servers: server.url, user: 'carol', pass: 'c4r0l' });
        await assertRefused(lib, { servers: server.url, user: 'bob', pass: 'c4r0l' }, 'another user\'s password');
      });
    }
  });

  describe(`interop token auth (server: ${kind})`, () => {
    let server: RunningServer;
    before(async () => { server = await startWithConfig(kind, 'authorization {\n  token: "t0k3n-S3cret"\n}'); });
    after(async () => { await server?.stop(); });

    for (const lib of CLIENTS) {
      it(`${lib.name} - the right token connects; a wrong token, no token and a user/password are refused`, async () => {
        await roundTrip(lib, { servers: server.url, token: 't0k3n-S3cret' });
        await assertRefused(lib, { servers: server.url, token: 't0k3n-s3cret' }, 'a token differing in case');
        await assertRefused(lib, { servers: server.url }, 'no token');
        await assertRefused(lib, { servers: server.url, user: 'alice', pass: 't0k3n-S3cret' }, 'a user and password');
      });
    }

    it('raw - a wrong token gets -ERR \'Authorization Violation\' and a close, with no PONG', async () => {
      await assertRawRefused(server.port, { auth_token: 'wrong' });
    });
  });
}

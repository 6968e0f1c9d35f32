// Compares our permission and JWT decisions with nats-server 2.9.10 itself (skipped when it is not installed).

import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, NATS_SERVER_BIN, startServer, type RunningServer } from '../helpers/server-process.js';
import { CompiledPermissions, type PermissionsSpec } from '../../src/auth/permissions.js';
import { createAuthenticator } from '../../src/auth/authenticator.js';
import { accountJwt, makeChain, nowSeconds, signNonce, userJwt } from './fixtures.js';
import { RawClient } from './raw-client.js';

const skip = NATS_SERVER_BIN === undefined ? 'nats-server is not installed' : false;

/** Users of the probe config, with the same permissions as nats-server config text and as our spec. */
const USERS: { name: string; conf: string; spec: PermissionsSpec }[] = [
  {
    name: 'a',
    conf: '{ publish: { allow: ["orders.>", "status"], deny: ["orders.secret.>"] }, subscribe: { allow: ["foo.*", "bar", "jobs.> workers", "v1.> v1.*"], deny: ["foo.secret"] } }',
    spec: { publish: { allow: ['orders.>', 'status'], deny: ['orders.secret.>'] }, subscribe: { allow: ['foo.*', 'bar', 'jobs.> workers', 'v1.> v1.*'], deny: ['foo.secret'] } },
  },
  {
    name: 'b',
    conf: '{ publish: { deny: ["admin.>", "*.private"] }, subscribe: { allow: ["foo", "foo q1", "w.*"] } }',
    spec: { publish: { deny: ['admin.>', '*.private'] }, subscribe: { allow: ['foo', 'foo q1', 'w.*'] } },
  },
  {
    name: 'c',
    conf: '{ subscribe: { deny: ["foo q1", "x.y", "z.>"] } }',
    spec: { subscribe: { deny: ['foo q1', 'x.y', 'z.>'] } },
  },
  {
    name: 'd',
    conf: '{ publish: ["p.*"], subscribe: { allow: ["foo.bar", "t.*.u"], deny: ["t.x.u"] } }',
    spec: { publish: { allow: ['p.*'] }, subscribe: { allow: ['foo.bar', 't.*.u'], deny: ['t.x.u'] } },
  },
];

const PUBLISHES = ['orders.new', 'orders.secret.x', 'orders', 'status', 'other', 'admin.x', 'a.private', 'a.b.private', 'p.1', 'p.1.2', 'foo.>'];
const SUBSCRIBES: [string, string][] = [
  ['foo.a', ''], ['foo.*', ''], ['foo.>', ''], ['foo.secret', ''], ['bar', ''], ['bar', 'any'], ['jobs.a', ''], ['jobs.a', 'workers'], ['jobs.a', 'other'],
  ['v1.x', 'v1.grp'], ['v1.x', 'v2.grp'], ['foo', ''], ['foo', 'q1'], ['foo', 'q2'], ['w.*', ''], ['w.>', ''], ['w.a', ''], ['x.y', ''], ['x.*', ''], ['z.a', ''],
  ['z.*', ''], ['foo.bar', ''], ['t.a.u', ''], ['t.*.u', ''], ['t.x.u', ''], ['t.>', ''], ['>', ''],
];

function configText(port: number): string {
  const users = USERS.map((u) => `    { user: ${u.name}, password: ${u.name}, permissions: ${u.conf} }`).join('\n');
  return `listen: 127.0.0.1:${port}\nauthorization {\n  users = [\n${users}\n    { user: e, password: e, permissions: { publish: { allow: ["req"] }, allow_responses: { max: 2 } } }\n  ]\n}\n`;
}

async function withServer(config: (port: number) => string, body: (server: RunningServer) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'natrium-auth-'));
  const port = await freePort();
  const file = path.join(dir, 'server.conf');
  writeFileSync(file, config(port));
  const server = await startServer('nats', ['-c', file], { port });
  try {
    await body(server);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function login(port: number, user: string): Promise<RawClient> {
  const client = await RawClient.connect(port);
  const reply = await client.roundTrip(`CONNECT ${JSON.stringify({ verbose: false, pedantic: false, user, pass: user })}\r\n`);
  assert.doesNotMatch(reply, /-ERR/, reply);
  return client;
}

test('nats-server compare - publish and subscribe decisions match for a table of tricky cases', { skip }, async () => {
  let refusals = 0;
  let acceptances = 0;
  await withServer(configText, async (server) => {
    for (const user of USERS) {
      const ours = new CompiledPermissions(user.spec).forClient();
      const client = await login(server.port, user.name);
      let sid = 1;
      for (const subject of PUBLISHES) {
        const reply = await client.roundTrip(`PUB ${subject} 0\r\n\r\n`);
        const refused = reply.includes(`-ERR 'Permissions Violation for Publish to "${subject}"'`);
        if (refused) refusals++;
        else acceptances++;
        assert.equal(ours.canPublish(subject), !refused, `user ${user.name} PUB ${subject}: nats-server said ${JSON.stringify(reply)}`);
      }
      for (const [subject, queue] of SUBSCRIBES) {
        const reply = await client.roundTrip(`SUB ${subject}${queue ? ` ${queue}` : ''} ${sid++}\r\n`);
        const refused = /-ERR 'Permissions Violation for Subscription to /.test(reply);
        if (refused) refusals++;
        else acceptances++;
        assert.equal(ours.canSubscribe(subject, queue), !refused, `user ${user.name} SUB ${subject} ${queue}: nats-server said ${JSON.stringify(reply)}`);
        if (refused) {
          const expected = queue ? `Permissions Violation for Subscription to "${subject}" using queue "${queue}"` : `Permissions Violation for Subscription to "${subject}"`;
          assert.ok(reply.includes(expected), reply);
        }
      }
      client.close();
    }
  });
  assert.ok(refusals > 20 && acceptances > 20, `${refusals} refusals, ${acceptances} acceptances`);
});

test('nats-server compare - allow_responses: replies allowed max times, like ours', { skip }, async () => {
  await withServer(configText, async (server) => {
    const responder = await login(server.port, 'e');
    const requester = await login(server.port, 'b');
    await responder.roundTrip('SUB req 1\r\n');
    const ours = new CompiledPermissions({ publish: { allow: ['req'] }, response: { maxMsgs: 2, expiresMs: 0 } }).forClient();
    await requester.roundTrip('SUB _INBOX.r1 9\r\nPUB req _INBOX.r1 2\r\nhi\r\n');
    await responder.readUntil(/MSG req 1 _INBOX\.r1 2\r\nhi\r\n/);
    ours.noteReplySubject('_INBOX.r1');
    for (let i = 0; i < 3; i++) {
      const reply = await responder.roundTrip('PUB _INBOX.r1 2\r\nok\r\n');
      const refused = reply.includes('Permissions Violation for Publish to "_INBOX.r1"');
      assert.equal(ours.canPublish('_INBOX.r1'), !refused, `reply ${i + 1}: ${reply}`);
      assert.equal(refused, i === 2);
    }
    const unsolicited = await responder.roundTrip('PUB _INBOX.other 0\r\n\r\n');
    assert.match(unsolicited, /Permissions Violation for Publish to "_INBOX.other"/);
    assert.equal(ours.canPublish('_INBOX.other'), false);
    responder.close();
    requester.close();
  });
});

test('nats-server compare - JWT chains from our encoder are accepted and refused alike', { skip }, async () => {
  const chain = makeChain({ revocations: {} });
  const revokedUser = (await import('@nats-io/nkeys')).createUser();
  const accountWithRevocation = accountJwt(chain.account, chain.operatorSigning, { signing_keys: [chain.accountSigning.getPublicKey()], revocations: { [revokedUser.getPublicKey()]: nowSeconds() + 5 } });
  const config = (port: number) => `listen: 127.0.0.1:${port}\noperator: ${chain.operatorJwt}\nresolver: MEMORY\nresolver_preload: {\n  ${chain.account.getPublicKey()}: ${accountWithRevocation}\n}\n`;
  const { authenticator, errors } = createAuthenticator({
    authorization: {},
    operatorJwts: [chain.operatorJwt],
    resolver: { type: 'memory' },
    resolverPreload: { [chain.account.getPublicKey()]: accountWithRevocation },
  });
  assert.deepEqual(errors, []);
  const cases: { name: string; jwt: string; key: typeof chain.user; sign: boolean }[] = [
    { name: 'signed by the account', jwt: userJwt(chain.user, chain.account), key: chain.user, sign: true },
    { name: 'signed by a signing key', jwt: userJwt(chain.user, chain.accountSigning, { issuer_account: chain.account.getPublicKey() }), key: chain.user, sign: true },
    { name: 'expired', jwt: userJwt(chain.user, chain.account, {}, { exp: nowSeconds() - 5 }), key: chain.user, sign: true },
    { name: 'bearer without signature', jwt: userJwt(chain.user, chain.account, { bearer_token: true }), key: chain.user, sign: false },
    { name: 'unsigned non-bearer', jwt: userJwt(chain.user, chain.account), key: chain.user, sign: false },
    { name: 'revoked', jwt: userJwt(revokedUser, chain.account), key: revokedUser, sign: true },
    { name: 'unknown signing key', jwt: userJwt(chain.user, (await import('@nats-io/nkeys')).createAccount(), { issuer_account: chain.account.getPublicKey() }), key: chain.user, sign: true },
    { name: 'websocket only', jwt: userJwt(chain.user, chain.account, { allowed_connection_types: ['WEBSOCKET'] }), key: chain.user, sign: true },
    { name: 'other source network', jwt: userJwt(chain.user, chain.account, { src: ['10.99.0.0/16'] }), key: chain.user, sign: true },
    { name: 'local source network', jwt: userJwt(chain.user, chain.account, { src: ['127.0.0.0/8'] }), key: chain.user, sign: true },
  ];
  const decisions: boolean[] = [];
  await withServer(config, async (server) => {
    for (const c of cases) {
      const client = await RawClient.connect(server.port);
      const nonce = String((await client.info).nonce);
      const connect = { verbose: false, pedantic: false, jwt: c.jwt, ...(c.sign ? { sig: signNonce(c.key, nonce) } : {}) };
      let reply: string;
      try {
        reply = await client.roundTrip(`CONNECT ${JSON.stringify(connect)}\r\n`);
      } catch {
        reply = '-ERR (closed)';
      }
      const theirs = !reply.includes('-ERR');
      const ours = await authenticator.authenticateAsync({ connect, nonce, remoteAddress: '127.0.0.1', connectionType: 'STANDARD' });
      assert.equal(ours.ok, theirs, `${c.name}: nats-server ${JSON.stringify(reply)}, ours ${JSON.stringify(ours.ok ? 'ok' : ours.reason)}`);
      decisions.push(theirs);
      client.close();
    }
  });
  assert.deepEqual(decisions, [true, true, false, true, false, false, false, false, false, true]);
});

// Subject permissions: allow/deny with wildcards, queue groups, allow_responses, default_permissions; exact -ERR texts; nothing leaks.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { errors } from '@nats-io/transport-node';
import { RawConn, SERVERS, collect, mustConnect, skipFor, sleep, startConf, waitUntil, watchErrors, type ConfServer } from './support.js';

const CONFIG = `authorization {
  default_permissions = { publish: { allow: ["def.>"] }, subscribe: { allow: ["def.>"] } }
  users: [
    { user: admin, password: admin, permissions: { publish: ">", subscribe: ">" } }
    { user: p, password: p, permissions: {
        publish: { allow: ["orders.>", "reply.*"], deny: ["orders.secret.>"] }
        subscribe: { allow: ["orders.*", "jobs.> workers", "_INBOX.>"], deny: ["orders.secret", "jobs.private.> workers"] } } }
    { user: svc, password: svc, permissions: { publish: { allow: ["svc.log"] }, subscribe: { allow: ["svc.>"] }, allow_responses: { max: 2, expires: "500ms" } } }
    { user: svc1, password: svc1, permissions: { publish: { allow: ["svc.log"] }, subscribe: { allow: ["svc.>"] }, allow_responses: true } }
    { user: d, password: d }
  ]
}`;

const pubErr = (subject: string) => `-ERR 'Permissions Violation for Publish to "${subject}"'\r\n`;
const subErr = (subject: string, queue?: string) =>
  `-ERR 'Permissions Violation for Subscription to "${subject}"${queue ? ` using queue "${queue}"` : ''}'\r\n`;

for (const kind of SERVERS) {
  describe(`permissions (${kind})`, { skip: skipFor(kind) }, () => {
    let s: ConfServer;
    before(async () => { s = await startConf(kind, CONFIG); });
    after(async () => { await s?.stop(); });

    const login = async (user: string) => {
      const conn = await RawConn.open(s.port);
      assert.equal(await conn.roundTrip(`CONNECT {"verbose":false,"pedantic":false,"headers":true,"user":"${user}","pass":"${user}"}\r\n`), '', `login ${user}`);
      return conn;
    };

    it('publish allow/deny with wildcards: exact -ERR per refused subject, connection stays open', async () => {
      const p = await login('p');
      const cases: [string, boolean][] = [
        ['orders.new', true], ['orders.eu.new', true], ['orders', false], ['orders.secret.x', false], ['orders.secret', true],
        ['reply.a', true], ['reply.a.b', false], ['other', false], ['def.x', false],
      ];
      for (const [subject, ok] of cases) {
        assert.equal(await p.roundTrip(`PUB ${subject} 0\r\n\r\n`), ok ? '' : pubErr(subject), `PUB ${subject}`);
      }
      assert.equal(await p.roundTrip('HPUB other.h 12 12\r\nNATS/1.0\r\n\r\n\r\n'), pubErr('other.h'));
      assert.equal(p.closed, false, 'still connected after violations');
      assert.equal(await p.roundTrip(''), '');
      p.close();
    });

    it('subscribe allow/deny and queue-group permissions: exact -ERR texts, including the queue variant', async () => {
      const p = await login('p');
      let sid = 1;
      const cases: [string, string | undefined, boolean][] = [
        ['orders.new', undefined, true], ['orders.*', undefined, true], ['orders.a.b', undefined, false], ['orders.secret', undefined, false],
        ['jobs.a', 'workers', true], ['jobs.a', undefined, false], ['jobs.a', 'other', false], ['jobs.private.x', 'workers', false],
        ['_INBOX.abc', undefined, true], ['>', undefined, false], ['def.x', undefined, false],
      ];
      for (const [subject, queue, ok] of cases) {
        const reply = await p.roundTrip(`SUB ${subject}${queue ? ` ${queue}` : ''} ${sid++}\r\n`);
        assert.equal(reply, ok ? '' : subErr(subject, queue), `SUB ${subject} ${queue ?? ''}`);
      }
      assert.equal(p.closed, false);
      p.close();
    });

    it('a refused publish is delivered to nobody; a denied subject is not delivered through an allowed wildcard', async () => {
      const admin = await login('admin');
      const p = await login('p');
      await admin.roundTrip('SUB > 1\r\n');
      assert.equal(await p.roundTrip('PUB orders.secret.x 4\r\nleak\r\nPUB orders.ok 2\r\nok\r\n'), pubErr('orders.secret.x'));
      assert.equal(await admin.roundTrip(''), 'MSG orders.ok 1 2\r\nok\r\n', 'only the allowed publish reached the admin');
      // Decisions are per user even for a subject just decided (and cached) for another user.
      assert.equal(await admin.roundTrip('PUB orders.secret.x 1\r\nA\r\n'), 'MSG orders.secret.x 1 1\r\nA\r\n');
      assert.equal(await p.roundTrip('PUB orders.secret.x 0\r\n\r\n'), pubErr('orders.secret.x'));
      assert.equal(await admin.roundTrip(''), '');
      await p.roundTrip('SUB orders.* 7\r\n');
      await admin.roundTrip('PUB orders.secret 6\r\nhidden\r\nPUB orders.public 4\r\nseen\r\n');
      assert.equal(await p.roundTrip(''), 'MSG orders.public 7 4\r\nseen\r\n', 'orders.secret (sub deny) not delivered through orders.*');
      admin.close();
      p.close();
    });

    it('allow_responses { max: 2, expires }: two replies allowed, the third refused, late and unsolicited replies refused', async () => {
      const admin = await login('admin');
      const svc = await login('svc');
      await svc.roundTrip('SUB svc.req 1\r\n');
      await admin.roundTrip('SUB _INBOX.r1 9\r\nPUB svc.req _INBOX.r1 2\r\nhi\r\n');
      await svc.waitFor(/MSG svc\.req 1 _INBOX\.r1 2\r\nhi\r\n/);
      assert.equal(await svc.roundTrip('PUB _INBOX.r1 1\r\na\r\n'), '');
      assert.equal(await svc.roundTrip('PUB _INBOX.r1 1\r\nb\r\n'), '');
      assert.equal(await svc.roundTrip('PUB _INBOX.r1 1\r\nc\r\n'), pubErr('_INBOX.r1'));
      assert.equal(await svc.roundTrip('PUB _INBOX.unasked 0\r\n\r\n'), pubErr('_INBOX.unasked'));
      assert.equal(await admin.roundTrip(''), 'MSG _INBOX.r1 9 1\r\na\r\nMSG _INBOX.r1 9 1\r\nb\r\n', 'exactly the two allowed replies');
      await admin.roundTrip('SUB _INBOX.r2 10\r\nPUB svc.req _INBOX.r2 0\r\n\r\n');
      await svc.waitFor(/MSG svc\.req 1 _INBOX\.r2 0\r\n\r\n/);
      await sleep(900);
      assert.equal(await svc.roundTrip('PUB _INBOX.r2 4\r\nlate\r\n'), pubErr('_INBOX.r2'));
      assert.equal(await admin.roundTrip(''), '', 'the late reply was not delivered');
      assert.equal(svc.closed, false);
      admin.close();
      svc.close();
    });

    it('allow_responses: true allows exactly one reply per request', async () => {
      const admin = await login('admin');
      const svc = await login('svc1');
      await svc.roundTrip('SUB svc.one 1\r\n');
      await admin.roundTrip('SUB reply.one 3\r\nPUB svc.one reply.one 0\r\n\r\n');
      await svc.waitFor(/MSG svc\.one 1 reply\.one 0\r\n\r\n/);
      assert.equal(await svc.roundTrip('PUB reply.one 0\r\n\r\n'), '');
      assert.equal(await svc.roundTrip('PUB reply.one 0\r\n\r\n'), pubErr('reply.one'));
      admin.close();
      svc.close();
    });

    it('default_permissions apply to a user without its own permissions', async () => {
      const d = await login('d');
      assert.equal(await d.roundTrip('PUB def.a 0\r\n\r\n'), '');
      assert.equal(await d.roundTrip('PUB other 0\r\n\r\n'), pubErr('other'));
      assert.equal(await d.roundTrip('SUB def.> 1\r\n'), '');
      assert.equal(await d.roundTrip('SUB other.> 2\r\n'), subErr('other.>'));
      assert.equal(await d.roundTrip('SUB _INBOX.x 3\r\n'), subErr('_INBOX.x'));
      d.close();
    });

    it('the official client sees PermissionViolationError on the subscription and as an async error, and stays connected', async () => {
      const nc = await mustConnect(s.url, { user: 'p', pass: 'p' });
      const seen = watchErrors(nc);
      const sub = nc.subscribe('forbidden.>');
      const closedWith = await Promise.race([sub.closed, sleep(3000).then(() => 'still open')]);
      assert.ok(closedWith instanceof errors.PermissionViolationError, `subscription closed with ${String(closedWith)}`);
      assert.equal(closedWith.operation, 'subscription');
      assert.equal(closedWith.subject, 'forbidden.>');
      nc.publish('orders.secret.y', 'x');
      assert.ok(await waitUntil(() => seen.some((e) => e.includes('Publish to "orders.secret.y"'))), JSON.stringify(seen));
      const ok = nc.subscribe('orders.*', { max: 1 });
      nc.publish('orders.fine', 'y');
      const got = await collect(ok, 1);
      assert.equal(got[0]?.string(), 'y');
      assert.equal(nc.isClosed(), false);
      await nc.close();
    });
  });
}

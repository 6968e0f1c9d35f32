// Accounts: isolation, stream/service exports and imports (prefix, to, response types, private exports), per-account JetStream.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { SERVERS, mustConnect, skipFor, startConf, startExpectingFailure, type ConfServer } from './support.js';

const ACCOUNTS = `accounts {
  A: {
    users: [ { user: a, password: a } ]
    exports: [
      { stream: "a.events.>" }
      { stream: "a.private.>", accounts: [ B ] }
      { service: "a.svc.single" }
      { service: "a.svc.stream", response_type: stream }
    ]
  }
  B: {
    users: [ { user: b, password: b } ]
    imports: [
      { stream: { account: A, subject: "a.events.>" }, prefix: "fromA" }
      { stream: { account: A, subject: "a.private.>" } }
      { service: { account: A, subject: "a.svc.single" }, to: "svc.single" }
      { service: { account: A, subject: "a.svc.stream" }, to: "svc.stream" }
    ]
  }
  C: {
    users: [ { user: c, password: c } ]
    imports: [ { stream: { account: A, subject: "a.events.>" }, to: "c.events.>" } ]
  }
}`;

/** Publishes a sentinel on `nc` after everything before it and returns what `sub` (on `>`) got before the sentinel. */
async function receivedBefore(nc: NatsConnection, sub: Subscription, sentinel: string): Promise<string[]> {
  nc.publish(sentinel, '');
  const got: string[] = [];
  const guard = setTimeout(() => sub.unsubscribe(), 3000);
  for await (const m of sub) {
    if (m.subject === sentinel) break;
    got.push(`${m.subject}:${m.string()}`);
  }
  clearTimeout(guard);
  return got;
}

for (const kind of SERVERS) {
  describe(`accounts (${kind})`, { skip: skipFor(kind) }, () => {
    let s: ConfServer;
    const nc: Record<'a' | 'b' | 'c', NatsConnection> = {} as never;
    before(async () => {
      s = await startConf(kind, ACCOUNTS);
      for (const user of ['a', 'b', 'c'] as const) nc[user] = await mustConnect(s.url, { user, pass: user });
    });
    after(async () => {
      for (const c of Object.values(nc)) await c.close();
      await s?.stop();
    });

    it('isolation: a ">" subscriber sees only its own account, plus imports with prefix and with to', async () => {
      const subs = { a: nc.a.subscribe('>'), b: nc.b.subscribe('>'), c: nc.c.subscribe('>') };
      await Promise.all(Object.values(nc).map((c) => c.flush()));
      nc.a.publish('a.internal.x', 'A-only');
      nc.a.publish('a.events.order', 'shared');
      nc.a.publish('a.private.p', 'for-B');
      await nc.a.flush();
      nc.b.publish('b.secret', 'B-only');
      nc.b.publish('a.events.forged', 'B-local');
      await nc.b.flush();
      nc.c.publish('c.secret', 'C-only');
      await nc.c.flush();
      assert.deepEqual(await receivedBefore(nc.a, subs.a, 'end.a'), ['a.internal.x:A-only', 'a.events.order:shared', 'a.private.p:for-B']);
      assert.deepEqual(await receivedBefore(nc.b, subs.b, 'end.b'), ['fromA.a.events.order:shared', 'a.private.p:for-B', 'b.secret:B-only', 'a.events.forged:B-local']);
      assert.deepEqual(await receivedBefore(nc.c, subs.c, 'end.c'), ['c.events.order:shared', 'c.secret:C-only']);
    });

    it('service import (singleton): request/reply across accounts; the responder sees the export subject and a _R_ reply, one response only', async () => {
      const seen: Msg[] = [];
      const responder = nc.a.subscribe('a.svc.single', { callback: (_e, m) => {
        seen.push(m);
        m.respond('first');
        m.respond('second');
        nc.a.publish('a.events.done-single', '');
      } });
      await nc.a.flush();
      const answer = await nc.b.request('svc.single', 'q', { timeout: 3000 });
      assert.equal(answer.string(), 'first');
      assert.equal(seen[0]?.subject, 'a.svc.single');
      assert.match(seen[0]?.reply ?? '', /^_R_\./, `responder saw reply ${seen[0]?.reply}`);
      assert.doesNotMatch(seen[0]?.reply ?? '', /_INBOX/);
      // A manual request: both responses are sent, only the first crosses; the stream import marks the end.
      const replies = nc.b.subscribe('my.reply.single');
      const done = nc.b.subscribe('fromA.a.events.done-single', { max: 1 });
      await nc.b.flush();
      nc.b.publish('svc.single', 'q2', { reply: 'my.reply.single' });
      for await (const _ of done) break;
      await nc.b.flush();
      replies.unsubscribe();
      const got: string[] = [];
      for await (const m of replies) got.push(m.string());
      assert.deepEqual(got, ['first']);
      responder.unsubscribe();
    });

    it('service import with response_type stream: every response crosses', async () => {
      const responder = nc.a.subscribe('a.svc.stream', { callback: (_e, m) => {
        for (const part of ['1', '2', '3']) m.respond(part);
        nc.a.publish('a.events.done-stream', '');
      } });
      await nc.a.flush();
      const replies = nc.b.subscribe('my.reply.stream');
      const done = nc.b.subscribe('fromA.a.events.done-stream', { max: 1 });
      await nc.b.flush();
      nc.b.publish('svc.stream', 'q', { reply: 'my.reply.stream' });
      for await (const _ of done) break;
      await nc.b.flush();
      replies.unsubscribe();
      const got: string[] = [];
      for await (const m of replies) got.push(m.string());
      assert.deepEqual(got, ['1', '2', '3']);
      responder.unsubscribe();
      // C has no service import: its request has no responders.
      await assert.rejects(nc.c.request('svc.single', 'q', { timeout: 2000 }), /no responders/i);
    });

    it('a private export (accounts: [B]) imported by another account is a config error at start', async () => {
      const refused = await startExpectingFailure(kind, ACCOUNTS.replace('imports: [ { stream: { account: A, subject: "a.events.>" }, to: "c.events.>" } ]',
        'imports: [ { stream: { account: A, subject: "a.private.>" } } ]'));
      assert.notEqual(refused.code, null, 'the server must not start');
      assert.notEqual(refused.code, 0);
      assert.match(refused.output, /Error adding stream import "a\.private\.>": stream import not authorized/);
      const refusedService = await startExpectingFailure(kind, `accounts {
  A: { users: [ { user: a, password: a } ], exports: [ { service: "priv.svc", accounts: [ B ] } ] }
  B: { users: [ { user: b, password: b } ] }
  C: { users: [ { user: c, password: c } ], imports: [ { service: { account: A, subject: "priv.svc" } } ] }
}`);
      assert.notEqual(refusedService.code, null, 'the server must not start');
      assert.match(refusedService.output, /Error adding service import "priv\.svc": service import not authorized/);
    });
  });

  describe(`accounts: JetStream per account (${kind})`, { skip: skipFor(kind) }, () => {
    let s: ConfServer;
    before(async () => {
      s = await startConf(kind, (dir) => `jetstream { store_dir: ${JSON.stringify(`${dir}/js`)} }
accounts {
  JA: { jetstream: enabled, users: [ { user: ja, password: ja } ] }
  JB: { jetstream: enabled, users: [ { user: jb, password: jb } ] }
  NOJS: { users: [ { user: nojs, password: nojs } ] }
}`);
    });
    after(async () => { await s?.stop(); });

    it("a stream created in one account is invisible to another account's $JS.API; each has its own namespace", async () => {
      const ja = await mustConnect(s.url, { user: 'ja', pass: 'ja' });
      const jb = await mustConnect(s.url, { user: 'jb', pass: 'jb' });
      const names = async (c: NatsConnection) => {
        const r = await c.request('$JS.API.STREAM.NAMES', '', { timeout: 3000 }).catch((e: Error) => e);
        assert.ok(!(r instanceof Error), `$JS.API.STREAM.NAMES as ${c.info?.client_id}: ${String(r)}`);
        return (r.json<{ streams: string[] | null }>().streams ?? []).sort();
      };
      try {
        const jsmA = await jetstreamManager(ja);
        await jsmA.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
        assert.deepEqual(await names(ja), ['ORDERS']);
        assert.deepEqual(await names(jb), [], 'JB must not see JA\'s stream');
        const jsmB = await jetstreamManager(jb);
        await jsmB.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
        ja.publish('orders.1', 'a1');
        ja.publish('orders.2', 'a2');
        jb.publish('orders.1', 'b1');
        await Promise.all([ja.flush(), jb.flush()]);
        assert.equal((await jsmA.streams.info('ORDERS')).state.messages, 2);
        assert.equal((await jsmB.streams.info('ORDERS')).state.messages, 1);
        await jsmB.streams.delete('ORDERS');
        assert.equal((await jsmA.streams.info('ORDERS')).state.messages, 2, 'deleting JB\'s stream left JA\'s');
        const nojs = await mustConnect(s.url, { user: 'nojs', pass: 'nojs' });
        const denied = await nojs.request('$JS.API.STREAM.NAMES', '', { timeout: 2000 }).then((m) => m.string(), (e: Error) => e.message);
        assert.doesNotMatch(denied, /ORDERS/);
        await nojs.close();
      } finally {
        await ja.close();
        await jb.close();
      }
    });
  });
}

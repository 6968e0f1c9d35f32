// Tests for compiled permissions: evaluation tables, queue rules, allow_responses, caches, delivery filter.

import test from 'node:test';
import assert from 'node:assert/strict';
import { CompiledPermissions, normalizePermissions, permissionsFromClaims, publishViolationText, subscribeViolationText, type PermissionsSpec } from '../../src/auth/permissions.js';
import { isSubsetMatch, PatternSet } from '../../src/auth/pattern-set.js';

function perms(spec: PermissionsSpec) {
  return new CompiledPermissions(spec).forClient();
}

test('permissions - pattern sets match like nats-server Sublist.Match', () => {
  const set = new PatternSet();
  for (const entry of ['foo', 'foo.*', 'bar.>', '*.baz', 'q.* grp', '>.x']) set.add(entry);
  const cases: [string, boolean][] = [
    ['foo', true], ['foo.a', true], ['foo.a.b', false], ['bar', false], ['bar.a', true], ['bar.a.b', true],
    ['a.baz', true], ['baz', false], ['foo.*', true], ['foo.>', true], ['bar.*', true], ['x.y.z', false],
  ];
  for (const [subject, plain] of cases) assert.equal(set.match(subject).plain, plain, subject);
  assert.deepEqual(set.match('q.a').queues, ['grp']);
  assert.equal(set.match('q.a').plain, false);
  const literal = new PatternSet();
  literal.add('foo.bar');
  assert.equal(literal.matchesPlain('foo.*'), false, 'a literal entry does not match a wildcard subject');
  assert.equal(new PatternSet().add('a b c'), false);
  assert.equal(new PatternSet().add('a..b'), false);
});

test('permissions - isSubsetMatch follows nats-server', () => {
  const cases: [string, string, boolean][] = [
    ['foo.bar', 'foo.*', true], ['foo.bar', 'foo.>', true], ['foo.*', 'foo.>', true], ['foo.*', 'foo.*', true],
    ['foo.>', 'foo.*', false], ['foo.*', 'foo.bar', false], ['foo', 'foo.>', false], ['foo.bar.baz', 'foo.*', false],
    ['a.b', '>', true], ['*', '*', true], ['>', '*', false],
  ];
  for (const [subject, test, expected] of cases) assert.equal(isSubsetMatch(subject, test), expected, `${subject} in ${test}`);
});

test('permissions - publish: deny wins, an allow list means default deny', () => {
  const p = perms({ publish: { allow: ['orders.>', 'status'], deny: ['orders.secret.>'] } });
  const table: [string, boolean][] = [
    ['orders.new', true], ['orders.a.b', true], ['status', true], ['orders.secret.x', false], ['orders', false], ['other', false], ['statusx', false],
  ];
  for (const [subject, expected] of table) assert.equal(p.canPublish(subject), expected, subject);
  const denyOnly = perms({ publish: { deny: ['admin.>'] } });
  assert.equal(denyOnly.canPublish('anything'), true);
  assert.equal(denyOnly.canPublish('admin.x'), false);
  const nothing = perms({ publish: { allow: [] } });
  assert.equal(nothing.canPublish('x'), false, 'an empty publish allow list allows nothing');
  const none = perms({});
  assert.equal(none.canPublish('x'), true);
  assert.equal(none.canSubscribe('x'), true);
});

test('permissions - subscribe: wildcards, queue entries and nats-server queue quirks', () => {
  const p = perms({ subscribe: { allow: ['foo.*', 'bar', 'jobs.> workers', 'v1.> v1.*'], deny: ['foo.secret'] } });
  const table: [string, string, boolean][] = [
    ['foo.a', '', true], ['foo.*', '', true], ['foo.>', '', true], ['foo.secret', '', false], ['bar', '', true], ['bar', 'any', true],
    ['jobs.a', '', false], ['jobs.a', 'workers', true], ['jobs.a', 'other', false],
    ['v1.x', 'v1.grp', true], ['v1.x', 'v2.grp', false], ['baz', '', false],
  ];
  for (const [subject, queue, expected] of table) assert.equal(p.canSubscribe(subject, queue), expected, `${subject} ${queue}`);
  // With both a plain and a queue entry matching, the queue decides (nats-server canSubscribe).
  const both = perms({ subscribe: { allow: ['foo', 'foo q1'] } });
  assert.equal(both.canSubscribe('foo'), true);
  assert.equal(both.canSubscribe('foo', 'q1'), true);
  assert.equal(both.canSubscribe('foo', 'q2'), false);
  const denyQueue = perms({ subscribe: { deny: ['foo q1'] } });
  assert.equal(denyQueue.canSubscribe('foo'), true);
  assert.equal(denyQueue.canSubscribe('foo', 'q1'), false);
  assert.equal(denyQueue.canSubscribe('foo', 'q2'), true);
  const emptyAllow = perms({ subscribe: { allow: [] } });
  assert.equal(emptyAllow.canSubscribe('x'), true, 'an empty subscribe allow list is no list');
});

test('permissions - a wildcard subscription over a denied subject filters deliveries', () => {
  const p = perms({ subscribe: { deny: ['foo.secret', 'x q'] } });
  assert.equal(p.deliveryFilter, false);
  assert.equal(p.canSubscribe('foo.plain'), true);
  assert.equal(p.deliveryFilter, false);
  assert.equal(p.canSubscribe('foo.*'), true, 'deny clauses do not refuse wider subscriptions');
  assert.equal(p.deliveryFilter, true);
  assert.equal(p.canDeliver('foo.plain'), true);
  assert.equal(p.canDeliver('foo.secret'), false);
  assert.equal(p.canDeliver('foo.secret'), false, 'cached');
  const q = perms({ subscribe: { deny: ['x q'] } });
  q.canSubscribe('>');
  assert.equal(q.deliveryFilter, false, 'queue deny entries do not filter deliveries');
});

test('permissions - allow_responses lets a client answer requests it received, max times within expires', () => {
  const p = perms({ publish: { allow: ['events'] }, response: { maxMsgs: 2, expiresMs: 1000 } });
  assert.equal(p.tracksReplies, true);
  assert.equal(p.canPublish('_INBOX.1'), false, 'no request received yet');
  p.noteReplySubject('_INBOX.1', 0);
  assert.equal(p.canPublish('_INBOX.1', 10), true);
  assert.equal(p.canPublish('_INBOX.1', 20), true);
  assert.equal(p.canPublish('_INBOX.1', 30), false, 'max reached');
  p.noteReplySubject('_INBOX.2', 0);
  assert.equal(p.canPublish('_INBOX.2', 1001), false, 'expired');
  assert.equal(p.canPublish('events'), true);
  assert.equal(p.canPublish('other'), false);
  const defaults = normalizePermissions({ response: { maxMsgs: 0, expiresMs: 0 } });
  assert.deepEqual(defaults.response, { maxMsgs: 1, expiresMs: 120_000 });
  assert.deepEqual(defaults.publish?.allow, [], 'allow_responses turns off the blanket publish allow');
  const once = perms({ response: { maxMsgs: 0, expiresMs: 0 } });
  once.noteReplySubject('r');
  assert.equal(once.canPublish('r'), true);
  assert.equal(once.canPublish('r'), false);
  const unlimited = perms({ response: { maxMsgs: -1, expiresMs: -1 } });
  unlimited.noteReplySubject('r', 0);
  for (let i = 0; i < 10; i++) assert.equal(unlimited.canPublish('r', 1e12), true);
  const without = perms({ publish: { allow: ['a'] } });
  without.noteReplySubject('r');
  assert.equal(without.canPublish('r'), false, 'no reply tracking without allow_responses');
});

test('permissions - the publish cache stays bounded and keeps answers right', () => {
  const p = perms({ publish: { allow: ['ok.>'] } });
  for (let i = 0; i < 1000; i++) assert.equal(p.canPublish(`ok.${i}`), true);
  for (let i = 0; i < 1000; i++) assert.equal(p.canPublish(`no.${i}`), false);
  const cache = (p as unknown as { publishCache: Map<string, boolean> }).publishCache;
  assert.ok(cache.size <= 128, `cache size ${cache.size}`);
  assert.equal(p.canPublish('ok.1'), true);
});

test('permissions - JWT permissions convert as nats-server buildPermissionsFromJwt', () => {
  assert.equal(permissionsFromClaims({ publish: { allow: [], deny: [] }, subscribe: { allow: [], deny: [] } }), null);
  const spec = permissionsFromClaims({ publish: { allow: [], deny: ['x'] }, subscribe: { allow: ['y'], deny: [] }, response: { max: 0, ttl: 3e9 } });
  assert.deepEqual(spec, { publish: { allow: [], deny: ['x'] }, subscribe: { allow: ['y'], deny: [] }, response: { maxMsgs: 1, expiresMs: 3000 } });
  const p = new CompiledPermissions(spec!).forClient();
  assert.equal(p.canPublish('z'), false);
});

test('permissions - violation texts match nats-server', () => {
  assert.equal(publishViolationText('foo.bar'), 'Permissions Violation for Publish to "foo.bar"');
  assert.equal(subscribeViolationText('foo'), 'Permissions Violation for Subscription to "foo"');
  assert.equal(subscribeViolationText('foo', 'q'), 'Permissions Violation for Subscription to "foo" using queue "q"');
});

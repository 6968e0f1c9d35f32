// Tests for account resolvers: MEMORY preload, directory full/cache with claim updates, URL with a cache.

import test from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createAccount, createOperator } from '@nats-io/nkeys';
import { claimUpdateResponse, DirectoryResolver, MemoryResolver, UrlResolver } from '../../src/auth/resolvers.js';
import { OperatorTrust, isRevoked } from '../../src/auth/trust.js';
import { decodeOperatorJwt } from '../../src/auth/jwt.js';
import { accountJwt, makeChain, nowSeconds, userJwt } from './fixtures.js';

function trustOf(chain: ReturnType<typeof makeChain>): OperatorTrust {
  const op = decodeOperatorJwt(chain.operatorJwt);
  assert.ok(op.ok);
  return new OperatorTrust([op.claims]);
}

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'natrium-resolver-'));
}

test('resolvers - memory: preloads are served; updates are validated and newer-only', async () => {
  const chain = makeChain();
  const trust = trustOf(chain);
  const id = chain.account.getPublicKey();
  const memory = new MemoryResolver(trust, { [id]: chain.accountJwt });
  assert.deepEqual(memory.preloadWarnings, []);
  assert.equal(memory.peek(id), chain.accountJwt);
  assert.equal(await memory.fetch(createAccount().getPublicKey()), undefined);
  const newer = accountJwt(chain.account, chain.operatorSigning, { limits: { conn: 5 } }, { iat: nowSeconds() + 10 });
  const updated = await memory.update(newer, id);
  assert.deepEqual(updated, { account: id, ok: true, changed: true, message: 'jwt updated' });
  assert.equal(memory.peek(id), newer);
  const older = accountJwt(chain.account, chain.operatorSigning, {}, { iat: nowSeconds() - 100 });
  assert.equal((await memory.update(older, id)).changed, false, 'older JWTs are ignored');
  assert.equal(memory.peek(id), newer);
  const untrusted = await memory.update(accountJwt(chain.account, createOperator()), id);
  assert.deepEqual(claimUpdateResponse(untrusted), { error: { account: id, code: 500, description: 'jwt update resulted in error - not trusted' } });
  const mismatch = await memory.update(accountJwt(createAccount(), chain.operatorSigning), id);
  assert.equal(mismatch.error, 'subject does not match jwt content');
  const garbage = await memory.update('garbage');
  assert.equal(garbage.ok, false);
  assert.equal(garbage.account, 'n/a');
  const user = await memory.update(userJwt(chain.user, chain.account));
  assert.equal(user.error, 'not account claim');
  const warned = new MemoryResolver(trust, { [id]: accountJwt(chain.account, createOperator()) });
  assert.match(warned.preloadWarnings[0], /not trusted/);
  assert.deepEqual(claimUpdateResponse(updated), { data: { account: id, code: 200, message: 'jwt updated' } });
});

test('resolvers - full directory: <dir>/<key>.jwt files, loaded at start, written atomically on update', async () => {
  const chain = makeChain();
  const trust = trustOf(chain);
  const dir = tempDir();
  try {
    const id = chain.account.getPublicKey();
    writeFileSync(path.join(dir, `${id}.jwt`), chain.accountJwt);
    writeFileSync(path.join(dir, 'not-a-key.jwt'), chain.accountJwt);
    const resolver = new DirectoryResolver(trust, { dir, mode: 'full' });
    await resolver.start();
    assert.equal(resolver.peek(id), chain.accountJwt);
    assert.deepEqual(resolver.list(), [id]);
    const other = createAccount();
    const otherJwt = accountJwt(other, chain.operatorSigning);
    const result = await resolver.update(otherJwt);
    assert.equal(result.ok && result.changed, true);
    assert.equal(readFileSync(path.join(dir, `${other.getPublicKey()}.jwt`), 'utf8'), otherJwt);
    assert.ok(!readdirSync(dir).some((f) => f.endsWith('.tmp')), 'no temporary files left');
    const reopened = new DirectoryResolver(trust, { dir, mode: 'full' });
    await reopened.start();
    assert.equal(await reopened.fetch(other.getPublicKey()), otherJwt);
    const bad = await resolver.update(accountJwt(other, createOperator()), other.getPublicKey());
    assert.equal(bad.ok, false);
    assert.equal(readFileSync(path.join(dir, `${other.getPublicKey()}.jwt`), 'utf8'), otherJwt, 'untrusted updates are not stored');
    assert.equal(await resolver.remove(id), false, 'delete needs allow_delete');
    const deleting = new DirectoryResolver(trust, { dir, mode: 'full', allowDelete: true });
    await deleting.start();
    assert.equal(await deleting.remove(id), true);
    assert.equal(existsSync(path.join(dir, `${id}.jwt`)), false);
    assert.equal(await deleting.remove('../../etc/passwd'), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('resolvers - cache directory: skips updates for unknown accounts, asks other servers on a miss, expires', async () => {
  const chain = makeChain();
  const trust = trustOf(chain);
  const dir = tempDir();
  try {
    let clock = 1000;
    const id = chain.account.getPublicKey();
    const lookups: string[] = [];
    const cache = new DirectoryResolver(trust, { dir, mode: 'cache', ttlMs: 500, limit: 2, now: () => clock, lookup: async (account) => { lookups.push(account); return account === id ? chain.accountJwt : undefined; } });
    await cache.start();
    const skipped = await cache.update(chain.accountJwt);
    assert.deepEqual([skipped.ok, skipped.changed, skipped.message], [true, false, 'jwt update cache skipped']);
    assert.equal(await cache.fetch(id), chain.accountJwt);
    assert.deepEqual(lookups, [id]);
    assert.equal(await cache.fetch(id), chain.accountJwt);
    assert.equal(lookups.length, 1, 'served from the cache');
    clock += 501;
    assert.equal(cache.peek(id), undefined, 'expired');
    assert.equal(await cache.fetch(id), chain.accountJwt);
    assert.equal(lookups.length, 2);
    assert.equal(await cache.fetch(createAccount().getPublicKey()), undefined);
    assert.equal(await cache.fetch('../escape'), undefined);
    assert.equal(lookups.length, 3, 'invalid keys are never looked up');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('resolvers - URL: GET <url><key>, cached, 404 and bad JWTs are misses', async () => {
  const chain = makeChain();
  const trust = trustOf(chain);
  const id = chain.account.getPublicKey();
  const rogue = createAccount();
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === `/jwt/v1/accounts/${id}`) res.end(chain.accountJwt);
    else if (req.url === `/jwt/v1/accounts/${rogue.getPublicKey()}`) res.end(accountJwt(rogue, createOperator()));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    const resolver = new UrlResolver(trust, `http://127.0.0.1:${port}/jwt/v1/accounts`);
    assert.equal(resolver.url, `http://127.0.0.1:${port}/jwt/v1/accounts/`);
    assert.equal(resolver.peek(id), undefined);
    const [a, b] = await Promise.all([resolver.fetch(id), resolver.fetch(id)]);
    assert.equal(a, chain.accountJwt);
    assert.equal(b, chain.accountJwt);
    assert.equal(requests.length, 1, 'concurrent fetches share one request');
    assert.equal(resolver.peek(id), chain.accountJwt);
    assert.equal(await resolver.fetch(createAccount().getPublicKey()), undefined);
    assert.equal(await resolver.fetch(rogue.getPublicKey()), undefined, 'untrusted JWTs are not used');
    const down = new UrlResolver(trust, 'http://127.0.0.1:1/', { timeoutMs: 500 });
    assert.equal(await down.fetch(id), undefined);
  } finally {
    server.close();
  }
});

test('resolvers - revocation: at or after issue time, per key or "*"', () => {
  const revocations = new Map([['U1', 100], ['*', 50]]);
  assert.equal(isRevoked(revocations, 'U1', 100), true);
  assert.equal(isRevoked(revocations, 'U1', 101), false);
  assert.equal(isRevoked(revocations, 'U2', 50), true);
  assert.equal(isRevoked(revocations, 'U2', 51), false);
  assert.equal(isRevoked(new Map(), 'U1', 0), false);
});

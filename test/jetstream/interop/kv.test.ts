// Key-value buckets through the official @nats-io/kv client (Kvm): a client convention on top of streams.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Kvm, type KV, type KvWatchEntry } from '@nats-io/kv';
import { JetStreamApiError, StorageType } from '@nats-io/jetstream';
import { JS_SERVERS, JsEnv, sleep, waitUntil, within } from './support.js';

for (const kind of JS_SERVERS) {
  describe(`key-value on ${kind}`, () => {
    let env: JsEnv;
    let kvm: Kvm;
    before(async () => {
      env = await JsEnv.open(kind);
      kvm = new Kvm(env.js);
    });
    after(async () => { await env?.close(); });

    async function collectKeys(kv: KV, filter?: string): Promise<string[]> {
      const out: string[] = [];
      await within((async () => { for await (const k of await kv.keys(filter)) out.push(k); })(), 5000, 'keys()');
      return out.sort();
    }

    for (const storage of [StorageType.File, StorageType.Memory]) {
      test(`create a ${storage} bucket; status reflects its options and its backing stream`, async () => {
        const bucket = env.name(`cfg_${storage}_`);
        const kv = await kvm.create(bucket, { history: 5, max_bytes: 1 << 20, storage, ttl: 60_000 });
        await kv.put('a', 'x');
        await kv.put('b', 'y');
        await kv.put('a', 'z');
        const status = await kv.status();
        assert.equal(status.bucket, bucket);
        assert.equal(status.history, 5);
        assert.equal(status.ttl, 60_000);
        assert.equal(status.max_bytes, 1 << 20);
        assert.equal(status.storage, storage);
        assert.equal(status.values, 3);
        const si = await env.jsm.streams.info(`KV_${bucket}`);
        assert.deepEqual(si.config.subjects, [`$KV.${bucket}.>`]);
        assert.equal(si.config.max_msgs_per_subject, 5);
        assert.equal(si.config.allow_rollup_hdrs, true);
        assert.equal(si.config.allow_direct, true);
        assert.equal(si.config.discard, 'new');
        // Opening the same bucket again works and sees the data.
        const again = await kvm.open(bucket);
        assert.equal((await again.get('a'))?.string(), 'z');
      });
    }

    test('put, get (latest and by revision), update with the right and wrong revision, create', async () => {
      const kv = await kvm.create(env.name('ops'), { history: 10 });
      const r1 = await kv.put('user.1', 'alice');
      const r2 = await kv.put('user.1', 'alice-2');
      assert.equal(r2, r1 + 1);
      const e = await kv.get('user.1');
      assert.ok(e);
      assert.deepEqual([e.key, e.string(), e.revision, e.operation], ['user.1', 'alice-2', r2, 'PUT']);
      assert.equal((await kv.get('user.1', { revision: r1 }))?.string(), 'alice', 'an older revision');
      assert.equal(await kv.get('missing'), null);

      const r3 = await kv.update('user.1', 'alice-3', r2);
      assert.equal(r3, r2 + 1);
      await assert.rejects(kv.update('user.1', 'stale', r2), (err: unknown) => err instanceof JetStreamApiError && err.code === 10071, 'update with an old revision');
      assert.equal((await kv.get('user.1'))?.string(), 'alice-3');

      const c1 = await kv.create('user.2', 'bob');
      assert.ok(c1 > r3);
      await assert.rejects(kv.create('user.2', 'bob again'), (err: unknown) => err instanceof Error, 'create of an existing key');
      assert.equal((await kv.get('user.2'))?.string(), 'bob');
    });

    test('delete leaves a DEL marker (create works again), purge drops the history of a key', async () => {
      const kv = await kvm.create(env.name('del'), { history: 10 });
      await kv.put('k', 'v1');
      await kv.put('k', 'v2');
      await kv.put('other', 'o');
      await kv.delete('k');
      const deleted = await kv.get('k');
      assert.equal(deleted?.operation, 'DEL');
      assert.equal(deleted?.value.length, 0);
      const recreated = await kv.create('k', 'v3');
      assert.equal((await kv.get('k'))?.revision, recreated, 'create succeeds on a deleted key');

      await kv.purge('k');
      const purged = await kv.get('k');
      assert.equal(purged?.operation, 'PURGE');
      const si = await env.jsm.streams.info(`KV_${(await kv.status()).bucket}`, { subjects_filter: '>' });
      const kSubject = Object.keys(si.state.subjects ?? {}).find((s) => s.endsWith('.k'));
      assert.ok(kSubject);
      assert.equal(si.state.subjects![kSubject], 1, 'only the purge marker remains for the key');
      assert.equal((await kv.get('other'))?.string(), 'o', 'other keys untouched');
    });

    test('history lists every kept revision of a key, oldest first', async () => {
      const kv = await kvm.create(env.name('hist'), { history: 3 });
      for (let i = 1; i <= 5; i++) await kv.put('h', `v${i}`);
      await kv.put('x', 'unrelated');
      await kv.delete('h');
      const entries: KvWatchEntry[] = [];
      await within((async () => { for await (const e of await kv.history({ key: 'h' })) entries.push(e); })(), 5000, 'history');
      assert.deepEqual(entries.map((e) => [e.operation, e.string()]), [['PUT', 'v4'], ['PUT', 'v5'], ['DEL', '']], 'history 3 keeps the last three');
    });

    test('keys lists live keys (deleted and purged ones not), with a filter', async () => {
      const kv = await kvm.create(env.name('keys'));
      for (const k of ['a.1', 'a.2', 'b.1', 'gone', 'purged']) await kv.put(k, k);
      await kv.delete('gone');
      await kv.purge('purged');
      assert.deepEqual(await collectKeys(kv), ['a.1', 'a.2', 'b.1']);
      assert.deepEqual(await collectKeys(kv, 'a.*'), ['a.1', 'a.2']);
    });

    test('watch delivers the initial values, then updates and deletes', async () => {
      const kv = await kvm.create(env.name('watch'));
      await kv.put('w.1', 'one');
      await kv.put('w.2', 'two');
      await kv.put('w.1', 'one-b');
      const iter = await kv.watch({ key: 'w.>' });
      const seen: KvWatchEntry[] = [];
      const reading = within((async () => {
        for await (const e of iter) {
          seen.push(e);
          if (seen.length === 5) break;
        }
      })(), 8000, 'watch entries');
      await waitUntil(() => seen.length >= 2, 'the initial values', 5000, 20);
      await kv.put('w.3', 'three');
      await kv.put('other', 'not watched');
      await kv.delete('w.2');
      await kv.put('w.1', 'one-c');
      await reading;
      // (The client marks the last initial value isUpdate already: only the first is checked for it.)
      assert.deepEqual(seen.slice(0, 2).map((e) => [e.key, e.string()]), [['w.2', 'two'], ['w.1', 'one-b']],
        'initial values: the latest of each key, in revision order');
      assert.equal(seen[0]!.isUpdate, false);
      assert.deepEqual(seen.slice(2).map((e) => [e.key, e.operation, e.string(), e.isUpdate]),
        [['w.3', 'PUT', 'three', true], ['w.2', 'DEL', '', true], ['w.1', 'PUT', 'one-c', true]]);
    });

    test('a bucket TTL expires values', async () => {
      const kv = await kvm.create(env.name('ttl'), { ttl: 1000 });
      await kv.put('t', 'short');
      assert.equal((await kv.get('t'))?.string(), 'short');
      await sleep(900);
      await waitUntil(async () => (await kv.get('t')) === null, 'the value to expire', 5000, 100);
      assert.equal((await kv.status()).values, 0);
      const rev = await kv.put('t', 'again');
      assert.equal(rev, 2, 'revisions continue after expiry');
    });
  });
}

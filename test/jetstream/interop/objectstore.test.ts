// Object store through the official @nats-io/obj client (Objm): chunked objects on a stream with rollup metadata.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Objm, type ObjectInfo, type ObjectWatchInfo } from '@nats-io/obj';
import { StorageType } from '@nats-io/jetstream';
import { JS_SERVERS, JsEnv, patternBytes, waitUntil, within } from './support.js';

const MB = 1024 * 1024;

/** The digest the clients write: `SHA-256=` and the padded base64url of the SHA-256. */
function digestOf(data: Uint8Array): string {
  return `SHA-256=${createHash('sha256').update(data).digest('base64url')}`;
}

function streamOf(data: Uint8Array, pieces = 7): ReadableStream<Uint8Array> {
  const size = Math.ceil(data.length / pieces);
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= data.length) return controller.close();
      controller.enqueue(data.subarray(at, at + size));
      at += size;
    },
  });
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  return Buffer.concat(parts);
}

for (const kind of JS_SERVERS) {
  describe(`object store on ${kind}`, () => {
    let env: JsEnv;
    let objm: Objm;
    before(async () => {
      env = await JsEnv.open(kind);
      objm = new Objm(env.js);
    });
    after(async () => { await env?.close(); });

    test('put and get objects of several MB (file and memory) with matching digests', async () => {
      for (const [storage, size, seed] of [[StorageType.File, 5 * MB + 123, 7], [StorageType.Memory, 3 * MB, 11]] as const) {
        const os = await objm.create(env.name(`big_${storage}_`), { storage });
        const data = patternBytes(size, seed);
        const info = await os.put({ name: `blob-${size}`, description: 'several MB' }, streamOf(data));
        assert.equal(info.size, size);
        assert.ok(info.chunks > 1, `chunked: ${info.chunks}`);
        assert.equal(info.digest.replace(/=+$/, ''), digestOf(data), 'digest of what was sent');
        const result = await os.get(`blob-${size}`);
        assert.ok(result, 'object found');
        const got = await within(readAll(result.data), 20_000, 'reading the object');
        assert.ok(!(await result.error), 'the client verified the digest');
        assert.equal(got.length, size);
        assert.ok(Buffer.from(got).equals(Buffer.from(data)), `${storage}: same bytes`);
        assert.equal(digestOf(got), digestOf(data));
        const status = await os.status();
        assert.equal(status.storage, storage);
        assert.ok(status.size >= size, `bucket size ${status.size}`);
      }
    });

    test('putBlob/getBlob, info, list, update of an object replaces it, delete', async () => {
      const os = await objm.create(env.name('ops'));
      await os.putBlob({ name: 'a.txt' }, new TextEncoder().encode('alpha'));
      await os.putBlob({ name: 'b.bin' }, patternBytes(300_000, 3));
      await os.putBlob({ name: 'empty' }, new Uint8Array(0));
      const info = await os.info('b.bin');
      assert.ok(info);
      assert.deepEqual([info.name, info.size, info.deleted], ['b.bin', 300_000, false]);
      assert.equal((await os.info('empty'))?.size, 0);
      assert.equal(await os.info('none'), null);
      assert.deepEqual((await os.list()).map((i) => i.name).sort(), ['a.txt', 'b.bin', 'empty']);

      const replaced = await os.putBlob({ name: 'a.txt' }, new TextEncoder().encode('alpha, second version'));
      assert.equal(new TextDecoder().decode((await os.getBlob('a.txt'))!), 'alpha, second version');
      assert.equal(replaced.size, 21);
      // The old chunks are purged: the stream holds one chunk for a.txt.
      const bucket = (await os.status()).bucket;
      const si = await env.jsm.streams.info(`OBJ_${bucket}`, { subjects_filter: `$O.${bucket}.C.>` });
      const chunkCount = Object.values(si.state.subjects ?? {}).reduce((n, c) => n + c, 0);
      assert.equal(chunkCount, 1 + (info.chunks), 'chunks of a.txt (1) and b.bin only');

      await os.delete('b.bin');
      const gone = await os.info('b.bin');
      assert.equal(gone?.deleted, true, 'info reports the deletion');
      assert.equal(await os.getBlob('b.bin'), null);
      assert.deepEqual((await os.list()).map((i) => i.name).sort(), ['a.txt', 'empty']);
    });

    test('a link resolves to the object it points at', async () => {
      const os = await objm.create(env.name('links'));
      const target = await os.putBlob({ name: 'target' }, patternBytes(200_000, 5));
      const link = await os.link('alias', target);
      assert.deepEqual(link.options?.link, { bucket: target.bucket, name: 'target' });
      const got = await os.getBlob('alias');
      assert.ok(got);
      assert.ok(Buffer.from(got).equals(Buffer.from(patternBytes(200_000, 5))));
      assert.equal((await os.info('alias'))?.options?.link?.name, 'target');
    });

    test('watch reports existing objects, new ones and deletions', async () => {
      const os = await objm.create(env.name('watch'));
      await os.putBlob({ name: 'first' }, new TextEncoder().encode('1'));
      const iter = await os.watch({ includeHistory: true });
      const seen: ObjectWatchInfo[] = [];
      const reading = within((async () => {
        for await (const e of iter) {
          if (e === null) continue;
          seen.push(e);
          if (seen.length === 3) break;
        }
      })(), 8000, 'watch entries');
      await waitUntil(() => seen.length >= 1, 'the existing object', 5000, 20);
      await os.putBlob({ name: 'second' }, new TextEncoder().encode('2'));
      await os.delete('first');
      await reading;
      const summary = seen.map((e: ObjectInfo) => [e.name, e.deleted]);
      assert.deepEqual(summary, [['first', false], ['second', false], ['first', true]]);
    });
  });
}

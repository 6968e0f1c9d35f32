// Streams through the official @nats-io/jetstream client: management, publish acks, de-duplication, expectations, limits.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DiscardPolicy, JetStreamApiError, RetentionPolicy, StorageType, type StreamInfo } from '@nats-io/jetstream';
import { JS_SERVERS, JsEnv, connectJs, ns, rejectsApi, sleep, text, waitUntil } from './support.js';

for (const kind of JS_SERVERS) {
  describe(`streams on ${kind}`, () => {
    let env: JsEnv;
    before(async () => { env = await JsEnv.open(kind); });
    after(async () => { await env?.close(); });

    for (const storage of [StorageType.Memory, StorageType.File]) {
      test(`create, info, update, list, names and delete a ${storage} stream`, async () => {
        const { jsm } = env;
        const name = env.name(`MGMT_${storage.toUpperCase()}_`);
        const created = await jsm.streams.add({ name, subjects: [`${name}.>`], storage, description: 'first' });
        assert.equal(created.config.name, name);
        assert.equal(created.config.storage, storage);
        assert.equal(created.config.retention, RetentionPolicy.Limits);
        assert.equal(created.config.max_msgs, -1);
        assert.equal(created.config.duplicate_window, ns(120_000));
        assert.equal(created.state.messages, 0);
        assert.equal(created.state.first_seq, 0);

        // Creating again with the same config is idempotent; with another config it fails (stream name already in use).
        const again = await jsm.streams.add({ name, subjects: [`${name}.>`], storage, description: 'first' });
        assert.equal(again.created, created.created);
        await rejectsApi(jsm.streams.add({ name, subjects: [`${name}.other`], storage }), 10058, 'create with another config');

        await env.js.publish(`${name}.a`, 'one');
        const updated = await jsm.streams.update(name, { subjects: [`${name}.>`, `${name}-extra`], max_msgs: 5, description: 'second' });
        assert.deepEqual(updated.config.subjects, [`${name}.>`, `${name}-extra`]);
        assert.equal(updated.config.max_msgs, 5);
        assert.equal(updated.config.description, 'second');
        assert.equal(updated.state.messages, 1, 'update keeps the messages');
        const ack = await env.js.publish(`${name}-extra`, 'on the new subject');
        assert.equal(ack.stream, name);
        assert.equal(ack.seq, 2);

        // The storage type cannot change (stream configuration update can not change storage type: 10052).
        const other = storage === StorageType.File ? StorageType.Memory : StorageType.File;
        await rejectsApi(jsm.streams.update(name, { storage: other } as never), 10052, 'update storage type');

        const info: StreamInfo = await jsm.streams.info(name);
        assert.equal(info.state.messages, 2);
        assert.equal(info.state.last_seq, 2);
        assert.equal(info.config.max_msgs, 5);

        const names: string[] = [];
        for await (const n of jsm.streams.names()) names.push(n);
        assert.ok(names.includes(name), `names() lists ${name}: ${names.join(',')}`);
        const filtered: string[] = [];
        for await (const n of jsm.streams.names(`${name}-extra`)) filtered.push(n);
        assert.deepEqual(filtered, [name], 'names(subject) finds only the stream with that subject');
        const listed: StreamInfo[] = [];
        for await (const si of jsm.streams.list()) listed.push(si);
        const mine = listed.find((si) => si.config.name === name);
        assert.ok(mine, 'list() includes the stream');
        assert.equal(mine.state.messages, 2);
        assert.equal(await jsm.streams.find(`${name}.zzz`), name);

        assert.equal(await jsm.streams.delete(name), true);
        await assert.rejects(jsm.streams.info(name), (err) => err instanceof JetStreamApiError && err.code === 10059);
        await assert.rejects(jsm.streams.delete(name), (err) => err instanceof JetStreamApiError && err.code === 10059);
        const after: string[] = [];
        for await (const n of jsm.streams.names()) after.push(n);
        assert.ok(!after.includes(name), 'deleted stream is not listed');
      });
    }

    test('a file stream deleted and re-created in the same breath (pipelined requests) works and persists', async () => {
      const name = env.name('RECREATE');
      await env.jsm.streams.add({ name, subjects: [name], storage: StorageType.File });
      await env.js.publish(name, 'old');
      const [deleted, created] = await Promise.all([
        env.jsm.streams.delete(name),
        env.jsm.streams.add({ name, subjects: [name], storage: StorageType.File }),
      ]);
      assert.equal(deleted, true);
      assert.equal(created.state.messages, 0);
      const ack = await env.js.publish(name, 'new');
      assert.equal(ack.seq, 1, 'the new stream starts over');
      assert.equal(text((await env.jsm.streams.getMessage(name, { seq: 1 }))!.data), 'new');
    });

    test('subjects overlapping another stream are refused on create and update', async () => {
      const a = env.name('OVA');
      const b = env.name('OVB');
      await env.jsm.streams.add({ name: a, subjects: [`${a}.>`], storage: StorageType.Memory });
      await rejectsApi(env.jsm.streams.add({ name: b, subjects: [`${a}.x`], storage: StorageType.Memory }), 10065, 'literal inside a wildcard');
      await rejectsApi(env.jsm.streams.add({ name: b, subjects: [`*.x`], storage: StorageType.Memory }), 10065, 'wildcard covering a wildcard');
      await env.jsm.streams.add({ name: b, subjects: [`${b}.>`], storage: StorageType.Memory });
      await rejectsApi(env.jsm.streams.update(b, { subjects: [`${b}.>`, `${a}.y`] }), 10065, 'update onto the other stream');
      assert.deepEqual((await env.jsm.streams.info(b)).config.subjects, [`${b}.>`], 'failed update changed nothing');
    });

    test('publish returns PubAcks; msgID de-duplicates within the duplicate window', async () => {
      const name = env.name('PUB');
      await env.jsm.streams.add({ name, subjects: [`${name}.>`], storage: StorageType.File, duplicate_window: ns(800) });
      const a1 = await env.js.publish(`${name}.a`, 'first');
      assert.deepEqual({ stream: a1.stream, seq: a1.seq, duplicate: a1.duplicate }, { stream: name, seq: 1, duplicate: false });
      const a2 = await env.js.publish(`${name}.a`, 'with id', { msgID: 'id-1' });
      assert.equal(a2.seq, 2);
      assert.equal(a2.duplicate, false);
      const dup = await env.js.publish(`${name}.b`, 'again', { msgID: 'id-1' });
      assert.equal(dup.duplicate, true);
      assert.equal(dup.seq, 2, 'a duplicate reports the sequence of the original');
      const other = await env.js.publish(`${name}.b`, 'other id', { msgID: 'id-2' });
      assert.equal(other.seq, 3);
      assert.equal((await env.jsm.streams.info(name)).state.messages, 3, 'the duplicate was not stored');
      // Past the window the id is forgotten and the message is stored again.
      await sleep(800);
      await waitUntil(async () => !(await env.js.publish(`${name}.c`, 'later', { msgID: 'id-1' })).duplicate, 'msgID forgotten after the window', 5000, 200);
      const stored = await env.jsm.streams.getMessage(name, { last_by_subj: `${name}.c` });
      assert.ok(stored);
      assert.equal(stored.seq, 4);
      assert.equal(stored.header.get('Nats-Msg-Id'), 'id-1');
      // A publish to a subject no stream captures has no responders.
      await assert.rejects(env.js.publish(`nowhere-${name}`, 'x', { retries: 1, timeout: 1000 }));
    });

    test('expected stream, last sequence, last subject sequence and last msg id fail as API errors', async () => {
      const name = env.name('EXP');
      await env.jsm.streams.add({ name, subjects: [`${name}.>`], storage: StorageType.Memory });
      const { js } = env;
      assert.equal((await js.publish(`${name}.a`, 'x', { expect: { streamName: name } })).seq, 1);
      const wrongStream = await rejectsApi(js.publish(`${name}.a`, 'x', { expect: { streamName: 'OTHER' } }), 10060, 'expected stream');
      assert.equal(wrongStream.status, 400);
      assert.equal((await js.publish(`${name}.a`, 'x', { expect: { lastSequence: 1 } })).seq, 2);
      const wrongLast = await rejectsApi(js.publish(`${name}.a`, 'x', { expect: { lastSequence: 1 } }), 10071, 'expected last sequence');
      assert.match(wrongLast.message, /wrong last sequence: 2/);
      assert.equal((await js.publish(`${name}.b`, 'x', { expect: { lastSubjectSequence: 0 } })).seq, 3);
      await rejectsApi(js.publish(`${name}.b`, 'x', { expect: { lastSubjectSequence: 0 } }), 10071, 'expected last subject sequence 0');
      await rejectsApi(js.publish(`${name}.b`, 'x', { expect: { lastSubjectSequence: 2 } }), 10071, 'expected last subject sequence of another subject');
      assert.equal((await js.publish(`${name}.b`, 'x', { expect: { lastSubjectSequence: 3 } })).seq, 4);
      await js.publish(`${name}.a`, 'x', { msgID: 'm1' });
      assert.equal((await js.publish(`${name}.a`, 'x', { msgID: 'm2', expect: { lastMsgID: 'm1' } })).seq, 6);
      const wrongId = await rejectsApi(js.publish(`${name}.a`, 'x', { expect: { lastMsgID: 'm1' } }), 10070, 'expected last msg id');
      assert.match(wrongId.message, /m2/);
      assert.equal((await env.jsm.streams.info(name)).state.messages, 6, 'failed expectations stored nothing');
    });

    for (const storage of [StorageType.Memory, StorageType.File]) {
      test(`limits on a ${storage} stream: max_msgs, max_bytes, max_msgs_per_subject drop the oldest`, async () => {
        const { js, jsm } = env;
        const byCount = env.name('LIMN');
        await jsm.streams.add({ name: byCount, subjects: [`${byCount}.>`], storage, max_msgs: 3 });
        for (let i = 1; i <= 5; i++) await js.publish(`${byCount}.a`, `m${i}`);
        let info = await jsm.streams.info(byCount);
        assert.deepEqual([info.state.messages, info.state.first_seq, info.state.last_seq], [3, 3, 5]);
        assert.equal(await jsm.streams.getMessage(byCount, { seq: 2 }), null, 'seq 2 was dropped');
        assert.equal(text((await jsm.streams.getMessage(byCount, { seq: 3 }))!.data), 'm3');

        const byBytes = env.name('LIMB');
        await jsm.streams.add({ name: byBytes, subjects: [byBytes], storage, max_bytes: 400 });
        for (let i = 1; i <= 20; i++) await js.publish(byBytes, new Uint8Array(50).fill(i));
        info = await jsm.streams.info(byBytes);
        assert.ok(info.state.bytes <= 400, `bytes ${info.state.bytes} within max_bytes`);
        assert.ok(info.state.messages > 0 && info.state.messages < 20, `some dropped: ${info.state.messages}`);
        assert.equal(info.state.last_seq, 20);
        assert.equal(info.state.first_seq, 20 - info.state.messages + 1, 'the oldest were dropped');

        const perSubject = env.name('LIMS');
        await jsm.streams.add({ name: perSubject, subjects: [`${perSubject}.*`], storage, max_msgs_per_subject: 2 });
        for (let i = 1; i <= 4; i++) await js.publish(`${perSubject}.a`, `a${i}`);
        await js.publish(`${perSubject}.b`, 'b1');
        info = await jsm.streams.info(perSubject, { subjects_filter: '>' });
        assert.equal(info.state.messages, 3);
        assert.deepEqual(info.state.subjects, { [`${perSubject}.a`]: 2, [`${perSubject}.b`]: 1 });
        assert.equal(text((await jsm.streams.getMessage(perSubject, { last_by_subj: `${perSubject}.a` }))!.data), 'a4');
        assert.equal(await jsm.streams.getMessage(perSubject, { seq: 2 }), null);
      });
    }

    test('discard new refuses publishes past max_msgs, max_msgs_per_subject and (file) max_bytes', async () => {
      const { js, jsm } = env;
      const name = env.name('DN');
      await jsm.streams.add({ name, subjects: [`${name}.>`], storage: StorageType.Memory, max_msgs: 2, discard: DiscardPolicy.New });
      await js.publish(`${name}.a`, '1');
      await js.publish(`${name}.a`, '2');
      const full = await rejectsApi(js.publish(`${name}.a`, '3'), 10077, 'max_msgs with discard new');
      assert.match(full.message, /maximum messages exceeded/);
      assert.equal(full.status, 503);
      assert.equal((await jsm.streams.info(name)).state.last_seq, 2);

      const ps = env.name('DNPS');
      await jsm.streams.add({ name: ps, subjects: [`${ps}.>`], storage: StorageType.Memory, max_msgs_per_subject: 1, discard: DiscardPolicy.New, discard_new_per_subject: true });
      await js.publish(`${ps}.a`, '1');
      await js.publish(`${ps}.b`, '1');
      const perSubject = await rejectsApi(js.publish(`${ps}.a`, '2'), 10077, 'max_msgs_per_subject with discard new per subject');
      assert.match(perSubject.message, /maximum messages per subject exceeded/);

      const bytes = env.name('DNB');
      await jsm.streams.add({ name: bytes, subjects: [bytes], storage: StorageType.File, max_bytes: 40, discard: DiscardPolicy.New });
      assert.equal((await js.publish(bytes, 'x')).seq, 1);
      const tooBig = await rejectsApi(js.publish(bytes, 'y'.repeat(20)), 10077, 'max_bytes with discard new (file)');
      assert.match(tooBig.message, /maximum bytes exceeded/);
      assert.equal((await jsm.streams.info(bytes)).state.messages, 1);
    });

    test('max_msg_size refuses larger messages', async () => {
      const name = env.name('MSZ');
      await env.jsm.streams.add({ name, subjects: [name], storage: StorageType.Memory, max_msg_size: 10 });
      assert.equal((await env.js.publish(name, '0123456789')).seq, 1);
      const err = await rejectsApi(env.js.publish(name, '0123456789A'), 10054, 'max_msg_size');
      assert.match(err.message, /message size exceeds maximum/);
      assert.equal((await env.jsm.streams.info(name)).state.messages, 1);
    });

    test('a file stream keeps its config, messages, sequences and msg ids across a restart (SIGTERM, same store)', async () => {
      const own = await JsEnv.open(kind);
      try {
        const name = own.name('KEEP');
        await own.jsm.streams.add({ name, subjects: [`${name}.>`], storage: StorageType.File, max_msgs_per_subject: 3, description: 'kept' });
        for (let i = 1; i <= 10; i++) await own.js.publish(`${name}.${i % 2}`, `m${i}`, { msgID: `id-${i}` });
        await own.jsm.streams.deleteMessage(name, 9);
        await own.nc.close();
        await own.server.restart('SIGTERM');
        own.client = await connectJs(own.server.url);
        const info = await own.jsm.streams.info(name);
        assert.equal(info.config.description, 'kept');
        assert.equal(info.config.max_msgs_per_subject, 3);
        assert.deepEqual([info.state.messages, info.state.first_seq, info.state.last_seq], [5, 5, 10]);
        assert.equal(text((await own.jsm.streams.getMessage(name, { seq: 10 }))!.data), 'm10');
        // The last msg id and the msg ids within the duplicate window are rebuilt from the stored messages.
        assert.equal(await own.jsm.streams.getMessage(name, { seq: 9 }), null, 'the deleted message stays deleted');
        await own.js.publish(`${name}.0`, 'm11', { expect: { lastMsgID: 'id-10' } });
        const dup = await own.js.publish(`${name}.0`, 'again', { msgID: 'id-10' });
        assert.deepEqual([dup.duplicate, dup.seq], [true, 10], 'msg ids within the duplicate window are remembered across the restart');
        assert.equal((await own.js.publish(`${name}.x`, 'next')).seq, 12);
      } finally {
        await own.close();
      }
    });

    for (const storage of [StorageType.Memory, StorageType.File]) {
      test(`max_age expires messages (${storage})`, async () => {
        const name = env.name('AGE');
        await env.jsm.streams.add({ name, subjects: [name], storage, max_age: ns(700), duplicate_window: ns(700) });
        for (let i = 0; i < 3; i++) await env.js.publish(name, `m${i}`);
        assert.equal((await env.jsm.streams.info(name)).state.messages, 3, 'stored before they age');
        await waitUntil(async () => (await env.jsm.streams.info(name)).state.messages === 0, 'messages to expire', 6000, 100);
        const info = await env.jsm.streams.info(name);
        assert.equal(info.state.last_seq, 3, 'expiry keeps the last sequence');
        assert.equal((await env.js.publish(name, 'new')).seq, 4);
      });
    }
  });
}

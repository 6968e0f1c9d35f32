// Stream backup and restore through STREAM.SNAPSHOT / STREAM.RESTORE, driven with raw requests as the nats CLI does.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect, createInbox, headers, type NatsConnection } from '@nats-io/transport-node';
import { startServer, type RunningServer } from '../../helpers/server-process.js';

const enc = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const dec = (data: Uint8Array) => JSON.parse(new TextDecoder().decode(data)) as Record<string, any>;

async function api(nc: NatsConnection, subject: string, body?: unknown): Promise<Record<string, any>> {
  const reply = await nc.request(`$JS.API.${subject}`, body === undefined ? new Uint8Array(0) : enc(body), { timeout: 5000 });
  return dec(reply.data);
}

/** Requests a snapshot and collects its chunks, acknowledging each one, until the empty end marker. */
async function takeSnapshot(nc: NatsConnection, stream: string): Promise<{ info: Record<string, any>; chunks: Uint8Array[] }> {
  const inbox = createInbox();
  const chunks: Uint8Array[] = [];
  const done = new Promise<void>((resolve) => {
    nc.subscribe(inbox, {
      callback: (_err, msg) => {
        if (msg.data.length === 0) return resolve();
        chunks.push(msg.data);
        if (msg.reply) nc.publish(msg.reply);
      },
    });
  });
  await nc.flush();
  const info = await api(nc, `STREAM.SNAPSHOT.${stream}`, { deliver_subject: inbox, chunk_size: 4096 });
  await done;
  return { info, chunks };
}

async function restore(nc: NatsConnection, stream: string, chunks: Uint8Array[]): Promise<Record<string, any>> {
  const start = await api(nc, `STREAM.RESTORE.${stream}`, {});
  assert.match(start.deliver_subject, new RegExp(`^\\$JS\\.SNAPSHOT\\.RESTORE\\.${stream}\\.`));
  for (const chunk of chunks) {
    const ack = await nc.request(start.deliver_subject, chunk, { timeout: 5000 });
    assert.equal(ack.data.length, 0);
  }
  const final = await nc.request(start.deliver_subject, new Uint8Array(0), { timeout: 10000 });
  return dec(final.data);
}

describe('jetstream - stream snapshot and restore', () => {
  let server: RunningServer;
  let nc: NatsConnection;
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natrium-backup-'));
    server = await startServer('natrium', ['-js', '-sd', dir]);
    nc = await connect({ servers: server.url });
  });
  after(async () => {
    await nc?.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a backed-up file stream comes back with the same messages, sequences and headers', async () => {
    const created = await api(nc, 'STREAM.CREATE.BK', { name: 'BK', subjects: ['bk.>'], storage: 'file' });
    assert.equal(created.error, undefined);
    for (let i = 1; i <= 2000; i++) {
      const h = headers();
      h.set('X-Index', String(i));
      await nc.request(`bk.${i % 7}`, `message ${i} ${'x'.repeat(i % 50)}`, { headers: h, timeout: 5000 });
    }
    await api(nc, 'STREAM.MSG.DELETE.BK', { seq: 10 });
    const { info, chunks } = await takeSnapshot(nc, 'BK');
    assert.equal(info.config.name, 'BK');
    assert.equal(info.state.messages, 1999);
    assert.ok(chunks.length > 1, `several chunks (${chunks.length})`);

    assert.equal((await api(nc, 'STREAM.DELETE.BK')).success, true);
    const restored = await restore(nc, 'BK', chunks);
    assert.equal(restored.error, undefined, JSON.stringify(restored.error));
    assert.equal(restored.state.messages, 1999);
    assert.equal(restored.state.first_seq, 1);
    assert.equal(restored.state.last_seq, 2000);

    for (const seq of [1, 9, 11, 777, 2000]) {
      const got = await api(nc, 'STREAM.MSG.GET.BK', { seq });
      assert.equal(got.message.seq, seq);
      assert.equal(got.message.subject, `bk.${seq % 7}`);
      assert.match(Buffer.from(got.message.data, 'base64').toString(), new RegExp(`^message ${seq} `));
      assert.match(Buffer.from(got.message.hdrs, 'base64').toString(), new RegExp(`X-Index: ${seq}\\r\\n`));
    }
    assert.equal((await api(nc, 'STREAM.MSG.GET.BK', { seq: 10 })).error.err_code, 10037);
    // The restored stream keeps capturing where it left off.
    const ack = dec((await nc.request('bk.1', 'after', { timeout: 5000 })).data);
    assert.equal(ack.seq, 2001);
  });

  it('refuses to restore over an existing stream, and a corrupt archive', async () => {
    await api(nc, 'STREAM.CREATE.EX', { name: 'EX', subjects: ['ex'], storage: 'memory' });
    assert.equal((await api(nc, 'STREAM.RESTORE.EX', {})).error.err_code, 10130);
    const bad = await restore(nc, 'NEW', [new TextEncoder().encode('not a snapshot at all')]);
    assert.equal(bad.error.err_code, 10062);
    assert.equal((await api(nc, 'STREAM.INFO.NEW')).error.err_code, 10059);
  });

  it('answers snapshot requests with errors for a missing stream or subject', async () => {
    assert.equal((await api(nc, 'STREAM.SNAPSHOT.NOPE', { deliver_subject: 'x' })).error.err_code, 10059);
    assert.equal((await api(nc, 'STREAM.SNAPSHOT.EX', { deliver_subject: '' })).error.err_code, 10015);
    assert.equal((await api(nc, 'STREAM.SNAPSHOT.EX')).error.err_code, 10003);
  });
});

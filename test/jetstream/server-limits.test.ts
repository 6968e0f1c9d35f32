// JetStream server limits: max_memory_store and max_file_store refuse streams and messages past them.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { freePort, startServer, type RunningServer } from '../helpers/server-process.js';

const json = (data: Uint8Array) => JSON.parse(new TextDecoder().decode(data)) as Record<string, any>;

describe('jetstream - max_memory_store and max_file_store', () => {
  let server: RunningServer;
  let nc: NatsConnection;
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natrium-js-limits-'));
    const port = await freePort();
    const conf = path.join(dir, 'server.conf');
    fs.writeFileSync(conf, `host: 127.0.0.1\nport: ${port}\njetstream {\n  store_dir: "${dir}/store"\n  max_memory_store: 4KB\n  max_file_store: 8KB\n}\n`);
    server = await startServer('natrium', ['-c', conf], { port });
    nc = await connect({ servers: server.url });
  });
  after(async () => {
    await nc?.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const api = async (subject: string, body: unknown) => json((await nc.request(`$JS.API.${subject}`, JSON.stringify(body), { timeout: 5000 })).data);

  it('refuses a stream whose max_bytes is more than the server allows', async () => {
    assert.equal((await api('STREAM.CREATE.BIG', { name: 'BIG', storage: 'memory', max_bytes: 1_000_000 })).error.err_code, 10028);
    assert.equal((await api('STREAM.CREATE.BIGF', { name: 'BIGF', storage: 'file', max_bytes: 1_000_000 })).error.err_code, 10047);
  });

  it('refuses messages once the account would pass the limit, and takes them again after a purge', async () => {
    assert.equal((await api('STREAM.CREATE.M', { name: 'M', subjects: ['m'], storage: 'memory' })).error, undefined);
    const payload = 'x'.repeat(200);
    let stored = 0;
    let refusal: Record<string, any> | undefined;
    for (let i = 0; i < 100 && refusal === undefined; i++) {
      const ack = json((await nc.request('m', payload, { timeout: 5000 })).data);
      if (ack.error) refusal = ack;
      else stored++;
    }
    assert.ok(refusal, 'a publish was refused');
    assert.equal(refusal!.error.err_code, 10028);
    assert.ok(stored >= 15 && stored <= 20, `about 4 KB stored (${stored} messages of ~217 bytes)`);
    await api('STREAM.PURGE.M', {});
    assert.equal(json((await nc.request('m', payload, { timeout: 5000 })).data).seq, stored + 1);
  });
});

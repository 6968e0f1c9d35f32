// JetStream per account: each account with JetStream has its own streams and limits; others cannot see them.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { freePort, startServer, type RunningServer } from '../helpers/server-process.js';

const json = (data: Uint8Array) => JSON.parse(new TextDecoder().decode(data)) as Record<string, any>;

describe('jetstream - accounts', () => {
  let server: RunningServer;
  let dir: string;
  const connections: NatsConnection[] = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natrium-js-accounts-'));
    const port = await freePort();
    const conf = path.join(dir, 'server.conf');
    fs.writeFileSync(conf, `host: 127.0.0.1
port: ${port}
jetstream { store_dir: "${dir}/store" }
accounts {
  A: { jetstream: enabled, users: [ { user: a, password: a } ] }
  B: { jetstream: { max_streams: 1, max_consumers: 1 }, users: [ { user: b, password: b } ] }
  C: { users: [ { user: c, password: c } ] }
}
`);
    server = await startServer('natrium', ['-c', conf], { port });
  });
  after(async () => {
    await Promise.all(connections.map((nc) => nc.close()));
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const as = async (user: string) => {
    const nc = await connect({ servers: server.url, user, pass: user });
    connections.push(nc);
    return async (subject: string, body: unknown = {}) => json((await nc.request(`$JS.API.${subject}`, JSON.stringify(body), { timeout: 3000 })).data);
  };

  it('a stream created in one account is invisible in another', async () => {
    const a = await as('a');
    const b = await as('b');
    assert.equal((await a('STREAM.CREATE.ORDERS', { name: 'ORDERS', subjects: ['orders.>'], storage: 'file' })).error, undefined);
    assert.deepEqual((await a('STREAM.NAMES')).streams, ['ORDERS']);
    assert.equal((await b('STREAM.NAMES')).streams, null);
    assert.equal((await b('STREAM.INFO.ORDERS')).error.err_code, 10059);
    // The same name and subjects are free in B: different namespaces.
    assert.equal((await b('STREAM.CREATE.ORDERS', { name: 'ORDERS', subjects: ['orders.>'], storage: 'memory' })).error, undefined);
    assert.ok(fs.existsSync(path.join(dir, 'store', 'jetstream', 'A', 'streams', 'ORDERS')), 'A keeps its files in its own folder');
  });

  it('account limits apply: max_streams and max_consumers', async () => {
    const b = await as('b');
    assert.equal((await b('STREAM.CREATE.SECOND', { name: 'SECOND', subjects: ['second'], storage: 'memory' })).error.err_code, 10027);
    const info = await b('INFO');
    assert.equal(info.limits.max_streams, 1);
    assert.equal((await b('CONSUMER.DURABLE.CREATE.ORDERS.D1', { stream_name: 'ORDERS', config: { durable_name: 'D1', ack_policy: 'explicit' } })).error, undefined);
    assert.equal((await b('CONSUMER.DURABLE.CREATE.ORDERS.D2', { stream_name: 'ORDERS', config: { durable_name: 'D2', ack_policy: 'explicit' } })).error.err_code, 10026);
  });

  it('an account without JetStream is told so by the API (10039), as by nats-server', async () => {
    const c = await as('c');
    assert.deepEqual(await c('INFO'), { type: 'io.nats.jetstream.api.v1.account_info_response', error: { code: 503, err_code: 10039, description: 'JetStream not enabled for account' } });
    assert.equal((await c('CONSUMER.INFO.S.C')).type, 'io.nats.jetstream.api.v1.consumer_info_response');
  });
});

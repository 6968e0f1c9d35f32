// JetStream in operator mode: account JWTs with JetStream limits get their own streams; accounts without get none — same as nats-server.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount, createOperator, createUser, type KeyPair } from '@nats-io/nkeys';
import { jwtAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { SERVERS, accountJwt, mustConnect, operatorJwt, skipFor, startConf, userJwt, type ConfServer } from './support.js';

const operator = createOperator();
const sysAccount = createAccount();
const withJs = createAccount();
const tiered = createAccount();
const withoutJs = createAccount();
const UNLIMITED = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };

const JWTS = {
  sys: accountJwt(sysAccount, operator, 'SYS'),
  withJs: accountJwt(withJs, operator, 'JS', { limits: { ...UNLIMITED, mem_storage: -1, disk_storage: 1024 * 1024, streams: 2, consumer: -1 } }),
  tiered: accountJwt(tiered, operator, 'TIERED', { limits: { ...UNLIMITED, tiered_limits: { R1: { mem_storage: -1, disk_storage: -1, streams: 1, consumer: 1 } } } }),
  withoutJs: accountJwt(withoutJs, operator, 'NOJS'),
};

function config(dir: string): string {
  return [
    `operator: ${operatorJwt(operator)}`,
    `system_account: ${sysAccount.getPublicKey()}`,
    `jetstream { store_dir: "${dir}/js" }`,
    'resolver: MEMORY',
    'resolver_preload: {',
    `  ${sysAccount.getPublicKey()}: ${JWTS.sys}`,
    `  ${withJs.getPublicKey()}: ${JWTS.withJs}`,
    `  ${tiered.getPublicKey()}: ${JWTS.tiered}`,
    `  ${withoutJs.getPublicKey()}: ${JWTS.withoutJs}`,
    '}',
  ].join('\n');
}

async function connectAs(s: ConfServer, account: KeyPair): Promise<NatsConnection> {
  const user = createUser();
  const jwt = userJwt(user, account, { pub: {}, sub: {} });
  return mustConnect(s.url, { authenticator: jwtAuthenticator(jwt, user.getSeed()) });
}

async function api(nc: NatsConnection, subject: string, body: unknown = ''): Promise<Record<string, unknown>> {
  const reply = await nc.request(`$JS.API.${subject}`, typeof body === 'string' ? body : JSON.stringify(body), { timeout: 3000 });
  return reply.json<Record<string, unknown>>();
}

const errCode = (response: Record<string, unknown>) => (response['error'] as { err_code?: number } | undefined)?.err_code;

for (const kind of SERVERS) {
  describe(`JetStream in JWT accounts (${kind})`, { skip: skipFor(kind) }, () => {
    let s: ConfServer;
    before(async () => { s = await startConf(kind, config); });
    after(async () => { await s?.stop(); });

    it('an account whose JWT gives storage has JetStream with those limits', async () => {
      const nc = await connectAs(s, withJs);
      try {
        const info = await api(nc, 'INFO');
        assert.equal(info['type'], 'io.nats.jetstream.api.v1.account_info_response');
        const limits = info['limits'] as Record<string, unknown>;
        assert.equal(limits['max_storage'], 1024 * 1024);
        assert.equal(limits['max_streams'], 2);
        for (const name of ['A1', 'A2']) {
          const created = await api(nc, `STREAM.CREATE.${name}`, { name, subjects: [`${name.toLowerCase()}.>`], storage: 'file' });
          assert.equal(errCode(created), undefined, JSON.stringify(created));
        }
        const third = await api(nc, 'STREAM.CREATE.A3', { name: 'A3', subjects: ['a3.>'] });
        assert.equal(errCode(third), 10027, JSON.stringify(third)); // maximum number of streams reached
      } finally {
        await nc.close();
      }
    });

    it('tiered R1 limits enable JetStream too', async () => {
      const nc = await connectAs(s, tiered);
      try {
        const created = await api(nc, 'STREAM.CREATE.T1', { name: 'T1', subjects: ['t.>'], storage: 'memory', num_replicas: 1 });
        assert.equal(errCode(created), undefined, JSON.stringify(created));
        const second = await api(nc, 'STREAM.CREATE.T2', { name: 'T2', subjects: ['t2.>'], storage: 'memory', num_replicas: 1 });
        assert.equal(errCode(second), 10027, JSON.stringify(second));
      } finally {
        await nc.close();
      }
    });

    it('streams are per account: another JetStream account does not see them', async () => {
      const a = await connectAs(s, withJs);
      const t = await connectAs(s, tiered);
      try {
        const namesA = (await api(a, 'STREAM.NAMES'))['streams'] as string[];
        const namesT = (await api(t, 'STREAM.NAMES'))['streams'] as string[];
        assert.deepEqual([...namesA].sort(), ['A1', 'A2']);
        assert.deepEqual(namesT, ['T1']);
        assert.equal(errCode(await api(t, 'STREAM.INFO.A1')), 10059); // stream not found
      } finally {
        await a.close();
        await t.close();
      }
    });

    it('an account without JetStream limits gets no JetStream', async () => {
      const nc = await connectAs(s, withoutJs);
      try {
        const info = await api(nc, 'INFO');
        assert.deepEqual(info, { type: 'io.nats.jetstream.api.v1.account_info_response', error: { code: 503, err_code: 10039, description: 'JetStream not enabled for account' } });
        const create = await api(nc, 'STREAM.CREATE.X', { name: 'X' });
        assert.equal(create['type'], 'io.nats.jetstream.api.v1.stream_create_response');
        assert.equal(errCode(create), 10039);
      } finally {
        await nc.close();
      }
    });
  });
}

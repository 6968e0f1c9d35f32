// /jsz and /healthz with JetStream off (compared with nats-server 2.9.10), and /healthz when a stream failed to load.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, startServer } from '../helpers/server-process.js';
import { deterministic, get, getJson, runScenario, shapeOf, startMonitored, type MonitoredServer } from './monitor-pair.js';

describe('monitoring - JetStream off', () => {
  let nats: MonitoredServer;
  let natrium: MonitoredServer;

  before(async () => {
    [nats, natrium] = await Promise.all([startMonitored('nats', false), startMonitored('natrium', false)]);
  });
  after(async () => {
    await Promise.all([nats?.stop(), natrium?.stop()]);
  });

  for (const query of ['', '?accounts=true&streams=true&consumers=true&config=true']) {
    it(`/jsz${query}: disabled, with nats-server's zeros`, async () => {
      const [expected, actual] = await Promise.all([getJson(`${nats.monitorUrl}/jsz${query}`), getJson(`${natrium.monitorUrl}/jsz${query}`)]);
      assert.deepEqual(shapeOf(actual), shapeOf(expected));
      assert.deepEqual(deterministic(actual), deterministic(expected));
      assert.equal(actual.disabled, true);
      assert.equal(actual.account_details, undefined);
    });
  }

  for (const query of ['', '?js-enabled-only=true', '?js-server-only=true', '?js-enabled=true', '?js-meta-only=true']) {
    it(`/healthz${query}: ok, as nats-server`, async () => {
      const [expected, actual] = await Promise.all([get(`${nats.monitorUrl}/healthz${query}`), get(`${natrium.monitorUrl}/healthz${query}`)]);
      assert.equal(actual.status, expected.status);
      assert.equal(actual.text, expected.text);
      assert.equal(actual.status, 200);
    });
  }
});

describe('monitoring - /healthz with a stream that failed to load (nats-server 2.10 behaviour)', () => {
  let storeDir: string;
  let monitorUrl: string;
  let stop: () => Promise<unknown>;

  before(async () => {
    // A file stream made by a first run, whose metadata is then damaged before a second run.
    const first = await startMonitored('natrium');
    storeDir = first.storeDir;
    await runScenario(first.server.url);
    await first.server.stop();
    fs.writeFileSync(path.join(storeDir, 'jetstream', '$G', 'streams', 'ORDERS', 'meta.json'), '{ not json');
    const monitorPort = await freePort();
    const second = await startServer('natrium', ['-m', String(monitorPort), '-sd', storeDir]);
    monitorUrl = `http://127.0.0.1:${monitorPort}`;
    stop = () => second.stop();
  });
  after(async () => {
    await stop?.();
    fs.rmSync(storeDir, { recursive: true, force: true });
  });

  it('answers 503 with the first problem', async () => {
    const answer = await get(`${monitorUrl}/healthz`);
    assert.equal(answer.status, 503);
    assert.equal(answer.contentType, 'application/json');
    assert.deepEqual(JSON.parse(answer.text), { status: 'unavailable', error: "JetStream stream '$G > ORDERS' could not be recovered" });
  });

  it('lists every problem with details=true', async () => {
    const answer = await get(`${monitorUrl}/healthz?details=true`);
    assert.equal(answer.status, 503);
    assert.deepEqual(JSON.parse(answer.text), {
      status: 'unavailable',
      status_code: 503,
      errors: [{ type: 'STREAM', account: '$G', stream: 'ORDERS', error: "JetStream stream '$G > ORDERS' could not be recovered" }],
    });
  });

  it('js-meta-only (2.10) checks as much as a plain /healthz: without clustering there is no meta layer to stop at', async () => {
    const answer = await get(`${monitorUrl}/healthz?js-meta-only=true`);
    assert.equal(answer.status, 503);
    assert.deepEqual(JSON.parse(answer.text), { status: 'unavailable', error: "JetStream stream '$G > ORDERS' could not be recovered" });
  });

  it('is healthy when only the server (js-server-only) or JetStream being on (js-enabled-only) is asked about', async () => {
    for (const query of ['?js-server-only=true', '?js-enabled-only=true', '?js-enabled=true', '?stream=OTHER']) {
      const answer = await get(`${monitorUrl}/healthz${query}`);
      assert.equal(answer.status, 200, query);
      assert.equal(answer.text, '{"status":"ok"}', query);
    }
  });

  it('does not count the stream that failed in /jsz (the memory stream did not survive the restart either)', async () => {
    const jsz = await getJson(`${monitorUrl}/jsz?streams=true`);
    assert.equal(jsz.streams, 0);
    assert.equal(jsz.account_details[0].name, '$G');
    assert.equal(jsz.account_details[0].stream_detail, undefined);
  });
});

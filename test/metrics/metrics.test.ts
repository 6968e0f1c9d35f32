// /metrics: a valid Prometheus 0.0.4 exposition whose counters follow real traffic from the official clients.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { freePort, startServer, type RunningServer } from '../helpers/server-process.js';
import { parsePrometheusText, sampleValue, type PrometheusFamily } from '../helpers/prometheus-parser.js';

describe('metrics - /metrics', () => {
  let server: RunningServer;
  let dir: string;
  let metricsUrl: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natrium-metrics-'));
    const port = await freePort();
    const monitorPort = await freePort();
    const conf = path.join(dir, 'server.conf');
    fs.writeFileSync(conf, [
      'host: 127.0.0.1', `port: ${port}`, `http: "127.0.0.1:${monitorPort}"`, `jetstream { store_dir: "${dir}/store" }`,
      'accounts {', '  APP: { jetstream: enabled, users: [ { user: app, password: app } ] }', '}',
      '',
    ].join('\n'));
    server = await startServer('natrium', ['-c', conf], { port });
    metricsUrl = `http://127.0.0.1:${monitorPort}/metrics`;
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function scrape(): Promise<Map<string, PrometheusFamily>> {
    const response = await fetch(metricsUrl);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    return parsePrometheusText(await response.text());
  }

  /** Scrapes again until `ready` holds (the server's view catching up with the client's), at most 200 times. */
  async function scrapeUntil(ready: (families: Map<string, PrometheusFamily>) => boolean): Promise<Map<string, PrometheusFamily>> {
    for (let attempt = 0; attempt < 200; attempt++) {
      const families = await scrape();
      if (ready(families)) return families;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error('the server never reached the expected state');
  }

  it('parses strictly, with HELP and TYPE for every family and _total on every counter', async () => {
    const families = await scrape();
    for (const family of families.values()) {
      assert.ok(family.help && family.help.length > 0, `${family.name} has HELP`);
      assert.ok(family.type === 'counter' || family.type === 'gauge', `${family.name} is typed`);
      assert.equal(family.type === 'counter', family.name.endsWith('_total'), family.name);
      assert.ok(family.name.startsWith('natrium_') || family.name.startsWith('process_'), family.name);
    }
    for (const name of ['process_resident_memory_bytes', 'process_cpu_seconds_total', 'process_start_time_seconds', 'natrium_event_loop_lag_max_seconds']) {
      assert.ok(families.has(name), name);
    }
    assert.ok(sampleValue(families, 'process_resident_memory_bytes') > 1_000_000);
    assert.ok(Math.abs(sampleValue(families, 'process_start_time_seconds') - Date.now() / 1000) < 3600);
    assert.equal(families.get('natrium_event_loop_lag_seconds')?.samples.length, 3);
    assert.equal(sampleValue(families, 'natrium_jetstream_enabled'), 1);
  });

  it('escapes label values: a stream named we"ird is read back exactly', async () => {
    const nc = await connect({ servers: server.url, user: 'app', pass: 'app' });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'we"ird', subjects: ['weird'], storage: 'memory' as never });
    await jetstream(nc).publish('weird', 'x');
    await nc.close();
    const families = await scrape();
    assert.equal(sampleValue(families, 'natrium_jetstream_stream_messages', { account: 'APP', stream: 'we"ird' }), 1);
  });

  it('counts connections, subscriptions, messages and bytes as traffic flows, per account too', async () => {
    const before = await scrape();
    const nc = await connect({ servers: server.url, user: 'app', pass: 'app' });
    const sub = nc.subscribe('metrics.test', { max: 10 });
    const received = (async () => { let n = 0; for await (const _ of sub) n++; return n; })();
    await nc.flush();
    const during = await scrape();
    assert.equal(sampleValue(during, 'natrium_connections') - sampleValue(before, 'natrium_connections'), 1);
    assert.equal(sampleValue(during, 'natrium_account_connections', { account: 'APP' }), 1);
    assert.equal(sampleValue(during, 'natrium_account_subscriptions', { account: 'APP' }) - sampleValue(before, 'natrium_account_subscriptions', { account: 'APP' }), 1);
    for (let i = 0; i < 10; i++) nc.publish('metrics.test', 'x'.repeat(100));
    assert.equal(await received, 10);
    await nc.close();
    // The client's close resolves before the server has seen the socket end: wait for the server to see it.
    const afterwards = await scrapeUntil((families) => sampleValue(families, 'natrium_connections') === sampleValue(before, 'natrium_connections'));
    const delta = (name: string, labels: Record<string, string> = {}) => sampleValue(afterwards, name, labels) - sampleValue(before, name, labels);
    assert.equal(delta('natrium_connections_total'), 1);
    assert.equal(delta('natrium_connections'), 0);
    assert.equal(delta('natrium_in_messages_total'), 10);
    assert.equal(delta('natrium_in_bytes_total'), 1000);
    assert.equal(delta('natrium_out_messages_total'), 10);
    assert.equal(delta('natrium_out_bytes_total'), 1000);
    // The connection is closed: its traffic stays in the account's counters (they only grow).
    assert.equal(delta('natrium_account_in_messages_total', { account: 'APP' }), 10);
    assert.equal(delta('natrium_account_out_bytes_total', { account: 'APP' }), 1000);
    assert.equal(delta('natrium_account_in_messages_total', { account: '$G' }), 0);
    assert.equal(delta('natrium_slow_consumers_total'), 0);
  });

  it('reports JetStream streams, consumers, stored messages and API requests by account and stream', async () => {
    const before = await scrape();
    const nc = await connect({ servers: server.url, user: 'app', pass: 'app' });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'EVENTS', subjects: ['events.>'] });
    await jsm.consumers.add('EVENTS', { durable_name: 'worker', ack_policy: 'explicit' as never });
    const js = jetstream(nc);
    for (let i = 0; i < 5; i++) await js.publish(`events.${i}`, 'payload');
    await jsm.streams.info('MISSING').catch(() => undefined);
    await nc.close();
    const families = await scrape();
    const stream = { account: 'APP', stream: 'EVENTS' };
    assert.equal(sampleValue(families, 'natrium_jetstream_stream_messages', stream), 5);
    assert.ok(sampleValue(families, 'natrium_jetstream_stream_bytes', stream) > 5 * 'payload'.length);
    assert.equal(sampleValue(families, 'natrium_jetstream_stream_consumers', stream), 1);
    assert.equal(sampleValue(families, 'natrium_jetstream_streams', { account: 'APP' }) - sampleValue(before, 'natrium_jetstream_streams', { account: 'APP' }), 1);
    assert.equal(sampleValue(families, 'natrium_jetstream_consumers', { account: 'APP' }), 1);
    assert.equal(sampleValue(families, 'natrium_jetstream_storage_bytes', { account: 'APP' }), sampleValue(families, 'natrium_jetstream_stream_bytes', stream), 'EVENTS is the only file stream');
    const apiDelta = (name: string) => sampleValue(families, name, { account: 'APP' }) - sampleValue(before, name, { account: 'APP' });
    // INFO, stream create, consumer create, info of the missing stream.
    assert.equal(apiDelta('natrium_jetstream_api_requests_total'), 4);
    assert.equal(apiDelta('natrium_jetstream_api_errors_total'), 1);
    assert.equal(sampleValue(families, 'natrium_jetstream_streams', { account: '$G' }), 0);
  });
});

describe('metrics - /metrics with JetStream off', () => {
  it('has no JetStream series but the rest', async () => {
    const monitorPort = await freePort();
    const server = await startServer('natrium', ['--no_js', '-m', String(monitorPort)]);
    try {
      const families = parsePrometheusText(await (await fetch(`http://127.0.0.1:${monitorPort}/metrics`)).text());
      assert.equal(sampleValue(families, 'natrium_jetstream_enabled'), 0);
      assert.equal(families.has('natrium_jetstream_streams'), false);
      assert.equal(sampleValue(families, 'natrium_connections'), 0);
    } finally {
      await server.stop();
    }
  });
});

// Test fixture: nats-server 2.9.10 and Natrium side by side with monitoring ports, the same JetStream scenario on both, and JSON comparison helpers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { freePort, startServer, type RunningServer, type ServerKind } from '../helpers/server-process.js';

export interface MonitoredServer {
  kind: ServerKind;
  server: RunningServer;
  /** http://127.0.0.1:<monitor port> */
  monitorUrl: string;
  storeDir: string;
  stop(): Promise<void>;
}

/** Starts one server with `-m <free port>` and, unless `jetStream` is false, JetStream in a fresh store folder. */
export async function startMonitored(kind: ServerKind, jetStream = true, extraArgs: string[] = []): Promise<MonitoredServer> {
  const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), `natrium-monjs-${kind}-`));
  const monitorPort = await freePort();
  const jsArgs = jetStream ? (kind === 'nats' ? ['-js', '-sd', storeDir] : ['-sd', storeDir]) : kind === 'natrium' ? ['--no_js'] : [];
  const server = await startServer(kind, ['-m', String(monitorPort), ...jsArgs, ...extraArgs]);
  return {
    kind, server, storeDir, monitorUrl: `http://127.0.0.1:${monitorPort}`,
    async stop() {
      await server.stop();
      fs.rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

/**
 * The scenario both servers get: a file stream with a durable pull consumer and two messages, a memory stream
 * with one, and one API request that fails (info of a missing stream).
 */
export async function runScenario(url: string): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
    await jsm.consumers.add('ORDERS', { durable_name: 'C1', ack_policy: 'explicit' as never });
    await jsm.streams.add({ name: 'MEM', subjects: ['mem'], storage: 'memory' as never });
    const js = jetstream(nc);
    await js.publish('orders.a', 'hello');
    await js.publish('orders.b', 'world!');
    await js.publish('mem', 'in memory');
    await jsm.streams.info('NOPE').then(() => { throw new Error('NOPE should not exist'); }, () => undefined);
  } finally {
    await nc.close();
  }
}

export interface HttpAnswer {
  status: number;
  contentType: string;
  text: string;
}

export async function get(url: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const response = await fetch(url, { headers });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
}

export async function getJson(url: string): Promise<any> {
  const answer = await get(url);
  if (answer.status !== 200) throw new Error(`${url}: ${answer.status} ${answer.text}`);
  return JSON.parse(answer.text);
}

/** The field names and JSON types of a value, recursively (arrays by the shape of their elements). */
export function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return [...new Set(value.map((v) => JSON.stringify(shapeOf(v))))].sort().map((s) => JSON.parse(s));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, shapeOf((value as Record<string, unknown>)[key])]));
  }
  return value === null ? 'null' : typeof value;
}

/** Fields that differ between any two servers or runs: identities, clocks, and the free disk space. */
const VOLATILE = new Set(['server_id', 'now', 'created', 'first_ts', 'last_ts', 'leader', 'store_dir', 'max_storage']);

/**
 * The value without its volatile fields, for comparing what must be equal. Lists of named things (streams,
 * consumers) are sorted by name: nats-server walks Go maps, whose order is random.
 */
export function deterministic(value: unknown): unknown {
  if (Array.isArray(value)) {
    const named = value.every((v) => v !== null && typeof v === 'object' && typeof (v as { name?: unknown }).name === 'string');
    const list = named ? [...value].sort((a, b) => String(a.name).localeCompare(String(b.name))) : value;
    return list.map(deterministic);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([key]) => !VOLATILE.has(key)).map(([key, v]) => [key, deterministic(v)]));
  }
  return value;
}

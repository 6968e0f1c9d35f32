// Runs nats-server and Natrium side by side with the same accounts and the same traffic, for monitoring comparisons.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { freePort, startServer, type RunningServer, type ServerKind } from '../helpers/server-process.js';

export interface MonitoredServer {
  kind: ServerKind;
  server: RunningServer;
  httpPort: number;
  /** Open connections of the scenario, by client name. */
  clients: Map<string, NatsConnection>;
  /** Server-side connection ids of the scenario's clients, by name. */
  cids: Map<string, number>;
  stop(): Promise<void>;
}

/** Config shared by both servers: two accounts, a system account user, and (optionally) the monitoring port. */
export function writeConfig(dir: string, port: number, httpPort: number | null): string {
  const file = path.join(dir, 'server.conf');
  fs.writeFileSync(file, [
    `listen: 127.0.0.1:${port}`,
    httpPort === null ? '' : `http: 127.0.0.1:${httpPort}`,
    'accounts {',
    '  SYS { users = [{user: sys, password: syspass}] }',
    '  APP { users = [{user: a, password: apass}, {user: b, password: bpass}] }',
    '}',
    'system_account: SYS',
  ].join('\n'));
  return file;
}

export async function startMonitored(kind: ServerKind, withHttp = true): Promise<MonitoredServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mon-${kind}-`));
  const port = await freePort();
  const httpPort = withHttp ? await freePort() : 0;
  const config = writeConfig(dir, port, withHttp ? httpPort : null);
  const args = kind === 'natrium' ? ['-c', config, '--no_js'] : ['-c', config];
  const server = await startServer(kind, args, { port, cwd: dir });
  const clients = new Map<string, NatsConnection>();
  return {
    kind, server, httpPort, clients, cids: new Map(),
    async stop() {
      for (const nc of clients.values()) await nc.close().catch(() => undefined);
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Subscribes (staying subscribed); the returned function resolves once `count` messages arrived. */
async function receive(nc: NatsConnection, subject: string, count: number, queue?: string): Promise<() => Promise<void>> {
  let received = 0;
  let done: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => { done = resolve; });
  nc.subscribe(subject, { ...(queue ? { queue } : {}), callback: () => { if (++received === count) done(); } });
  await nc.flush();
  return () => arrived;
}

/**
 * The scenario: alpha (user a) and beta (user b) stay open with subscriptions; gamma (user a) subscribes,
 * publishes three messages and closes. beta publishes two to alpha's queue group. Message counts per
 * connection are then known exactly: alpha in 0 / out 5, beta in 2 / out 3, gamma in 3 / out 0.
 */
export async function runScenario(target: MonitoredServer): Promise<void> {
  const url = target.server.url;
  const alpha = await connect({ servers: url, user: 'a', pass: 'apass', name: 'alpha' });
  const beta = await connect({ servers: url, user: 'b', pass: 'bpass', name: 'beta' });
  const gamma = await connect({ servers: url, user: 'a', pass: 'apass', name: 'gamma' });
  target.clients.set('alpha', alpha).set('beta', beta);
  const alphaOrders = await receive(alpha, 'orders.>', 3);
  const alphaWork = await receive(alpha, 'work', 2, 'q1');
  alpha.subscribe('reply.x');
  const betaOrders = await receive(beta, 'orders.new', 3);
  gamma.subscribe('tmp');
  await alpha.flush();
  await gamma.flush();
  for (let i = 0; i < 3; i++) gamma.publish('orders.new', `order-${i}`);
  await gamma.flush();
  for (let i = 0; i < 2; i++) beta.publish('work', 'job');
  await beta.flush();
  await Promise.all([alphaOrders(), alphaWork(), betaOrders()]);
  // Each client's id as the server knows it (INFO client_id).
  target.cids.set('alpha', alpha.info!.client_id).set('beta', beta.info!.client_id).set('gamma', gamma.info!.client_id);
  await gamma.close();
  // The close is seen by the server once the closed list has it.
  for (;;) {
    const closed = await getJson(target, '/connz?state=closed');
    if ((closed.body as { total: number }).total >= 1) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await alpha.flush();
  await beta.flush();
}

export interface HttpAnswer {
  status: number;
  contentType: string;
  text: string;
  body: unknown;
}

export async function getJson(target: MonitoredServer, pathAndQuery: string): Promise<HttpAnswer> {
  const response = await fetch(`http://127.0.0.1:${target.httpPort}${pathAndQuery}`);
  const text = await response.text();
  let body: unknown = undefined;
  try { body = JSON.parse(text); } catch { body = undefined; }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, body };
}

/** Every field path with its JSON type ("connections[].cid:number"); arrays contribute the union of their elements. */
export function fieldTypes(value: unknown, prefix = ''): Set<string> {
  const out = new Set<string>();
  const visit = (v: unknown, at: string) => {
    if (Array.isArray(v)) {
      out.add(`${at}:array`);
      for (const item of v) visit(item, `${at}[]`);
    } else if (v !== null && typeof v === 'object') {
      out.add(`${at}:object`);
      for (const [key, child] of Object.entries(v)) visit(child, at === '' ? key : `${at}.${key}`);
    } else {
      out.add(`${at}:${v === null ? 'null' : typeof v}`);
    }
  };
  visit(value, prefix);
  return out;
}

/** The difference of two field sets, both ways, for a readable assertion. */
export function fieldDiff(ours: Set<string>, theirs: Set<string>): { onlyNatrium: string[]; onlyNats: string[] } {
  return { onlyNatrium: [...ours].filter((f) => !theirs.has(f)).sort(), onlyNats: [...theirs].filter((f) => !ours.has(f)).sort() };
}

export interface ConnRow {
  cid: number;
  name?: string;
  [key: string]: unknown;
}

/** The names of the scenario's connections in the order a report lists them (other connections left out). */
export function namesInOrder(report: unknown): string[] {
  return ((report as { connections: ConnRow[] }).connections ?? []).map((c) => c.name ?? '').filter((n) => ['alpha', 'beta', 'gamma'].includes(n));
}

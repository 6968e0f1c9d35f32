// /varz: the server's configuration and running totals, with nats-server 2.9.10's fields in its order.

import os from 'node:os';
import type { Server } from '../core/server.js';
import { NATS_COMPAT_VERSION } from '../core/version.js';
import type { EndpointResult, MonitorServer } from './monitor-server.js';
import { goTime, goUptime } from './go-format.js';

const NANOS_PER_MS = 1_000_000;
/** nats-server's default TLS handshake timeout, in seconds. */
const DEFAULT_TLS_TIMEOUT_S = 2;

/** Process CPU use between two /varz requests (nats-server samples it the same way, as a percentage of one core). */
class CpuSampler {
  private lastUsage = process.cpuUsage();
  private lastTime = performance.now();

  percent(): number {
    const usage = process.cpuUsage();
    const now = performance.now();
    const elapsedUs = (now - this.lastTime) * 1000;
    const usedUs = usage.user - this.lastUsage.user + (usage.system - this.lastUsage.system);
    this.lastUsage = usage;
    this.lastTime = now;
    if (elapsedUs <= 0) return 0;
    return Math.round((usedUs / elapsedUs) * 1000) / 10;
  }
}

export function registerVarz(monitor: MonitorServer): void {
  const cpu = new CpuSampler();
  monitor.register('/varz', () => ({ body: varz(monitor, cpu.percent()) }) satisfies EndpointResult);
}

function varz(monitor: MonitorServer, cpuPercent: number): Record<string, unknown> {
  const server = monitor.server;
  const options = server.options;
  const info = server.serverInfo;
  const now = new Date();
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const httpListener = server.listeners.find((l) => l.kind === 'monitoring' && l.scheme === 'http');
  const httpsListener = server.listeners.find((l) => l.kind === 'monitoring' && l.scheme === 'https');
  const monitorHost = options.http?.host ?? httpListener?.host ?? httpsListener?.host ?? '';
  const tlsTimeout = (options.tls?.timeoutMs ?? DEFAULT_TLS_TIMEOUT_S * 1000) / 1000;
  const body: Record<string, unknown> = {
    server_id: server.id,
    server_name: server.name,
    version: NATS_COMPAT_VERSION,
    proto: 1,
    go: info.go,
    host: options.host,
    port: info.port,
  };
  if (server.authRequired) body.auth_required = true;
  if (options.tls !== undefined) {
    body.tls_required = true;
    if (options.tls.verify) body.tls_verify = true;
  }
  body.max_connections = options.maxConnections;
  if (options.maxSubscriptions > 0) body.max_subscriptions = options.maxSubscriptions;
  Object.assign(body, {
    ping_interval: options.pingIntervalMs * NANOS_PER_MS,
    ping_max: options.pingMax,
    http_host: monitorHost === '' && (httpListener || httpsListener) ? '0.0.0.0' : monitorHost,
    http_port: httpListener?.port ?? 0,
    http_base_path: options.httpBasePath,
    https_port: httpsListener?.port ?? 0,
    auth_timeout: options.authTimeoutMs / 1000,
    max_control_line: options.maxControlLine,
    max_payload: options.maxPayload,
    max_pending: options.maxPending,
    cluster: clusterSection(server),
    gateway: {},
    leaf: leafSection(server),
    mqtt: {},
    websocket: websocketSection(server),
    jetstream: monitor.varzSections.get('jetstream')?.() ?? jetstreamSection(server),
    tls_timeout: tlsTimeout,
    write_deadline: options.writeDeadlineMs * NANOS_PER_MS,
    start: goTime(server.startTime),
    now: goTime(now),
    uptime: goUptime(now.getTime() - server.startTime.getTime()),
    mem: process.memoryUsage.rss(),
    cores,
    // Node.js runs JavaScript on one thread; like GOMAXPROCS, report the CPUs the process may use.
    gomaxprocs: cores,
    cpu: cpuPercent,
    connections: server.clients.size,
    total_connections: server.totalConnections,
    routes: 0,
    remotes: 0,
    leafnodes: 0,
    in_msgs: server.inMsgs,
    out_msgs: server.outMsgs,
    in_bytes: server.inBytes,
    out_bytes: server.outBytes,
    slow_consumers: server.slowConsumers,
    subscriptions: totalSubscriptions(server),
    http_req_stats: { ...monitor.requestStats },
    config_load_time: goTime(server.configLoadTime),
  });
  if (options.serverTags.length > 0) body.tags = [...options.serverTags];
  // Operator JWTs (trusted_operators_jwt) are left out on purpose: no credential material in monitoring output.
  if (server.system !== null) body.system_account = server.system.account.name;
  for (const [key, section] of monitor.varzSections) if (!(key in body)) body[key] = section();
  return body;
}

export function totalSubscriptions(server: Server): number {
  let count = 0;
  for (const account of server.accounts.values()) count += account.sublist.size;
  return count;
}

function clusterSection(server: Server): Record<string, unknown> {
  const cluster = server.options.cluster;
  if (cluster === undefined) return {};
  const listener = server.listeners.find((l) => l.kind === 'cluster');
  return { ...(cluster.name ? { name: cluster.name } : {}), addr: cluster.host || '0.0.0.0', cluster_port: listener?.port ?? cluster.port };
}

function leafSection(server: Server): Record<string, unknown> {
  const leaf = server.options.leafnodes;
  if (leaf === undefined) return {};
  const listener = server.listeners.find((l) => l.kind === 'leafnode');
  return { host: leaf.host || '0.0.0.0', port: listener?.port ?? leaf.port };
}

function websocketSection(server: Server): Record<string, unknown> {
  const ws = server.options.websocket;
  if (ws === undefined) return {};
  const listener = server.listeners.find((l) => l.kind === 'websocket');
  return { host: ws.host || '0.0.0.0', port: listener?.port ?? ws.port, ...(ws.noTls ? { no_tls: true } : {}) };
}

/** The configured limits when JetStream is on and nobody registered a richer section; {} when it is off. */
function jetstreamSection(server: Server): Record<string, unknown> {
  const js = server.options.jetstream;
  if (!js.enabled) return {};
  return { config: { max_memory: js.maxMemoryStore, max_storage: js.maxFileStore, store_dir: js.storeDir } };
}

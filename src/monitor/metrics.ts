// Prometheus /metrics in the text exposition format, computed from the server's counters at scrape time.

import fs from 'node:fs';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Server } from '../core/server.js';
import type { JetStream } from '../jetstream/jetstream.js';
import { accountTotals, sortedAccounts } from '../jetstream/jsz-report.js';
import { NATRIUM_VERSION } from '../core/version.js';
import type { MonitorServer } from './monitor-server.js';
import { accountTraffic } from './accountz.js';
import { totalSubscriptions } from './varz.js';
import { PROMETHEUS_CONTENT_TYPE, PrometheusText, type Sample } from './prometheus-text.js';

/** Started when the monitoring port opens, stopped when it closes. */
export interface MetricsLifecycle {
  start(): void;
  stop(): void;
}

/** Event-loop delay sampling resolution (ms): fine enough to see a blocked loop, cheap enough to leave on. */
const LOOP_DELAY_RESOLUTION_MS = 10;

export function registerMetrics(monitor: MonitorServer, jetstream: JetStream | null): MetricsLifecycle {
  const server = monitor.server;
  let loopDelay: IntervalHistogram | null = null;
  monitor.register('/metrics', () => ({
    body: scrape(server, jetstream, loopDelay),
    contentType: PROMETHEUS_CONTENT_TYPE,
  }));
  return {
    start() {
      if (loopDelay !== null) return;
      loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
      loopDelay.enable();
    },
    stop() {
      loopDelay?.disable();
      loopDelay = null;
    },
  };
}

function scrape(server: Server, jetstream: JetStream | null, loopDelay: IntervalHistogram | null): string {
  const out = new PrometheusText();
  out.add('natrium_info', 'gauge', 'Server identity; the value is always 1', [{ labels: { version: NATRIUM_VERSION, server_id: server.id, server_name: server.name }, value: 1 }]);
  out.add('natrium_start_time_seconds', 'gauge', 'When the server started, in seconds since the Unix epoch', server.startTime.getTime() / 1000);
  addCoreMetrics(out, server);
  addAccountMetrics(out, server);
  addJetStreamMetrics(out, jetstream);
  addProcessMetrics(out, loopDelay);
  return out.text();
}

function addCoreMetrics(out: PrometheusText, server: Server): void {
  out
    .add('natrium_connections', 'gauge', 'Client connections open now', server.clients.size)
    .add('natrium_connections_total', 'counter', 'Client connections accepted since start', server.totalConnections)
    .add('natrium_subscriptions', 'gauge', 'Subscriptions in every account, internal ones included (as nats-server counts them)', totalSubscriptions(server))
    .add('natrium_in_messages_total', 'counter', 'Messages received from clients', server.inMsgs)
    .add('natrium_in_bytes_total', 'counter', 'Payload bytes received from clients', server.inBytes)
    .add('natrium_out_messages_total', 'counter', 'Messages delivered to clients', server.outMsgs)
    .add('natrium_out_bytes_total', 'counter', 'Payload bytes delivered to clients', server.outBytes)
    .add('natrium_slow_consumers_total', 'counter', 'Connections closed as slow consumers', server.slowConsumers);
}

/** Per account: live connections' counters summed now, plus what closed connections left behind. */
function addAccountMetrics(out: PrometheusText, server: Server): void {
  const connections: Sample[] = [];
  const subscriptions: Sample[] = [];
  const inMsgs: Sample[] = [];
  const inBytes: Sample[] = [];
  const outMsgs: Sample[] = [];
  const outBytes: Sample[] = [];
  const names = [...server.accounts.keys()].sort();
  for (const name of names) {
    const account = server.accounts.get(name)!;
    const labels = { account: name };
    const traffic = accountTraffic(account);
    connections.push({ labels, value: account.clients.size });
    subscriptions.push({ labels, value: account.sublist.size });
    inMsgs.push({ labels, value: traffic.inMsgs });
    inBytes.push({ labels, value: traffic.inBytes });
    outMsgs.push({ labels, value: traffic.outMsgs });
    outBytes.push({ labels, value: traffic.outBytes });
  }
  out
    .add('natrium_account_connections', 'gauge', 'Client connections open now, by account', connections)
    .add('natrium_account_subscriptions', 'gauge', 'Subscriptions, by account', subscriptions)
    .add('natrium_account_in_messages_total', 'counter', 'Messages received from the account\'s clients', inMsgs)
    .add('natrium_account_in_bytes_total', 'counter', 'Payload bytes received from the account\'s clients', inBytes)
    .add('natrium_account_out_messages_total', 'counter', 'Messages delivered to the account\'s clients', outMsgs)
    .add('natrium_account_out_bytes_total', 'counter', 'Payload bytes delivered to the account\'s clients', outBytes);
}

function addJetStreamMetrics(out: PrometheusText, jetstream: JetStream | null): void {
  out.add('natrium_jetstream_enabled', 'gauge', '1 when JetStream is on', jetstream === null ? 0 : 1);
  if (jetstream === null) return;
  const byAccount = { streams: [] as Sample[], consumers: [] as Sample[], memory: [] as Sample[], storage: [] as Sample[], api: [] as Sample[], apiErrors: [] as Sample[] };
  const byStream = { messages: [] as Sample[], bytes: [] as Sample[], consumers: [] as Sample[] };
  for (const js of sortedAccounts(jetstream)) {
    const labels = { account: js.account.name };
    const totals = accountTotals(js);
    byAccount.streams.push({ labels, value: totals.streams });
    byAccount.consumers.push({ labels, value: totals.consumers });
    byAccount.memory.push({ labels, value: totals.memory });
    byAccount.storage.push({ labels, value: totals.storage });
    byAccount.api.push({ labels, value: totals.apiTotal });
    byAccount.apiErrors.push({ labels, value: totals.apiErrors });
    const names = [...js.streams.keys()].sort();
    for (const name of names) {
      const stream = js.streams.get(name)!;
      const state = stream.store.state();
      const streamLabels = { account: js.account.name, stream: name };
      byStream.messages.push({ labels: streamLabels, value: state.messages });
      byStream.bytes.push({ labels: streamLabels, value: state.bytes });
      byStream.consumers.push({ labels: streamLabels, value: stream.consumers.size });
    }
  }
  out
    .add('natrium_jetstream_streams', 'gauge', 'Streams, by account', byAccount.streams)
    .add('natrium_jetstream_consumers', 'gauge', 'Consumers, by account', byAccount.consumers)
    .add('natrium_jetstream_memory_bytes', 'gauge', 'Bytes stored in memory streams, by account', byAccount.memory)
    .add('natrium_jetstream_storage_bytes', 'gauge', 'Bytes stored in file streams, by account', byAccount.storage)
    .add('natrium_jetstream_api_requests_total', 'counter', 'JetStream API requests answered, by account', byAccount.api)
    .add('natrium_jetstream_api_errors_total', 'counter', 'JetStream API requests answered with an error, by account', byAccount.apiErrors)
    .add('natrium_jetstream_stream_messages', 'gauge', 'Messages stored in a stream', byStream.messages)
    .add('natrium_jetstream_stream_bytes', 'gauge', 'Bytes stored in a stream', byStream.bytes)
    .add('natrium_jetstream_stream_consumers', 'gauge', 'Consumers of a stream', byStream.consumers);
}

function addProcessMetrics(out: PrometheusText, loopDelay: IntervalHistogram | null): void {
  const cpu = process.cpuUsage();
  out
    .add('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds', (cpu.user + cpu.system) / 1e6)
    .add('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes', process.memoryUsage.rss())
    .add('process_start_time_seconds', 'gauge', 'Start time of the process since unix epoch in seconds', Math.round((Date.now() / 1000 - process.uptime()) * 1000) / 1000);
  const openFds = countOpenFds();
  if (openFds !== null) out.add('process_open_fds', 'gauge', 'Number of open file descriptors', openFds);
  if (loopDelay === null) return;
  // Since the previous scrape, then reset (as prom-client does), so a stall shows in the next sample only.
  // The histogram records the whole timer interval; the lag is what exceeds the sampling resolution.
  const seconds = (ns: number) => (Number.isFinite(ns) ? Math.max(0, ns - LOOP_DELAY_RESOLUTION_MS * 1e6) / 1e9 : 0);
  const samples: Sample[] = [0.5, 0.9, 0.99].map((q) => ({ labels: { percentile: String(q * 100) }, value: seconds(loopDelay.count > 0 ? loopDelay.percentile(q * 100) : 0) }));
  out
    .add('natrium_event_loop_lag_seconds', 'gauge', 'Event-loop lag (timer delay past its due time) percentiles since the previous scrape', samples)
    .add('natrium_event_loop_lag_max_seconds', 'gauge', 'Longest event-loop lag since the previous scrape', seconds(loopDelay.count > 0 ? loopDelay.max : 0));
  loopDelay.reset();
}

/** Linux: the entries of /proc/self/fd; elsewhere unknown (the metric is left out). */
function countOpenFds(): number | null {
  try {
    return fs.readdirSync('/proc/self/fd').length;
  } catch {
    return null;
  }
}

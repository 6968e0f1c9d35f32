// JetStream's monitoring reports: /jsz and /healthz.

import type { JetStream } from '../jetstream/jetstream.js';
import type { MonitorServer } from './monitor-server.js';

export function registerJetStreamEndpoints(monitor: MonitorServer, jetstream: JetStream | null): void {
  void monitor;
  void jetstream;
}

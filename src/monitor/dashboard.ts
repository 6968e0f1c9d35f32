// The live web dashboard at / on the monitoring port, and the small HTTP API its tester and KV browser use.

import type { MonitorServer } from './monitor-server.js';

export function registerDashboard(monitor: MonitorServer): void {
  void monitor;
}

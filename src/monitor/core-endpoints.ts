// The core server's monitoring reports: /varz, /connz, /subsz, /routez, /accountz, /accstatz and their $SYS twins.

import type { MonitorServer } from './monitor-server.js';

export function registerCoreEndpoints(monitor: MonitorServer): void {
  void monitor;
}

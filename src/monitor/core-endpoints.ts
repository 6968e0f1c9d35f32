// The core server's monitoring reports: /varz, /connz, /subsz, /routez, /accountz, /accstatz and their $SYS twins.

import type { MonitorServer } from './monitor-server.js';
import { registerVarz } from './varz.js';
import { registerConnz } from './connz.js';
import { registerSubsz } from './subsz.js';
import { registerAccountz } from './accountz.js';
import { registerRoutez } from './routez.js';
import { serveSystemRequests } from './sys-requests.js';
import { serveAccountRequests } from './account-requests.js';

export function registerCoreEndpoints(monitor: MonitorServer): void {
  registerVarz(monitor);
  registerConnz(monitor);
  registerSubsz(monitor);
  registerAccountz(monitor);
  registerRoutez(monitor);
  // The reports are looked up in the registry per request, so ones registered after this (JSZ, HEALTHZ) answer too.
  serveSystemRequests(monitor);
  serveAccountRequests(monitor);
}

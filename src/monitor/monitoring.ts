// Sets up monitoring: the report registry with every endpoint, and the HTTP listener when `-m` / `http:` asks for it.

import type { Server } from '../core/server.js';
import type { JetStream } from '../jetstream/jetstream.js';
import { MonitorServer } from './monitor-server.js';
import { registerCoreEndpoints } from './core-endpoints.js';
import { registerJetStreamEndpoints } from './jetstream-endpoints.js';
import { registerMetrics } from './metrics.js';
import { registerDashboard } from './dashboard.js';

/**
 * Registers every report, then opens the monitoring port if the options ask for one. The registry exists
 * even without a port: the system account answers `$SYS.REQ.SERVER.PING.VARZ` and friends from it.
 */
export async function startMonitoring(server: Server, jetstream: JetStream | null): Promise<MonitorServer> {
  const monitor = new MonitorServer(server);
  registerCoreEndpoints(monitor);
  registerJetStreamEndpoints(monitor, jetstream);
  registerMetrics(monitor, jetstream);
  registerDashboard(monitor);
  const listen = server.options.http;
  if (listen === undefined) return monitor;
  const address = await monitor.listen(listen.host, listen.port);
  server.addListener({ kind: 'monitoring', scheme: 'http', host: listen.host, port: address.port, close: () => monitor.close() });
  server.logger.notice(`Starting http monitor on ${listen.host === '' ? '0.0.0.0' : listen.host}:${address.port}`);
  return monitor;
}

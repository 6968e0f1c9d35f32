// Sets up monitoring: the report registry with every endpoint, and the HTTP(S) listener when `-m` / `http:` / `https:` asks for it.

import https from 'node:https';
import type http from 'node:http';
import type { Server } from '../core/server.js';
import type { JetStream } from '../jetstream/jetstream.js';
import { buildTlsContext } from '../transport/tls-options.js';
import { MonitorServer } from './monitor-server.js';
import { registerCoreEndpoints } from './core-endpoints.js';
import { registerJetStreamEndpoints } from './jetstream-endpoints.js';
import { registerMetrics } from './metrics.js';
import { registerDashboard } from './dashboard.js';

/**
 * Registers every report, then opens the monitoring port if the options ask for one. The registry exists
 * even without a port: the system account answers `$SYS.REQ.SERVER.PING.VARZ` and friends from it.
 * Throws nats-server's "Can't start monitoring: ..." when the HTTPS settings are unusable.
 */
export async function startMonitoring(server: Server, jetstream: JetStream | null): Promise<MonitorServer> {
  const monitor = new MonitorServer(server);
  registerCoreEndpoints(monitor);
  registerJetStreamEndpoints(monitor, jetstream);
  const metrics = registerMetrics(monitor, jetstream);
  registerDashboard(monitor);
  const { http: plain, https: secure } = server.options;
  if (plain !== undefined && secure !== undefined) {
    throw new Error(`Can't start monitoring: can't specify both HTTP (${plain.port}) and HTTPs (${secure.port}) ports`);
  }
  const listen = secure ?? plain;
  if (listen === undefined) return monitor;
  const scheme = secure !== undefined ? 'https' : 'http';
  const createServer = secure !== undefined ? httpsServerFactory(server) : undefined;
  const address = await monitor.listen(listen.host, listen.port, createServer);
  // Event-loop lag is sampled only while someone can scrape it.
  metrics.start();
  server.addListener({
    kind: 'monitoring', scheme, host: listen.host, port: address.port,
    close: () => {
      metrics.stop();
      return monitor.close();
    },
  });
  server.logger.notice(`Starting ${scheme} monitor on ${listen.host === '' ? '0.0.0.0' : listen.host}:${address.port}`);
  return monitor;
}

/**
 * HTTPS uses the top-level `tls {}` certificate, as nats-server does, but never asks browsers and scrapers
 * for a client certificate (nats-server also drops client verification on the monitoring port).
 */
function httpsServerFactory(server: Server): (handler: http.RequestListener) => http.Server {
  const tlsConfig = server.options.tls;
  if (tlsConfig === undefined) throw new Error("Can't start monitoring: TLS cert and key required for HTTPS");
  const context = buildTlsContext(tlsConfig);
  const options: https.ServerOptions = { ...context.secureContextOptions, requestCert: false, rejectUnauthorized: false };
  // https.Server is an http.Server for everything MonitorServer uses (listen, close, timeouts).
  return (handler) => https.createServer(options, handler) as unknown as http.Server;
}

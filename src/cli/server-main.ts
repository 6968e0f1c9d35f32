// Runs a server from Options: listeners, startup log, pid and ports files, and the process signals.

import fs from 'node:fs';
import path from 'node:path';
import { Server } from '../core/server.js';
import { Logger } from '../core/logger.js';
import { NATRIUM_VERSION, NATS_COMPAT_VERSION } from '../core/version.js';
import type { Options } from '../config/options.js';
import { listenForClients, formatHostPort } from '../transport/tcp-listener.js';

export interface RunHooks {
  /** Re-reads the configuration for SIGHUP; returns the new options and the names of changed options, or throws. */
  reload?: () => { options: Options; changed: string[] };
}

/** Starts everything the options ask for. Resolves with the running server. */
export async function runServer(options: Options, hooks: RunHooks = {}): Promise<Server> {
  const logger = new Logger({ debug: options.debug, trace: options.trace, logtime: options.logtime, logFile: options.logFile, logSizeLimit: options.logSizeLimit });
  const server = new Server(options, logger);
  if (server.configErrors.length > 0) throw new Error(server.configErrors.join('; '));
  logger.notice('Starting natrium-server');
  logger.notice(`  Version:  ${NATRIUM_VERSION} (implements nats-server ${NATS_COMPAT_VERSION})`);
  logger.notice(`  Name:     ${server.name}`);
  logger.notice(`  ID:       ${server.id}`);
  if (options.configFile) logger.notice(`  Using configuration file: ${options.configFile}`);

  // Loaded only when used: the JetStream and monitoring modules cost start-up time and memory a core-only server does not need.
  const jetstream = options.jetstream.enabled ? (await import('../jetstream/jetstream.js')).enableJetStream(server) : null;
  // Always: even without a monitoring port the system account answers $SYS.REQ.SERVER.PING.VARZ and friends,
  // and a client may ask as soon as the port is open.
  await (await import('../monitor/monitoring.js')).startMonitoring(server, jetstream);
  // Before the client port, as nats-server: once a client can connect over TCP, websocket is up too.
  if (options.websocket) await (await import('../transport/websocket.js')).listenForWebsocketClients(server, options.websocket);
  await listenForClients(server, options.host, options.port);
  if (options.pidFile) writePidFile(server, options.pidFile);
  if (options.portsFileDir) writePortsFile(server, options.portsFileDir);
  logger.notice('Server is ready');
  installSignalHandlers(server, hooks);
  return server;
}

function writePidFile(server: Server, file: string): void {
  try {
    fs.writeFileSync(file, String(process.pid));
    server.onShutdown(() => fs.rmSync(file, { force: true }));
  } catch (err) {
    server.logger.error(`Could not write pid file ${file}: ${(err as Error).message}`);
  }
}

/** `nats-server_<pid>.ports`: JSON with the URLs the server listens on, by kind, as nats-server writes it. */
function writePortsFile(server: Server, dir: string): void {
  const byKind: Record<string, string[]> = {};
  for (const listener of server.listeners) {
    const urls = Server.addressesFor(listener.host).map((host) => `${listener.scheme}://${formatHostPort(host, listener.port)}`);
    (byKind[listener.kind] ??= []).push(...urls);
  }
  const file = path.join(dir, `nats-server_${process.pid}.ports`);
  try {
    fs.writeFileSync(file, JSON.stringify(byKind));
    server.onShutdown(() => fs.rmSync(file, { force: true }));
  } catch (err) {
    server.logger.error(`Error creating ports file ${file}: ${(err as Error).message}`);
  }
}

function installSignalHandlers(server: Server, hooks: RunHooks): void {
  const logger = server.logger;
  const stop = (signal: string) => {
    logger.debug(`Trapped "${signal}" signal`);
    void server.shutdown().then(() => {
      logger.close();
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('terminated'));
  process.on('SIGINT', () => stop('interrupt'));
  process.on('SIGUSR2', () => {
    void server.enterLameDuckMode().then(() => {
      logger.close();
      process.exit(0);
    });
  });
  process.on('SIGUSR1', () => {
    // Reopen the log file (for log rotation by an outside tool).
    const options = server.options;
    logger.close();
    logger.configure({ debug: options.debug, trace: options.trace, logtime: options.logtime, logSizeLimit: options.logSizeLimit });
    logger.configure({ debug: options.debug, trace: options.trace, logtime: options.logtime, logFile: options.logFile, logSizeLimit: options.logSizeLimit });
    logger.notice('Reopened log file');
  });
  process.on('SIGHUP', () => {
    if (!hooks.reload) {
      logger.error('Failed to reload server configuration: no configuration file');
      return;
    }
    try {
      const { options, changed } = hooks.reload();
      server.applyReload(options, changed);
    } catch (err) {
      logger.error(`Failed to reload server configuration: ${(err as Error).message}`);
    }
  });
}

// The plain TCP listener for NATS clients: accepts sockets and hands each to the server as a connection.

import net from 'node:net';
import type { Server } from '../core/server.js';

/** Listens on host:port (port -1 or 0 = a random free port) and resolves once listening. */
export function listenForClients(server: Server, host: string, port: number): Promise<net.Server> {
  const listener = net.createServer({ noDelay: true, pauseOnConnect: false });
  listener.on('connection', (socket) => {
    socket.setNoDelay(true);
    const client = server.acceptConnection(socket, socket.remoteAddress ?? '', socket.remotePort ?? 0);
    if (client === null) return;
  });
  listener.maxConnections = Number.MAX_SAFE_INTEGER;
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    listener.once('error', onError);
    listener.listen({ host: host === '' ? '0.0.0.0' : host, port: port < 0 ? 0 : port, backlog: 4096 }, () => {
      listener.off('error', onError);
      // Without a listener for it, an accept error (EMFILE under a flood of connections) would crash the process.
      listener.on('error', (err) => server.logger.error(`Error accepting client connection: ${err.message}`));
      const address = listener.address() as net.AddressInfo;
      server.addListener({
        kind: 'nats',
        scheme: 'nats',
        host: host === '' ? '0.0.0.0' : host,
        port: address.port,
        // net.Server#close only calls back once every connection has ended; the server closes its
        // clients itself afterwards, so stop accepting and return at once.
        close: async () => {
          listener.close();
        },
      });
      server.logger.notice(`Listening for client connections on ${formatHostPort(host, address.port)}`);
      resolve(listener);
    });
  });
}

export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

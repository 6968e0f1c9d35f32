// The plain TCP listener for NATS clients: accepts sockets and hands each to the server as a connection.

import net from 'node:net';
import type { Server } from '../core/server.js';
import { buildTlsContext, type TlsContext } from './tls-options.js';
import { acceptTlsOrPlain, upgradeToTls } from './tls-upgrade.js';
import { tlsIdentityFromCertificate } from '../auth/authenticator.js';

/** Listens on host:port (port -1 or 0 = a random free port) and resolves once listening. */
export function listenForClients(server: Server, host: string, port: number): Promise<net.Server> {
  const listener = net.createServer({ noDelay: true, pauseOnConnect: false });
  const tlsConfig = server.options.tls;
  const tlsContext: TlsContext | null = tlsConfig ? buildTlsContext(tlsConfig) : null;
  const allowNonTls = tlsContext !== null && server.options.allowNonTls === true;
  if (tlsContext !== null) {
    for (const warning of tlsContext.warnings) server.logger.warn(warning);
    // With allow_non_tls nats-server offers TLS (tls_available) instead of requiring it.
    server.setInfoField(allowNonTls ? 'tls_available' : 'tls_required', true);
    if (tlsContext.requestCert) server.setInfoField('tls_verify', true);
  }
  listener.on('connection', (socket) => {
    socket.setNoDelay(true);
    const host = socket.remoteAddress ?? '';
    const port = socket.remotePort ?? 0;
    if (tlsContext === null) {
      server.acceptConnection(socket, host, port);
      return;
    }
    if (tlsContext.handshakeFirst) {
      // 2.10's handshake_first: TLS before anything, then INFO inside it.
      upgradeToTls(socket, tlsContext).then(
        (secure) => server.acceptConnection(secure, host, port, { tlsIdentity: peerIdentity(secure) }),
        (err: Error) => server.logger.error(`${host}:${port} - TLS handshake error: ${err.message}`),
      );
      return;
    }
    // INFO goes out in plain text; the client then starts TLS on the same socket.
    server.acceptConnection(socket, host, port, {
      upgrade: async (raw) => {
        if (allowNonTls) {
          const chosen = await acceptTlsOrPlain(raw, tlsContext);
          return { socket: chosen.socket, tlsIdentity: chosen.secure ? peerIdentity(chosen.secure) : null };
        }
        const secure = await upgradeToTls(raw, tlsContext);
        return { socket: secure, tlsIdentity: peerIdentity(secure) };
      },
    });
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

function peerIdentity(secure: import('node:tls').TLSSocket) {
  const cert = secure.getPeerX509Certificate();
  return cert ? tlsIdentityFromCertificate(cert) : null;
}

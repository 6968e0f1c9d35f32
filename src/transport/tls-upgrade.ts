// Turns an accepted TCP socket into a TLS one (after INFO, or first with handshake_first) and checks the client certificate.

import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { tlsServerOptions, type TlsContext } from './tls-options.js';

interface PendingHandshake {
  resolve(socket: tls.TLSSocket): void;
  reject(err: Error): void;
}

/**
 * One tls.Server per TLS configuration, never listening: sockets are handed to it with emit('connection').
 * Only a tls.Server both asks for and verifies client certificates (a lone TLSSocket does neither), and it
 * applies the handshake timeout.
 */
class TlsAcceptor {
  private readonly server: tls.Server;
  private readonly pending = new Map<Duplex, PendingHandshake>();

  constructor(context: TlsContext) {
    this.server = tls.createServer(tlsServerOptions(context));
    this.server.on('secureConnection', (secure: tls.TLSSocket) => {
      const handshake = this.take(secure);
      handshake?.resolve(secure);
    });
    this.server.on('tlsClientError', (err: Error, secure: tls.TLSSocket) => {
      const handshake = this.take(secure);
      handshake?.reject(err);
    });
  }

  accept(socket: Duplex): Promise<tls.TLSSocket> {
    return new Promise((resolve, reject) => {
      this.pending.set(socket, { resolve, reject });
      socket.once('close', () => {
        const handshake = this.pending.get(socket);
        if (handshake === undefined) return;
        this.pending.delete(socket);
        handshake.reject(new Error('connection closed during the TLS handshake'));
      });
      this.server.emit('connection', socket);
    });
  }

  /** The handshake a TLS socket belongs to: Node keeps the wrapped net.Socket as `_parent`. */
  private take(secure: tls.TLSSocket): PendingHandshake | undefined {
    const parent = (secure as unknown as { _parent?: Duplex })._parent;
    if (parent === undefined) return undefined;
    const handshake = this.pending.get(parent);
    this.pending.delete(parent);
    return handshake;
  }
}

const acceptors = new WeakMap<TlsContext, TlsAcceptor>();

/**
 * Runs the server side of a TLS handshake on `socket`. Resolves with the TLS socket once the handshake is
 * done and, with `verify`, the client's certificate chains to the configured CA; rejects otherwise (the
 * caller closes the connection, as nats-server does, without a word: the peer could not read one).
 */
export function upgradeToTls(socket: Duplex, context: TlsContext): Promise<tls.TLSSocket> {
  let acceptor = acceptors.get(context);
  if (acceptor === undefined) {
    acceptor = new TlsAcceptor(context);
    acceptors.set(context, acceptor);
  }
  return acceptor.accept(socket);
}

/** The first byte of a TLS handshake record: how allow_non_tls tells a TLS client from a plain one. */
const TLS_HANDSHAKE_RECORD = 0x16;

/**
 * Waits for the first bytes a client sends and puts them back (the socket is then paused): a TLSSocket
 * made on this socket afterwards reads bytes already buffered in it first, and so does the protocol parser.
 */
function peekFirstByte(socket: Duplex): Promise<number> {
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      socket.pause();
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.unshift(chunk);
      resolve(chunk[0]!);
    };
    const onClose = () => reject(new Error('connection closed before the first byte'));
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}

/**
 * `allow_non_tls`: after INFO, a client may start TLS or speak plain text; the first byte tells which.
 * Resolves with the socket to use and, for TLS, the TLS socket.
 */
export async function acceptTlsOrPlain(socket: Duplex, context: TlsContext): Promise<{ socket: Duplex; secure: tls.TLSSocket | null }> {
  const first = await peekFirstByte(socket);
  if (first !== TLS_HANDSHAKE_RECORD) return { socket, secure: null };
  const secure = await upgradeToTls(socket, context);
  return { socket: secure, secure };
}

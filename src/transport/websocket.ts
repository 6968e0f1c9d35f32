// The websocket {} front end: an HTTP(S) server whose upgraded connections carry the NATS client protocol.

import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Server } from '../core/server.js';
import type { WebsocketListenerOptions } from '../config/options.js';
import { ConnectionType, tlsIdentityFromCertificate, type FrontEndAuth } from '../auth/authenticator.js';
import { buildTlsContext, tlsServerOptions } from './tls-options.js';
import { OriginPolicy } from './websocket-origin.js';
import { WebSocketDuplex } from './websocket-stream.js';
import { formatHostPort } from './tcp-listener.js';

/** nats-server's default for handshake_timeout when it is not set. */
const DEFAULT_HANDSHAKE_TIMEOUT_MS = 2000;

/**
 * Room above max_payload + max_control_line for one frame. Clients batch protocol lines into one frame
 * (nats.js flushes at 32 KiB, then one more message may join), so the bound must leave space for that.
 */
const FRAME_BATCH_ALLOWANCE = 64 * 1024;

/** The body nats-server (Go's http.Error) sends with a refused upgrade. */
const FORBIDDEN_RESPONSE = [
  'HTTP/1.1 403 Forbidden',
  'Content-Type: text/plain; charset=utf-8',
  'Sec-Websocket-Version: 13',
  'X-Content-Type-Options: nosniff',
  'Content-Length: 10',
  'Connection: close',
  '',
  'Forbidden\n',
].join('\r\n');

/** Starts the websocket listener and registers it with the server; resolves once listening. */
export function listenForWebsocketClients(server: Server, options: WebsocketListenerOptions): Promise<void> {
  const tlsContext = options.tls ? buildTlsContext(options.tls) : null;
  if (tlsContext !== null) for (const warning of tlsContext.warnings) server.logger.warn(warning);
  const handshakeTimeoutMs = options.handshakeTimeoutMs || DEFAULT_HANDSHAKE_TIMEOUT_MS;
  const httpServer: http.Server = tlsContext === null
    ? http.createServer()
    : https.createServer({ ...tlsServerOptions(tlsContext), handshakeTimeout: handshakeTimeoutMs });
  const origins = new OriginPolicy(options.sameOrigin === true, options.allowedOrigins ?? []);
  const frontEndAuth = frontEndAuthOf(options);
  const authTimeoutMs = options.authorization?.timeoutMs ?? 0;
  const jwtCookie = options.jwtCookie ?? '';
  const maxFrame = server.options.maxPayload + server.options.maxControlLine + FRAME_BATCH_ALLOWANCE;
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: maxFrame,
    perMessageDeflate: options.compression === true ? { threshold: 64 } : false,
  });

  // Every connection must finish its TLS handshake and upgrade request in time, or it is cut.
  const handshakeTimers = new WeakMap<net.Socket, NodeJS.Timeout>();
  const startTimer = (socket: net.Socket) => {
    handshakeTimers.set(socket, setTimeout(handshakeExpired, handshakeTimeoutMs, socket, server));
  };
  httpServer.on(tlsContext === null ? 'connection' : 'secureConnection', startTimer);
  httpServer.on('tlsClientError', (err: Error, socket: TLSSocket) => {
    server.logger.error(`${socket.remoteAddress ?? ''}:${socket.remotePort ?? 0} - websocket TLS handshake error: ${err.message}`);
  });
  // A plain HTTP request is not a websocket: refused as nats-server's handler does.
  httpServer.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
    res.end('invalid value for header \'Upgrade\'\n');
  });
  httpServer.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const raw = req.socket;
    const timer = handshakeTimers.get(raw);
    const remote = `${raw.remoteAddress ?? ''}:${raw.remotePort ?? 0}`;
    socket.on('error', (err: Error) => server.logger.debug(`${remote} - websocket socket error: ${err.message}`));
    const refusal = origins.check(req.headers, tlsContext !== null);
    if (refusal !== null) {
      if (timer !== undefined) clearTimeout(timer);
      server.logger.error(`${remote} - websocket handshake error: origin not allowed: ${refusal}`);
      socket.end(FORBIDDEN_RESPONSE);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      if (timer !== undefined) clearTimeout(timer);
      const duplex = new WebSocketDuplex(ws);
      const peer = tlsContext !== null && tlsContext.requestCert ? (raw as TLSSocket).getPeerX509Certificate() : undefined;
      const cookieJwt = jwtCookie === '' ? '' : readCookie(req.headers.cookie, jwtCookie);
      server.acceptConnection(duplex, raw.remoteAddress ?? '', raw.remotePort ?? 0, {
        connectionType: ConnectionType.Websocket,
        frontEndAuth,
        authTimeoutMs,
        ...(cookieJwt !== '' && { cookieJwt }),
        ...(peer !== undefined && { tlsIdentity: tlsIdentityFromCertificate(peer) }),
        onClose: (reason) => duplex.setCloseReason(reason),
      });
    });
  });

  const host = options.host === '' ? '0.0.0.0' : options.host;
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    httpServer.once('error', onError);
    httpServer.listen({ host, port: options.port < 0 ? 0 : options.port, backlog: 4096 }, () => {
      httpServer.off('error', onError);
      httpServer.on('error', (err) => server.logger.error(`Error accepting websocket connection: ${err.message}`));
      const port = (httpServer.address() as net.AddressInfo).port;
      const scheme = tlsContext === null ? 'ws' : 'wss';
      server.addListener({
        kind: 'websocket',
        scheme,
        host,
        port,
        close: async () => {
          // Upgraded connections are the server's clients now and are closed with them.
          httpServer.close();
          httpServer.closeIdleConnections();
          wss.close();
        },
      });
      server.logger.notice(`Listening for websocket clients on ${scheme}://${formatHostPort(host, port)}`);
      if (tlsContext === null) server.logger.warn('Websocket not configured with TLS. DO NOT USE IN PRODUCTION!');
      resolve();
    });
  });
}

/** The websocket block's auth settings for the authenticator (see FrontEndAuth). */
function frontEndAuthOf(options: WebsocketListenerOptions): FrontEndAuth {
  const auth = options.authorization ?? {};
  const override = (auth.user ?? '') !== '' || (auth.token ?? '') !== '' || (options.noAuthUser ?? '') !== '';
  const result: FrontEndAuth = { override, tlsMap: options.tls?.verifyAndMap === true };
  if (!override) return result;
  if (auth.user) result.user = auth.user;
  if (auth.password !== undefined) result.password = auth.password;
  if (auth.token) result.token = auth.token;
  if (options.noAuthUser) result.noAuthUser = options.noAuthUser;
  return result;
}

/** The value of one cookie in a Cookie header ('' if absent). */
export function readCookie(header: string | undefined, name: string): string {
  if (header === undefined) return '';
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    return value;
  }
  return '';
}

function handshakeExpired(socket: net.Socket, server: Server): void {
  if (socket.destroyed) return;
  server.logger.error(`${socket.remoteAddress ?? ''}:${socket.remotePort ?? 0} - websocket handshake error: timeout`);
  socket.destroy();
}

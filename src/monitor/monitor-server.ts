// The HTTP monitoring listener: routes GET requests to endpoint handlers and answers with nats-server's JSON conventions.

import http from 'node:http';
import net from 'node:net';
import type { Server } from '../core/server.js';
import { createMonitorAuth, type MonitorAuth } from './monitor-auth.js';
import { MonitorRequestError } from './query-params.js';

/** What an endpoint answers: a value serialized as indented JSON (as nats-server does), or raw text/bytes. */
export interface EndpointResult {
  status?: number;
  /** A string or Buffer is sent as is with `contentType` (JSON text with 'application/json' still honours ?callback); anything else as JSON. */
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export type EndpointHandler = (query: URLSearchParams, request: http.IncomingMessage) => EndpointResult | Promise<EndpointResult>;

/** Requests made up by `invoke` for callers that are not HTTP clients (the system account's `$SYS.REQ.SERVER.*`). */
const internalRequests = new WeakSet<http.IncomingMessage>();

/** Whether a handler runs for a `$SYS` request rather than an HTTP client (some reports differ slightly, as in nats-server). */
export function isInternalRequest(request: http.IncomingMessage): boolean {
  return internalRequests.has(request);
}

/**
 * One HTTP(S) listener with a table of endpoints under `http_base_path`. Endpoints are registered by the
 * modules that own the data (core monitoring, JetStream, metrics, dashboard), so this file knows none of them.
 */
export class MonitorServer {
  private readonly endpoints = new Map<string, EndpointHandler>();
  private readonly basePath: string;
  private httpServer: http.Server | null = null;
  /** `http_auth`: every path, the dashboard included, needs the credentials; null = open, as nats-server. */
  private readonly auth: MonitorAuth | null;
  /** Requests served per path (for /varz http_req_stats). */
  readonly requestStats: Record<string, number> = {};

  constructor(readonly server: Server) {
    const base = server.options.httpBasePath.replace(/\/+$/, '');
    this.basePath = base === '' ? '' : base.startsWith('/') ? base : `/${base}`;
    this.auth = server.options.httpAuth ? createMonitorAuth(server.options.httpAuth) : null;
  }

  /** Registers `path` ('/varz', '/' …) relative to the base path; the last registration wins. */
  register(path: string, handler: EndpointHandler): void {
    this.endpoints.set(path, handler);
  }

  /**
   * Sections that other modules add to /varz (JetStream adds `jetstream`), computed when /varz is asked for.
   * A section registered here replaces the default /varz has for that key.
   */
  readonly varzSections = new Map<string, () => unknown>();

  /** Whether a report is registered at `path`. */
  has(path: string): boolean {
    return this.endpoints.has(path);
  }

  /**
   * Runs a report for a caller that is not an HTTP client (not counted in http_req_stats). Errors come back
   * as a result with their status, as HTTP would show them. Undefined when nothing is registered at `path`.
   */
  async invoke(path: string, query: URLSearchParams): Promise<EndpointResult | undefined> {
    const handler = this.endpoints.get(path);
    if (handler === undefined) return undefined;
    const request = new http.IncomingMessage(new net.Socket());
    request.method = 'GET';
    request.url = `${this.basePath}${path}?${query.toString()}`;
    internalRequests.add(request);
    return runHandler(handler, query, request);
  }

  /** Paths as /varz reports them in `http_req_stats`. */
  paths(): string[] {
    return [...this.endpoints.keys()].map((p) => this.basePath + p);
  }

  /** Listens on host:port (-1 = random); `createServer` lets the caller supply an HTTPS server. */
  listen(host: string, port: number, createServer: (handler: http.RequestListener) => http.Server = (h) => http.createServer(h)): Promise<net.AddressInfo> {
    const httpServer = createServer((req, res) => void this.handle(req, res));
    // Monitoring must never keep a client's half-open socket forever.
    httpServer.headersTimeout = 10_000;
    httpServer.requestTimeout = 30_000;
    this.httpServer = httpServer;
    return new Promise((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen({ host: host === '' ? '0.0.0.0' : host, port: port < 0 ? 0 : port }, () => {
        httpServer.off('error', reject);
        httpServer.on('error', (err) => this.server.logger.error(`Monitoring listener error: ${err.message}`));
        resolve(httpServer.address() as net.AddressInfo);
      });
    });
  }

  close(): Promise<void> {
    const httpServer = this.httpServer;
    this.httpServer = null;
    if (httpServer === null) return Promise.resolve();
    httpServer.closeAllConnections();
    return new Promise((resolve) => httpServer.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (this.auth !== null && !(await this.auth.allows(req))) return unauthorized(res, this.auth.challenge);
    const url = new URL(req.url ?? '/', 'http://monitor');
    let path = url.pathname;
    if (this.basePath !== '') {
      if (path !== this.basePath && !path.startsWith(`${this.basePath}/`)) return notFound(res);
      path = path.slice(this.basePath.length) || '/';
    }
    if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    const handler = this.endpoints.get(path) ?? this.prefixHandler(path);
    if (handler === undefined) return notFound(res);
    this.requestStats[path] = (this.requestStats[path] ?? 0) + 1;
    send(res, await runHandler(handler, url.searchParams, req), url.searchParams.get('callback'));
  }

  /** Endpoints registered as '/dir/*' serve everything below '/dir/' (static assets). */
  private prefixHandler(path: string): EndpointHandler | undefined {
    for (const [key, handler] of this.endpoints) {
      if (key.endsWith('/*') && path.startsWith(key.slice(0, -1))) return handler;
    }
    return undefined;
  }
}

async function runHandler(handler: EndpointHandler, query: URLSearchParams, request: http.IncomingMessage): Promise<EndpointResult> {
  try {
    return await handler(query, request);
  } catch (err) {
    // A refused query says why in nats-server's words; anything else is our bug, reported the same way.
    const text = err instanceof MonitorRequestError ? err.message : `Error: ${(err as Error).message}`;
    return { status: err instanceof MonitorRequestError ? err.status : 400, body: text, contentType: 'text/plain; charset=utf-8' };
  }
}

/**
 * JSON indented like nats-server's, where bigint values are written with all their digits (uint64 fields
 * such as an unlimited reservation, 18446744073709551615, which a JS number would round).
 */
function jsonWithBigInts(value: unknown, indent: number | undefined = 2): string {
  const marker = '\u0000bigint:';
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${marker}${v.toString()}` : v), indent);
  return text.replace(/"\\u0000bigint:(-?\d+)"/g, '$1');
}

/** JSON as Go's encoder writes it: indented by two spaces, with <, > and & escaped inside strings. */
export function goJson(value: unknown, indent = true): string {
  // These three characters only ever occur inside strings in JSON text, so a plain replace is exact.
  return jsonWithBigInts(value, indent ? 2 : undefined).replace(/[<>&]/g, (c) => GO_ESCAPES[c]!);
}

/** The data of a report's result: pre-serialized JSON (/healthz) is read back so it nests in a `$SYS` envelope. */
export function resultData(result: EndpointResult): unknown {
  return typeof result.body === 'string' && result.contentType === 'application/json' ? JSON.parse(result.body) : result.body;
}

const GO_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026' };

function send(res: http.ServerResponse, result: EndpointResult, callback: string | null): void {
  const headers: Record<string, string> = { 'Access-Control-Allow-Origin': '*', ...result.headers };
  let body: string | Buffer;
  if (typeof result.body === 'string' && result.contentType === 'application/json') {
    // Pre-serialized JSON (numbers JSON.stringify can not write exactly, compact /healthz).
    body = wrapCallback(result.body, callback, headers);
  } else if (typeof result.body === 'string' || Buffer.isBuffer(result.body)) {
    body = result.body;
    headers['Content-Type'] = result.contentType ?? 'text/plain; charset=utf-8';
  } else {
    body = wrapCallback(goJson(result.body), callback, headers);
  }
  res.writeHead(result.status ?? 200, headers);
  res.end(body);
}

/** nats-server's JSONP: ?callback=fn wraps the JSON for old-style cross-origin pages. */
function wrapCallback(json: string, callback: string | null, headers: Record<string, string>): string {
  if (callback !== null && /^[A-Za-z_$][\w$.]*$/.test(callback)) {
    headers['Content-Type'] = 'application/javascript';
    return `${callback}(${json})`;
  }
  headers['Content-Type'] = 'application/json';
  return json;
}

function unauthorized(res: http.ServerResponse, challenge: string): void {
  res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8', 'WWW-Authenticate': challenge });
  res.end('401 Unauthorized\n');
}

function notFound(res: http.ServerResponse): void {
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('404 page not found\n');
}

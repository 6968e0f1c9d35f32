// The dashboard's write API: POST /api/publish and /api/request, through the server's internal publish/subscribe.

import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import type { Server } from '../core/server.js';
import type { Account } from '../core/account.js';
import { isValidLiteralSubject } from '../subjects/subject.js';
import type { EndpointResult, MonitorServer } from './monitor-server.js';
import { HttpError, readJsonBody } from './http-body.js';
import { writeAccessDenied } from './api-access.js';
import { decodeHeaders, encodeHeaders } from './nats-headers.js';

/** JSON bodies above this are refused unread (a message itself is further bounded by max_payload). */
const API_BODY_LIMIT = 1024 * 1024 + 64 * 1024;
const DEFAULT_TIMEOUT_MS = 2000;
const MAX_TIMEOUT_MS = 30_000;

interface OutgoingMessage {
  account: Account;
  subject: string;
  headers: Buffer | null;
  payload: Buffer;
}

export function registerDashboardApi(monitor: MonitorServer): void {
  const server = monitor.server;
  monitor.register('/api/publish', (_query, request) => guarded(server, request, async (body) => {
    const message = parseMessage(server, body);
    const delivered = server.publish(message.account, message.subject, '', message.headers, message.payload);
    return { status: 200, body: { ok: true, subject: message.subject, delivered } };
  }));
  monitor.register('/api/request', (_query, request) => guarded(server, request, (body) => requestReply(server, parseMessage(server, body), timeoutOf(body))));
}

/** Method, access and body checks shared by both endpoints; any HttpError becomes `{error}` with its status. */
async function guarded(server: Server, request: http.IncomingMessage, run: (body: Record<string, unknown>) => Promise<EndpointResult>): Promise<EndpointResult> {
  try {
    if (request.method !== 'POST') throw new HttpError(405, 'use POST');
    const denied = writeAccessDenied(server.options, request);
    if (denied !== null) throw new HttpError(403, denied);
    const type = request.headers['content-type'] ?? '';
    // Requiring JSON makes a browser send a CORS preflight first, which this API never approves.
    if (!/^application\/json\b/i.test(type)) throw new HttpError(415, 'Content-Type must be application/json');
    return await run(await readJsonBody(request, API_BODY_LIMIT));
  } catch (err) {
    if (err instanceof HttpError) {
      const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
      if (err.closeConnection) headers['Connection'] = 'close';
      return { status: err.status, body: { error: err.message }, headers };
    }
    throw err;
  }
}

function parseMessage(server: Server, body: Record<string, unknown>): OutgoingMessage {
  const { subject, payload = '', payload_encoding: encoding = 'utf8', account: accountName } = body;
  if (typeof subject !== 'string' || !isValidLiteralSubject(subject)) throw new HttpError(400, 'subject must be a valid subject without wildcards');
  if (typeof payload !== 'string') throw new HttpError(400, 'payload must be a string');
  if (encoding !== 'utf8' && encoding !== 'base64') throw new HttpError(400, 'payload_encoding must be utf8 or base64');
  let account = server.globalAccount;
  if (accountName !== undefined && accountName !== '') {
    if (typeof accountName !== 'string' || !server.accounts.has(accountName)) throw new HttpError(400, 'unknown account');
    account = server.accounts.get(accountName)!;
  }
  if (account === server.system?.account) throw new HttpError(403, 'publishing or requesting in the system account is not allowed');
  const headers = encodeHeaders(body.headers);
  const bytes = Buffer.from(payload, encoding);
  if (bytes.length + (headers?.length ?? 0) > server.options.maxPayload) throw new HttpError(400, `message exceeds max_payload (${server.options.maxPayload} bytes)`);
  return { account, subject, headers, payload: bytes };
}

function timeoutOf(body: Record<string, unknown>): number {
  const value = body.timeout_ms ?? DEFAULT_TIMEOUT_MS;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new HttpError(400, 'timeout_ms must be a positive number');
  return Math.min(value, MAX_TIMEOUT_MS);
}

/** Publishes with a one-off inbox as reply subject and answers with the first reply, as a client's request() does. */
function requestReply(server: Server, message: OutgoingMessage, timeoutMs: number): Promise<EndpointResult> {
  const inbox = `_INBOX.${randomBytes(12).toString('hex')}`;
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const subscription = message.account.subscribeInternal(inbox, (_sub, subject, _reply, headerSize, raw) => {
      finish({ status: 200, body: describeReply(subject, headerSize, raw) });
    });
    function finish(result: EndpointResult): void {
      // Several responders may answer; the first one wins, like a client's request().
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      message.account.unsubscribeInternal(subscription);
      resolve(result);
    }
    const delivered = server.publish(message.account, message.subject, inbox, message.headers, message.payload);
    // The reply may already have come (a service inside the server answers synchronously).
    if (settled) return;
    if (!delivered) return finish({ status: 503, body: { error: 'no responders', subject: message.subject } });
    timer = setTimeout(() => finish({ status: 504, body: { error: `timeout after ${timeoutMs} ms`, subject: message.subject } }), timeoutMs);
  });
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function describeReply(subject: string, headerSize: number, raw: Buffer): Record<string, unknown> {
  const parsed = headerSize > 0 ? decodeHeaders(raw.subarray(0, headerSize)) : null;
  const payload = raw.subarray(Math.max(0, headerSize));
  let text: string | null = null;
  try {
    text = strictUtf8.decode(payload);
  } catch {
    // Binary payloads travel as base64 so the JSON stays valid.
  }
  return {
    subject,
    headers: parsed?.headers ?? null,
    ...(parsed?.status !== undefined ? { status: parsed.status, description: parsed.description ?? '' } : {}),
    payload: text ?? payload.toString('base64'),
    payload_encoding: text === null ? 'base64' : 'utf8',
  };
}

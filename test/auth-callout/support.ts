// Auth callout tests: natrium started from a config, and a callout service built on the official client and src/auth/jwt.ts.
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { createUser, type KeyPair } from '@nats-io/nkeys';
import { decodeJwt, encodeJwt, type ClaimsData } from '../../src/auth/jwt.js';
import { startWithConfig, type RunningServer } from '../helpers/server-process.js';

export const AUTH_SUBJECT = '$SYS.REQ.USER.AUTH';

/** Starts natrium with `body` after `port`/`host` lines; the config directory goes away with the server. */
export function startNatrium(body: string): Promise<RunningServer> {
  return startWithConfig('natrium', body);
}

/** A decoded `authorization_request`, as a service sees it. */
export interface CalloutRequest {
  claims: ClaimsData;
  userNkey: string;
  serverId: string;
  connect: Record<string, unknown>;
  clientInfo: Record<string, unknown>;
  server: Record<string, unknown>;
  /** The `Nats-Server-Xkey` header (encrypted requests only). */
  serverXkey: string;
}

/** What the test's decision function does with a request: answer with bytes, or stay silent (null). */
export type Decide = (request: CalloutRequest) => Uint8Array | string | null;

export interface CalloutService {
  nc: NatsConnection;
  requests: CalloutRequest[];
  decide: Decide;
  close(): Promise<void>;
}

function objectField(source: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = source[key];
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** Decodes a request (after `open` when the server encrypted it); throws when it is not a valid server-signed JWT. */
export function decodeRequest(data: Uint8Array, serverXkey = ''): CalloutRequest {
  const decoded = decodeJwt(Buffer.from(data).toString('latin1'));
  if (!decoded.ok) throw new Error(`request not a JWT: ${decoded.error.message}`);
  const raw = decoded.claims.raw;
  const server = objectField(raw, 'server_id');
  return {
    claims: decoded.claims,
    userNkey: String(raw.user_nkey ?? ''),
    serverId: String(server.id ?? ''),
    connect: objectField(raw, 'connect_opts'),
    clientInfo: objectField(raw, 'client_info'),
    server,
    serverXkey,
  };
}

/**
 * Connects as an auth user and answers `$SYS.REQ.USER.AUTH` with `decide` (replaceable per test).
 * `open` decrypts requests when the server is configured with an xkey.
 */
export async function startService(url: string, user: string, pass: string, decide: Decide, open?: (data: Uint8Array, sender: string) => Uint8Array | null): Promise<CalloutService> {
  const nc = await connect({ servers: url, user, pass, reconnect: false, timeout: 5000 });
  const service: CalloutService = { nc, requests: [], decide, close: () => nc.close() };
  nc.subscribe(AUTH_SUBJECT, {
    callback: (err, msg: Msg) => {
      if (err) return;
      const serverXkey = msg.headers?.get('Nats-Server-Xkey') ?? '';
      const data = open && serverXkey ? open(msg.data, serverXkey) : msg.data;
      if (data === null) return;
      const request = decodeRequest(data, serverXkey);
      service.requests.push(request);
      const answer = service.decide(request);
      if (answer !== null) msg.respond(answer);
    },
  });
  await nc.flush();
  return service;
}

/** A user JWT for the request's user nkey; `aud` names the account in config mode. */
export function userJwt(issuer: KeyPair, request: CalloutRequest, aud: string, nats: Record<string, unknown> = {}, extra: { exp?: number; name?: string; sub?: string } = {}): string {
  return encodeJwt(
    { sub: extra.sub ?? request.userNkey, aud, ...(extra.exp !== undefined && { exp: extra.exp }), ...(extra.name !== undefined && { name: extra.name }), nats: { subs: -1, data: -1, payload: -1, ...nats, type: 'user' } },
    issuer,
  );
}

/** An `authorization_response` for the request: `jwt` or `error`; sub/aud/exp can be overridden to test refusals. */
export function response(signer: KeyPair, request: CalloutRequest, body: { jwt?: string; error?: string }, extra: { sub?: string; aud?: string; exp?: number } = {}): string {
  return encodeJwt(
    { sub: extra.sub ?? request.userNkey, aud: extra.aud ?? request.serverId, ...(extra.exp !== undefined && { exp: extra.exp }), nats: { ...body, type: 'authorization_response' } },
    signer,
  );
}

/** Some other user's public key. */
export function strangerNkey(): string {
  return createUser().getPublicKey();
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The error a failed connect rejected with. */
export async function connectError(url: string, opts: Record<string, unknown>): Promise<Error> {
  try {
    const nc = await connect({ servers: url, reconnect: false, timeout: 5000, ...opts });
    await nc.close();
  } catch (err) {
    return err as Error;
  }
  throw new Error(`connect with ${JSON.stringify({ ...opts, pass: opts.pass ? '***' : undefined })} was expected to fail`);
}

export async function waitFor(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

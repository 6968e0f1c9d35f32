// Auth callout (ADR-26, nats-server 2.10, config mode): the signed request to an external service and the checks of its answer.

import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { TLSSocket, type PeerCertificate } from 'node:tls';
import type { KeyPair } from '@nats-io/nkeys';
import type { ConnectOptions } from '../protocol/connect-options.js';
import { isPublicKey } from './credentials.js';
import { decodeJwt, decodeUserJwt, encodeJwt, isBlocking, validateClaims, type ClaimsData, type UserClaims } from './jwt.js';
import { CompiledPermissions, permissionsFromClaims, type ClientPermissions, type PermissionsSpec } from './permissions.js';
import { checkTimes, connectionTypeAllowed, convertConnectionTypes, sourceAllowed } from './user-limits.js';
import type { AuthCalloutSettings } from './auth-config.js';
import type { AuthFailure, AuthOutcome, AuthResult } from './authenticator.js';

/** Where requests go, in the callout account. */
export const AUTH_CALLOUT_SUBJECT = '$SYS.REQ.USER.AUTH';
/** The header that carries the server's curve key when requests are encrypted. */
export const SERVER_XKEY_HEADER = 'Nats-Server-Xkey';
/** The `aud` of every request. */
const REQUEST_AUDIENCE = 'nats-authorization-request';
const JWT_PREFIX = 'eyJ';

/** The server as a request describes it (nats-io/jwt ServerID). */
export interface CalloutServerIdentity {
  name: string;
  host: string;
  id: string;
  version: string;
}

/** The client's TLS state (nats-io/jwt ClientTLS): PEM certificates, verified chains when the server verified them. */
export interface CalloutClientTls {
  version?: string;
  cipher?: string;
  certs?: string[];
  verified_chains?: string[][];
}

/** The CONNECT fields a request carries. */
export type CalloutConnect = Pick<ConnectOptions, 'user' | 'pass' | 'authToken' | 'nkey' | 'sig' | 'jwt' | 'name' | 'lang' | 'version' | 'protocol'>;

/** The connecting client. */
export interface CalloutClient {
  id: number;
  host: string;
  /** The nonce of this client's INFO ('' if none was sent). */
  nonce: string;
  connect: CalloutConnect;
  /** STANDARD, WEBSOCKET, MQTT... */
  connectionType: string;
  tls: CalloutClientTls | null;
}

/** What the server lends the callout: its identity and key, and messaging in the callout account. */
export interface CalloutHost {
  readonly server: CalloutServerIdentity;
  /** Signs with the server's NKey; the request's `iss` is the server id. */
  sign(data: Uint8Array): Uint8Array;
  /** Subscribes in the callout account; the handler gets a copy of each message body. Returns the unsubscribe. */
  subscribe(subject: string, handler: (body: Buffer) => void): () => void;
  /** Publishes in the callout account; returns whether any subscription received the message. */
  publish(subject: string, reply: string, headers: Buffer | null, payload: Buffer): boolean;
  /** Whether an account of this name exists (a user JWT's `aud` names the account the client joins). */
  hasAccount(name: string): boolean;
  /** A refused or failed callout, for the server log (never carries the client's secrets). */
  warn(text: string): void;
}

interface Exchange {
  settings: AuthCalloutSettings;
  host: CalloutHost;
  client: CalloutClient;
  /** The fresh user key the response must be about. */
  userNkey: string;
  /** The server's curve pair when requests are encrypted. */
  curve: KeyPair | null;
}

function failure(reason: string): AuthFailure {
  return { ok: false, reason };
}

type NKeys = typeof import('@nats-io/nkeys');

/** @nats-io/nkeys, loaded at the first callout: it costs ~14 ms of start-up a server without callouts need not pay. */
let nkeys: NKeys | null = null;

let serverCurvePair: KeyPair | null = null;

/** The process's curve pair for encrypted callouts (nats-server keeps one per server). */
function serverCurve(lib: NKeys): KeyPair {
  serverCurvePair ??= lib.createCurve();
  return serverCurvePair;
}

/** Room left between the callout's timeout and the client's own auth timer, so the callout answers first. */
const AUTH_TIMER_MARGIN_MS = 20;

/**
 * How long to wait for the service: nats-server's auth timeout, but ending just before the client's
 * auth timer (which runs from the connection's start), so a silent service means 'Authorization Violation'.
 */
export function calloutTimeoutMs(authTimeoutMs: number, connectionStartMs: number, now = Date.now()): number {
  return Math.max(1, Math.min(authTimeoutMs, connectionStartMs + authTimeoutMs - AUTH_TIMER_MARGIN_MS - now));
}

/** Whether the client is one of `auth_users` (the service's own connections), which authenticate as usual. */
export function bypassesCallout(settings: AuthCalloutSettings, connect: CalloutConnect, noAuthUser: string | undefined): boolean {
  const noCredentials = connect.user === '' && connect.pass === '' && connect.authToken === '' && connect.nkey === '' && connect.jwt === '';
  // nats-server's raw auth user: the nkey, else the user name; no_auth_user stands in for no credentials.
  const user = connect.nkey || connect.user || (noCredentials ? noAuthUser ?? '' : '');
  return user !== '' && settings.authUsers.has(user);
}

/** nats-server: a client of the callout account may not publish requests to the service. */
export function denyCalloutSubject(spec: PermissionsSpec | null): PermissionsSpec {
  const publish = spec?.publish;
  const deny = [...(publish?.deny ?? [])];
  if (!deny.includes(AUTH_CALLOUT_SUBJECT)) deny.push(AUTH_CALLOUT_SUBJECT);
  return { ...spec, publish: { ...(publish?.allow !== undefined ? { allow: publish.allow } : {}), deny } };
}

/** An auth user that lands in the callout account gets the deny of denyCalloutSubject. */
export function guardCalloutAccount(outcome: AuthOutcome | Promise<AuthOutcome>, settings: AuthCalloutSettings): AuthOutcome | Promise<AuthOutcome> {
  if (outcome instanceof Promise) return outcome.then((result) => guardCalloutAccount(result, settings) as AuthOutcome);
  if (!outcome.ok || outcome.account !== settings.account) return outcome;
  const spec = denyCalloutSubject(outcome.permissions?.compiled.spec ?? null);
  return { ...outcome, permissions: new CompiledPermissions(spec).forClient() };
}

/**
 * Asks the service about a client: an `authorization_request` JWT signed by the server goes to
 * `$SYS.REQ.USER.AUTH` in the callout account; the answer must arrive within `timeoutMs`. Never rejects.
 */
export async function runAuthCallout(settings: AuthCalloutSettings, host: CalloutHost, client: CalloutClient, timeoutMs: number): Promise<AuthOutcome> {
  const lib = (nkeys ??= await import('@nats-io/nkeys'));
  return new Promise<AuthOutcome>((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | null = null;
    let unsubscribe: (() => void) | null = null;
    const finish = (outcome: AuthOutcome): void => {
      if (settled) return;
      settled = true;
      if (timer !== null) clearTimeout(timer);
      // Not from inside the delivery that brought the answer: the subscription leaves after it.
      if (unsubscribe !== null) queueMicrotask(unsubscribe);
      if (!outcome.ok) host.warn(outcome.reason);
      resolve(outcome);
    };
    try {
      const userKey = lib.createUser();
      const userNkey = userKey.getPublicKey();
      userKey.clear();
      const exchange: Exchange = { settings, host, client, userNkey, curve: settings.xkey ? serverCurve(lib) : null };
      const reply = `$SYS._INBOX.${randomBytes(12).toString('hex')}`;
      unsubscribe = host.subscribe(reply, (body) => finish(checkResponse(exchange, body)));
      timer = setTimeout(() => finish(failure(`Authorization callout response not received in time on account ${JSON.stringify(settings.account)}`)), timeoutMs);
      let payload = Buffer.from(buildRequest(exchange, timeoutMs), 'latin1');
      let headers: Buffer | null = null;
      if (exchange.curve !== null) {
        payload = Buffer.from(exchange.curve.seal(payload, settings.xkey!));
        headers = Buffer.from(`NATS/1.0\r\n${SERVER_XKEY_HEADER}: ${exchange.curve.getPublicKey()}\r\n\r\n`, 'latin1');
      }
      // nats-server waits out the timeout when nobody listens; nobody will answer, so Natrium refuses at once.
      if (!host.publish(AUTH_CALLOUT_SUBJECT, reply, headers, payload)) {
        finish(failure(`No auth callout service on ${JSON.stringify(AUTH_CALLOUT_SUBJECT)} in account ${JSON.stringify(settings.account)}`));
      }
    } catch (err) {
      finish(failure(`Error sending authorization request: ${(err as Error)?.message ?? 'unknown'}`));
    }
  });
}

/** Go's `omitempty`: drops empty strings, zero numbers and undefined. */
function omitEmpty(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined && value !== '' && value !== 0) out[key] = value;
  return out;
}

/** nats-server clientTypeString. */
function clientType(connectionType: string): string {
  if (connectionType === 'STANDARD') return 'nats';
  return connectionType.toLowerCase();
}

/** The `authorization_request` claims (nats-io/jwt AuthorizationRequest), signed by the server. */
function buildRequest(exchange: Exchange, timeoutMs: number): string {
  const { settings, host, client, userNkey, curve } = exchange;
  const connect = client.connect;
  const nats: Record<string, unknown> & { type: string } = {
    server_id: { name: host.server.name, host: host.server.host, id: host.server.id, ...omitEmpty({ version: host.server.version, xkey: curve?.getPublicKey() }) },
    user_nkey: userNkey,
    client_info: omitEmpty({
      host: client.host,
      id: client.id,
      user: connect.nkey || connect.user,
      name: connect.name,
      kind: 'Client',
      type: clientType(client.connectionType),
      nonce: connect.sig !== '' ? client.nonce : '',
    }),
    connect_opts: {
      ...omitEmpty({ jwt: connect.jwt, nkey: connect.nkey, sig: connect.sig, auth_token: connect.authToken, user: connect.user, pass: connect.pass, name: connect.name, lang: connect.lang, version: connect.version }),
      protocol: connect.protocol,
    },
    ...(client.tls !== null ? { client_tls: client.tls } : {}),
    request_nonce: randomBytes(11).toString('base64url'),
    type: 'authorization_request',
  };
  const exp = Math.ceil((Date.now() + timeoutMs) / 1000);
  return encodeJwt({ sub: settings.issuer, aud: REQUEST_AUDIENCE, exp, nats }, { getPublicKey: () => host.server.id, sign: (data) => host.sign(data) });
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** nats-io/jwt AuthorizationResponseClaims.Validate: the first problem, or null. */
function responseProblem(response: ClaimsData, jwt: string, error: string, issuerAccount: string): string | null {
  if (!isPublicKey(response.sub, 'user')) return 'Subject must be a user public key';
  if (!isPublicKey(response.aud, 'server')) return 'Audience must be a server public key';
  if (error === '' && jwt === '') return 'Error or Jwt is required';
  if (error !== '' && jwt !== '') return 'Only Error or Jwt can be set';
  if (issuerAccount !== '' && !isPublicKey(issuerAccount, 'account')) return 'issuer_account is not an account public key';
  const issues = validateClaims(response);
  return issues.length > 0 ? issues[0]!.message : null;
}

/** The service's answer: an `authorization_response` JWT (possibly encrypted) with a user JWT or an error. */
function checkResponse(exchange: Exchange, body: Buffer): AuthOutcome {
  const { settings, host, userNkey, curve } = exchange;
  const account = JSON.stringify(settings.account);
  if (body.length === 0) return failure(`Auth callout violation: "no reason supplied" on account ${account}`);
  let token = body.toString('latin1').trim();
  if (curve !== null && !token.startsWith(JWT_PREFIX)) {
    let opened: Uint8Array | null = null;
    try {
      opened = curve.open(body, settings.xkey!);
    } catch {
      opened = null;
    }
    if (opened === null) return failure(`Error decrypting auth callout response on account ${account}`);
    token = Buffer.from(opened).toString('latin1').trim();
  }
  const decoded = decodeJwt(token);
  if (!decoded.ok) return failure(`Auth callout response on account ${account} not valid: ${decoded.error.message}`);
  const response = decoded.claims;
  if (response.type !== 'authorization_response') return failure(`Auth callout response on account ${account} is not an authorization response claim`);
  const jwt = text(response.raw.jwt);
  const error = text(response.raw.error);
  const problem = responseProblem(response, jwt, error, text(response.raw.issuer_account));
  if (problem !== null) return failure(`Authorization response had validation errors: ${problem}`);
  if (response.sub !== userNkey) return failure('Auth callout violation: auth callout response is not for expected user');
  if (response.aud !== host.server.id) return failure('Auth callout violation: auth callout response is not for server');
  // Natrium: only the configured issuer may answer (nats-server 2.10 checks the issuer of the user JWT only).
  if (response.iss !== settings.issuer) {
    return failure(`Auth callout response on account ${account} not signed by the issuer, expected ${JSON.stringify(settings.issuer)} got ${JSON.stringify(response.iss)}`);
  }
  if (error !== '') return failure(`Auth callout service returned an error: ${error}`);
  return checkUserJwt(exchange, jwt);
}

/** The user JWT of a positive answer: who the client is, where it goes, what it may do, until when. */
function checkUserJwt(exchange: Exchange, token: string): AuthOutcome {
  const { settings, host, client, userNkey } = exchange;
  const account = JSON.stringify(settings.account);
  const decoded = decodeUserJwt(token);
  if (!decoded.ok) return failure(`Error decoding user JWT: ${decoded.error.message}`);
  const user: UserClaims = decoded.claims;
  const now = Date.now();
  const issues = validateClaims(user, Math.floor(now / 1000));
  if (isBlocking(issues, true)) return failure(`Error validating user JWT: ${issues.find((issue) => issue.blocking)!.message}`);
  if (user.sub !== userNkey) return failure(`Expected authorized user of ${JSON.stringify(userNkey)} but got ${JSON.stringify(user.sub)} on account ${account}`);
  const window = checkTimes(user.times, user.timesLocation, now);
  if (!window.allowed) return failure(`Authorized user on account ${account} outside of valid connect times`);
  if (user.allowedConnectionTypes.length > 0) {
    const types = convertConnectionTypes(user.allowedConnectionTypes);
    if (types.allowed.size === 0) return failure(`Authorized user on account ${account} using invalid connection type`);
    if (!connectionTypeAllowed(types.allowed, client.connectionType)) return failure('Connection type not allowed');
  }
  if (user.issuerAccount !== '') return failure(`Error non operator mode account ${account}: attempted to use issuer_account`);
  if (user.iss !== settings.issuer) {
    return failure(`Wrong issuer for auth callout response on account ${account}, expected ${JSON.stringify(settings.issuer)} got ${JSON.stringify(user.iss)}`);
  }
  if (!sourceAllowed(user.src, client.host)) return failure(`Bad src Ip ${client.host}`);
  const target = user.aud;
  if (!host.hasAccount(target)) return failure(`No valid account ${JSON.stringify(target)} for auth callout response on account ${account}: account not found`);
  let spec = permissionsFromClaims(user);
  if (target === settings.account) spec = denyCalloutSubject(spec);
  const permissions: ClientPermissions | null = spec === null ? null : new CompiledPermissions(spec).forClient();
  const connect = client.connect;
  // The JWT's name, else nats-server keeps the CONNECT user (or nkey) as the user id.
  const result: AuthResult = { ok: true, method: 'callout', user: user.name || connect.user || connect.nkey || user.sub, account: target, permissions, nkey: user.sub, userClaims: user };
  const expiresAt = Math.min(user.exp > 0 ? user.exp * 1000 : Infinity, window.validForMs > 0 ? now + window.validForMs : Infinity);
  if (expiresAt !== Infinity) result.expiresAt = expiresAt;
  return result;
}

function pem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** The TLS state of a client socket for the request: version "1.3", the cipher's standard name, the peer's chain in PEM. */
export function clientTlsInfo(socket: Duplex): CalloutClientTls | null {
  if (!(socket instanceof TLSSocket)) return null;
  const info: CalloutClientTls = {};
  const protocol = socket.getProtocol();
  if (protocol) info.version = protocol.replace(/^TLSv/, '');
  const cipher = socket.getCipher();
  if (cipher) info.cipher = cipher.standardName || cipher.name;
  const chain: string[] = [];
  let cert: PeerCertificate | undefined = socket.getPeerCertificate(true);
  const seen = new Set<PeerCertificate>();
  while (cert !== undefined && cert.raw !== undefined && !seen.has(cert)) {
    seen.add(cert);
    chain.push(pem(cert.raw));
    const issuer: PeerCertificate | undefined = (cert as PeerCertificate & { issuerCertificate?: PeerCertificate }).issuerCertificate;
    cert = issuer === cert ? undefined : issuer;
  }
  if (chain.length > 0) {
    if (socket.authorized) info.verified_chains = [chain];
    else info.certs = chain;
  }
  return info;
}

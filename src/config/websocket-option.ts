// The `websocket {}` block: listener, TLS, origin checks, compression, and the websocket-only authorization.
import { ConfigError } from './config-error.js';
import type { ConfNode } from './conf-values.js';
import type { Options, WebsocketAuthorization, WebsocketListenerOptions } from './options.js';
import { parseTlsBlock } from './tls-option.js';
import {
  applyBlock,
  expectBool,
  expectDuration,
  expectSecondsOrDuration,
  expectString,
  type ApplyContext,
  type BlockKey,
} from './option-values.js';

/** What the websocket block sets besides host and port; merged into the listener by the option table. */
export type WebsocketExtras = Omit<WebsocketListenerOptions, 'host' | 'port'>;

/** The keys of `websocket {}` other than host/net, port and listen (those belong to every listener block). */
export function websocketBlockKeys(extras: WebsocketExtras): BlockKey[] {
  return [
    { names: ['no_tls'], apply: (value, inner) => { extras.noTls = expectBool(value, inner) ?? extras.noTls; } },
    {
      names: ['tls'],
      apply: (value, inner) => {
        const tls = parseTlsBlock(value, inner);
        if (tls) extras.tls = tls;
        else if (tls === null) delete extras.tls;
      },
    },
    { names: ['same_origin'], apply: (value, inner) => { setDefined(extras, 'sameOrigin', expectBool(value, inner)); } },
    { names: ['allowed_origins', 'allowed_origin', 'allow_origins', 'allow_origin', 'origins', 'origin'], apply: (value, inner) => setDefined(extras, 'allowedOrigins', expectOrigins(value, inner)) },
    { names: ['compression'], apply: (value, inner) => { setDefined(extras, 'compression', expectBool(value, inner)); } },
    { names: ['handshake_timeout'], apply: (value, inner) => { setDefined(extras, 'handshakeTimeoutMs', expectHandshakeTimeout(value, inner)); } },
    { names: ['authorization', 'authentication'], apply: (value, inner) => { setDefined(extras, 'authorization', expectAuthorization(value, inner)); } },
    { names: ['jwt_cookie'], apply: (value, inner) => { setDefined(extras, 'jwtCookie', expectString(value, inner)); } },
    { names: ['no_auth_user'], apply: (value, inner) => { setDefined(extras, 'noAuthUser', expectString(value, inner)); } },
    { names: ['advertise'], apply: (value, inner) => { setDefined(extras, 'advertise', expectString(value, inner)); } },
  ];
}

/** Keeps the options object free of `undefined` fields, so that an unset key is simply absent. */
function setDefined<K extends keyof WebsocketExtras>(extras: WebsocketExtras, key: K, value: WebsocketExtras[K] | undefined): void {
  if (value !== undefined) extras[key] = value;
}

/** `allowed_origins`: an array of URLs (a single string is taken too). A URL that does not parse is reported as nats-server logs it. */
function expectOrigins(node: ConfNode, context: ApplyContext): string[] | undefined {
  const items = node.kind === 'array' ? node.items : node.kind === 'string' ? [node] : undefined;
  if (items === undefined) return context.error(`error parsing allowed origins: unsupported type ${node.kind}`, node.position);
  const origins: string[] = [];
  for (const item of items) {
    if (item.kind !== 'string') return context.error(`error parsing allowed origins: unsupported type in array ${item.kind}`, item.position);
    let url: URL | undefined;
    try {
      url = new URL(item.value);
    } catch {
      url = undefined;
    }
    // nats-server logs the bad entry and starts without it (it can never match an Origin).
    if (url === undefined || url.host === '') context.warn(`error parsing allowed origin: ${JSON.stringify(item.value)}: invalid URI for request`, item.position);
    else origins.push(item.value);
  }
  return origins;
}

/** `handshake_timeout`: a duration string; an integer counts as seconds. */
function expectHandshakeTimeout(node: ConfNode, context: ApplyContext): number | undefined {
  if (node.kind === 'integer') {
    if (node.value < 0) return context.error(`${context.key} can not be negative, got ${node.text}`, node.position);
    return node.value * 1000;
  }
  return expectDuration(node, context, false);
}

/** websocket `authorization { user, password, token, timeout }` (no users or nkeys lists, as in nats-server). */
function expectAuthorization(node: ConfNode, context: ApplyContext): WebsocketAuthorization | undefined {
  if (node.kind !== 'map') return context.expected('a map { ... }', node);
  const auth: WebsocketAuthorization = {};
  applyBlock(node, context, [
    { names: ['user', 'username'], apply: (value, inner) => { const v = expectString(value, inner); if (v !== undefined) auth.user = v; } },
    { names: ['pass', 'password'], apply: (value, inner) => { const v = expectString(value, inner.redacted()); if (v !== undefined) auth.password = v; } },
    { names: ['token'], apply: (value, inner) => { const v = expectString(value, inner.redacted()); if (v !== undefined) auth.token = v; } },
    { names: ['timeout'], apply: (value, inner) => { const v = expectSecondsOrDuration(value, inner); if (v !== undefined) auth.timeoutMs = v; } },
  ], []);
  return auth;
}

/** nats-server's start-up checks of the websocket block (validateWebsocketOptions), with its messages. */
export function finalizeWebsocketOptions(options: Options, errors: ConfigError[]): void {
  const ws = options.websocket;
  if (ws === undefined) return;
  if (ws.tls === undefined && !ws.noTls) errors.push(new ConfigError('websocket requires TLS configuration'));
  const operatorMode = (options.operatorJwts?.length ?? 0) > 0 || (options.trustedKeys?.length ?? 0) > 0;
  const users = [...(options.authorization.users ?? []), ...Object.values(options.accounts ?? {}).flatMap((account) => account.users ?? [])];
  const noAuthUser = ws.noAuthUser ?? '';
  if (noAuthUser !== '') {
    const names = users.filter((user) => (user.nkey ?? '') === '').map((user) => user.user);
    if (operatorMode) errors.push(new ConfigError('no_auth_user not compatible with Trusted Operator'));
    else if (names.length === 0) errors.push(new ConfigError(`no_auth_user: ${JSON.stringify(noAuthUser)} present, but users are not defined`));
    else if (!names.includes(noAuthUser)) {
      errors.push(new ConfigError(`no_auth_user: ${JSON.stringify(noAuthUser)} not present as user in authorization block or account configuration`));
    }
  }
  if (users.length > 0) {
    if ((ws.authorization?.user ?? '') !== '') errors.push(new ConfigError('websocket authentication username not compatible with presence of users/nkeys'));
    if ((ws.authorization?.token ?? '') !== '') errors.push(new ConfigError('websocket authentication token not compatible with presence of users/nkeys'));
  }
  if ((ws.jwtCookie ?? '') !== '' && !operatorMode) {
    errors.push(new ConfigError(`trusted operators or trusted keys configuration is required for JWT authentication via cookie ${JSON.stringify(ws.jwtCookie)}`));
  }
}

// The one typed Options object that the config file, the command line and reload all produce.
import type { AuthCalloutOption, AuthUserOption } from '../auth/auth-config.js';
import type { PermissionsSpec } from '../auth/permissions.js';
import type { TlsConfig } from '../transport/tls-options.js';

export type { AuthUserOption } from '../auth/auth-config.js';
export type { PermissionsSpec } from '../auth/permissions.js';

/** One entry of `users: [...]` (user/password or nkey, permissions, connection types); the authenticator's type. */
export type UserOption = AuthUserOption;

/** `authorization {}`. Secrets (password, token) are plain text or bcrypt hashes, as written. */
export interface AuthorizationOptions {
  user?: string;
  password?: string;
  token?: string;
  /** Auth timeout in milliseconds (nats-server: `timeout` inside `authorization`, seconds, may be fractional). */
  timeoutMs?: number;
  /** Users and nkey users of the global account ($G). */
  users?: AuthUserOption[];
  /** `default_permissions` (alias `permissions`): for users of `users` without their own. */
  defaultPermissions?: PermissionsSpec;
  /** `auth_callout` (alias `auth_hook`): an external service authorizes clients other than its auth users. */
  callout?: AuthCalloutOption;
}

/** `exports: [...]` entry of an account: a stream or a service, public unless `accounts` is given. */
export interface AccountExportOption {
  stream?: string;
  service?: string;
  /** Accounts allowed to import it; undefined = every account. */
  accounts?: string[];
  /** Services only. */
  response_type?: 'Singleton' | 'Stream' | 'Chunked';
  /** Services only: milliseconds a response may take before it is considered gone. */
  response_threshold?: number;
}

/** `imports: [...]` entry of an account: a stream (with `prefix` or `to`) or a service (with `to`, `share`). */
export interface AccountImportOption {
  stream?: { account: string; subject: string };
  service?: { account: string; subject: string };
  /** Streams only: subjects arrive as `<prefix>.<subject>`. */
  prefix?: string;
  /** The local subject (service: what clients publish to; stream: the subject the messages arrive on). */
  to?: string;
  /** Services only: share the requester's latency information with the exporter. */
  share?: boolean;
}

/** `jetstream` of an account: its limits; -1 = unlimited (`jetstream: enabled` sets every limit to -1). */
export interface AccountJetStreamOption {
  /** Bytes. */
  maxMemory: number;
  /** Bytes. */
  maxStore: number;
  maxStreams: number;
  maxConsumers: number;
  /** `max_bytes_required`: streams must set max_bytes. */
  maxBytesRequired: boolean;
}

/** One `accounts { NAME: {...} }` entry. */
export interface AccountOption {
  users?: AuthUserOption[];
  /** For users of this account without their own `permissions`. */
  defaultPermissions?: PermissionsSpec;
  exports?: AccountExportOption[];
  imports?: AccountImportOption[];
  /** Undefined = JetStream not enabled for this account. */
  jetstream?: AccountJetStreamOption;
  /** The account's public nkey (`nkey`), if given. */
  nkey?: string;
}

/** `resolver`: MEMORY, URL("..."), or a directory resolver { type: full|cache, dir, ... }. */
export type ResolverOption =
  | { type: 'memory' }
  | { type: 'url'; url: string }
  | {
      type: 'full' | 'cache';
      dir: string;
      /** Most account JWTs kept. */
      limit?: number;
      /** cache only: how long a fetched JWT is kept. */
      ttlMs?: number;
      /** full only: JWTs may be deleted by the operator. */
      allowDelete?: boolean;
      /** full only: how often the directory is synchronised with other servers (`interval`). */
      intervalMs?: number;
      /** How long a lookup from other servers may take (`timeout`). */
      timeoutMs?: number;
    };

export interface JetStreamOptions {
  enabled: boolean;
  storeDir: string;
  /** Bytes; -1 = unlimited (nats-server picks 75% of memory / disk in that case). */
  maxMemoryStore: number;
  maxFileStore: number;
  /** File store fsync period (ms); default 2 minutes. */
  syncIntervalMs?: number;
  /** fsync before every acknowledgement (`sync_interval: always`). */
  syncAlways?: boolean;
}

/**
 * A listener for another front end (http monitoring, websocket, cluster, leafnodes); port -1 = random.
 * For `http`, host '' means "the client listener's host" (nats-server's default); the loader fills it in.
 */
export interface ListenerOptions {
  host: string;
  port: number;
}

export interface WebsocketListenerOptions extends ListenerOptions {
  /** nats-server refuses a websocket listener without TLS unless `no_tls: true`. */
  noTls: boolean;
  /** `tls {}`: the listener serves wss://. */
  tls?: TlsConfig;
  /** The Origin header (when present) must name the host and port the request was sent to. */
  sameOrigin?: boolean;
  /** Origins (scheme://host[:port]) that may connect when the request has an Origin header. */
  allowedOrigins?: string[];
  /** Offer permessage-deflate. */
  compression?: boolean;
  /** Time for the TLS handshake plus the HTTP upgrade request (default 2 s). */
  handshakeTimeoutMs?: number;
  /** `authorization {}`: replaces the top-level token / user for websocket clients only. */
  authorization?: WebsocketAuthorization;
  /** Name of the HTTP cookie carrying a user JWT for clients whose CONNECT has none (operator mode). */
  jwtCookie?: string;
  /** The user (from the top-level users) websocket clients without credentials become. */
  noAuthUser?: string;
  /** host:port to advertise to clients in place of the listen address. */
  advertise?: string;
}

/** websocket { authorization { token | user + password, timeout } }. */
export interface WebsocketAuthorization {
  user?: string;
  password?: string;
  token?: string;
  /** Auth timeout for websocket clients; 0 / undefined = the server's. */
  timeoutMs?: number;
}

export interface ClusterListenerOptions extends ListenerOptions {
  /** `cluster { name }`; undefined lets the server generate one, as nats-server does. */
  name?: string;
}

export interface Options {
  /** Path of the config file the options came from, if any. */
  configFile?: string;
  host: string;
  /**
   * Client port; -1 means a random free port, and 0 set in code is random too. (In a file or a flag
   * nats-server reads 0 as "not set", i.e. 4222; the loader does the same, so it never yields 0.)
   */
  port: number;
  /** '' = let the server generate one (nats-server uses the server id). */
  serverName: string;
  clientAdvertise?: string;

  maxPayload: number;
  maxControlLine: number;
  maxConnections: number;
  /** 0 = unlimited. */
  maxSubscriptions: number;
  /** Most tokens a subscription subject may have; 0 = no limit (`max_sub_tokens`). */
  maxSubscriptionTokens: number;
  /** Bytes pending for one connection before it is a slow consumer. */
  maxPending: number;
  pingIntervalMs: number;
  pingMax: number;
  authTimeoutMs: number;
  writeDeadlineMs: number;
  noHeaderSupport: boolean;
  /** `allow_non_tls`: with TLS configured, plain-text clients are served too. */
  allowNonTls?: boolean;
  disableSublistCache: boolean;

  authorization: AuthorizationOptions;
  /** User whose identity clients that present no credentials get (`no_auth_user`). */
  noAuthUser?: string;
  /** `accounts {}` (or `accounts: [A, B]`), by name. */
  accounts?: Record<string, AccountOption>;
  /** `system_account` (alias `system`); in operator mode the operator JWT's system account unless set. */
  systemAccount?: string;
  /** `no_system_account` (aliases `no_system`, `no_sys_acc`). */
  noSystemAccount?: boolean;
  /** `operator`: the operator JWTs (read from their files at load time, or given inline), undecorated. */
  operatorJwts?: string[];
  /** `trusted_keys` / `trusted`: operator public keys. */
  trustedKeys?: string[];
  /** `resolver`; with one operator and no resolver, a URL resolver at the operator's account server URL. */
  resolver?: ResolverOption;
  /** `resolver_preload`: account public key -> account JWT. */
  resolverPreload?: Record<string, string>;
  /** `resolver_pinned_accounts`: the only accounts the resolver may serve (the system account is added). */
  resolverPinnedAccounts?: string[];
  /** Send a nonce in INFO even when no configured user needs one (Natrium's `always_enable_nonce`). */
  alwaysEnableNonce?: boolean;

  /** Client TLS (`tls {}`, or the --tls* flags); undefined = plain text. */
  tls?: TlsConfig;
  /** `tls { verify_and_map: true }`: the user is named by the client certificate. */
  tlsMap?: boolean;
  /** SHA-256 of the TLS files' contents at load, so that reload notices a certificate rotated in place. */
  tlsFilesDigest?: string;

  debug: boolean;
  trace: boolean;
  /** Trace the system account too (`trace_verbose`, `-VV`); implies trace. */
  traceVerbose: boolean;
  logtime: boolean;
  logFile?: string;
  /** Bytes; 0 = no rotation. */
  logSizeLimit: number;
  /** 0 = unlimited. */
  maxTracedMsgLen: number;
  pidFile?: string;
  portsFileDir?: string;
  /** `server_tags`, reported in monitoring. */
  serverTags: string[];

  lameDuckDurationMs: number;
  lameDuckGracePeriodMs: number;

  jetstream: JetStreamOptions;

  /** Monitoring listener (`-m`, `http:`, `http_port:`); set but served once monitoring lands. */
  http?: ListenerOptions;
  /** HTTPS monitoring listener (`https:`, `https_port:`, `-ms`), served with the top-level `tls {}` settings. */
  https?: ListenerOptions;
  /** Monitoring port authentication (a Natrium extension): a bearer token, or basic auth with user and password. */
  httpAuth?: { token?: string; user?: string; password?: string };
  /** `http_base_path` for the monitoring endpoints; '' = '/'. */
  httpBasePath: string;
  /** `websocket {}`: NATS over websocket (src/transport/websocket.ts). */
  websocket?: WebsocketListenerOptions;
  /** `cluster {}` listener (routes are not supported yet). */
  cluster?: ClusterListenerOptions;
  /** `leafnodes {}` listener (remotes are not supported yet). */
  leafnodes?: ListenerOptions;
}

/** nats-server 2.9 defaults (server/const.go, setBaselineOptions). */
export const DEFAULTS = {
  host: '0.0.0.0',
  port: 4222,
  maxPayload: 1024 * 1024,
  maxControlLine: 4096,
  maxConnections: 64 * 1024,
  maxPending: 64 * 1024 * 1024,
  pingIntervalMs: 2 * 60_000,
  pingMax: 2,
  authTimeoutMs: 2000,
  writeDeadlineMs: 10_000,
  lameDuckDurationMs: 2 * 60_000,
  lameDuckGracePeriodMs: 10_000,
  /** Natrium keeps JetStream data here unless told otherwise (nats-server would use a temp dir). */
  storeDir: './data',
} as const;

/**
 * Options as nats-server 2.9 starts them with no file and no flags, except that JetStream is on
 * (Natrium differs from nats-server here on purpose) with its data in ./data.
 */
export function defaultOptions(): Options {
  return {
    host: DEFAULTS.host,
    port: DEFAULTS.port,
    serverName: '',
    maxPayload: DEFAULTS.maxPayload,
    maxControlLine: DEFAULTS.maxControlLine,
    maxConnections: DEFAULTS.maxConnections,
    maxSubscriptions: 0,
    maxSubscriptionTokens: 0,
    maxPending: DEFAULTS.maxPending,
    pingIntervalMs: DEFAULTS.pingIntervalMs,
    pingMax: DEFAULTS.pingMax,
    authTimeoutMs: DEFAULTS.authTimeoutMs,
    writeDeadlineMs: DEFAULTS.writeDeadlineMs,
    noHeaderSupport: false,
    allowNonTls: false,
    disableSublistCache: false,
    authorization: {},
    debug: false,
    trace: false,
    traceVerbose: false,
    logtime: true,
    logSizeLimit: 0,
    maxTracedMsgLen: 0,
    serverTags: [],
    lameDuckDurationMs: DEFAULTS.lameDuckDurationMs,
    lameDuckGracePeriodMs: DEFAULTS.lameDuckGracePeriodMs,
    jetstream: { enabled: true, storeDir: DEFAULTS.storeDir, maxMemoryStore: -1, maxFileStore: -1 },
    httpBasePath: '',
  };
}

/** A deep copy (Options is plain data). */
export function cloneOptions(options: Options): Options {
  return structuredClone(options);
}

// The one typed Options object that the config file, the command line and reload all produce.

/** A user of the simple `authorization {}` block (the full security matrix is a later issue). */
export interface UserOption {
  user: string;
  password: string;
}

export interface AuthorizationOptions {
  user?: string;
  password?: string;
  token?: string;
  /** Auth timeout in milliseconds (nats-server: `timeout` inside `authorization`, seconds, may be fractional). */
  timeoutMs?: number;
  users?: UserOption[];
}

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
  disableSublistCache: boolean;

  authorization: AuthorizationOptions;
  noAuthUser?: string;

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
  /** `http_base_path` for the monitoring endpoints; '' = '/'. */
  httpBasePath: string;
  /** `websocket {}` listener; parsed now, served once the websocket front end lands. */
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

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
}

/** A listener for another front end (http monitoring, websocket, cluster, leafnodes); port -1 = random. */
export interface ListenerOptions {
  host: string;
  port: number;
}

export interface Options {
  /** Path of the config file the options came from, if any. */
  configFile?: string;
  host: string;
  /** Client port; -1 means a random free port, 0 is also random. */
  port: number;
  serverName: string;
  clientAdvertise?: string;

  maxPayload: number;
  maxControlLine: number;
  maxConnections: number;
  /** 0 = unlimited. */
  maxSubscriptions: number;
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
  logtime: boolean;
  logFile?: string;
  /** Bytes; 0 = no rotation. */
  logSizeLimit: number;
  maxTracedMsgLen: number;
  pidFile?: string;
  portsFileDir?: string;

  lameDuckDurationMs: number;
  lameDuckGracePeriodMs: number;

  jetstream: JetStreamOptions;

  /** Monitoring listener (`-m`, `http:`, `http_port:`); set but served once monitoring lands. */
  http?: ListenerOptions;
}

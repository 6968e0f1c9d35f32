// The option table: one entry per nats-server option (keys, type, how it sets Options, reload rule).
//
// Used by the config file loader (applyConfigTree), by reload (diffOptions) and later by /varz.
// Keys are matched case-insensitively, as nats-server does. Options of features Natrium does not have
// yet are recognized by name (UNSUPPORTED_OPTIONS) and rejected with "... is not supported yet"
// unless their value is "off" (false, "", [] or {}), so that a nats-server file fails clearly rather
// than half-working. Reload rules come from running nats-server 2.9.10 and sending SIGHUP. The
// security options (authorization, accounts, operator mode, TLS) are in option-table-security.ts.
import { ConfigError, type ConfigPosition } from './config-error.js';
import type { ConfMapNode, ConfNode } from './conf-values.js';
import { formatDuration } from './conf-values.js';
import type { UserPlacement } from './accounts-option.js';
import { DEFAULTS, defaultOptions, type ListenerOptions, type Options } from './options.js';
import { finalizeSecurityOptions, finishSecurityTree, SECURITY_ENTRIES } from './option-table-security.js';
import { finalizeWebsocketOptions, websocketBlockKeys, type WebsocketExtras } from './websocket-option.js';
import {
  ApplyContext,
  applyBlock,
  closestName,
  expectBool,
  expectDuration,
  expectInteger,
  expectListen,
  expectMap,
  expectPort,
  expectSize,
  expectString,
  expectStringList,
  isOff,
  type BlockKey,
} from './option-values.js';

/** 'yes': applied on reload; 'no': a change needs a restart; a function returns why not, or undefined. */
export type ReloadRule = 'yes' | 'no' | ((previous: Options, next: Options) => string | undefined);

export type OptionType =
  | 'string' | 'integer' | 'size' | 'duration' | 'bool' | 'port' | 'listen' | 'strings' | 'map'
  | 'authorization' | 'accounts' | 'resolver' | 'tls' | 'jetstream' | 'listener block';

export interface OptionEntry {
  /** The key nats-server documents. */
  name: string;
  /** Other keys nats-server accepts for the same option. */
  aliases: readonly string[];
  type: OptionType;
  description: string;
  /** Options fields (dotted paths) the option sets: what diffOptions compares and /varz shows. */
  fields: readonly string[];
  reload: ReloadRule;
  apply(node: ConfNode, options: Options, context: ApplyContext, state: ApplyState): void;
}

export interface OptionSpec extends OptionEntry {
  /** The value when neither file nor flags set it (from defaultOptions; one field: its value, else by field). */
  readonly default: unknown;
}

/** What one pass over a file remembers across keys. */
export interface ApplyState {
  /** Where store_dir was set (top level or inside jetstream {}); nats-server refuses both. */
  storeDirPosition?: ConfigPosition;
  /** Users of authorization {} and of every account, in file order: a name may appear once. */
  userPlacements: UserPlacement[];
  /** The file being applied; `operator` files are found relative to it. */
  configFile?: string;
  /** Reads files the options name (operator JWTs); default fs.readFileSync(..., 'utf8'). */
  readFile?: (file: string) => string;
}

/** Where the tree came from, for options that read further files. */
export interface ConfigSource {
  file?: string;
  readFile?: (file: string) => string;
}

const INT32_MAX = 2 ** 31 - 1;

function simple<T>(
  name: string,
  aliases: readonly string[],
  type: OptionType,
  field: keyof Options,
  reload: ReloadRule,
  description: string,
  convert: (node: ConfNode, context: ApplyContext) => T | undefined,
): OptionEntry {
  return {
    name, aliases, type, description, reload, fields: [field],
    apply(node, options, context) {
      const value = convert(node, context);
      if (value !== undefined) (options as unknown as Record<string, unknown>)[field] = value;
    },
  };
}

const str = (node: ConfNode, context: ApplyContext) => expectString(node, context);
const bool = (node: ConfNode, context: ApplyContext) => expectBool(node, context);

const ENTRIES: readonly OptionEntry[] = [
  simple('host', ['net'], 'string', 'host', 'no', 'Client listener host', str),
  simple('port', [], 'port', 'port', 'no', 'Client port; -1 = random, 0 = default 4222', expectPort),
  {
    name: 'listen', aliases: [], type: 'listen', fields: ['host', 'port'], reload: 'no',
    description: 'Client listener as "host:port" or a port',
    apply(node, options, context) {
      const listen = expectListen(node, context);
      if (!listen) return;
      if (listen.host !== undefined) options.host = listen.host;
      options.port = listen.port;
    },
  },
  simple('server_name', [], 'string', 'serverName', 'no', 'Server name (default: the server id)', str),
  simple('client_advertise', [], 'string', 'clientAdvertise', 'yes', 'Client URL advertised to other servers', str),
  simple('max_payload', [], 'size', 'maxPayload', 'yes', 'Largest message payload (1MB)', (node, context) => expectSize(node, context, INT32_MAX)),
  simple('max_control_line', [], 'size', 'maxControlLine', 'yes', 'Longest protocol line (4KB)', (node, context) => expectSize(node, context, INT32_MAX)),
  simple('max_pending', [], 'size', 'maxPending', 'no', 'Bytes pending for a connection before it is a slow consumer (64MB)', (node, context) => expectSize(node, context)),
  simple('max_connections', ['max_conn'], 'integer', 'maxConnections', 'yes', 'Most client connections (64K)', (node, context) => expectInteger(node, context)),
  simple('max_subscriptions', ['max_subs'], 'integer', 'maxSubscriptions', 'no', 'Most subscriptions per connection (0 = unlimited)', (node, context) => expectInteger(node, context, 0)),
  simple('max_sub_tokens', ['max_subscription_tokens'], 'integer', 'maxSubscriptionTokens', 'no', 'Most tokens in a subscription subject', (node, context) => expectInteger(node, context, 1, 255)),
  simple('ping_interval', [], 'duration', 'pingIntervalMs', 'yes', 'Interval between server PINGs ("2m"; a number = seconds, deprecated)', (node, context) => expectDuration(node, context, true)),
  simple('ping_max', [], 'integer', 'pingMax', 'yes', 'Unanswered PINGs before a connection is stale (2)', (node, context) => expectInteger(node, context)),
  simple('write_deadline', [], 'duration', 'writeDeadlineMs', 'yes', 'Time a write may block ("10s"; a number = seconds, deprecated)', (node, context) => expectDuration(node, context, true)),
  simple('lame_duck_duration', [], 'duration', 'lameDuckDurationMs', 'no', 'Time over which lame duck mode closes clients ("2m", at least 30s)', (node, context) => {
    const duration = expectDuration(node, context, false);
    if (duration !== undefined && duration < 30_000) {
      return context.error(`invalid lame_duck_duration of ${formatDuration(duration)}, minimum is 30 seconds`, node.position);
    }
    return duration;
  }),
  simple('lame_duck_grace_period', [], 'duration', 'lameDuckGracePeriodMs', 'no', 'Wait before lame duck mode starts closing clients ("10s")', (node, context) => expectDuration(node, context, false)),
  simple('no_header_support', [], 'bool', 'noHeaderSupport', 'no', 'Refuse message headers', bool),
  simple('allow_non_tls', [], 'bool', 'allowNonTls', 'yes', 'With tls {}: also serve clients that do not start TLS (INFO says tls_available)', bool),
  simple('disable_sublist_cache', ['no_sublist_cache'], 'bool', 'disableSublistCache', 'no', 'Turn off the subject match cache', bool),
  ...SECURITY_ENTRIES,
  simple('debug', [], 'bool', 'debug', 'yes', 'Debug logging', bool),
  simple('trace', [], 'bool', 'trace', 'yes', 'Protocol tracing', bool),
  {
    name: 'trace_verbose', aliases: [], type: 'bool', fields: ['traceVerbose'], reload: 'yes',
    description: 'Tracing that includes the system account (implies trace)',
    apply(node, options, context) {
      const value = expectBool(node, context);
      if (value === undefined) return;
      options.traceVerbose = value;
      options.trace = value;
    },
  },
  simple('logtime', [], 'bool', 'logtime', 'yes', 'Timestamps in log lines (true)', bool),
  simple('logfile', ['log_file'], 'string', 'logFile', 'yes', 'Log to this file', str),
  simple('logfile_size_limit', ['log_size_limit'], 'size', 'logSizeLimit', 'no', 'Rotate the log file at this size (0 = never)', (node, context) => expectSize(node, context)),
  simple('max_traced_msg_len', [], 'integer', 'maxTracedMsgLen', 'yes', 'Longest traced payload (0 = unlimited)', (node, context) => expectInteger(node, context, 0)),
  simple('pidfile', ['pid_file'], 'string', 'pidFile', 'yes', 'Write the process id to this file', str),
  simple('ports_file_dir', [], 'string', 'portsFileDir', 'yes', 'Write <name>_<pid>.ports with the listen URLs here', str),
  simple('server_tags', [], 'strings', 'serverTags', 'yes', 'Tags reported in monitoring', expectStringList),
  {
    name: 'jetstream', aliases: [], type: 'jetstream', fields: ['jetstream'], reload: jetStreamReload,
    description: 'true/false, "enabled"/"disabled", or { store_dir, max_memory_store, max_file_store, enabled }',
    apply: applyJetStream,
  },
  {
    name: 'store_dir', aliases: ['storedir'], type: 'string', fields: ['jetstream.storeDir'], reload: jetStreamReload,
    description: 'JetStream storage directory (also jetstream { store_dir })',
    apply(node, options, context, state) {
      const dir = expectString(node, context);
      if (dir !== undefined && claimStoreDir(state, context, node.position)) options.jetstream.storeDir = dir;
    },
  },
  {
    name: 'http', aliases: [], type: 'listen', fields: ['http'], reload: 'no',
    description: 'Monitoring listener as "host:port" or a port (-1 = random)',
    apply(node, options, context) {
      const listen = expectListen(node, context);
      if (listen) options.http = listen.port === 0 ? undefined : { host: listen.host ?? '', port: listen.port };
    },
  },
  {
    name: 'http_port', aliases: ['monitor_port'], type: 'port', fields: ['http'], reload: 'no',
    description: 'Monitoring port (-1 = random)',
    apply(node, options, context) {
      const port = expectPort(node, context);
      if (port !== undefined) options.http = port === 0 ? undefined : { host: options.http?.host ?? '', port };
    },
  },
  {
    name: 'https', aliases: [], type: 'listen', fields: ['https'], reload: 'no',
    description: 'HTTPS monitoring listener as "host:port" or a port (-1 = random); needs tls {}',
    apply(node, options, context) {
      const listen = expectListen(node, context);
      if (listen) options.https = listen.port === 0 ? undefined : { host: listen.host ?? '', port: listen.port };
    },
  },
  {
    name: 'https_port', aliases: [], type: 'port', fields: ['https'], reload: 'no',
    description: 'HTTPS monitoring port (-1 = random); needs tls {}',
    apply(node, options, context) {
      const port = expectPort(node, context);
      if (port !== undefined) options.https = port === 0 ? undefined : { host: options.https?.host ?? '', port };
    },
  },
  {
    name: 'http_auth', aliases: [], type: 'map', fields: ['httpAuth'], reload: 'no',
    description: 'Natrium only: monitoring port authentication, http_auth { token } or { user, password } (bcrypt allowed)',
    apply: applyHttpAuth,
  },
  simple('http_base_path', [], 'string', 'httpBasePath', 'no', 'Path prefix of the monitoring endpoints', str),
  {
    name: 'websocket', aliases: ['ws'], type: 'listener block', fields: ['websocket'], reload: 'no',
    description: 'websocket { host, port, listen, advertise, no_tls, tls, same_origin, allowed_origins, compression, handshake_timeout, authorization, jwt_cookie, no_auth_user }',
    apply(node, options, context) {
      const extras: WebsocketExtras = { noTls: false };
      const listener = applyListenerBlock(node, context, 'websocket', [], websocketBlockKeys(extras));
      if (listener !== null) options.websocket = listener && { ...listener, ...extras };
    },
  },
  {
    name: 'cluster', aliases: [], type: 'listener block', fields: ['cluster'], reload: clusterReload,
    description: 'cluster { name, host, port, listen } (routes and the rest: not supported yet)',
    apply(node, options, context) {
      let name: string | undefined;
      const listener = applyListenerBlock(node, context, 'cluster', CLUSTER_UNSUPPORTED, [
        { names: ['name'], apply: (value, inner) => { name = expectString(value, inner) ?? name; } },
      ]);
      if (listener !== null) options.cluster = listener && (name === undefined ? listener : { ...listener, name });
    },
  },
  {
    name: 'leafnodes', aliases: ['leaf'], type: 'listener block', fields: ['leafnodes'], reload: 'no',
    description: 'leafnodes { host, port, listen } (remotes and the rest: not supported yet)',
    apply(node, options, context) {
      const listener = applyListenerBlock(node, context, 'leafnodes', LEAFNODES_UNSUPPORTED, []);
      if (listener !== null) options.leafnodes = listener;
    },
  },
];

export const OPTION_TABLE: readonly OptionSpec[] = ENTRIES.map((entry) => {
  const defaults = defaultOptions();
  const values = entry.fields.map((field) => [field, readField(defaults, field)] as const);
  return { ...entry, default: values.length === 1 ? values[0]?.[1] : Object.fromEntries(values) };
});

/** nats-server options Natrium recognizes but does not implement yet, with the feature they belong to. */
export const UNSUPPORTED_OPTIONS: ReadonlyMap<string, string> = new Map([
  ...['ocsp'].map((key) => [key, 'TLS'] as const),
  ['gateway', 'gateways (superclusters)'],
  ['mqtt', 'MQTT'],
  ...['mappings', 'maps'].map((key) => [key, 'subject mappings in the config file'] as const),
  ['resolver_tls', 'TLS for the URL account resolver'],
  ['default_js_domain', 'JetStream domains'],
  ['prof_port', 'the profiling port'],
  ...['syslog', 'remote_syslog'].map((key) => [key, 'syslog'] as const),
  ...['connect_error_reports', 'reconnect_error_reports'].map((key) => [key, 'routes, gateways and leafnode remotes'] as const),
]);

const CLUSTER_UNSUPPORTED = ['authorization', 'routes', 'tls', 'cluster_advertise', 'advertise', 'no_advertise', 'connect_retries', 'permissions'];
const LEAFNODES_UNSUPPORTED = ['authorization', 'remotes', 'reconnect', 'reconnect_delay', 'reconnect_interval', 'tls', 'leafnode_advertise', 'advertise', 'no_advertise', 'min_version', 'minimum_version'];
const JETSTREAM_UNSUPPORTED = ['domain', 'key', 'ek', 'encryption_key', 'cipher', 'extension_hint', 'limits', 'unique_tag', 'max_outstanding_catchup'];

/** Every key (names and aliases, lowercase) to its entry. */
export const OPTION_BY_KEY: ReadonlyMap<string, OptionSpec> = new Map(
  OPTION_TABLE.flatMap((spec) => [spec.name, ...spec.aliases].map((key) => [key, spec] as const)),
);

/** Applies every top-level key of a parsed file to `options`; problems are appended to `errors`. */
export function applyConfigTree(root: ConfMapNode, options: Options, errors: ConfigError[], source: ConfigSource = {}): void {
  const state: ApplyState = { userPlacements: [] };
  if (source.file !== undefined) state.configFile = source.file;
  if (source.readFile !== undefined) state.readFile = source.readFile;
  for (const entry of root.entries.values()) {
    const context = new ApplyContext(errors).nested(entry);
    const key = entry.key.toLowerCase();
    const spec = OPTION_BY_KEY.get(key);
    if (spec) {
      spec.apply(entry.value, options, context, state);
      continue;
    }
    const feature = UNSUPPORTED_OPTIONS.get(key);
    if (feature !== undefined) {
      if (!isOff(entry.value)) context.error(`"${entry.key}" is not supported yet by Natrium (${feature})`);
    } else if (!entry.referenced) {
      const suggestion = closestName(key, [...OPTION_BY_KEY.keys(), ...UNSUPPORTED_OPTIONS.keys()]);
      context.error(`unknown field "${entry.key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`);
    }
  }
  finishSecurityTree(options, state, errors);
}

/**
 * websocket/cluster/leafnodes: host (or net), port and listen; the listener, undefined when it has no
 * port (nats-server then starts no listener), or null when the block itself was not a map.
 */
function applyListenerBlock(
  node: ConfNode, context: ApplyContext, name: string, unsupported: readonly string[], extra: readonly BlockKey[],
): ListenerOptions | undefined | null {
  const map = node.kind === 'map' ? node : undefined;
  if (!map) {
    context.error(`Expected map to define ${name}, got ${node.kind}`, node.position);
    return null;
  }
  const listener: ListenerOptions = { host: DEFAULTS.host, port: 0 };
  applyBlock(map, context, [
    { names: ['host', 'net'], apply: (value, inner) => { listener.host = expectString(value, inner) ?? listener.host; } },
    { names: ['port'], apply: (value, inner) => { listener.port = expectPort(value, inner) ?? listener.port; } },
    {
      names: ['listen'],
      apply: (value, inner) => {
        const listen = expectListen(value, inner);
        if (!listen) return;
        if (listen.host) listener.host = listen.host;
        listener.port = listen.port;
      },
    },
    ...extra,
  ], unsupported);
  return listener.port === 0 ? undefined : listener;
}

/** `http_auth { token }` or `http_auth { user, password }`: exactly one of the two forms. */
function applyHttpAuth(node: ConfNode, options: Options, context: ApplyContext): void {
  const map = expectMap(node, context);
  if (!map) return;
  const auth: { token?: string; user?: string; password?: string } = {};
  const secret = (field: 'token' | 'password') => (value: ConfNode, inner: ApplyContext) => {
    const text = expectString(value, inner.redacted());
    if (text !== undefined) auth[field] = text;
  };
  applyBlock(map, context, [
    { names: ['token'], apply: secret('token') },
    { names: ['user', 'username'], apply: (value, inner) => { auth.user = expectString(value, inner) ?? auth.user; } },
    { names: ['pass', 'password'], apply: secret('password') },
  ], []);
  const hasUser = auth.user !== undefined || auth.password !== undefined;
  if (auth.token !== undefined && hasUser) {
    context.error('http_auth: give either a token or a user and password, not both', node.position);
  } else if (hasUser && (!auth.user || !auth.password)) {
    context.error('http_auth: a user needs a password (and a password a user)', node.position);
  } else if (auth.token === '') {
    context.error('http_auth: the token can not be empty', node.position);
  } else if (auth.token === undefined && !hasUser) {
    context.error('http_auth: expected a token, or a user and password', node.position);
  } else {
    options.httpAuth = auth;
  }
}

function claimStoreDir(state: ApplyState, context: ApplyContext, position: ConfigPosition): boolean {
  if (state.storeDirPosition) {
    const first = state.storeDirPosition;
    context.error(`Duplicate 'store_dir' configuration (first set at ${first.file}:${first.line}:${first.column})`, position);
    return false;
  }
  state.storeDirPosition = position;
  return true;
}

/** jetstream max_memory_store / max_file_store: an integer (units as usual), or a string "1G" with K/M/G/T = powers of 1024. */
function expectStorageSize(node: ConfNode, context: ApplyContext): number | undefined {
  if (node.kind === 'integer') {
    return node.value < -1 ? context.error(`${context.key} can not be negative (-1 = unlimited)`, node.position) : node.value;
  }
  if (node.kind !== 'string') return context.expected('a size such as 1GB, 512MB or "1G"', node);
  if (node.value === '') return 0;
  const match = /^(-?\d+)([KMGT])$/.exec(node.value);
  if (!match) return context.error(`${context.key} sizes defined as strings must end in K, M, G, T`, node.position);
  const power = { K: 10, M: 20, G: 30, T: 40 }[match[2] as 'K' | 'M' | 'G' | 'T'];
  return Number(match[1]) * 2 ** power;
}

function applyJetStream(node: ConfNode, options: Options, context: ApplyContext, state: ApplyState): void {
  const jetstream = options.jetstream;
  if (node.kind === 'bool') {
    jetstream.enabled = node.value;
    return;
  }
  if (node.kind === 'string') {
    const word = node.value.toLowerCase();
    if (word === 'enabled' || word === 'enable') jetstream.enabled = true;
    else if (word === 'disabled' || word === 'disable') jetstream.enabled = false;
    else context.error(`Expected 'enabled' or 'disabled' for string value, got '${node.value}'`, node.position);
    return;
  }
  if (node.kind !== 'map') {
    context.error(`Expected map, bool or string to define JetStream, got ${node.kind}`, node.position);
    return;
  }
  let enabled = true; // a jetstream {} block turns JetStream on unless it says enabled: false
  applyBlock(node, context, [
    {
      names: ['store', 'store_dir', 'storedir'],
      apply: (value, inner) => {
        const dir = expectString(value, inner);
        if (dir !== undefined && claimStoreDir(state, inner, value.position)) jetstream.storeDir = dir;
      },
    },
    { names: ['max_memory_store', 'max_mem_store', 'max_mem'], apply: (value, inner) => { jetstream.maxMemoryStore = expectStorageSize(value, inner) ?? jetstream.maxMemoryStore; } },
    { names: ['max_file_store', 'max_file'], apply: (value, inner) => { jetstream.maxFileStore = expectStorageSize(value, inner) ?? jetstream.maxFileStore; } },
    { names: ['enable', 'enabled'], apply: (value, inner) => { enabled = expectBool(value, inner) ?? enabled; } },
    {
      // nats-server 2.10+: how often the file store fsyncs ("2m" default), or "always" (before every ack).
      names: ['sync_interval', 'sync'],
      apply: (value, inner) => {
        if (value.kind === 'string' && value.value.toLowerCase() === 'always') {
          jetstream.syncAlways = true;
          return;
        }
        const ms = expectDuration(value, inner, false);
        if (ms !== undefined) {
          jetstream.syncAlways = false;
          jetstream.syncIntervalMs = ms;
        }
      },
    },
  ], JETSTREAM_UNSUPPORTED);
  jetstream.enabled = enabled;
}

/** nats-server: JetStream can be turned on or off by reload, but its directory and limits only while it is off. */
function jetStreamReload(previous: Options, next: Options): string | undefined {
  const before = previous.jetstream;
  const after = next.jetstream;
  if (!before.enabled || !after.enabled) return undefined;
  if (before.storeDir !== after.storeDir) return 'config reload not supported for jetstream storage directory';
  if (before.maxMemoryStore !== after.maxMemoryStore || before.maxFileStore !== after.maxFileStore) {
    return 'config reload not supported for jetstream max memory and store';
  }
  return undefined;
}

/** nats-server: the cluster name may change on reload, its listener may not. */
function clusterReload(previous: Options, next: Options): string | undefined {
  const before = previous.cluster;
  const after = next.cluster;
  if (before?.host !== after?.host) return `config reload not supported for cluster host: old=${before?.host ?? ''}, new=${after?.host ?? ''}`;
  if (before?.port !== after?.port) return `config reload not supported for cluster port: old=${before?.port ?? 0}, new=${after?.port ?? 0}`;
  return undefined;
}

export interface OptionsDiff {
  /** Names (table names) of the options whose value differs. */
  changed: string[];
  /** The changed options a reload can not apply, with nats-server's reason. */
  notReloadable: { option: string; reason: string }[];
}

function readField(options: Options, field: string): unknown {
  let value: unknown = options;
  for (const part of field.split('.')) value = (value as Record<string, unknown> | undefined)?.[part];
  return value;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Which options changed between two loads, and which of those need a restart (used by SIGHUP reload). */
export function diffOptions(previous: Options, next: Options): OptionsDiff {
  const diff: OptionsDiff = { changed: [], notReloadable: [] };
  const compared = new Set<string>();
  for (const spec of OPTION_TABLE) {
    // listen/http_port/store_dir share their fields with an entry above; report each field once.
    if (spec.fields.every((field) => compared.has(field) || compared.has(field.split('.')[0] ?? ''))) continue;
    spec.fields.forEach((field) => compared.add(field));
    if (spec.fields.every((field) => sameValue(readField(previous, field), readField(next, field)))) continue;
    diff.changed.push(spec.name);
    const reason =
      spec.reload === 'yes' ? undefined
      : spec.reload === 'no' ? `config reload not supported for ${spec.name}: old=${describeFields(previous, spec)}, new=${describeFields(next, spec)}`
      : spec.reload(previous, next);
    if (reason !== undefined) diff.notReloadable.push({ option: spec.name, reason });
  }
  return diff;
}

function describeFields(options: Options, spec: OptionSpec): string {
  return spec.fields.map((field) => JSON.stringify(readField(options, field)) ?? 'unset').join(' ');
}

/** For messages and docs: the entry for a key, case-insensitive. */
export function findOption(key: string): OptionSpec | undefined {
  return OPTION_BY_KEY.get(key.toLowerCase());
}

/**
 * After file and flags: what nats-server's setBaselineOptions does (0 means "use the default" for
 * the port and the limits), the monitoring host following the client host, and the cross-option
 * checks nats-server makes at start-up.
 */
export function finalizeOptions(options: Options, errors: ConfigError[]): void {
  if (options.host === '') options.host = DEFAULTS.host;
  if (options.port === 0) options.port = DEFAULTS.port;
  if (options.maxConnections === 0) options.maxConnections = DEFAULTS.maxConnections;
  if (options.maxPayload === 0) options.maxPayload = DEFAULTS.maxPayload;
  if (options.maxControlLine === 0) options.maxControlLine = DEFAULTS.maxControlLine;
  if (options.maxPending === 0) options.maxPending = DEFAULTS.maxPending;
  if (options.pingIntervalMs === 0) options.pingIntervalMs = DEFAULTS.pingIntervalMs;
  if (options.pingMax === 0) options.pingMax = DEFAULTS.pingMax;
  if (options.authTimeoutMs === 0) options.authTimeoutMs = DEFAULTS.authTimeoutMs;
  if (options.writeDeadlineMs === 0) options.writeDeadlineMs = DEFAULTS.writeDeadlineMs;
  if (options.lameDuckDurationMs === 0) options.lameDuckDurationMs = DEFAULTS.lameDuckDurationMs;
  if (options.lameDuckGracePeriodMs === 0) options.lameDuckGracePeriodMs = DEFAULTS.lameDuckGracePeriodMs;
  if (options.traceVerbose) options.trace = true;
  if (options.http && options.http.host === '') options.http.host = options.host;
  if (options.https && options.https.host === '') options.https.host = options.host;
  if (options.maxPayload > options.maxPending) {
    errors.push(new ConfigError(`max_payload (${options.maxPayload}) cannot be higher than max_pending (${options.maxPending})`));
  }
  const auth = options.authorization;
  if (auth.users && auth.users.length > 0 && (auth.user !== undefined || auth.token !== undefined)) {
    // Reached when --user/--auth flags meet a users array from the file.
    errors.push(new ConfigError('Can not have a single user/pass or a token together with a users array'));
  }
  finalizeSecurityOptions(options, errors);
  finalizeWebsocketOptions(options, errors);
}

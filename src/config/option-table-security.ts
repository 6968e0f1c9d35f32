// Option table entries for security: authorization, accounts, the system account, operator mode (JWT), client TLS.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isPublicKey } from '../auth/credentials.js';
import { decodeAccountJwt, decodeOperatorJwt, extractJwt } from '../auth/jwt.js';
import { ConfigError, type ConfigPosition } from './config-error.js';
import type { ConfNode } from './conf-values.js';
import { parseGoDuration } from './conf-values.js';
import { checkDuplicateUsers, parseAccounts, placeUsers } from './accounts-option.js';
import type { ApplyState, OptionEntry } from './option-table.js';
import { ApplyContext, applyBlock, expectBool, expectInteger, expectMap, expectSecondsOrDuration, expectString, setOwn } from './option-values.js';
import { DEFAULTS, type AuthorizationOptions, type Options, type ResolverOption } from './options.js';
import { parseAuthCallout, parsePermissions, parseUsers } from './security-values.js';
import { calloutConfigErrors } from '../auth/auth-config.js';
import { applyTlsBlock } from './tls-option.js';

/** nats-server's TLS_TIMEOUT: with TLS and no authorization timeout, the auth timeout is this + 1s. */
const DEFAULT_TLS_TIMEOUT_MS = 2000;

const RESOLVER_HELP = 'error parsing account resolver, should be MEM or  URL("url") or a map containing dir and type state=[FULL|CACHE])';

function applyAuthorization(node: ConfNode, options: Options, context: ApplyContext, state: ApplyState): void {
  const map = expectMap(node, context);
  if (!map) return;
  const auth: AuthorizationOptions = {};
  let userPositions: ConfigPosition[] = [];
  const setSecret = (field: 'password' | 'token') => (value: ConfNode, inner: ApplyContext) => {
    const text = expectString(value, inner.redacted());
    if (text !== undefined) auth[field] = text;
  };
  applyBlock(map, context, [
    { names: ['user', 'username'], apply: (value, inner) => { auth.user = expectString(value, inner) ?? auth.user; } },
    { names: ['pass', 'password'], apply: setSecret('password') },
    { names: ['token'], apply: setSecret('token') },
    {
      names: ['timeout'],
      apply: (value, inner) => {
        const timeout = expectSecondsOrDuration(value, inner);
        if (timeout !== undefined) auth.timeoutMs = timeout;
      },
    },
    {
      names: ['users'],
      apply: (value, inner) => {
        const parsed = parseUsers(value, inner);
        auth.users = parsed.users;
        userPositions = parsed.positions;
      },
    },
    {
      names: ['default_permission', 'default_permissions', 'permissions'],
      apply: (value, inner) => {
        const permissions = parsePermissions(value, inner);
        if (permissions) auth.defaultPermissions = permissions;
      },
    },
    {
      names: ['auth_callout', 'auth_hook'],
      apply: (value, inner) => {
        const callout = parseAuthCallout(value, inner);
        if (callout) auth.callout = callout;
      },
    },
  ], []);
  if ((auth.user !== undefined || auth.password !== undefined) && auth.token !== undefined) {
    context.error('Cannot have a user/pass and token');
  }
  if (auth.users !== undefined && auth.user !== undefined) context.error('Can not have a single user/pass and a users array');
  if (auth.users !== undefined && auth.token !== undefined) context.error('Can not have a token and a users array');
  placeUsers(auth.users ?? [], userPositions, state.userPlacements);
  options.authorization = auth;
  // nats-server: a timeout of 0 (or none) means the default (see finalizeSecurityOptions for TLS).
  options.authTimeoutMs = auth.timeoutMs ? auth.timeoutMs : DEFAULTS.authTimeoutMs;
}

/** A string or a list of strings, nats-server's wording for `trusted` and `resolver_pinned_accounts`. */
function stringOrList(node: ConfNode, context: ApplyContext, what: string): { value: string; position: ConfigPosition }[] | undefined {
  if (node.kind === 'string') return [{ value: node.value, position: node.position }];
  if (node.kind !== 'array') return context.error(`error parsing ${what}: unsupported type ${node.kind}`, node.position);
  const out: { value: string; position: ConfigPosition }[] = [];
  for (const item of node.items) {
    if (item.kind === 'string') out.push({ value: item.value, position: item.position });
    else context.error(`error parsing ${what}: unsupported type in array ${item.kind}`, item.position);
  }
  return out;
}

/** The text of an operator JWT: a file (relative to the config file, then to the working directory) or inline. */
function readOperatorText(name: string, state: ApplyState): { text: string } | { error: string } {
  const readFile = state.readFile ?? ((file: string) => readFileSync(file, 'utf8'));
  const candidates = path.isAbsolute(name) || state.configFile === undefined ? [name] : [path.join(path.dirname(state.configFile), name), name];
  let failure = '';
  for (const candidate of new Set(candidates)) {
    try {
      return { text: readFile(candidate) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      failure ||= code === 'ENOENT' || code === undefined ? 'no such file or directory' : code;
    }
  }
  if (name.startsWith('eyJ')) return { text: name }; // an inline JWT, as nats-server accepts
  return { error: `open ${name}: ${failure}` };
}

function applyOperator(node: ConfNode, options: Options, context: ApplyContext, state: ApplyState): void {
  // nats-server 2.9 takes only a string here (a list fails with "unsupported type []interface {}"); Natrium also takes a list.
  const names = stringOrList(node, context, 'operators');
  if (!names) return;
  const jwts: string[] = [];
  for (const { value, position } of names) {
    const read = readOperatorText(value, state);
    if ('error' in read) {
      context.error(`error parsing operator JWT: ${read.error}`, position);
      continue;
    }
    const token = extractJwt(read.text);
    const decoded = decodeOperatorJwt(token);
    if (!decoded.ok) context.error(`error parsing operator JWT: ${decoded.error.message}`, position);
    else jwts.push(token);
  }
  options.operatorJwts = jwts;
}

function applyTrustedKeys(node: ConfNode, options: Options, context: ApplyContext): void {
  const keys = stringOrList(node, context, 'trusted');
  if (!keys) return;
  for (const { value, position } of keys) {
    if (!isPublicKey(value, 'operator')) context.error(`trust key ${JSON.stringify(value)} required to be a valid public operator nkey`, position);
  }
  options.trustedKeys = keys.map((key) => key.value);
}

/** `resolver: MEMORY`, `resolver: URL("http://...")`, or `resolver { type: full|cache, dir, ... }`. */
function applyResolver(node: ConfNode, options: Options, context: ApplyContext): void {
  delete options.resolver;
  if (node.kind === 'string') {
    if (/^\s*MEM(ORY)?\s*$/i.test(node.value)) {
      options.resolver = { type: 'memory' };
      return;
    }
    const url = /^\s*URL\s*\(\s*"?([^\s"]*)"?\s*\)\s*$/i.exec(node.value);
    if (!url) {
      context.error(RESOLVER_HELP, node.position);
      return;
    }
    const address = url[1] ?? '';
    let parsed: URL | undefined;
    try {
      parsed = new URL(address);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      // nats-server 2.9 accepts URL() with no address and fails later, when it fetches.
      context.error(`error parsing account resolver url [${JSON.stringify(address)}]: expected URL("http://host:port/path")`, node.position);
      return;
    }
    options.resolver = { type: 'url', url: address };
    return;
  }
  if (node.kind !== 'map') {
    context.error(`error parsing operator resolver, wrong type ${node.kind}`, node.position);
    return;
  }
  let dir = '';
  let type = '';
  const extra: { limit?: number; ttlMs?: number; intervalMs?: number; timeoutMs?: number; allowDelete?: boolean } = {};
  const duration = (field: 'ttlMs' | 'intervalMs' | 'timeoutMs') => (value: ConfNode, inner: ApplyContext) => {
    if (value.kind !== 'string') return inner.expected('a duration string such as "2m"', value);
    const parsed = parseGoDuration(value.value);
    if (!parsed.ok) return inner.error(parsed.error, value.position);
    extra[field] = parsed.milliseconds;
    return undefined;
  };
  const errorCount = context.errors.length;
  applyBlock(node, context, [
    { names: ['dir'], apply: (value, inner) => { dir = expectString(value, inner) ?? dir; } },
    { names: ['type'], apply: (value, inner) => { type = (expectString(value, inner) ?? type).toUpperCase(); } },
    { names: ['allow_delete'], apply: (value, inner) => { extra.allowDelete = expectBool(value, inner) ?? extra.allowDelete; } },
    { names: ['limit'], apply: (value, inner) => { extra.limit = expectInteger(value, inner) ?? extra.limit; } },
    { names: ['ttl'], apply: duration('ttlMs') },
    { names: ['interval'], apply: duration('intervalMs') },
    { names: ['timeout'], apply: duration('timeoutMs') },
  ], []);
  if (context.errors.length > errorCount) return;
  if (dir === '') {
    context.error('dir has no value and needs to point to a directory');
    return;
  }
  try {
    const info = statSync(dir);
    if (!info.isDirectory() || (info.mode & 0o200) === 0) {
      context.error('dir needs to point to an accessible directory');
      return;
    }
  } catch {
    // A missing directory is created by the resolver, as in nats-server.
  }
  if (type !== 'FULL' && type !== 'CACHE') {
    context.error(RESOLVER_HELP);
    return;
  }
  if (type === 'CACHE' && extra.intervalMs !== undefined && extra.intervalMs !== 0) context.error('CACHE does not accept sync');
  if (type === 'CACHE' && extra.allowDelete) context.error('CACHE does not accept allow_delete');
  if (type === 'FULL' && extra.ttlMs !== undefined && extra.ttlMs !== 0) context.error('FULL does not accept ttl');
  const resolver: ResolverOption = { type: type === 'FULL' ? 'full' : 'cache', dir };
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) Object.assign(resolver, { [key]: value });
  options.resolver = resolver;
}

function applyResolverPreload(node: ConfNode, options: Options, context: ApplyContext): void {
  if (node.kind !== 'map') {
    context.error('preload should be a map of account_public_key:account_jwt', node.position);
    return;
  }
  const preload: Record<string, string> = {};
  for (const entry of node.entries.values()) {
    const value = entry.value;
    if (value.kind !== 'string') context.error('preload map value should be a string JWT', value.position);
    else if (!decodeAccountJwt(value.value).ok) context.error('invalid account JWT', value.position);
    else setOwn(preload, entry.key, value.value);
  }
  options.resolverPreload = preload;
}

/** nats-server: the operator names the account resolver and the system account unless the file does. */
function finishOperator(options: Options): void {
  if (options.operatorJwts?.length !== 1) return;
  const decoded = decodeOperatorJwt(options.operatorJwts[0]);
  if (!decoded.ok) return;
  if (options.resolver === undefined && decoded.claims.accountServerUrl !== '') {
    options.resolver = { type: 'url', url: `${decoded.claims.accountServerUrl}/accounts` };
  }
  if (options.systemAccount === undefined && decoded.claims.systemAccount !== '') options.systemAccount = decoded.claims.systemAccount;
}

/** After every key of a file: checks that span blocks (a user in two places) and what the operator implies. */
export function finishSecurityTree(options: Options, state: ApplyState, errors: ConfigError[]): void {
  checkDuplicateUsers(state.userPlacements, new ApplyContext(errors));
  finishOperator(options);
}

/**
 * After file and flags: nats-server's start-up checks of the security options (no_auth_user names a
 * user; system_account names an account) and the auth timeout TLS implies.
 */
export function finalizeSecurityOptions(options: Options, errors: ConfigError[]): void {
  const auth = options.authorization;
  if (options.tls && !auth.timeoutMs) options.authTimeoutMs = (options.tls.timeoutMs || DEFAULT_TLS_TIMEOUT_MS) + 1000;
  const operatorMode = (options.operatorJwts?.length ?? 0) > 0 || (options.trustedKeys?.length ?? 0) > 0;
  const noAuthUser = options.noAuthUser ?? '';
  if (noAuthUser !== '') {
    const users = [...(auth.users ?? []), ...Object.values(options.accounts ?? {}).flatMap((account) => account.users ?? [])]
      .filter((user) => (user.nkey ?? '') === '')
      .map((user) => user.user);
    if (operatorMode) errors.push(new ConfigError('no_auth_user not compatible with Trusted Operator'));
    else if (users.length === 0) errors.push(new ConfigError(`no_auth_user: ${JSON.stringify(noAuthUser)} present, but users are not defined`));
    else if (!users.includes(noAuthUser)) {
      errors.push(new ConfigError(`no_auth_user: ${JSON.stringify(noAuthUser)} not present as user in authorization block or account configuration`));
    }
  }
  if (auth.callout !== undefined) {
    const accountUsers = Object.values(options.accounts ?? {}).flatMap((account) => account.users ?? []);
    const names = new Set([...(auth.users ?? []), ...accountUsers].map((user) => user.nkey || user.user || ''));
    for (const message of calloutConfigErrors(auth.callout, operatorMode, Object.keys(options.accounts ?? {}), (name) => names.has(name))) {
      errors.push(new ConfigError(message));
    }
  }
  const system = options.systemAccount ?? '';
  if (system !== '' && !operatorMode && !(options.accounts !== undefined && Object.hasOwn(options.accounts, system))) {
    // nats-server 2.9 creates $SYS only when system_account is not set; naming it requires defining it.
    errors.push(new ConfigError(`error resolving system account ${JSON.stringify(system)}: account missing (define it in accounts {})`));
  }
}

/** nats-server: the resolver kind can not change on reload. */
function resolverReload(previous: Options, next: Options): string | undefined {
  const before = previous.resolver?.type ?? 'none';
  const after = next.resolver?.type ?? 'none';
  return before === after ? undefined : `config reload not supported for resolver type: old=${before}, new=${after}`;
}

/** nats-server 2.10: any change to auth_callout refuses the reload ("config reload not supported for AuthCallout"). */
function authorizationReload(previous: Options, next: Options): string | undefined {
  const before = JSON.stringify(previous.authorization.callout ?? null);
  const after = JSON.stringify(next.authorization.callout ?? null);
  return before === after ? undefined : 'config reload not supported for AuthCallout';
}

/** nats-server: certificates and verification reload; verify_and_map does not. */
function tlsReload(previous: Options, next: Options): string | undefined {
  const before = previous.tlsMap === true;
  const after = next.tlsMap === true;
  return before === after ? undefined : `config reload not supported for TLSMap: old=${before}, new=${after}`;
}

function stringOption(field: 'noAuthUser' | 'systemAccount', what?: string) {
  return (node: ConfNode, options: Options, context: ApplyContext) => {
    if (node.kind !== 'string') {
      if (what) context.error(what, node.position);
      else context.expected('a string', node);
      return;
    }
    options[field] = node.value;
  };
}

function boolOption(field: 'noSystemAccount' | 'alwaysEnableNonce') {
  return (node: ConfNode, options: Options, context: ApplyContext) => {
    const value = expectBool(node, context);
    if (value !== undefined) options[field] = value;
  };
}

export const SECURITY_ENTRIES: readonly OptionEntry[] = [
  {
    name: 'authorization', aliases: [], type: 'authorization', fields: ['authorization', 'authTimeoutMs'], reload: authorizationReload,
    description: 'authorization { user, password, token, timeout, users: [...], default_permissions, auth_callout { issuer, auth_users, account, xkey } }',
    apply: applyAuthorization,
  },
  {
    // nats-server 2.9.10 refuses a changed no_auth_user on reload ("config reload not supported for NoAuthUser").
    name: 'no_auth_user', aliases: [], type: 'string', fields: ['noAuthUser'], reload: 'no',
    description: 'User whose identity clients without credentials get', apply: stringOption('noAuthUser'),
  },
  {
    name: 'accounts', aliases: [], type: 'accounts', fields: ['accounts'], reload: 'yes',
    description: 'accounts { NAME: { users, default_permissions, exports, imports, jetstream, nkey } } or [NAME, ...]',
    apply(node, options, context, state) {
      const accounts = parseAccounts(node, context, state.userPlacements);
      if (accounts !== undefined) options.accounts = accounts;
    },
  },
  {
    name: 'system_account', aliases: ['system'], type: 'string', fields: ['systemAccount'], reload: 'no',
    description: 'The system account (an account name; an account public key in operator mode)',
    apply: stringOption('systemAccount', 'system account name must be a string'),
  },
  {
    name: 'no_system_account', aliases: ['no_system', 'no_sys_acc'], type: 'bool', fields: ['noSystemAccount'], reload: 'no',
    description: 'Run without a system account', apply: boolOption('noSystemAccount'),
  },
  {
    name: 'operator', aliases: ['operators', 'root', 'roots', 'root_operator', 'root_operators'], type: 'strings', fields: ['operatorJwts'], reload: 'no',
    description: 'Operator JWT files (relative to the config file) or inline JWTs; a string or a list',
    apply: applyOperator,
  },
  {
    name: 'trusted_keys', aliases: ['trusted'], type: 'strings', fields: ['trustedKeys'], reload: 'no',
    description: 'Trusted operator public keys', apply: applyTrustedKeys,
  },
  {
    name: 'resolver', aliases: ['account_resolver', 'accounts_resolver'], type: 'resolver', fields: ['resolver'], reload: resolverReload,
    description: 'Account resolver: MEMORY, URL("http://..."), or { type: full|cache, dir, allow_delete, interval, limit, ttl, timeout }',
    apply: applyResolver,
  },
  {
    name: 'resolver_preload', aliases: [], type: 'map', fields: ['resolverPreload'], reload: 'yes',
    description: 'Account JWTs by account public key, for the resolver to start with', apply: applyResolverPreload,
  },
  {
    name: 'resolver_pinned_accounts', aliases: [], type: 'strings', fields: ['resolverPinnedAccounts'], reload: 'yes',
    description: 'The only account public keys the resolver may serve',
    apply(node, options, context) {
      const keys = stringOrList(node, context, 'resolver_pinned_accounts');
      if (keys) options.resolverPinnedAccounts = keys.map((key) => key.value);
    },
  },
  {
    name: 'always_enable_nonce', aliases: [], type: 'bool', fields: ['alwaysEnableNonce'], reload: 'yes',
    description: 'Send a nonce in INFO to every client (Natrium; nats-server has it only as an embedding option)',
    apply: boolOption('alwaysEnableNonce'),
  },
  {
    name: 'tls', aliases: [], type: 'tls', fields: ['tls', 'tlsMap', 'tlsFilesDigest'], reload: tlsReload,
    description: 'Client TLS: tls { cert_file, key_file, ca_file, verify, verify_and_map, timeout, cipher_suites, curve_preferences }',
    apply(node, options, context) {
      applyTlsBlock(node, options, context);
    },
  },
];

// The security options the authenticator reads (AuthOptions) and their compilation into one AuthConfig.

import { isPublicKey } from './credentials.js';
import { decodeOperatorJwt, extractJwt, type OperatorClaims } from './jwt.js';
import { CompiledPermissions, type PermissionsSpec } from './permissions.js';
import { DirectoryResolver, MemoryResolver, UrlResolver, type AccountResolver } from './resolvers.js';
import { OperatorTrust } from './trust.js';
import { convertConnectionTypes } from './user-limits.js';

/** The account of users outside any `accounts {}` entry. */
export const GLOBAL_ACCOUNT_NAME = '$G';

/** One entry of `users: [...]` (in `authorization {}` or in an account): user/password or nkey. */
export interface AuthUserOption {
  user?: string;
  /** Plain text or a bcrypt hash ($2a$/$2b$/$2y$). */
  password?: string;
  nkey?: string;
  permissions?: PermissionsSpec;
  /** `allowed_connection_types`: STANDARD, WEBSOCKET, LEAFNODE, LEAFNODE_WS, MQTT, MQTT_WS. */
  allowedConnectionTypes?: string[];
}

/** `authorization { auth_callout {...} }` (config mode): an external service authorizes every other client. */
export interface AuthCalloutOption {
  /** The account public key that signs the service's responses and the user JWTs in them. */
  issuer: string;
  /** Users (names or nkeys from `users`) that bypass the callout: the service's own connections. */
  authUsers: string[];
  /** The account the requests are sent in; `$G` by default. */
  account: string;
  /** The service's public curve key: requests are encrypted to it. */
  xkey?: string;
}

/** One entry of `accounts {}` as far as authentication is concerned (exports/imports/limits are the core's). */
export interface AuthAccountOption {
  users?: AuthUserOption[];
  /** `default_permissions` of the account: for its users without `permissions`. */
  defaultPermissions?: PermissionsSpec;
}

export type ResolverOption =
  | { type: 'memory' }
  | { type: 'full' | 'cache'; dir: string; limit?: number; ttlMs?: number; allowDelete?: boolean }
  | { type: 'url'; url: string };

/**
 * The Options fields the authenticator reads. Field <- nats-server config key:
 * authorization.{user,password,token,users} <- authorization { user, password, token, users };
 * authorization.defaultPermissions <- authorization { default_permissions };
 * noAuthUser <- no_auth_user; accounts <- accounts { NAME: { users, default_permissions } };
 * tlsMap <- tls { verify_and_map }; operatorJwts <- operator (file contents or inline JWTs);
 * trustedKeys <- trusted_keys / trusted; resolver <- resolver (MEMORY, URL(...), { type, dir, ... });
 * resolverPreload <- resolver_preload; resolverPinnedAccounts <- resolver_pinned_accounts;
 * systemAccount <- system_account; alwaysEnableNonce <- always_enable_nonce;
 * authorization.callout <- authorization { auth_callout { issuer, auth_users, account, xkey } }.
 */
export interface AuthOptions {
  authorization: {
    user?: string;
    password?: string;
    token?: string;
    users?: AuthUserOption[];
    defaultPermissions?: PermissionsSpec;
    callout?: AuthCalloutOption;
  };
  noAuthUser?: string;
  accounts?: Record<string, AuthAccountOption>;
  tlsMap?: boolean;
  operatorJwts?: string[];
  trustedKeys?: string[];
  resolver?: ResolverOption;
  resolverPreload?: Record<string, string>;
  resolverPinnedAccounts?: string[];
  systemAccount?: string;
  alwaysEnableNonce?: boolean;
}

/** A user as the authenticator keeps it. */
export interface ConfiguredUser {
  /** The user name, or the nkey for nkey users. */
  name: string;
  /** Plain or bcrypt; never logged. */
  password: string;
  nkey?: string;
  account: string;
  permissions: CompiledPermissions | null;
  /** null = every connection type. */
  allowedConnectionTypes: Set<string> | null;
}

export interface OperatorMode {
  trust: OperatorTrust;
  resolver: AccountResolver;
  pinnedAccounts: Set<string> | null;
  systemAccount: string;
}

/** The auth callout as the server runs it. */
export interface AuthCalloutSettings {
  issuer: string;
  authUsers: ReadonlySet<string>;
  account: string;
  xkey?: string;
}

export interface AuthConfig {
  token?: string;
  user?: string;
  password?: string;
  users: Map<string, ConfiguredUser>;
  nkeys: Map<string, ConfiguredUser>;
  noAuthUser?: string;
  tlsMap: boolean;
  operator?: OperatorMode;
  alwaysEnableNonce: boolean;
  callout?: AuthCalloutSettings;
}

export interface AuthConfigBuild {
  config: AuthConfig;
  /** nats-server refuses to start with any of these. */
  errors: string[];
  /** nats-server logs these and starts. */
  warnings: string[];
}

/** Hooks only the server can provide. */
export interface AuthConfigHooks {
  /** full/cache resolvers: ask other servers ($SYS.REQ.ACCOUNT.<id>.CLAIMS.LOOKUP). */
  resolverLookup?: (account: string) => Promise<string | undefined>;
  /** URL resolver: a fetch implementation (tests). */
  fetchImpl?: typeof fetch;
}

function compileUser(entry: AuthUserOption, account: string, defaults: PermissionsSpec | undefined, errors: string[]): ConfiguredUser | null {
  const spec = entry.permissions ?? defaults;
  const permissions = spec === undefined ? null : new CompiledPermissions(spec);
  for (const bad of permissions?.invalidEntries ?? []) errors.push(`invalid subject-queue "${bad}"`);
  let allowedConnectionTypes: Set<string> | null = null;
  if (entry.allowedConnectionTypes !== undefined && entry.allowedConnectionTypes.length > 0) {
    const converted = convertConnectionTypes(entry.allowedConnectionTypes);
    for (const name of converted.unknown) errors.push(`unknown connection type "${name}"`);
    allowedConnectionTypes = converted.allowed;
  }
  if (entry.nkey !== undefined && entry.nkey !== '') {
    if (!isPublicKey(entry.nkey, 'user')) {
      errors.push(`Not a valid public nkey for a user: "${entry.nkey}"`);
      return null;
    }
    if (entry.password !== undefined && entry.password !== '') errors.push(`Nkey "${entry.nkey}" can not have a password`);
    return { name: entry.nkey, password: '', nkey: entry.nkey, account, permissions, allowedConnectionTypes };
  }
  if (typeof entry.user !== 'string' || entry.user === '') {
    errors.push('User entry requires a user');
    return null;
  }
  return { name: entry.user, password: entry.password ?? '', account, permissions, allowedConnectionTypes };
}

function buildResolver(options: AuthOptions, trust: OperatorTrust, hooks: AuthConfigHooks, errors: string[], warnings: string[]): AccountResolver | null {
  const resolver = options.resolver;
  if (resolver === undefined) {
    errors.push('operators require an account resolver to be configured');
    return null;
  }
  const preload = options.resolverPreload ?? {};
  if (resolver.type === 'memory') {
    const memory = new MemoryResolver(trust, preload);
    warnings.push(...memory.preloadWarnings);
    return memory;
  }
  if (Object.keys(preload).length > 0) errors.push('resolver_preload is only supported with the MEMORY resolver');
  if (resolver.type === 'url') return new UrlResolver(trust, resolver.url, { fetchImpl: hooks.fetchImpl });
  return new DirectoryResolver(trust, { dir: resolver.dir, mode: resolver.type, limit: resolver.limit, ttlMs: resolver.ttlMs, allowDelete: resolver.allowDelete, lookup: hooks.resolverLookup });
}

function buildOperatorMode(options: AuthOptions, hooks: AuthConfigHooks, errors: string[], warnings: string[]): OperatorMode | undefined {
  const operatorJwts = options.operatorJwts ?? [];
  const trustedKeys = options.trustedKeys ?? [];
  if (operatorJwts.length === 0 && trustedKeys.length === 0) return undefined;
  if (operatorJwts.length > 0 && trustedKeys.length > 0) errors.push("conflicting options for 'TrustedKeys' and 'TrustedOperators'");
  if (Object.keys(options.accounts ?? {}).length > 0) errors.push('operators do not allow Accounts to be configured directly');
  if ((options.authorization.users ?? []).length > 0) errors.push('operators do not allow users to be configured directly');
  if (options.noAuthUser !== undefined && options.noAuthUser !== '') errors.push('no_auth_user not compatible with Trusted Operator');
  const operators: OperatorClaims[] = [];
  for (const text of operatorJwts) {
    const decoded = decodeOperatorJwt(extractJwt(text));
    if (decoded.ok) operators.push(decoded.claims);
    else errors.push(`operator JWT: ${decoded.error.message}`);
  }
  const trust = new OperatorTrust(operators, trustedKeys);
  errors.push(...trust.validate());
  const systemAccount = options.systemAccount ?? trust.systemAccount;
  if (options.systemAccount !== undefined && trust.systemAccount !== '' && options.systemAccount !== trust.systemAccount) {
    errors.push('system_account in config and operator JWT must be identical');
  }
  for (const key of options.resolverPinnedAccounts ?? []) {
    if (!isPublicKey(key, 'account')) errors.push(`pinned account key "${key}" is not a valid public account nkey`);
  }
  let pinnedAccounts: Set<string> | null = null;
  if ((options.resolverPinnedAccounts ?? []).length > 0) {
    pinnedAccounts = new Set(options.resolverPinnedAccounts);
    if (systemAccount !== '') pinnedAccounts.add(systemAccount);
  }
  const resolver = buildResolver(options, trust, hooks, errors, warnings);
  if (resolver === null) return undefined;
  return { trust, resolver, pinnedAccounts, systemAccount };
}

/** Compiles the options; collects nats-server's configuration errors instead of throwing. */
export function buildAuthConfig(options: AuthOptions, hooks: AuthConfigHooks = {}): AuthConfigBuild {
  const errors: string[] = [];
  const warnings: string[] = [];
  const authorization = options.authorization ?? {};
  const config: AuthConfig = { users: new Map(), nkeys: new Map(), tlsMap: options.tlsMap === true, alwaysEnableNonce: options.alwaysEnableNonce === true };
  if (authorization.token !== undefined && authorization.token !== '') config.token = authorization.token;
  if (authorization.user !== undefined && authorization.user !== '') {
    config.user = authorization.user;
    config.password = authorization.password ?? '';
  }
  const add = (entry: AuthUserOption, account: string, defaults: PermissionsSpec | undefined) => {
    const user = compileUser(entry, account, defaults, errors);
    if (user === null) return;
    const table = user.nkey !== undefined ? config.nkeys : config.users;
    if (table.has(user.name)) errors.push(`Duplicate user "${user.name}" detected`);
    table.set(user.name, user);
  };
  for (const entry of authorization.users ?? []) add(entry, GLOBAL_ACCOUNT_NAME, authorization.defaultPermissions);
  for (const [name, account] of Object.entries(options.accounts ?? {})) {
    for (const entry of account.users ?? []) add(entry, name, account.defaultPermissions);
  }
  if (config.token !== undefined && (config.user !== undefined || config.users.size > 0)) errors.push('Can not have a token and a users array');
  config.operator = buildOperatorMode(options, hooks, errors, warnings);
  if (options.noAuthUser !== undefined && options.noAuthUser !== '' && config.operator === undefined) {
    if (config.users.size === 0) errors.push(`no_auth_user: "${options.noAuthUser}" present, but users are not defined`);
    else if (!config.users.has(options.noAuthUser)) errors.push(`no_auth_user: "${options.noAuthUser}" not present as user in authorization block or account configuration`);
    else config.noAuthUser = options.noAuthUser;
  }
  const callout = authorization.callout;
  if (callout !== undefined) {
    const knownUsers = (name: string) => config.users.has(name) || config.nkeys.has(name);
    errors.push(...calloutConfigErrors(callout, config.operator !== undefined, Object.keys(options.accounts ?? {}), knownUsers));
    config.callout = { issuer: callout.issuer, authUsers: new Set(callout.authUsers), account: callout.account || GLOBAL_ACCOUNT_NAME, ...(callout.xkey ? { xkey: callout.xkey } : {}) };
  }
  return { config, errors, warnings };
}

/**
 * nats-server's checks of `auth_callout` once users and accounts are known. An unknown account or
 * auth user is only logged by nats-server 2.10 (the service then cannot connect); Natrium refuses to start.
 */
export function calloutConfigErrors(callout: AuthCalloutOption, operatorMode: boolean, accounts: readonly string[], userExists: (name: string) => boolean): string[] {
  const errors: string[] = [];
  if (operatorMode) errors.push('operators do not allow authorization callouts to be configured directly');
  if (!isPublicKey(callout.issuer, 'account')) errors.push(`Expected callout user to be a valid public account nkey, got ${JSON.stringify(callout.issuer)}`);
  if (callout.xkey !== undefined && callout.xkey !== '' && !isPublicKey(callout.xkey, 'curve')) errors.push(`Expected callout xkey to be a valid public xkey, got ${JSON.stringify(callout.xkey)}`);
  if (callout.authUsers.length === 0) errors.push('Authorization callouts require authorized users to be specified');
  const account = callout.account || GLOBAL_ACCOUNT_NAME;
  if (account !== GLOBAL_ACCOUNT_NAME && !accounts.includes(account)) errors.push(`Authorization callout account ${JSON.stringify(account)} not valid`);
  for (const user of callout.authUsers) if (!userExists(user)) errors.push(`Authorization callout user ${JSON.stringify(user)} not valid`);
  return errors;
}

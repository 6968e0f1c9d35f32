// The CONNECT-time decision: who the client is, which account it joins, and what it may do.

import { checkSecretAsync, decodeSignature, generateNonce, isBcryptHash, isPublicKey, secretEquals, verifyNonceSignature } from './credentials.js';
import { decodeUserJwt, isBlocking, validateClaims, type AccountClaims, type UserClaims, type UserPermissionLimits } from './jwt.js';
import { CompiledPermissions, permissionsFromClaims, type ClientPermissions, type PermissionsSpec } from './permissions.js';
import { applyScopeTemplate, scopedUserIsEmpty } from './scoped-signer.js';
import { findTlsMappedUser, type TlsPeerIdentity } from './tls-map.js';
import { isRevoked } from './trust.js';
import { checkTimes, connectionTypeAllowed, convertConnectionTypes, sourceAllowed, ConnectionType } from './user-limits.js';
import { buildAuthConfig, GLOBAL_ACCOUNT_NAME, type AuthConfig, type AuthConfigHooks, type AuthOptions, type ConfiguredUser, type OperatorMode } from './auth-config.js';

export { buildAuthConfig, GLOBAL_ACCOUNT_NAME } from './auth-config.js';
export type { AuthConfig, AuthConfigBuild, AuthConfigHooks, AuthOptions, AuthUserOption, AuthAccountOption, AuthCalloutOption, AuthCalloutSettings, ResolverOption } from './auth-config.js';
export type { TlsPeerIdentity } from './tls-map.js';
export { tlsIdentityFromCertificate } from './tls-map.js';
export { ConnectionType } from './user-limits.js';

/** The CONNECT fields that carry credentials (the shape of protocol/connect-options.ts). Wrong types count as absent. */
export interface ConnectCredentials {
  user?: unknown;
  pass?: unknown;
  authToken?: unknown;
  nkey?: unknown;
  sig?: unknown;
  jwt?: unknown;
}

export interface AuthContext {
  connect: ConnectCredentials;
  /** The nonce sent in this client's INFO. */
  nonce?: string;
  /** The client's IP address (IPv4-mapped IPv6 is fine). */
  remoteAddress?: string;
  /** ConnectionType: STANDARD (default), WEBSOCKET, MQTT, MQTT_WS, LEAFNODE, LEAFNODE_WS. */
  connectionType?: string;
  /** The verified client certificate, for `verify_and_map`. */
  tls?: TlsPeerIdentity;
  /** Milliseconds since the epoch (tests). */
  now?: number;
  /** A front end's own auth settings (websocket {}): they replace the top-level ones for its clients. */
  frontEnd?: FrontEndAuth;
}

/**
 * The auth settings a front end such as websocket {} has for its own clients, as nats-server applies them:
 * TLS mapping always comes from the front end; token, single user and no_auth_user only when `override`
 * (the block sets one of them), and then they also make auth required for its clients.
 */
export interface FrontEndAuth {
  override: boolean;
  user?: string;
  password?: string;
  token?: string;
  noAuthUser?: string;
  tlsMap: boolean;
}

/** 'callout': an auth callout service issued the user JWT (auth-callout.ts). */
export type AuthMethod = 'none' | 'token' | 'password' | 'nkey' | 'tls' | 'jwt' | 'callout';

export interface AuthResult {
  ok: true;
  method: AuthMethod;
  /** For logs and monitoring: the user name, nkey or user public key ('' for tokens and no auth). */
  user: string;
  /** '$G', a configured account name, or (JWT) the account public key. */
  account: string;
  /** This connection's permissions (null = everything allowed). */
  permissions: ClientPermissions | null;
  /** When the connection must be closed (ms since the epoch): JWT expiry or the end of a time window. */
  expiresAt?: number;
  /** The user's public key (nkey and JWT users). */
  nkey?: string;
  /** JWT users: the signing key that issued the user, if not the account's own key. */
  signingKey?: string;
  userClaims?: UserClaims;
  accountClaims?: AccountClaims;
  accountJwt?: string;
}

export interface AuthFailure {
  ok: false;
  /** nats-server's reason, for the server log; clients only ever see 'Authorization Violation'. */
  reason: string;
}

export type AuthOutcome = AuthResult | AuthFailure;

type Need = { kind: 'account'; account: string } | { kind: 'secret'; expected: string; presented: string };
type Flow = Generator<Need, AuthOutcome, unknown>;

const CACHE_LIMIT = 1024;

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function failure(reason: string): AuthFailure {
  return { ok: false, reason };
}

function remember<K, V>(cache: Map<K, V>, key: K, value: V): V {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

export class Authenticator {
  private readonly userJwtCache = new Map<string, UserClaims>();
  private readonly accountCache = new Map<string, { claims: AccountClaims } | { reason: string }>();
  private readonly permissionCache = new Map<string, CompiledPermissions>();

  constructor(readonly config: AuthConfig) {}

  /** Whether INFO says auth_required. */
  get authRequired(): boolean {
    const c = this.config;
    return c.operator !== undefined || c.users.size > 0 || c.nkeys.size > 0 || c.user !== undefined || c.token !== undefined;
  }

  /** Whether INFO must carry a nonce (nkey users or operator mode, or always_enable_nonce). */
  get nonceRequired(): boolean {
    return this.config.alwaysEnableNonce || this.config.nkeys.size > 0 || this.config.operator !== undefined;
  }

  generateNonce(): string {
    return generateNonce();
  }

  /**
   * Decides a CONNECT. Synchronous unless a bcrypt comparison or an account JWT fetch is needed, in
   * which case a Promise is returned. Never throws; the Promise never rejects.
   */
  authenticate(context: AuthContext): AuthOutcome | Promise<AuthOutcome> {
    try {
      const flow = this.flow(context);
      let step = flow.next();
      while (!step.done) {
        const need = step.value;
        const known = need.kind === 'account' ? this.config.operator?.resolver.peek(need.account) : undefined;
        if (known === undefined) return this.finishAsync(flow, need);
        step = flow.next(known);
      }
      return step.value;
    } catch (err) {
      return failure(`authentication error: ${(err as Error)?.message ?? 'unknown'}`);
    }
  }

  /** authenticate, always as a Promise. */
  authenticateAsync(context: AuthContext): Promise<AuthOutcome> {
    return Promise.resolve(this.authenticate(context));
  }

  private async finishAsync(flow: Flow, first: Need): Promise<AuthOutcome> {
    try {
      let step = flow.next(await this.satisfy(first));
      while (!step.done) step = flow.next(await this.satisfy(step.value));
      return step.value;
    } catch (err) {
      return failure(`authentication error: ${(err as Error)?.message ?? 'unknown'}`);
    }
  }

  private satisfy(need: Need): Promise<unknown> {
    if (need.kind === 'secret') return checkSecretAsync(need.expected, need.presented);
    return this.config.operator?.resolver.fetch(need.account) ?? Promise.resolve(undefined);
  }

  /** Compares a secret; bcrypt hashes are compared asynchronously by the driver. */
  private *secretMatches(expected: string, presented: string): Generator<Need, boolean, unknown> {
    if (!isBcryptHash(expected)) return secretEquals(presented, expected);
    return (yield { kind: 'secret', expected, presented }) === true;
  }

  private *flow(context: AuthContext): Flow {
    const config = this.config;
    const frontEnd = context.frontEnd;
    const override = frontEnd?.override === true ? frontEnd : undefined;
    if (!this.authRequired && override === undefined) return { ok: true, method: 'none', user: '', account: GLOBAL_ACCOUNT_NAME, permissions: null };
    if (config.operator !== undefined) return yield* this.jwtFlow(context, config.operator);
    const connect = context.connect ?? {};
    const connectionType = text(context.connectionType) || ConnectionType.Standard;
    const user = text(connect.user);
    const pass = text(connect.pass);
    const token = text(connect.authToken);
    const nkey = text(connect.nkey);
    const noAuthUser = override !== undefined ? override.noAuthUser || undefined : config.noAuthUser;
    const expectedToken = override !== undefined ? override.token || undefined : config.token;
    const singleUser = override !== undefined ? override.user || undefined : config.user;
    const singlePassword = override !== undefined ? override.password : config.password;
    if (config.nkeys.size > 0 && nkey !== '') {
      const entry = config.nkeys.get(nkey);
      if (entry === undefined) return failure('unknown nkey');
      if (!connectionTypeAllowed(entry.allowedConnectionTypes, connectionType)) return failure('connection type not allowed');
      const sig = text(connect.sig);
      if (sig === '') return failure('Signature missing');
      if (decodeSignature(sig) === null) return failure('Signature not valid base64');
      if (!verifyNonceSignature(nkey, text(context.nonce), sig)) return failure('Signature not verified');
      return this.configuredResult('nkey', entry);
    }
    if (config.users.size > 0) {
      let entry: ConfiguredUser | undefined;
      let method: AuthMethod = 'password';
      if (frontEnd !== undefined ? frontEnd.tlsMap : config.tlsMap) {
        if (!context.tls) return failure('User required in cert, no TLS connection state');
        const found = findTlsMappedUser(context.tls, config.users, (u) => connectionTypeAllowed(u.allowedConnectionTypes, connectionType));
        if (found === null) return failure('User in cert not found');
        entry = found.user;
        method = 'tls';
      } else if (noAuthUser !== undefined && user === '' && pass === '' && token === '') {
        // No credentials at all: the client is no_auth_user (no password to compare).
        const fallback = config.users.get(noAuthUser);
        if (fallback !== undefined) {
          if (!connectionTypeAllowed(fallback.allowedConnectionTypes, connectionType)) return failure('connection type not allowed');
          return this.configuredResult('password', fallback);
        }
      } else if (user !== '') {
        entry = config.users.get(user);
        if (entry === undefined) return failure(`no user "${user}"`);
        if (!connectionTypeAllowed(entry.allowedConnectionTypes, connectionType)) return failure('connection type not allowed');
      }
      if (entry !== undefined) {
        if (!(yield* this.secretMatches(entry.password, pass))) return failure(`password mismatch for user "${entry.name}"`);
        return this.configuredResult(method, entry);
      }
    }
    if (expectedToken !== undefined) {
      if (!(yield* this.secretMatches(expectedToken, token))) return failure('token mismatch');
      return { ok: true, method: 'token', user: '', account: GLOBAL_ACCOUNT_NAME, permissions: null };
    }
    if (singleUser !== undefined) {
      if (user !== singleUser) return failure(`no user "${user}"`);
      if (!(yield* this.secretMatches(singlePassword ?? '', pass))) return failure(`password mismatch for user "${user}"`);
      return { ok: true, method: 'password', user, account: GLOBAL_ACCOUNT_NAME, permissions: null };
    }
    return failure('no credentials matched');
  }

  private configuredResult(method: AuthMethod, entry: ConfiguredUser): AuthResult {
    const result: AuthResult = { ok: true, method, user: entry.name, account: entry.account, permissions: entry.permissions?.forClient() ?? null };
    if (entry.nkey !== undefined) result.nkey = entry.nkey;
    return result;
  }

  private decodeUser(token: string): UserClaims | string {
    const cached = this.userJwtCache.get(token);
    if (cached !== undefined) return cached;
    const decoded = decodeUserJwt(token);
    if (!decoded.ok) return decoded.error.message;
    return remember(this.userJwtCache, token, decoded.claims);
  }

  private checkAccount(operator: OperatorMode, token: string, account: string): { claims: AccountClaims } | { reason: string } {
    const key = `${account} ${token}`;
    const cached = this.accountCache.get(key);
    if (cached !== undefined) return cached;
    const check = operator.trust.checkAccountJwt(token, account, false);
    if (!check.ok) return remember(this.accountCache, key, { reason: check.reason === 'not trusted' ? 'Account JWT not signed by trusted operator' : `Account JWT lookup error: ${check.reason}` });
    return remember(this.accountCache, key, { claims: check.claims });
  }

  private compile(spec: PermissionsSpec | null): ClientPermissions | null {
    if (spec === null) return null;
    const key = JSON.stringify(spec);
    const compiled = this.permissionCache.get(key) ?? remember(this.permissionCache, key, new CompiledPermissions(spec));
    return compiled.forClient();
  }

  private *jwtFlow(context: AuthContext, operator: OperatorMode): Flow {
    const connect = context.connect ?? {};
    const now = typeof context.now === 'number' ? context.now : Date.now();
    const nowSeconds = Math.floor(now / 1000);
    const connectionType = text(context.connectionType) || ConnectionType.Standard;
    const token = text(connect.jwt);
    if (token === '') return failure('Authentication requires a user JWT');
    const user = this.decodeUser(token);
    if (typeof user === 'string') return failure(`User JWT not valid: ${user}`);
    const issues = validateClaims(user, nowSeconds);
    if (isBlocking(issues, true)) return failure(`User JWT no longer valid: ${issues.map((i) => i.message).join(', ')}`);
    const typeCheck = checkConnectionTypes(user.allowedConnectionTypes, connectionType);
    if (typeCheck !== null) return failure(typeCheck);
    const issuer = user.issuerAccount !== '' ? user.issuerAccount : user.iss;
    if (operator.pinnedAccounts !== null && !operator.pinnedAccounts.has(issuer)) return failure(`Account ${issuer} not listed as operator pinned account`);
    const accountJwt = yield { kind: 'account', account: issuer };
    if (typeof accountJwt !== 'string') return failure(`Account JWT lookup error: account ${issuer} not found`);
    const accountCheck = this.checkAccount(operator, accountJwt, issuer);
    if ('reason' in accountCheck) return failure(accountCheck.reason);
    const account = accountCheck.claims;
    if (account.nbf > 0 && account.nbf > nowSeconds) return failure('Account JWT lookup error: claim is not yet valid');
    if (!operator.trust.userSigners(account).has(user.iss)) return failure('User JWT issuer is not known');
    let effective: UserPermissionLimits = user;
    const scope = account.signingKeys.get(user.iss);
    if (scope !== undefined && scope !== null) {
      if (!scopedUserIsEmpty(user)) return failure('User JWT is not valid: scoped users require no permissions or limits set');
      const applied = applyScopeTemplate(scope.template, user, account);
      if (applied === null) return failure('User JWT generated invalid permissions');
      effective = applied;
      const scopedTypes = checkConnectionTypes(effective.allowedConnectionTypes, connectionType);
      if (scopedTypes !== null) return failure(scopedTypes);
    }
    if (account.exp > 0 && account.exp <= nowSeconds) return failure('Account JWT has expired');
    if (effective.bearerToken && account.limits.disallowBearer) return failure('Account does not allow bearer tokens');
    if (!effective.bearerToken) {
      const sig = text(connect.sig);
      if (sig === '') return failure('Signature missing');
      if (decodeSignature(sig) === null) return failure('Signature not valid base64');
      if (!isPublicKey(user.sub, 'user')) return failure('User nkey not valid');
      if (!verifyNonceSignature(user.sub, text(context.nonce), sig)) return failure('Signature not verified');
    }
    if (isRevoked(account.revocations, user.sub, user.iat)) return failure('User authentication revoked');
    if (!sourceAllowed(effective.src, context.remoteAddress)) return failure(`Bad src Ip ${text(context.remoteAddress)}`);
    const window = checkTimes(effective.times, effective.timesLocation, now);
    if (!window.allowed) return failure('Outside connect times');
    const permissions = this.compile(permissionsFromClaims(effective) ?? permissionsFromClaims(account.defaultPermissions));
    const result: AuthResult = { ok: true, method: 'jwt', user: user.sub, account: issuer, permissions, nkey: user.sub, userClaims: user, accountClaims: account, accountJwt };
    if (user.issuerAccount !== '' && user.iss !== issuer) result.signingKey = user.iss;
    const ends = [user.exp > 0 ? user.exp * 1000 : Infinity, window.validForMs > 0 ? now + window.validForMs : Infinity];
    const expiresAt = Math.min(...ends);
    if (expiresAt !== Infinity) result.expiresAt = expiresAt;
    return result;
  }
}

/** nats-server: unknown types are ignored unless no known type remains (then the user is refused). */
function checkConnectionTypes(list: readonly string[], connectionType: string): string | null {
  if (list.length === 0) return null;
  const { allowed, unknown } = convertConnectionTypes(list);
  if (unknown.length > 0 && allowed.size === 0) return `Connection type not allowed: unknown connection types ${unknown.join(', ')}`;
  return connectionTypeAllowed(allowed, connectionType) ? null : 'Connection type not allowed';
}

/** Builds an Authenticator from options; nats-server's configuration errors come back instead of a throw. */
export function createAuthenticator(options: AuthOptions, hooks: AuthConfigHooks = {}): { authenticator: Authenticator; errors: string[]; warnings: string[] } {
  const { config, errors, warnings } = buildAuthConfig(options, hooks);
  return { authenticator: new Authenticator(config), errors, warnings };
}

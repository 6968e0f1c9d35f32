// Account JWT resolvers: MEMORY (resolver_preload), directory-based `full`/`cache`, and URL(...), with updates.

import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isPublicKey } from './credentials.js';
import { decodeJwt } from './jwt.js';
import type { OperatorTrust } from './trust.js';

/** The outcome of a claims update, in the terms of nats-server's reply to `$SYS.REQ...CLAIMS.UPDATE`. */
export interface ClaimUpdateResult {
  /** The account public key, or "n/a" when the JWT could not be read. */
  account: string;
  ok: boolean;
  /** Whether the stored JWT changed (false for a duplicate or an older JWT, which are still "jwt updated"). */
  changed: boolean;
  message: string;
  /** Why it failed (no secrets: JWTs are public). */
  error?: string;
}

/** nats-server's JSON for the reply (the server adds `"server": {...}`). */
export function claimUpdateResponse(result: ClaimUpdateResult): Record<string, unknown> {
  const account = result.account === '' ? {} : { account: result.account };
  if (result.ok) return { data: { ...account, code: 200, message: result.message } };
  return { error: { ...account, code: 500, description: `${result.message} - ${result.error ?? 'error'}` } };
}

export interface AccountResolver {
  readonly type: 'memory' | 'full' | 'cache' | 'url';
  /** The account JWT if known now without I/O. */
  peek(account: string): string | undefined;
  /** The account JWT from memory, disk or network; undefined when there is none. Never rejects. */
  fetch(account: string): Promise<string | undefined>;
  /**
   * Applies a claims update: the JWT must be an account JWT signed by a trusted operator key and, when
   * `account` is given (`$SYS.REQ.ACCOUNT.<account>.CLAIMS.UPDATE`), be about that account. Never rejects.
   */
  update(token: string, account?: string): Promise<ClaimUpdateResult>;
  /** Loads persistent state (directory resolvers); a no-op elsewhere. */
  start(): Promise<void>;
}

/** Checks an update; returns the account key or a failed result. */
function checkUpdate(trust: OperatorTrust, token: string, account: string | undefined, failMessage: string): { account: string; iat: number; jti: string } | ClaimUpdateResult {
  const decoded = decodeJwt(token);
  if (!decoded.ok) return { account: account ?? 'n/a', ok: false, changed: false, message: failMessage, error: decoded.error.message };
  if (decoded.claims.type !== 'account') return { account: account ?? 'n/a', ok: false, changed: false, message: failMessage, error: 'not account claim' };
  const subject = decoded.claims.sub;
  const check = trust.checkAccountJwt(token, account, false);
  if (!check.ok) {
    const validation = check.reason.startsWith('validation errors');
    return { account: account ?? subject, ok: false, changed: false, message: validation ? 'jwt validation failed' : failMessage, error: check.reason };
  }
  return { account: subject, iat: check.claims.iat, jti: check.claims.jti };
}

/** Whether a new JWT replaces the stored one (nats-server saveIfNewer: not the same id, not older). */
function isNewer(existing: string | undefined, iat: number, jti: string): boolean {
  if (existing === undefined) return true;
  const old = decodeJwt(existing);
  if (!old.ok) return true;
  if (old.claims.jti === jti) return false;
  return old.claims.iat <= iat;
}

/** `resolver: MEMORY` with `resolver_preload`: JWTs held in memory only. */
export class MemoryResolver implements AccountResolver {
  readonly type = 'memory' as const;
  private readonly jwts = new Map<string, string>();
  /** Problems found in `resolver_preload`: nats-server logs them and starts; such accounts fail at connect. */
  readonly preloadWarnings: string[] = [];

  constructor(private readonly trust: OperatorTrust, preload: Readonly<Record<string, string>> = {}) {
    for (const [account, token] of Object.entries(preload)) {
      this.jwts.set(account, token);
      const check = trust.checkAccountJwt(token, account, true);
      if (!check.ok) this.preloadWarnings.push(`Preloaded account [${account}] not valid: ${check.reason}`);
    }
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  peek(account: string): string | undefined {
    return this.jwts.get(account);
  }

  fetch(account: string): Promise<string | undefined> {
    return Promise.resolve(this.jwts.get(account));
  }

  update(token: string, account?: string): Promise<ClaimUpdateResult> {
    const checked = checkUpdate(this.trust, token, account, 'jwt update resulted in error');
    if ('ok' in checked) return Promise.resolve(checked);
    const changed = isNewer(this.jwts.get(checked.account), checked.iat, checked.jti);
    if (changed) this.jwts.set(checked.account, token);
    return Promise.resolve({ account: checked.account, ok: true, changed, message: 'jwt updated' });
  }
}

export interface DirectoryResolverOptions {
  dir: string;
  /** `full` keeps every account; `cache` keeps at most `limit`, each for `ttlMs`. */
  mode: 'full' | 'cache';
  /** Most JWTs kept (cache: default 1000; full: unlimited). */
  limit?: number;
  /** cache: how long a JWT is used before it is fetched again (0 = forever). */
  ttlMs?: number;
  /** full: `allow_delete`. */
  allowDelete?: boolean;
  /** How to ask other servers for a JWT this one lacks ($SYS.REQ.ACCOUNT.<id>.CLAIMS.LOOKUP); provided by the server. */
  lookup?: (account: string) => Promise<string | undefined>;
  now?: () => number;
}

interface StoredJwt {
  token: string;
  storedAt: number;
}

/** `resolver: { type: full | cache, dir: ... }`: `<dir>/<account public key>.jwt` files. */
export class DirectoryResolver implements AccountResolver {
  readonly type: 'full' | 'cache';
  private readonly jwts = new Map<string, StoredJwt>();
  private readonly now: () => number;

  constructor(private readonly trust: OperatorTrust, private readonly options: DirectoryResolverOptions) {
    this.type = options.mode;
    this.now = options.now ?? Date.now;
  }

  private get limit(): number {
    return this.options.limit !== undefined && this.options.limit > 0 ? this.options.limit : this.type === 'cache' ? 1000 : Infinity;
  }

  /** Creates the directory and loads the JWTs already in it (invalid files are skipped). */
  async start(): Promise<void> {
    await mkdir(this.options.dir, { recursive: true });
    const names = await readdir(this.options.dir);
    for (const name of names) {
      if (!name.endsWith('.jwt')) continue;
      const account = name.slice(0, -4);
      if (!isPublicKey(account, 'account')) continue;
      try {
        const token = (await readFile(path.join(this.options.dir, name), 'utf8')).trim();
        if (this.trust.checkAccountJwt(token, account, false).ok) this.remember(account, token);
      } catch {
        // unreadable file: skip it, as the store would on load
      }
    }
  }

  peek(account: string): string | undefined {
    const stored = this.jwts.get(account);
    if (stored === undefined) return undefined;
    const ttl = this.options.ttlMs ?? 0;
    if (this.type === 'cache' && ttl > 0 && this.now() - stored.storedAt > ttl) return undefined;
    return stored.token;
  }

  async fetch(account: string): Promise<string | undefined> {
    const known = this.peek(account);
    if (known !== undefined || this.options.lookup === undefined || !isPublicKey(account, 'account')) return known;
    let token: string | undefined;
    try {
      token = await this.options.lookup(account);
    } catch {
      return undefined;
    }
    if (token === undefined || !this.trust.checkAccountJwt(token, account, false).ok) return undefined;
    await this.save(account, token).catch(() => undefined);
    return token;
  }

  async update(token: string, account?: string): Promise<ClaimUpdateResult> {
    const failMessage = this.type === 'cache' ? 'jwt update cache resulted in error' : 'jwt update resulted in error';
    const checked = checkUpdate(this.trust, token, account, failMessage);
    if ('ok' in checked) return checked;
    if (this.type === 'cache' && !this.jwts.has(checked.account)) {
      return { account: checked.account, ok: true, changed: false, message: 'jwt update cache skipped' };
    }
    if (!isNewer(this.jwts.get(checked.account)?.token, checked.iat, checked.jti)) {
      return { account: checked.account, ok: true, changed: false, message: 'jwt updated' };
    }
    try {
      await this.save(checked.account, token);
    } catch (err) {
      return { account: checked.account, ok: false, changed: false, message: failMessage, error: (err as Error).message };
    }
    return { account: checked.account, ok: true, changed: true, message: 'jwt updated' };
  }

  /** Removes an account's JWT (`full` with allow_delete only). */
  async remove(account: string): Promise<boolean> {
    if (this.type !== 'full' || this.options.allowDelete !== true || !isPublicKey(account, 'account')) return false;
    this.jwts.delete(account);
    await unlink(this.fileFor(account)).catch(() => undefined);
    return true;
  }

  /** The accounts stored ($SYS.REQ.CLAIMS.LIST). */
  list(): string[] {
    return [...this.jwts.keys()];
  }

  private fileFor(account: string): string {
    return path.join(this.options.dir, `${account}.jwt`);
  }

  /** Writes atomically (temporary file, then rename) and remembers. The key was validated by the caller. */
  private async save(account: string, token: string): Promise<void> {
    const file = this.fileFor(account);
    const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
    await mkdir(this.options.dir, { recursive: true });
    await writeFile(temporary, token, { mode: 0o644 });
    await rename(temporary, file);
    this.remember(account, token);
  }

  private remember(account: string, token: string): void {
    this.jwts.delete(account);
    this.jwts.set(account, { token, storedAt: this.now() });
    while (this.jwts.size > this.limit) {
      const oldest = this.jwts.keys().next().value as string;
      this.jwts.delete(oldest);
      if (this.type === 'cache') void unlink(this.fileFor(oldest)).catch(() => undefined);
    }
  }
}

export interface UrlResolverOptions {
  /** nats-server DEFAULT_ACCOUNT_FETCH_TIMEOUT: 1.9 s. */
  timeoutMs?: number;
  /** How long a fetched JWT is reused (0 = until an update replaces it). */
  ttlMs?: number;
  /** For tests: a fetch implementation. */
  fetchImpl?: typeof fetch;
  now?: () => number;
}

/** `resolver: URL("http://host/jwt/v1/accounts/")`: GET `<url><account>`; read-only, results cached. */
export class UrlResolver implements AccountResolver {
  readonly type = 'url' as const;
  readonly url: string;
  private readonly cache = new Map<string, StoredJwt>();
  private readonly inFlight = new Map<string, Promise<string | undefined>>();
  private readonly now: () => number;

  constructor(private readonly trust: OperatorTrust, url: string, private readonly options: UrlResolverOptions = {}) {
    this.url = url.endsWith('/') ? url : `${url}/`;
    this.now = options.now ?? Date.now;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  peek(account: string): string | undefined {
    const stored = this.cache.get(account);
    if (stored === undefined) return undefined;
    const ttl = this.options.ttlMs ?? 0;
    if (ttl > 0 && this.now() - stored.storedAt > ttl) return undefined;
    return stored.token;
  }

  fetch(account: string): Promise<string | undefined> {
    const known = this.peek(account);
    if (known !== undefined) return Promise.resolve(known);
    if (!isPublicKey(account, 'account')) return Promise.resolve(undefined);
    let pending = this.inFlight.get(account);
    if (pending === undefined) {
      pending = this.download(account).finally(() => this.inFlight.delete(account));
      this.inFlight.set(account, pending);
    }
    return pending;
  }

  private async download(account: string): Promise<string | undefined> {
    const fetchImpl = this.options.fetchImpl ?? fetch;
    try {
      const response = await fetchImpl(this.url + account, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 1900) });
      if (response.status !== 200) return undefined;
      const token = (await response.text()).trim();
      if (!this.trust.checkAccountJwt(token, account, false).ok) return undefined;
      this.remember(account, token);
      return token;
    } catch {
      return undefined;
    }
  }

  update(token: string, account?: string): Promise<ClaimUpdateResult> {
    const checked = checkUpdate(this.trust, token, account, 'jwt update resulted in error');
    if ('ok' in checked) return Promise.resolve(checked);
    const changed = isNewer(this.cache.get(checked.account)?.token, checked.iat, checked.jti);
    if (changed) this.remember(checked.account, token);
    return Promise.resolve({ account: checked.account, ok: true, changed, message: 'jwt updated' });
  }

  private remember(account: string, token: string): void {
    this.cache.set(account, { token, storedAt: this.now() });
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value as string);
  }
}

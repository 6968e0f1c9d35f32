// The server: accounts, connections, the route of every message, and the lifecycle (start, reload, lame duck, stop).

import os from 'node:os';
import type { Duplex } from 'node:stream';
import type { Options } from '../config/options.js';
import { ClosedReason, WireError, type ClosedReasonText } from '../protocol/wire-errors.js';
import type { ConnectOptions } from '../protocol/connect-options.js';
import { createAuthenticator, type AuthCalloutSettings, type FrontEndAuth, type Authenticator, type AuthOutcome, type AuthResult, type TlsPeerIdentity } from '../auth/authenticator.js';
import { bypassesCallout, calloutTimeoutMs, clientTlsInfo, guardCalloutAccount, runAuthCallout, type CalloutHost } from '../auth/auth-callout.js';
import { AccountLinks } from './account-links.js';
import { accountFor, ensureAccounts, linkAccounts, linkJwtAccount, SYSTEM_ACCOUNT } from './accounts-setup.js';
import type { AccountClaims } from '../auth/jwt-claims.js';
import { SystemAccountServices } from './system-account.js';
import { claimUpdateResponse, type AccountResolver } from '../auth/resolvers.js';
import { Account, GLOBAL_ACCOUNT } from './account.js';
import { createServerIdentity, type ServerIdentity } from './server-identity.js';
import { Client } from './client.js';
import { deliverToMatches, onInternalError } from './delivery.js';
import { Logger } from './logger.js';
import { buildInfo, type ServerInfo } from './server-info.js';
import { ClosedConnectionRing } from './closed-connections.js';


/** A listener a transport opened, as the ports file and monitoring report it. */
export interface ListenerRecord {
  /** 'nats', 'monitoring', 'websocket', 'cluster', 'leafnode' — the ports file's keys. */
  kind: string;
  scheme: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

export class Server {
  options: Options;
  readonly logger: Logger;
  readonly id: string;
  /** The server's NKey pair: `id` is its public key; it signs auth callout requests. */
  private readonly identity: ServerIdentity;
  readonly name: string;
  readonly startTime = new Date();
  readonly accounts = new Map<string, Account>();
  readonly globalAccount: Account;
  readonly clients = new Map<number, Client>();
  readonly listeners: ListenerRecord[] = [];
  /** Recently closed connections, for monitoring (/connz?state=closed). */
  readonly closedConnections = new ClosedConnectionRing();
  /** When the configuration was last loaded (start or reload), for /varz config_load_time. */
  configLoadTime = new Date();

  // Counters, read by monitoring.
  inMsgs = 0;
  inBytes = 0;
  outMsgs = 0;
  outBytes = 0;
  slowConsumers = 0;
  totalConnections = 0;
  /** Times a fast producer was paused for a congested receiver. */
  stalls = 0;
  /** Pending bytes above which a receiver counts as congested: half of max_pending, as nats-server. */
  stallThreshold: number;
  /** Set by a delivery that left its receiver congested; the publishing client reads and clears it. */
  congestedReceiver: Client | null = null;

  lameDuck = false;
  shuttingDown = false;
  private nextClientId = 1;
  private authenticator: Authenticator;
  /** Problems the security configuration has (nats-server refuses to start with them). */
  readonly configErrors: string[] = [];
  private readonly accountLinks: AccountLinks;
  /** Operator mode: the claims of the accounts in use, whose imports are linked like configured ones. */
  private readonly jwtAccounts = new Map<string, AccountClaims>();
  /** Events and requests of the system account; null with no_system_account. */
  system: SystemAccountServices | null = null;
  /** Connections to flush this turn: [0, dirtyCount) of an array kept across turns (no array per turn). */
  private dirtyClients: (Client | null)[] = [];
  private dirtyCount = 0;
  private flushScheduled = false;
  private info: ServerInfo;
  /** INFO fields that capabilities add (JetStream sets `jetstream`). */
  private readonly infoExtras: Record<string, unknown> = {};
  private readonly shutdownHooks: (() => Promise<void> | void)[] = [];
  /** Capabilities told when a JWT account is first used or its claims change (JetStream enables itself from its limits). */
  private readonly accountClaimsListeners: ((account: Account, claims: AccountClaims) => void)[] = [];

  constructor(options: Options, logger?: Logger) {
    this.options = options;
    this.logger = logger ?? new Logger({ debug: options.debug, trace: options.trace, logtime: options.logtime, logFile: options.logFile, logSizeLimit: options.logSizeLimit });
    this.identity = createServerIdentity();
    this.id = this.identity.publicKey;
    this.name = options.serverName || this.id;
    this.globalAccount = this.registerAccount(GLOBAL_ACCOUNT);
    this.authenticator = this.buildAuthenticator(options);
    ensureAccounts(this, options);
    this.accountLinks = new AccountLinks(this);
    this.relinkAccounts(options);
    this.startSystemAccount(options);
    onInternalError((err, subject) => this.logger.error(`Internal subscription on "${subject}" failed: ${err.stack ?? err.message}`));
    this.info = this.makeInfo();
    this.stallThreshold = options.maxPending / 2;
  }

  get authRequired(): boolean {
    return this.authenticator.authRequired;
  }

  /** Whether each client's INFO carries a nonce to sign (NKey users, operator mode). */
  get nonceRequired(): boolean {
    return this.authenticator.nonceRequired;
  }

  generateNonce(): string {
    return this.authenticator.generateNonce();
  }

  /** Signs with the server's NKey (the private key never leaves the server). */
  signWithServerKey(data: Uint8Array): Uint8Array {
    return this.identity.sign(data);
  }

  private buildAuthenticator(options: Options): Authenticator {
    const built = createAuthenticator(options);
    for (const warning of built.warnings) this.logger.warn(warning);
    this.configErrors.push(...built.errors);
    return built.authenticator;
  }

  /** Builds every export/import link again: configured accounts, then the JWT accounts in use. */
  private relinkAccounts(options: Options): void {
    linkAccounts(this, this.accountLinks, options);
    for (const [name, claims] of this.jwtAccounts) linkJwtAccount(this, this.accountLinks, this.registerAccount(name), claims);
  }

  private startSystemAccount(options: Options): void {
    if (options.noSystemAccount) return;
    const name = options.systemAccount ?? this.authenticator.config.operator?.systemAccount ?? SYSTEM_ACCOUNT;
    this.system = new SystemAccountServices(this, this.registerAccount(name));
  }

  /** The account JWT resolver in operator mode, or null. */
  get accountResolver(): AccountResolver | null {
    return this.authenticator.config.operator?.resolver ?? null;
  }

  claimUpdateResponse(result: Parameters<typeof claimUpdateResponse>[0]): Record<string, unknown> {
    return claimUpdateResponse(result);
  }

  /** An account JWT changed (claims update): its connections are checked again (revocations, limits). */
  accountClaimsChanged(accountKey: string): void {
    const account = this.accounts.get(accountKey);
    if (account === undefined) return;
    for (const client of [...account.clients]) if (client.connectOptions !== null) void this.recheckClient(client);
  }

  /** Calls `listener` for every JWT account already in use, then whenever one is first used or gets new claims. */
  onAccountClaims(listener: (account: Account, claims: AccountClaims) => void): void {
    this.accountClaimsListeners.push(listener);
    for (const [name, claims] of this.jwtAccounts) listener(this.registerAccount(name), claims);
  }

  registerAccount(name: string): Account {
    let account = this.accounts.get(name);
    if (account === undefined) {
      account = new Account(name, this.options.disableSublistCache ? 0 : undefined);
      this.accounts.set(name, account);
    }
    return account;
  }

  /** A transport reports the address it listens on; the client listener's port goes into INFO. */
  addListener(record: ListenerRecord): void {
    this.listeners.push(record);
    if (record.kind === 'nats') this.info = this.makeInfo();
  }

  /** Runs on shutdown, after the listeners close and before clients are closed. */
  onShutdown(hook: () => Promise<void> | void): void {
    this.shutdownHooks.push(hook);
  }

  /** The INFO every client gets, without the per-client fields. */
  get serverInfo(): ServerInfo {
    return this.info;
  }

  /** Adds or changes a field of the INFO sent to new connections. */
  setInfoField(key: string, value: unknown): void {
    this.infoExtras[key] = value;
    this.info = this.makeInfo();
  }

  private makeInfo(): ServerInfo {
    const listener = this.listeners.find((l) => l.kind === 'nats');
    const base = buildInfo(this, listener?.host ?? this.options.host, listener?.port ?? this.options.port) as unknown as Record<string, unknown>;
    // nats-server puts the TLS fields just before max_payload; other additions go at the end.
    const info: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(base)) {
      if (key === 'max_payload') {
        for (const tlsKey of TLS_INFO_KEYS) if (tlsKey in this.infoExtras) info[tlsKey] = this.infoExtras[tlsKey];
      }
      info[key] = value;
    }
    for (const [key, value] of Object.entries(this.infoExtras)) if (!(key in info)) info[key] = value;
    return info as unknown as ServerInfo;
  }

  // ---- connections ----

  /** Takes a new connection from a transport. Returns null when the server refuses it. */
  acceptConnection(socket: Duplex, remoteHost: string, remotePort: number, extras: ConnectionExtras = {}): Client | null {
    if (this.shuttingDown || this.lameDuck) {
      socket.destroy();
      return null;
    }
    const id = this.nextClientId++;
    const client = new Client(this, id, socket, this.globalAccount, remoteHost, remotePort);
    if (extras.tlsIdentity) client.tlsIdentity = extras.tlsIdentity;
    if (extras.connectionType !== undefined) client.setConnectionType(extras.connectionType);
    if (extras.frontEndAuth !== undefined) client.frontEndAuth = extras.frontEndAuth;
    if (extras.cookieJwt !== undefined) client.cookieJwt = extras.cookieJwt;
    if (extras.onClose !== undefined) client.onClosing = extras.onClose;
    const authRequired = this.authRequired || extras.frontEndAuth?.override === true;
    if (extras.upgrade === undefined) wireSocket(client, socket);
    else socket.on('error', (err: Error) => client.debug(`socket error: ${err.message}`));
    const clientInfo: Record<string, unknown> = extras.frontEndAuth === undefined ? { ...this.info } : frontEndInfo(this.info, authRequired);
    clientInfo.client_id = id;
    clientInfo.client_ip = remoteHost;
    if (this.nonceRequired) {
      client.nonce = this.generateNonce();
      clientInfo.nonce = client.nonce;
    }
    if (this.clients.size >= this.options.maxConnections) {
      client.sendRaw(`INFO ${JSON.stringify(clientInfo)} \r\n`);
      this.logger.error(`${remoteHost}:${remotePort} - cid:${id} - maximum connections exceeded`);
      client.sendErrAndClose(WireError.MaxConnections, ClosedReason.MaxConnectionsExceeded);
      this.flushDirty();
      return null;
    }
    this.clients.set(id, client);
    this.globalAccount.clients.add(client);
    this.totalConnections++;
    client.debug('Client connection created');
    client.begin(JSON.stringify(clientInfo), authRequired, extras.authTimeoutMs || this.options.authTimeoutMs);
    if (extras.upgrade !== undefined) this.upgradeClient(client, socket, extras.upgrade);
    return client;
  }

  /** Sends INFO in plain text, then hands the socket to the transport for the TLS handshake. */
  private upgradeClient(client: Client, socket: Duplex, upgrade: NonNullable<ConnectionExtras['upgrade']>): void {
    client.flush();
    client.upgrading = true;
    upgrade(socket).then(
      ({ socket: secure, tlsIdentity }) => {
        if (client.closed) {
          secure.destroy();
          return;
        }
        client.socket = secure;
        if (tlsIdentity) client.tlsIdentity = tlsIdentity;
        client.upgrading = false;
        wireSocket(client, secure);
        // allow_non_tls may hand back the plain socket, paused while its first bytes were looked at.
        secure.resume();
        if (client.outbound.pending > 0) this.markDirty(client);
      },
      (err: Error) => {
        this.logger.error(`${client.remoteHost}:${client.remotePort} - cid:${client.id} - TLS handshake error: ${err.message}`);
        client.close(ClosedReason.TLSHandshakeError, true);
      },
    );
  }

  /** Called by a client as it closes. */
  removeClient(client: Client): void {
    if (this.clients.delete(client.id)) {
      client.account.clients.delete(client);
      // The account's totals take over the closed connection's counters (monitoring adds the open ones at request time).
      const account = client.account;
      account.inMsgs += client.inMsgs;
      account.inBytes += client.inBytes;
      account.outMsgs += client.outMsgs;
      account.outBytes += client.outBytes;
      this.closedConnections.record(client);
      client.debug(`Client connection closed: ${client.closedReason}`);
      if (client.connectReceived) this.system?.clientDisconnected(client);
    }
  }

  /** Decides a client's CONNECT: synchronous, or a promise when a bcrypt check or an account lookup is needed. */
  authenticate(client: Client, connect: ConnectOptions): AuthOutcome | Promise<AuthOutcome> {
    const callout = this.authenticator.config.callout;
    if (callout !== undefined && !bypassesCallout(callout, connect, this.authenticator.config.noAuthUser)) {
      return this.authenticateByCallout(client, connect, callout);
    }
    const outcome = this.authenticator.authenticate({
      connect,
      nonce: client.nonce,
      remoteAddress: client.remoteHost,
      connectionType: client.connectionType,
      ...(client.tlsIdentity !== null && { tls: client.tlsIdentity }),
      ...(client.frontEndAuth !== null && { frontEnd: client.frontEndAuth }),
    });
    return callout === undefined ? outcome : guardCalloutAccount(outcome, callout);
  }

  /** Auth callout: the service listening on `$SYS.REQ.USER.AUTH` in the callout account decides (auth-callout.ts). */
  private authenticateByCallout(client: Client, connect: ConnectOptions, settings: AuthCalloutSettings): AuthOutcome | Promise<AuthOutcome> {
    // A reload re-checks connections; the service already decided for this one, and auth_callout cannot change on reload.
    if (client.connectReceived) return { ok: true, method: 'callout', user: client.user, account: client.account.name, permissions: client.permissions };
    const account = accountFor(this, settings.account);
    const host: CalloutHost = {
      server: { name: this.name, host: this.options.host, id: this.id, version: this.info.version },
      sign: (data) => this.signWithServerKey(data),
      subscribe: (subject, handler) => {
        const sub = account.subscribeInternal(subject, (_sub, _subject, _reply, headerSize, message) => handler(Buffer.from(message.subarray(Math.max(0, headerSize)))));
        return () => account.unsubscribeInternal(sub);
      },
      publish: (subject, reply, headers, payload) => this.publish(account, subject, reply, headers, payload),
      hasAccount: (name) => this.accounts.has(name),
      warn: (text) => this.logger.warn(`${client.remoteHost}:${client.remotePort} - cid:${client.id} - ${text}`),
    };
    const details = { id: client.id, host: client.remoteHost, nonce: client.nonce, connect, connectionType: client.connectionType, tls: clientTlsInfo(client.socket) };
    return runAuthCallout(settings, host, details, calloutTimeoutMs(this.options.authTimeoutMs, client.start.getTime()));
  }

  /**
   * Moves an authenticated client into its account. Returns false when the account's JWT limits its
   * connections and that many are already there.
   */
  bindAccount(client: Client, result: AuthResult): boolean {
    const account = accountFor(this, result.account);
    const claims = result.accountClaims;
    if (claims !== undefined && this.jwtAccounts.get(account.name)?.jti !== claims.jti) {
      // A JWT account seen for the first time, or with new claims: its imports are linked.
      this.jwtAccounts.set(account.name, claims);
      this.relinkAccounts(this.options);
      for (const listener of this.accountClaimsListeners) listener(account, claims);
    }
    if (account === client.account) return true;
    const maxConnections = result.accountClaims?.limits.conn ?? -1;
    if (maxConnections >= 0 && account.clients.size >= maxConnections) return false;
    client.account.clients.delete(client);
    client.account = account;
    account.clients.add(client);
    return true;
  }

  // ---- messages ----

  /** Routes a message within an account. Returns whether any subscription received it. */
  route(account: Account, subject: string, reply: string, headerSize: number, message: Buffer, sender: Client | null): boolean {
    return deliverToMatches(account.sublist.match(subject), subject, reply, headerSize, message, sender);
  }

  /** Publishes from inside the server (services such as JetStream). `headers` may be null. */
  publish(account: Account, subject: string, reply: string, headers: Buffer | null, payload: Buffer): boolean {
    let message = payload;
    let headerSize = -1;
    if (headers !== null && headers.length > 0) {
      message = Buffer.concat([headers, payload]);
      headerSize = headers.length;
    }
    const delivered = this.route(account, subject, reply, headerSize, message, null);
    // Messages from inside the server cannot be paused like a socket; congestion is left to max_pending.
    this.congestedReceiver = null;
    return delivered;
  }

  /**
   * Queues a client for the one flush of this event-loop turn. Per turn rather than at the end of each read
   * (as nats-server does): libuv hands over several reads of a busy socket in one turn, and one write for
   * all of them is ~11 % faster for pub→sub 1 KiB than a write per read. The cost is an Immediate per turn.
   */
  markDirty(client: Client): void {
    client.dirty = true;
    this.dirtyClients[this.dirtyCount++] = client;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(flushDirtyFired, this);
    }
  }

  flushDirty(): void {
    this.flushScheduled = false;
    // A flush may mark more connections dirty (a slow consumer's close); they are flushed in this loop too.
    const dirty = this.dirtyClients;
    for (let i = 0; i < this.dirtyCount; i++) {
      const client = dirty[i];
      dirty[i] = null;
      if (client !== null) client.flush();
    }
    this.dirtyCount = 0;
  }

  // ---- lifecycle ----

  /** Applies options read again from the config file (SIGHUP). Returns the names of what changed. */
  applyReload(next: Options, changed: string[]): void {
    this.options = next;
    this.configLoadTime = new Date();
    this.logger.configure({ debug: next.debug, trace: next.trace, logtime: next.logtime, logFile: next.logFile, logSizeLimit: next.logSizeLimit });
    this.configErrors.length = 0;
    this.authenticator = this.buildAuthenticator(next);
    ensureAccounts(this, next);
    this.relinkAccounts(next);
    this.info = this.makeInfo();
    this.stallThreshold = next.maxPending / 2;
    for (const client of [...this.clients.values()]) {
      client.parser.maxControlLine = next.maxControlLine;
      if (client.connectOptions !== null) void this.recheckClient(client);
    }
    this.flushDirty();
    this.logger.notice(`Reloaded server configuration${changed.length ? ': ' + changed.join(', ') : ''}`);
  }

  /** After a reload: a connection whose credentials no longer pass is closed, as nats-server does; others get the new permissions. */
  private async recheckClient(client: Client): Promise<void> {
    const outcome = await this.authenticate(client, client.connectOptions!);
    if (client.closed) return;
    if (!outcome.ok || outcome.account !== client.account.name) {
      client.sendErrAndClose(WireError.AuthViolation, ClosedReason.AuthenticationViolation);
      this.flushDirty();
      return;
    }
    client.setPermissions(outcome.permissions);
  }

  /**
   * Lame duck mode: stop accepting, tell clients (INFO with ldm), wait the grace period, then close the
   * clients spread over the lame duck duration, then shut down.
   */
  async enterLameDuckMode(): Promise<void> {
    if (this.lameDuck || this.shuttingDown) return;
    this.lameDuck = true;
    this.logger.notice('Entering lame duck mode, stop accepting new clients');
    await this.closeListeners();
    // Like other asynchronous INFOs, only clients that declared protocol 1 get it.
    for (const client of this.clients.values()) {
      if ((client.connectOptions?.protocol ?? 0) < 1) continue;
      client.sendRaw(`INFO ${JSON.stringify({ ...this.info, client_id: client.id, client_ip: client.remoteHost, ldm: true })} \r\n`);
    }
    this.flushDirty();
    const grace = this.options.lameDuckGracePeriodMs;
    const duration = Math.max(0, this.options.lameDuckDurationMs - grace);
    if (this.clients.size > 0) {
      this.logger.notice(`Waiting ${grace / 1000}s before closing ${this.clients.size} client(s)`);
      await delay(grace);
      const clients = [...this.clients.values()];
      const step = clients.length > 0 ? duration / clients.length : 0;
      for (const client of clients) {
        client.close(ClosedReason.LameDuckMode);
        this.flushDirty();
        if (step > 0) await delay(Math.min(step, 1000));
      }
    }
    await this.shutdown();
  }

  async shutdown(reason: ClosedReasonText = ClosedReason.ServerShutdown): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.logger.notice('Initiating Shutdown...');
    await this.closeListeners();
    for (const hook of this.shutdownHooks) {
      try {
        await hook();
      } catch (err) {
        this.logger.error(`shutdown: ${(err as Error).message}`);
      }
    }
    for (const client of [...this.clients.values()]) client.close(reason);
    this.flushDirty();
    this.logger.notice('Server Exiting..');
  }

  private async closeListeners(): Promise<void> {
    const open = this.listeners.splice(0);
    await Promise.all(open.map((l) => l.close().catch(() => undefined)));
  }

  /** nats-server lists every address of an unspecified host (0.0.0.0 / ::) in the ports file and INFO. */
  static addressesFor(host: string): string[] {
    if (host !== '0.0.0.0' && host !== '::' && host !== '') return [host];
    const addresses: string[] = ['127.0.0.1', '::1'];
    for (const list of Object.values(os.networkInterfaces())) {
      for (const entry of list ?? []) {
        if (!entry.internal) addresses.push(entry.address);
      }
    }
    return [...new Set(addresses)];
  }
}

const TLS_INFO_KEYS = ['tls_required', 'tls_verify', 'tls_available'] as const;

/** What a transport may add to a new connection: a TLS upgrade after INFO, or the identity of a TLS peer. */
export interface ConnectionExtras {
  upgrade?: (socket: Duplex) => Promise<{ socket: Duplex; tlsIdentity: TlsPeerIdentity | null }>;
  tlsIdentity?: TlsPeerIdentity | null;
  /** STANDARD by default; WEBSOCKET, MQTT... (JWT allowed_connection_types). */
  connectionType?: string;
  /**
   * A front end with its own auth settings (websocket {}). Its clients' INFO then carries no TLS fields
   * (TLS, if any, wraps the front end's protocol, not NATS) and says auth_required when its settings require it.
   */
  frontEndAuth?: FrontEndAuth;
  /** The front end's auth timeout, when it has its own (0 = the server's). */
  authTimeoutMs?: number;
  /** A user JWT the front end found (websocket jwt_cookie), used when CONNECT carries none. */
  cookieJwt?: string;
  /** Called once as the connection closes, before its socket is ended, so the front end can tell the peer why. */
  onClose?: (reason: ClosedReasonText) => void;
}

/** The INFO for a front end's client: without the TLS fields, with auth_required (before max_payload) if needed. */
function frontEndInfo(info: ServerInfo, authRequired: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(info)) {
    if ((TLS_INFO_KEYS as readonly string[]).includes(key)) continue;
    if (key === 'max_payload' && authRequired) out.auth_required = true;
    out[key] = value;
  }
  return out;
}

function wireSocket(client: Client, socket: Duplex): void {
  socket.on('data', (chunk: Buffer) => client.onData(chunk));
  socket.on('drain', () => client.onDrain());
  socket.on('error', (err: Error) => client.debug(`socket error: ${err.message}`));
  socket.on('close', (hadError: boolean) => client.onSocketClosed(hadError));
}

function flushDirtyFired(server: Server): void {
  server.flushDirty();
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// One client connection: bytes in through the parser, operations on its account, MSG frames out.

import type { Duplex } from 'node:stream';
import { ProtocolParser, type ParserHandler } from '../protocol/parser.js';
import { ClosedReason, WireError, type ClosedReasonText } from '../protocol/wire-errors.js';
import { OK_FRAME, PING_FRAME, PONG_FRAME, errFrame, NO_RESPONDERS_HEADER } from '../protocol/frames.js';
import { isValidLiteralSubject, isValidSubject, subjectMatches } from '../subjects/subject.js';
import type { Account } from './account.js';
import { OutboundBuffer, writeDecimal, writeLatin1 } from './outbound.js';
import { Subscription } from './subscription.js';
import type { Server } from './server.js';
import { parseConnectOptions, type ConnectOptions } from '../protocol/connect-options.js';
import type { AuthOutcome, AuthResult, FrontEndAuth, TlsPeerIdentity } from '../auth/authenticator.js';
import { publishViolationText, subscribeViolationText, type ClientPermissions } from '../auth/permissions.js';

/** What kind of peer a connection is. Routes, leaf nodes and others arrive with later capabilities. */
export const ConnectionKind = {
  Client: 'Client',
} as const;
export type ConnectionKindName = (typeof ConnectionKind)[keyof typeof ConnectionKind];

const MSG_OP = Buffer.from('MSG ');
const HMSG_OP = Buffer.from('HMSG ');
/** Room for the size fields, spaces and CRLFs around a payload. */
const FRAME_OVERHEAD = 32;
/** nats-server's first PING to a client comes after at most this long. */
const FIRST_PING_MS = 2000;
/** Round trips are measured again after an hour, as nats-server does. */
const RTT_MEASUREMENT_INTERVAL_MS = 3_600_000;
/** Bounds of one pause of a fast producer, and the most one receiver may pause producers between two full drains. */
const STALL_MIN_MS = 5;
const STALL_MAX_MS = 50;
const STALL_BUDGET_MS = 500;

export class Client implements ParserHandler {
  readonly parser: ProtocolParser;
  readonly outbound = new OutboundBuffer();
  readonly subscriptions = new Map<string, Subscription>();
  readonly start = new Date();
  readonly kind: ConnectionKindName = ConnectionKind.Client;

  connectOptions: ConnectOptions | null = null;
  connectReceived = false;
  /** Copied from CONNECT for the hot path. nats-server treats a connection as verbose and pedantic until CONNECT says otherwise. */
  verbose = true;
  pedantic = true;
  echo = true;
  headers = false;
  noResponders = false;
  /** The authenticated user, for monitoring and logs. */
  user = '';
  /** What this connection may publish and subscribe to; null = everything. */
  permissions: ClientPermissions | null = null;
  /** The nonce sent in INFO, for NKey and JWT signatures. */
  nonce = '';
  /** STANDARD for TCP/TLS clients; WEBSOCKET, MQTT... for other front ends (allowed_connection_types). */
  connectionType = 'STANDARD';
  /** The verified client certificate's names (TLS with verify), for verify_and_map. */
  tlsIdentity: TlsPeerIdentity | null = null;
  /** The front end's own auth settings (websocket {}), shared by its clients; null for TCP. */
  frontEndAuth: FrontEndAuth | null = null;
  /** A user JWT from the front end (websocket jwt_cookie), for a CONNECT without one. */
  cookieJwt = '';
  /** The front end's close hook (websocket: a close frame with the reason). */
  onClosing: ((reason: ClosedReasonText) => void) | null = null;
  private expiryTimer: NodeJS.Timeout | null = null;
  /** This connection's limits: the server's, narrowed by its account's and user's JWT limits (-1 / 0 = none). */
  maxPayload: number;
  maxSubscriptions: number;

  closed = false;
  closedReason: ClosedReasonText | '' = '';
  stop: Date | null = null;
  /** Queued in the server's list of connections to flush this turn. */
  dirty = false;
  /** A TLS handshake is under way on the socket: nothing may be written to it until it is done. */
  upgrading = false;

  inMsgs = 0;
  inBytes = 0;
  outMsgs = 0;
  outBytes = 0;
  lastActivity = Date.now();
  pingsOut = 0;
  /** Round-trip time in ms: estimated at CONNECT, then from the last server PING; 0 until CONNECT. */
  rttMs = 0;
  /** When the connection was accepted, in performance.now() time: CONNECT's round-trip estimate needs sub-millisecond precision. */
  private readonly acceptedAt = performance.now();
  private pingSentAt = 0;
  private rttMeasuredAt = 0;
  private lastPingReceived = 0;
  private pingTimer: NodeJS.Timeout | null = null;
  private authTimer: NodeJS.Timeout | null = null;
  private writeDeadlineTimer: NodeJS.Timeout | null = null;
  /** Socket pending bytes as of the last flush. */
  private socketPending = 0;
  /** As a producer: the congested receiver this connection's reading is paused for. */
  private stalledOn: Client | null = null;
  /** Input read but not yet parsed while input is held (a pause or an authentication under way). */
  private heldInput: Buffer | null = null;
  private inputHolds = 0;
  private stallTimer: NodeJS.Timeout | null = null;
  /** As a receiver: producers paused until this connection drains. */
  private stalledProducers: Client[] | null = null;
  /** As a receiver: how long it may still hold producers back without reading anything. */
  private stallBudgetMs = STALL_BUDGET_MS;
  /** As a receiver: its socket's pending bytes when it last paused a producer, to see whether it reads. */
  private pendingAtStall = 0;
  /** How many times this connection was paused as a fast producer. */
  stalls = 0;
  private logPrefix: string;

  constructor(
    readonly server: Server,
    readonly id: number,
    public socket: Duplex,
    public account: Account,
    readonly remoteHost: string,
    readonly remotePort: number,
  ) {
    this.parser = new ProtocolParser(this, { maxControlLine: server.options.maxControlLine });
    this.maxPayload = server.options.maxPayload;
    this.maxSubscriptions = server.options.maxSubscriptions;
    this.logPrefix = `${remoteHost}:${remotePort} - cid:${id} - `;
  }

  /** Sends INFO and starts timers; the server calls this once the connection is registered. */
  begin(infoJson: string, authRequired: boolean, authTimeoutMs: number): void {
    this.parser.awaitingConnect = authRequired;
    this.sendRaw(`INFO ${infoJson} \r\n`);
    if (authRequired) this.authTimer = setTimeout(authTimeoutFired, authTimeoutMs, this);
    this.schedulePing(true);
  }

  // ---- bytes in ----

  onData(chunk: Buffer): void {
    if (this.closed) return;
    this.lastActivity = Date.now();
    let used: number;
    try {
      used = this.parser.parse(chunk);
    } catch (err) {
      // A bug must cost one connection, never the server: log it and cut this client.
      this.server.logger.error(`${this.logPrefix}internal error while processing input: ${(err as Error).stack ?? err}`);
      this.close(ClosedReason.ProtocolViolation, true);
      return;
    }
    // Paused as a fast producer: keep the rest of this chunk (a view) until the pause ends.
    if (used < chunk.length) this.heldInput = chunk.subarray(used);
  }

  processConnect(json: string): void {
    if (this.server.logger.traceEnabled) this.trace(`<<- [CONNECT ${redactSecrets(json)}]`);
    const connect = parseConnectOptions(json);
    if (typeof connect === 'string') {
      this.debug(`CONNECT rejected: ${connect}`);
      this.close(ClosedReason.ProtocolViolation);
      return;
    }
    // As nats-server: the time from accepting the connection (and sending INFO) to its CONNECT is the first
    // round-trip estimate, so /connz has an rtt before any PING. It does not count as measured: the first
    // ping timer still PINGs (about 2 s after the connection) to measure it properly.
    if (!this.connectReceived) this.rttMs = Math.max(performance.now() - this.acceptedAt, 0.001);
    // As nats-server: a websocket client without a JWT in CONNECT uses the one from its cookie.
    if (connect.jwt === '' && this.cookieJwt !== '') connect.jwt = this.cookieJwt;
    // As nats-server: the auth timer covers the wait for CONNECT, not the decision on it (a callout may take a while).
    if (this.authTimer !== null) {
      clearTimeout(this.authTimer);
      this.authTimer = null;
    }
    const outcome = this.server.authenticate(this, connect);
    if (outcome instanceof Promise) {
      // A bcrypt check or an account lookup is under way: read nothing more from this client until it is done.
      this.holdInput();
      outcome.then((result) => {
        if (this.closed) return;
        this.finishConnect(connect, result);
        this.releaseInput();
      }).catch((err: unknown) => {
        // As in onData: an internal error closes this connection only, never the process.
        this.server.logger.error(`${this.logPrefix}CONNECT failed: ${(err as Error).stack ?? String(err)}`);
        this.close(ClosedReason.ProtocolViolation, true);
      });
      return;
    }
    this.finishConnect(connect, outcome);
  }

  /**
   * New permissions (CONNECT, or a reload / claims update): the delivery filter is set as the subscriptions
   * are made, so subscriptions that already exist must turn it on in the new object too.
   */
  setPermissions(permissions: ClientPermissions | null): void {
    this.permissions = permissions;
    if (permissions === null) return;
    for (const sub of this.subscriptions.values()) permissions.noteExistingSubscription(sub.subject);
  }

  private finishConnect(connect: ConnectOptions, outcome: AuthOutcome): void {
    const server = this.server;
    if (!outcome.ok) {
      this.debug(`authentication failed: ${outcome.reason}`);
      this.authViolation();
      return;
    }
    if (connect.protocol < 0 || connect.protocol > 1) {
      this.sendErrAndClose(WireError.InvalidClientProtocol, ClosedReason.BadClientProtocolVersion);
      return;
    }
    // A repeated CONNECT may not move the connection to another account: its subscriptions live in this one.
    if (this.connectReceived && outcome.account !== this.account.name) {
      this.debug(`a second CONNECT names another account (${outcome.account})`);
      this.authViolation();
      return;
    }
    this.user = outcome.user;
    this.setPermissions(outcome.permissions);
    if (!server.bindAccount(this, outcome)) {
      this.sendErrAndClose(WireError.MaxAccountConnections, ClosedReason.MaxAccountConnectionsExceeded);
      return;
    }
    this.applyJwtLimits(outcome);
    if (outcome.expiresAt !== undefined) this.scheduleExpiry(outcome.expiresAt);
    this.connectOptions = connect;
    this.verbose = connect.verbose;
    this.pedantic = connect.pedantic;
    this.echo = connect.echo;
    this.headers = connect.headers && !server.options.noHeaderSupport;
    this.parser.headersAllowed = this.headers;
    if (connect.noResponders && !this.headers) {
      this.sendErrAndClose(WireError.NoRespondersRequiresHeaders, ClosedReason.ProtocolViolation);
      return;
    }
    this.noResponders = connect.noResponders;
    this.connectReceived = true;
    this.parser.awaitingConnect = false;
    if (this.authTimer !== null) {
      clearTimeout(this.authTimer);
      this.authTimer = null;
    }
    if (this.verbose) this.sendOk();
    server.system?.clientConnected(this);
  }

  /** A JWT account's or user's `payload` and `subs` limits narrow the server's for this connection. */
  private applyJwtLimits(outcome: AuthResult): void {
    for (const limits of [outcome.accountClaims?.limits, outcome.userClaims]) {
      if (limits === undefined) continue;
      if (limits.payload > 0) this.maxPayload = Math.min(this.maxPayload, limits.payload);
      if (limits.subs > 0) this.maxSubscriptions = this.maxSubscriptions > 0 ? Math.min(this.maxSubscriptions, limits.subs) : limits.subs;
    }
  }

  /** Credentials with an end (a JWT's expiry): the connection is closed then, as nats-server does. */
  private scheduleExpiry(expiresAt: number): void {
    if (this.expiryTimer !== null) clearTimeout(this.expiryTimer);
    const delay = Math.max(0, expiresAt - Date.now());
    // setTimeout cannot wait longer than about 24 days; a later expiry is checked again then.
    this.expiryTimer = setTimeout(expiryFired, Math.min(delay, 2_000_000_000), this, expiresAt);
  }

  onExpiry(expiresAt: number): void {
    this.expiryTimer = null;
    if (this.closed) return;
    if (Date.now() < expiresAt) {
      this.scheduleExpiry(expiresAt);
      return;
    }
    this.debug('User authentication expired');
    this.sendErrAndClose(WireError.AuthExpired, ClosedReason.AuthenticationExpired);
  }

  checkPubSize(subject: string, size: number): boolean {
    const maxPayload = this.maxPayload;
    if (size > maxPayload) {
      this.server.logger.error(`${this.logPrefix}Maximum Payload Violation: ${size} vs ${maxPayload} on "${subject}"`);
      this.sendErrAndClose(WireError.MaxPayload, ClosedReason.MaxPayloadExceeded);
      return false;
    }
    if (this.pedantic && !isValidLiteralSubject(subject)) this.sendErr(WireError.InvalidPublishSubject);
    return true;
  }

  processPub(subject: string, reply: string, headerSize: number, message: Buffer): void {
    const size = message.length;
    if (this.server.logger.traceEnabled) this.tracePub(subject, reply, headerSize, message);
    this.inMsgs++;
    this.inBytes += size;
    const server = this.server;
    server.inMsgs++;
    server.inBytes += size;
    const permissions = this.permissions;
    if (permissions !== null && !permissions.canPublish(subject)) {
      this.server.logger.error(`${this.logPrefix}Publish Violation - User ${JSON.stringify(this.user)}, Subject ${JSON.stringify(subject)}`);
      this.sendErr(publishViolationText(subject));
      return;
    }
    if (this.verbose) this.sendOk();
    const delivered = server.route(this.account, subject, reply, headerSize, message, this);
    if (!delivered && reply.length > 0 && this.noResponders) this.sendNoResponders(reply);
    const congested = server.congestedReceiver;
    if (congested !== null) {
      server.congestedReceiver = null;
      if (congested !== this) this.stallFor(congested);
    }
  }

  processSub(subject: string, queue: string, sid: string): void {
    if (this.server.logger.traceEnabled) this.trace(`<<- [SUB ${subject}${queue ? ' ' + queue : ''} ${sid}]`);
    if (!isValidSubject(subject)) {
      this.sendErr(WireError.InvalidSubject);
      return;
    }
    const permissions = this.permissions;
    if (permissions !== null && !permissions.canSubscribe(subject, queue)) {
      const queuePart = queue ? `, Queue ${JSON.stringify(queue)}` : '';
      this.server.logger.error(`${this.logPrefix}Subscription Violation - User ${JSON.stringify(this.user)}, Subject ${JSON.stringify(subject)}${queuePart}, SID ${sid}`);
      this.sendErr(subscribeViolationText(subject, queue));
      return;
    }
    const maxSubs = this.maxSubscriptions;
    if (maxSubs > 0 && this.subscriptions.size >= maxSubs) {
      this.server.logger.error(`${this.logPrefix}Maximum Subscriptions Exceeded (max ${maxSubs})`);
      this.sendErr(WireError.MaxSubscriptions);
      return;
    }
    // A repeated sid is ignored, as nats-server does.
    if (!this.subscriptions.has(sid)) {
      const sub = new Subscription(subject, queue, sid, this, null);
      this.subscriptions.set(sid, sub);
      this.account.sublist.insert(sub);
    }
    if (this.verbose) this.sendOk();
  }

  processUnsub(sid: string, max: number): void {
    if (this.server.logger.traceEnabled) this.trace(`<<- [UNSUB ${sid}${max >= 0 ? ' ' + max : ''}]`);
    const sub = this.subscriptions.get(sid);
    if (sub !== undefined) {
      if (max > 0 && sub.delivered < max) sub.max = max;
      else this.removeSubscription(sub);
    }
    if (this.verbose) this.sendOk();
  }

  processPing(): void {
    this.lastPingReceived = Date.now();
    if (this.server.logger.traceEnabled) {
      this.trace('<<- [PING]');
      this.trace('->> [PONG]');
    }
    this.sendRaw(PONG_FRAME);
  }

  processPong(): void {
    if (this.server.logger.traceEnabled) this.trace('<<- [PONG]');
    this.pingsOut = 0;
    if (this.pingSentAt > 0) {
      const now = Date.now();
      // Sub-millisecond round trips still count as measured.
      this.rttMs = Math.max(now - this.pingSentAt, 0.001);
      this.rttMeasuredAt = now;
      this.pingSentAt = 0;
    }
  }

  /** STANDARD, WEBSOCKET, MQTT: set by the transport before INFO. nats-server's log lines name a websocket connection `wid:` and an MQTT one `mid:`. */
  setConnectionType(type: string): void {
    this.connectionType = type;
    const tag = type === 'WEBSOCKET' ? 'wid' : type === 'MQTT' ? 'mid' : 'cid';
    this.logPrefix = `${this.remoteHost}:${this.remotePort} - ${tag}:${this.id} - `;
  }

  processClientErr(text: string): void {
    this.debug(`Client Error ${text}`);
    this.close(ClosedReason.ParseError);
  }

  protocolError(wireError: string, detail: string): void {
    this.server.logger.error(`${this.logPrefix}Client parser ERROR: ${detail}`);
    if (wireError === WireError.MaxControlLine) this.sendErrAndClose(wireError, ClosedReason.MaxControlLineExceeded);
    // As nats-server: a protocol it can not parse closes as a Protocol Violation ('Parse Error' is for a client's -ERR).
    else if (wireError !== '') this.sendErrAndClose(wireError, ClosedReason.ProtocolViolation);
    else this.close(ClosedReason.ProtocolViolation);
  }

  authViolationBeforeConnect(): void {
    this.authViolation();
  }

  // ---- bytes out ----

  /**
   * Appends one MSG or HMSG frame for `sub`. Returns false when the connection cannot take it.
   * The caller has already checked echo.
   */
  deliver(sub: Subscription, subject: string, reply: string, headerSize: number, message: Buffer): boolean {
    if (this.closed) return false;
    const permissions = this.permissions;
    if (permissions !== null) {
      if (permissions.deliveryFilter && !permissions.canDeliver(subject)) return false;
      if (reply.length > 0 && permissions.tracksReplies) permissions.noteReplySubject(reply);
    }
    const server = this.server;
    let body = message;
    let hdr = headerSize;
    if (hdr >= 0 && !this.headers) {
      // A client without header support gets the body only, as nats-server does.
      body = message.subarray(hdr);
      hdr = -1;
    }
    // The line start ('MSG subject sid ') is kept as bytes once a subject repeats for this subscription.
    // A subject seen once (a reply to `_INBOX.<id>.<n>`) is written straight into the frame instead, so
    // request/reply does not allocate a buffer per reply.
    let prefix: Buffer | null = null;
    if (sub.prefixSubject === subject) {
      if (hdr < 0) prefix = sub.prefix ??= buildPrefix(MSG_OP, subject, sub.sidBytes);
      else prefix = sub.hprefix ??= buildPrefix(HMSG_OP, subject, sub.sidBytes);
    } else {
      sub.prefixSubject = subject;
      sub.prefix = null;
      sub.hprefix = null;
    }
    const size = body.length;
    const out = this.outbound;
    const lineStart = prefix !== null ? prefix.length : HMSG_OP.length + subject.length + sub.sidBytes.length;
    const slab = out.reserve(lineStart + reply.length + FRAME_OVERHEAD + size);
    let at = out.at;
    const start = at;
    if (prefix !== null) {
      slab.set(prefix, at);
      at += prefix.length;
    } else {
      at += copyBytes(slab, at, hdr < 0 ? MSG_OP : HMSG_OP);
      at += writeLatin1(slab, at, subject);
      at += copyBytes(slab, at, sub.sidBytes);
    }
    if (reply.length > 0) {
      at += writeLatin1(slab, at, reply);
      slab[at++] = 32;
    }
    if (hdr >= 0) {
      at += writeDecimal(slab, at, hdr);
      slab[at++] = 32;
    }
    at += writeDecimal(slab, at, size);
    slab[at++] = 13;
    slab[at++] = 10;
    if (size > 0) {
      slab.set(body, at);
      at += size;
    }
    slab[at++] = 13;
    slab[at++] = 10;
    out.advance(at - start);
    if (out.pending + this.socketPending > server.stallThreshold) server.congestedReceiver = this;
    this.outMsgs++;
    this.outBytes += size;
    server.outMsgs++;
    server.outBytes += size;
    if (!this.dirty) server.markDirty(this);
    if (server.logger.traceEnabled) this.trace(`->> [${hdr >= 0 ? 'HMSG' : 'MSG'} ${subject} ${sub.sid}${reply ? ' ' + reply : ''} ${size}]`);
    sub.delivered++;
    if (sub.max > 0 && sub.delivered >= sub.max) this.removeSubscription(sub);
    return true;
  }

  sendRaw(frame: Buffer | string): void {
    if (this.closed) return;
    if (typeof frame === 'string') this.outbound.appendLatin1(frame);
    else this.outbound.appendBuffer(frame);
    if (!this.dirty) this.server.markDirty(this);
  }

  sendOk(): void {
    if (this.server.logger.traceEnabled) this.trace('->> [OK]');
    this.sendRaw(OK_FRAME);
  }

  sendErr(text: string): void {
    if (this.server.logger.traceEnabled) this.trace(`->> [-ERR '${text}']`);
    this.sendRaw(errFrame(text));
  }

  sendPing(): void {
    this.pingSentAt = Date.now();
    this.pingsOut++;
    if (this.server.logger.traceEnabled) this.trace('->> [PING]');
    this.sendRaw(PING_FRAME);
  }

  /** Writes pending bytes to the socket; called by the server once per event-loop turn. */
  flush(): void {
    this.dirty = false;
    if (this.upgrading || (this.closed && this.socket.destroyed)) return;
    const pending = this.outbound.pending;
    if (pending === 0) return;
    const ok = this.outbound.flushTo(this.socket);
    this.socketPending = this.socket.writableLength;
    if (this.socketPending > this.server.options.maxPending && !this.closed) {
      this.slowConsumer(ClosedReason.SlowConsumerPendingBytes, `MaxPending of ${this.server.options.maxPending} Exceeded`);
      return;
    }
    if (this.socketPending <= this.server.stallThreshold) this.releaseProducers();
    if (!ok && this.writeDeadlineTimer === null && !this.closed) {
      this.writeDeadlineTimer = setTimeout(writeDeadlineFired, this.server.options.writeDeadlineMs, this);
    }
  }

  /** The socket drained what we gave it: any write deadline is met, and paused producers may go on. */
  onDrain(): void {
    this.socketPending = 0;
    if (this.writeDeadlineTimer !== null) {
      clearTimeout(this.writeDeadlineTimer);
      this.writeDeadlineTimer = null;
    }
    this.stallBudgetMs = STALL_BUDGET_MS;
    this.releaseProducers();
  }

  // ---- fast producers ----

  /**
   * A receiver of this connection's messages is over half its max_pending: stop reading from this
   * connection until the receiver catches up, for STALL_MIN_MS to STALL_MAX_MS a time (longer the fuller
   * the receiver is), as nats-server does, so a burst does not turn a reading subscriber into a slow
   * consumer. Unlike nats-server 2.9, a receiver that reads nothing at all may hold producers back for
   * STALL_BUDGET_MS in total: a subscriber that stopped reading is cut at max_pending soon instead of
   * slowing every other subscriber down for the whole write deadline. One that reads, however slowly,
   * gets its budget back each time it makes progress.
   */
  private stallFor(receiver: Client): void {
    if (this.stalledOn !== null || this.closed || receiver.stallBudgetMs <= 0) return;
    const maxPending = this.server.options.maxPending;
    const half = maxPending / 2;
    const fill = Math.min(1, Math.max(0, (receiver.pendingBytes - half) / half));
    const duration = Math.min(receiver.stallBudgetMs, STALL_MIN_MS + Math.round((STALL_MAX_MS - STALL_MIN_MS) * fill));
    receiver.stallBudgetMs -= duration;
    receiver.pendingAtStall = receiver.socket.writableLength;
    this.stalledOn = receiver;
    (receiver.stalledProducers ??= []).push(this);
    this.stalls++;
    this.server.stalls++;
    this.holdInput();
    this.stallTimer = setTimeout(stallTimerFired, duration, this);
  }

  /** The pause's time is up: go on, unless the receiver is still congested but reading (then wait more). */
  onStallTimer(): void {
    this.stallTimer = null;
    const receiver = this.stalledOn;
    if (receiver === null) return;
    const pendingNow = receiver.socket.writableLength;
    if (pendingNow < receiver.pendingAtStall) receiver.stallBudgetMs = STALL_BUDGET_MS;
    if (!receiver.closed && pendingNow > this.server.stallThreshold && receiver.stallBudgetMs > 0) {
      const duration = Math.min(receiver.stallBudgetMs, STALL_MAX_MS);
      receiver.stallBudgetMs -= duration;
      receiver.pendingAtStall = pendingNow;
      this.stallTimer = setTimeout(stallTimerFired, duration, this);
      return;
    }
    this.endStall();
  }

  endStall(): void {
    if (this.stalledOn === null) return;
    this.stalledOn = null;
    if (this.stallTimer !== null) {
      clearTimeout(this.stallTimer);
      this.stallTimer = null;
    }
    this.releaseInput();
  }

  /** Stops reading and parsing this client's input (flow control, an authentication in progress). */
  private holdInput(): void {
    if (this.inputHolds++ > 0) return;
    this.parser.suspended = true;
    this.socket.pause();
  }

  /** Undoes one holdInput; when none is left, the input kept meanwhile is parsed and reading goes on. */
  private releaseInput(): void {
    if (this.inputHolds === 0 || --this.inputHolds > 0) return;
    this.parser.suspended = false;
    if (this.closed) return;
    const held = this.heldInput;
    if (held !== null) {
      this.heldInput = null;
      this.onData(held);
      // Parsing the held input may have paused this client again.
      if (this.inputHolds > 0) return;
    }
    this.socket.resume();
  }

  private releaseProducers(): void {
    const waiting = this.stalledProducers;
    if (waiting === null) return;
    this.stalledProducers = null;
    for (const producer of waiting) if (producer.stalledOn === this) producer.endStall();
  }

  /** Bytes waiting to go out: ours and the socket's. */
  get pendingBytes(): number {
    return this.outbound.pending + this.socketPending;
  }

  // ---- subscriptions ----

  removeSubscription(sub: Subscription): void {
    if (this.subscriptions.get(sub.sid) !== sub) return;
    this.subscriptions.delete(sub.sid);
    this.account.sublist.remove(sub);
  }

  /** The client's own subscription that a reply subject would reach, for the no-responders status. */
  private subscriptionForReply(reply: string): Subscription | null {
    for (const sub of this.subscriptions.values()) {
      if (sub.queue === '' && subjectMatches(sub.subject, reply)) return sub;
    }
    return null;
  }

  private sendNoResponders(reply: string): void {
    const sub = this.subscriptionForReply(reply);
    if (sub === null) return;
    this.deliver(sub, reply, '', NO_RESPONDERS_HEADER.length, NO_RESPONDERS_HEADER);
  }

  // ---- liveness ----

  /**
   * The first PING goes out early (at most 2 s, plus up to 20% jitter) so the round trip is known soon;
   * later ones every ping_interval, as nats-server does.
   */
  private schedulePing(first = false): void {
    let interval = this.server.options.pingIntervalMs;
    if (interval <= 0) return;
    if (first) {
      interval = Math.min(interval, FIRST_PING_MS);
      interval += Math.floor(Math.random() * (interval / 5));
    }
    this.pingTimer = setTimeout(pingTimerFired, interval, this);
  }

  /**
   * A PING is skipped while the client is active, once the round trip is known and recent; only when a
   * PING is due does an unanswered one count against ping_max (publishing alone does not keep a client alive).
   */
  onPingTimer(): void {
    this.pingTimer = null;
    if (this.closed) return;
    const options = this.server.options;
    const now = Date.now();
    const needRtt = this.rttMs === 0 || now - this.rttMeasuredAt > RTT_MEASUREMENT_INTERVAL_MS;
    const recentlyActive = now - this.lastActivity < options.pingIntervalMs || now - this.lastPingReceived < options.pingIntervalMs;
    if (needRtt || !recentlyActive) {
      if (this.pingsOut + 1 > options.pingMax) {
        this.debug('Stale Client Connection - Closing');
        this.sendErrAndClose(WireError.StaleConnection, ClosedReason.StaleConnection);
        return;
      }
      this.sendPing();
    }
    this.schedulePing();
  }

  onAuthTimeout(): void {
    this.authTimer = null;
    if (this.closed || this.connectReceived) return;
    this.server.logger.error(`${this.logPrefix}Authentication Timeout`);
    this.sendErrAndClose(WireError.AuthTimeout, ClosedReason.AuthenticationTimeout);
  }

  onWriteDeadline(): void {
    this.writeDeadlineTimer = null;
    if (this.closed) return;
    this.slowConsumer(ClosedReason.SlowConsumerWriteDeadline, `WriteDeadline of ${this.server.options.writeDeadlineMs}ms Exceeded`);
  }

  // ---- closing ----

  private slowConsumer(reason: ClosedReasonText, why: string): void {
    this.server.slowConsumers++;
    this.account.slowConsumers++;
    this.server.logger.notice(`${this.logPrefix}Slow Consumer Detected: ${why}`);
    // Nothing more can be written in time: drop what is queued and cut the connection.
    this.outbound.discard();
    this.close(reason, true);
  }

  private authViolation(): void {
    this.server.logger.error(`${this.logPrefix}authentication error`);
    this.sendErrAndClose(WireError.AuthViolation, ClosedReason.AuthenticationViolation);
  }

  sendErrAndClose(text: string, reason: ClosedReasonText): void {
    this.sendErr(text);
    this.close(reason);
  }

  /**
   * Closes the connection: pending output (such as a final -ERR) is written first unless `abort`.
   * Subscriptions leave the account at once.
   */
  close(reason: ClosedReasonText, abort = false): void {
    if (this.closed) return;
    this.closed = true;
    this.closedReason = reason;
    this.stop = new Date();
    this.parser.stop();
    for (const timer of [this.pingTimer, this.authTimer, this.writeDeadlineTimer, this.stallTimer, this.expiryTimer]) if (timer !== null) clearTimeout(timer);
    this.pingTimer = this.authTimer = this.writeDeadlineTimer = this.stallTimer = this.expiryTimer = null;
    this.stalledOn = null;
    this.releaseProducers();
    for (const sub of this.subscriptions.values()) this.account.sublist.remove(sub);
    this.server.removeClient(this);
    if (this.onClosing !== null) this.onClosing(reason);
    if (abort || this.upgrading) {
      this.socket.destroy();
      return;
    }
    if (this.outbound.pending > 0) this.outbound.flushTo(this.socket);
    this.socket.end();
    // A peer that never reads would keep the socket half-open: give it a little time, then cut it.
    setTimeout(destroySocket, 2000, this.socket).unref();
  }

  /** The socket went away underneath us. */
  onSocketClosed(hadError: boolean): void {
    if (!this.closed) this.close(hadError ? ClosedReason.ReadError : ClosedReason.ClientClosed, true);
  }

  // ---- logging ----

  debug(text: string): void {
    if (this.server.logger.debugEnabled) this.server.logger.debug(this.logPrefix + text);
  }

  trace(text: string): void {
    this.server.logger.trace(this.logPrefix + text);
  }

  private tracePub(subject: string, reply: string, headerSize: number, message: Buffer): void {
    const op = headerSize >= 0 ? `HPUB ${subject}${reply ? ' ' + reply : ''} ${headerSize} ${message.length}` : `PUB ${subject}${reply ? ' ' + reply : ''} ${message.length}`;
    const max = this.server.options.maxTracedMsgLen;
    let payload = message.toString('latin1');
    if (max > 0 && payload.length > max) payload = payload.slice(0, max) + '...';
    this.trace(`<<- [${op}]`);
    this.trace(`<<- MSG_PAYLOAD: [${JSON.stringify(payload)}]`);
  }
}

/** Passwords and tokens never reach the log: nats-server shows them as [REDACTED]. */
const SECRET_FIELDS = new Set(['pass', 'password', 'auth_token', 'token', 'sig', 'jwt']);

/**
 * The CONNECT as it may be traced: decoded first (so escaped keys such as "p\u0061ss" are caught), every
 * credential field replaced, whatever its case. What cannot be decoded is not printed at all.
 */
function redactSecrets(json: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return `[unparsable, ${json.length} bytes]`;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return `[not an object, ${json.length} bytes]`;
  const shown: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    Object.defineProperty(shown, key, { value: SECRET_FIELDS.has(key.toLowerCase()) ? '[REDACTED]' : value, enumerable: true });
  }
  return JSON.stringify(shown);
}

function buildPrefix(op: Buffer, subject: string, sidBytes: Buffer): Buffer {
  const prefix = Buffer.allocUnsafe(op.length + subject.length + sidBytes.length);
  op.copy(prefix, 0);
  prefix.write(subject, op.length, 'latin1');
  sidBytes.copy(prefix, op.length + subject.length);
  return prefix;
}

/** Copies a few bytes by hand: cheaper than a native call for a 4-byte op or a short sid. */
function copyBytes(target: Buffer, position: number, source: Buffer): number {
  const length = source.length;
  if (length > 16) {
    target.set(source, position);
    return length;
  }
  for (let i = 0; i < length; i++) target[position + i] = source[i];
  return length;
}

// Timer callbacks take the client as an argument, so no closure is made per timer.
function pingTimerFired(client: Client): void {
  client.onPingTimer();
}
function authTimeoutFired(client: Client): void {
  client.onAuthTimeout();
}
function writeDeadlineFired(client: Client): void {
  client.onWriteDeadline();
}
function expiryFired(client: Client, expiresAt: number): void {
  client.onExpiry(expiresAt);
}
function stallTimerFired(client: Client): void {
  client.onStallTimer();
}
function destroySocket(socket: Duplex): void {
  if (!socket.destroyed) socket.destroy();
}


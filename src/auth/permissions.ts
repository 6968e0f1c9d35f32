// Compiled publish/subscribe permissions with nats-server's evaluation order, and per-client caches.

import { isSubsetMatch, PatternSet } from './pattern-set.js';
import { isLiteral } from '../subjects/subject.js';
import type { PermissionsClaim } from './jwt-claims.js';

/**
 * One direction's lists. `allow: undefined` = no allow list (everything not denied is allowed);
 * `allow: []` = nothing is allowed (what `allow_responses` implies for publish when no allow list is set).
 * Subscribe entries may carry a queue: "subject queue".
 */
export interface SubjectPermissionSpec {
  allow?: readonly string[];
  deny?: readonly string[];
}

/** `allow_responses`: at most `maxMsgs` replies (<0 = unlimited) within `expiresMs` (<0 = no expiry). */
export interface ResponsePermissionSpec {
  maxMsgs: number;
  expiresMs: number;
}

export interface PermissionsSpec {
  publish?: SubjectPermissionSpec;
  subscribe?: SubjectPermissionSpec;
  response?: ResponsePermissionSpec;
}

/** nats-server DEFAULT_ALLOW_RESPONSE_MAX_MSGS and DEFAULT_ALLOW_RESPONSE_EXPIRATION. */
export const DEFAULT_RESPONSE_MAX_MSGS = 1;
export const DEFAULT_RESPONSE_EXPIRES_MS = 2 * 60_000;

/** nats-server's cache limits (maxPermCacheSize, pruneSize, maxDenyPermCacheSize, replyPermLimit). */
const PUBLISH_CACHE_LIMIT = 128;
const PRUNE_SIZE = 32;
const DENY_CACHE_LIMIT = 256;
const REPLY_LIMIT = 4096;

/**
 * nats-server validateResponsePermissions: with a response permission, a missing publish allow list
 * becomes an empty one (responses are the only extra publishes), and 0 values take the defaults.
 */
export function normalizePermissions(spec: PermissionsSpec): PermissionsSpec {
  if (spec.response === undefined) return spec;
  const publish = { allow: spec.publish?.allow ?? [], deny: spec.publish?.deny };
  const response = {
    maxMsgs: spec.response.maxMsgs === 0 ? DEFAULT_RESPONSE_MAX_MSGS : spec.response.maxMsgs,
    expiresMs: spec.response.expiresMs === 0 ? DEFAULT_RESPONSE_EXPIRES_MS : spec.response.expiresMs,
  };
  return { ...spec, publish, response };
}

/**
 * Permissions from JWT claims (nats-server buildPermissionsFromJwt): null when the claims set nothing,
 * so the account's default permissions apply. `resp.ttl` is in nanoseconds.
 */
export function permissionsFromClaims(claims: PermissionsClaim): PermissionsSpec | null {
  let spec: PermissionsSpec | null = null;
  const { publish, subscribe, response } = claims;
  if (publish.allow.length > 0 || publish.deny.length > 0) {
    spec = { publish: { allow: publish.allow.length > 0 ? publish.allow : undefined, deny: publish.deny } };
  }
  if (subscribe.allow.length > 0 || subscribe.deny.length > 0) {
    spec = { ...spec, subscribe: { allow: subscribe.allow, deny: subscribe.deny } };
  }
  if (response !== undefined) {
    spec = { ...spec, response: { maxMsgs: response.max, expiresMs: Math.trunc(response.ttl / 1e6) } };
  }
  return spec === null ? null : normalizePermissions(spec);
}

function buildSet(list: readonly string[] | undefined, createWhenEmpty: boolean, invalid: string[]): PatternSet | null {
  if (list === undefined || (list.length === 0 && !createWhenEmpty)) return null;
  const set = new PatternSet();
  for (const entry of list) if (typeof entry !== 'string' || !set.add(entry)) invalid.push(String(entry));
  return set;
}

/** Permissions compiled once per user; share it between that user's connections. */
export class CompiledPermissions {
  readonly publishAllow: PatternSet | null;
  readonly publishDeny: PatternSet | null;
  readonly subscribeAllow: PatternSet | null;
  readonly subscribeDeny: PatternSet | null;
  readonly response: ResponsePermissionSpec | null;
  /** Entries that could not be used (more than one space): nats-server logs and skips them. */
  readonly invalidEntries: string[] = [];

  constructor(readonly spec: PermissionsSpec) {
    const normalized = normalizePermissions(spec);
    // A publish allow list exists when given, even empty; a subscribe one only when non-empty (nats-server setPermissions).
    this.publishAllow = buildSet(normalized.publish?.allow, true, this.invalidEntries);
    this.publishDeny = buildSet(normalized.publish?.deny, false, this.invalidEntries);
    this.subscribeAllow = buildSet(normalized.subscribe?.allow, false, this.invalidEntries);
    this.subscribeDeny = buildSet(normalized.subscribe?.deny, false, this.invalidEntries);
    this.response = normalized.response ?? null;
  }

  /** Whether publishes need checking at all. */
  get checksPublish(): boolean {
    return this.publishAllow !== null || this.publishDeny !== null;
  }

  /** The static publish decision (allow list, then deny list), without response permissions. */
  evaluatePublish(subject: string): boolean {
    let allowed = true;
    if (this.publishAllow !== null) allowed = this.publishAllow.matchesPlain(subject);
    if (allowed && this.publishDeny !== null) allowed = !this.publishDeny.matchesPlain(subject);
    return allowed;
  }

  /** nats-server canSubscribe, including its queue rules. */
  evaluateSubscribe(subject: string, queue = ''): boolean {
    let allowed = true;
    if (this.subscribeAllow !== null) {
      const match = this.subscribeAllow.match(subject);
      allowed = match.plain;
      if (queue !== '' && match.queues.length > 0) allowed = queueMatches(queue, match.queues);
    }
    if (allowed && this.subscribeDeny !== null) {
      const match = this.subscribeDeny.match(subject);
      allowed = !match.plain;
      if (queue !== '' && match.queues.length > 0) allowed = !queueMatches(queue, match.queues);
    }
    return allowed;
  }

  /**
   * Whether an allowed wildcard subscription covers a denied subject: deny clauses do not refuse wider
   * subscriptions, so such a client's deliveries must be filtered (nats-server loadMsgDenyFilter).
   */
  subscriptionNeedsDeliveryFilter(subject: string): boolean {
    if (this.subscribeDeny === null || isLiteral(subject)) return false;
    for (const entry of this.subscribeDeny.entries) if (entry.queue === '' && isSubsetMatch(entry.subject, subject)) return true;
    return false;
  }

  /** Whether a message on `subject` must not be delivered (a plain subscribe deny entry matches). */
  deliveryDenied(subject: string): boolean {
    return this.subscribeDeny !== null && this.subscribeDeny.matchesPlain(subject);
  }

  forClient(): ClientPermissions {
    return new ClientPermissions(this);
  }
}

function queueMatches(queue: string, queues: readonly string[]): boolean {
  if (queues.length === 0) return true;
  for (const name of queues) {
    // '*' and '>' may be literal parts of queue names, so compare literally first.
    if (queue === name || (!isLiteral(name) && isSubsetMatch(queue, name))) return true;
  }
  return false;
}

interface ReplyAllowance {
  since: number;
  count: number;
}

/** One connection's view of its permissions: caches and the replies it may send. */
export class ClientPermissions {
  /** Set once a wildcard subscription overlaps the deny list; then check canDeliver per message. */
  deliveryFilter = false;
  private readonly publishCache = new Map<string, boolean>();
  private readonly replies: Map<string, ReplyAllowance> | null;
  private denyCache: Map<string, boolean> | null = null;
  /** Reply allowances held before the next prune. */
  private pruneAt = REPLY_LIMIT;

  constructor(readonly compiled: CompiledPermissions) {
    this.replies = compiled.response !== null ? new Map() : null;
  }

  /** Whether the client may publish to `subject`; a reply allowance is consumed when one is used. */
  canPublish(subject: string, now?: number): boolean {
    const compiled = this.compiled;
    if (!compiled.checksPublish) return true;
    const cached = this.publishCache.get(subject);
    if (cached !== undefined) return cached;
    const allowed = compiled.evaluatePublish(subject);
    if (!allowed && this.replies !== null) return this.useReply(subject, now ?? Date.now());
    if (this.publishCache.size >= PUBLISH_CACHE_LIMIT) prune(this.publishCache);
    this.publishCache.set(subject, allowed);
    return allowed;
  }

  private useReply(subject: string, now: number): boolean {
    const replies = this.replies!;
    const allowance = replies.get(subject);
    if (allowance === undefined) return false;
    const limits = this.compiled.response!;
    allowance.count++;
    if (limits.maxMsgs > 0 && allowance.count > limits.maxMsgs) {
      replies.delete(subject);
      return false;
    }
    if (limits.expiresMs > 0 && now - allowance.since > limits.expiresMs) {
      replies.delete(subject);
      return false;
    }
    return true;
  }

  /** Records a reply subject of a message delivered to this client (only with allow_responses). */
  noteReplySubject(reply: string, now = Date.now()): void {
    const replies = this.replies;
    if (replies === null || reply === '') return;
    replies.set(reply, { since: now, count: 0 });
    if (replies.size > this.pruneAt) this.pruneReplies(now);
  }

  /** Whether reply subjects are tracked at all (so the core can skip noteReplySubject cheaply). */
  get tracksReplies(): boolean {
    return this.replies !== null;
  }

  /**
   * Drops spent and expired allowances (live ones stay, as in nats-server). The next prune waits until another
   * REPLY_LIMIT have been added, so a responder with many live allowances does not walk them all per request.
   */
  private pruneReplies(now: number): void {
    const replies = this.replies!;
    const limits = this.compiled.response!;
    for (const [reply, allowance] of replies) {
      if ((limits.maxMsgs > 0 && allowance.count >= limits.maxMsgs) || (limits.expiresMs > 0 && now - allowance.since > limits.expiresMs)) {
        replies.delete(reply);
      }
    }
    this.pruneAt = Math.max(REPLY_LIMIT, replies.size + REPLY_LIMIT);
  }

  /** Whether the client may subscribe; turns on the delivery filter when the subscription widens a deny. */
  canSubscribe(subject: string, queue = ''): boolean {
    const compiled = this.compiled;
    const allowed = compiled.evaluateSubscribe(subject, queue);
    if (allowed && !this.deliveryFilter && compiled.subscriptionNeedsDeliveryFilter(subject)) this.deliveryFilter = true;
    return allowed;
  }

  /** A subscription made under earlier permissions: turns the delivery filter on if it widens a deny. */
  noteExistingSubscription(subject: string): void {
    if (!this.deliveryFilter && this.compiled.subscriptionNeedsDeliveryFilter(subject)) this.deliveryFilter = true;
  }

  /** With the delivery filter on: whether a message on `subject` may be delivered to this client. */
  canDeliver(subject: string): boolean {
    if (!this.deliveryFilter) return true;
    this.denyCache ??= new Map();
    const cached = this.denyCache.get(subject);
    if (cached !== undefined) return !cached;
    const denied = this.compiled.deliveryDenied(subject);
    if (this.denyCache.size >= DENY_CACHE_LIMIT) prune(this.denyCache);
    this.denyCache.set(subject, denied);
    return !denied;
  }
}

function prune(cache: Map<string, boolean>): void {
  let removed = 0;
  for (const key of cache.keys()) {
    cache.delete(key);
    if (++removed >= PRUNE_SIZE) break;
  }
}

/** nats-server's client-visible texts for refused operations. */
export function publishViolationText(subject: string): string {
  return `Permissions Violation for Publish to ${JSON.stringify(subject)}`;
}

export function subscribeViolationText(subject: string, queue = ''): string {
  const base = `Permissions Violation for Subscription to ${JSON.stringify(subject)}`;
  return queue === '' ? base : `${base} using queue ${JSON.stringify(queue)}`;
}

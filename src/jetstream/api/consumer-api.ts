// The consumer endpoints of the JetStream API: create (ephemeral, named, durable), info, delete, names, list, pause.

/*
 * What this file needs from the JetStream account, and how it is wired:
 *
 *   registerConsumerApi(router, lookup)   adds the endpoints below to an account's ApiRouter;
 *   lookup.getStream(name)                the stream as a ConsumerStreamHandle, or undefined;
 *   recoverConsumers(stream)              recreates a file stream's consumers from <stream dir>/obs on start.
 *
 * A ConsumerStreamHandle is a ConsumerHost (contracts.ts) that keeps its consumers: `consumers` (name ->
 * consumer), `addConsumer(c)` registers one (the stream then calls onMessageStored/needsMessage...), and
 * `removeConsumer(name)` unregisters one that is already stopped (also called by a consumer that deletes
 * itself after its inactive threshold). JetStreamAccount/Stream satisfy it as they are.
 *
 * CONSUMER.MSG.NEXT is not routed here: each pull consumer subscribes to its own
 * `$JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>` (as nats-server does), so an unknown consumer gets no reply.
 */

import { randomInt } from 'node:crypto';
import { apiError, type JsApiError, type JsApiErrorName } from '../api-errors.js';
import { JsApiTypes, JS_API_LIST_LIMIT, JS_API_NAMES_LIMIT } from '../api-constants.js';
import type { StreamConsumer } from '../contracts.js';
import { ZERO_TIME } from '../json-time.js';
import { subjectsCollide } from '../../subjects/subject.js';
import { Consumer, type ConsumerOwner } from '../consumer/consumer.js';
import {
  applyConsumerDefaults,
  checkConsumerConfig,
  decodeCreateRequest,
  filtersOf,
  isValidConsumerName,
  MAX_CONSUMER_NAME_LENGTH,
  type ConsumerConfig,
} from '../consumer/consumer-config.js';
import { formatGoTime, parseGoTime } from '../consumer/go-time.js';
import type { ApiRequest, ApiRouter } from './router.js';

export interface ConsumerStreamHandle extends ConsumerOwner {
  readonly consumers: Map<string, StreamConsumer>;
  addConsumer(consumer: StreamConsumer): void;
  removeConsumer(name: string): void;
}

export interface ConsumerLookup {
  getStream(name: string): ConsumerStreamHandle | undefined;
  /** Whether the account's own consumer limit is reached (optional: no account limit). */
  consumerLimitReached?(): boolean;
}

/** 2.11's CONSUMER.PAUSE response type (not in 2.9.10's table). */
export const CONSUMER_PAUSE_RESPONSE = 'io.nats.jetstream.api.v1.consumer_pause_response';
const NAME_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

type Json = Record<string, unknown>;

function fail(type: string, error: JsApiError | JsApiErrorName, extra: Json = {}): Json {
  return { type, ...extra, error: typeof error === 'string' ? apiError(error) : error };
}

/** nats-server's isEmptyRequest: no body, or a JSON object without fields. */
function isEmptyRequest(body: Buffer): boolean {
  if (body.length === 0) return true;
  try {
    const value = JSON.parse(body.toString('utf8')) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0;
  } catch {
    return false;
  }
}

/** The `offset` of a NAMES/LIST request, or null when the body is not one Go would decode. */
function pagingOffset(body: Buffer): number | null {
  if (isEmptyRequest(body)) return 0;
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  if (value === null) return 0;
  if (typeof value !== 'object' || Array.isArray(value)) return null;
  let offset = 0;
  for (const [key, v] of Object.entries(value as Json)) {
    if (key.toLowerCase() !== 'offset' || v === null) continue;
    if (typeof v !== 'number' || !Number.isInteger(v)) return null;
    offset = v;
  }
  return Math.max(0, offset);
}

function ephemeralName(taken: Map<string, StreamConsumer>): string {
  for (;;) {
    let name = '';
    for (let i = 0; i < 8; i++) name += NAME_CHARS[randomInt(NAME_CHARS.length)];
    if (!taken.has(name)) return name;
  }
}

/** Whether a filtered consumer's subjects are its own on a workqueue stream (nats-server's partitionUnique). */
function partitionUnique(stream: ConsumerStreamHandle, filters: readonly string[], self: string): boolean {
  for (const [name, other] of stream.consumers) {
    if (name === self) continue;
    if (other.filters.length === 0) return false;
    for (const mine of filters) for (const theirs of other.filters) if (subjectsCollide(mine, theirs)) return false;
  }
  return true;
}

/**
 * Creates a consumer on a stream, or updates the existing one of that name (nats-server 2.9.10's
 * addConsumerWithAssignment): defaults and config checks, update rules, limits, workqueue rules, naming.
 */
export function createConsumer(stream: ConsumerStreamHandle, config: ConsumerConfig): Consumer | JsApiError {
  applyConsumerDefaults(config);
  const invalid = checkConsumerConfig(config, stream.config);
  if (invalid) return invalid;
  const requested = config.durable_name || config.name;
  if (requested !== '') {
    const existing = stream.consumers.get(requested);
    if (existing !== undefined) {
      if (!(existing instanceof Consumer)) return apiError('ConsumerNameExist');
      const error = existing.update(config);
      return error ?? existing;
    }
  }
  const maxConsumers = stream.config.max_consumers;
  if (maxConsumers > 0 && stream.consumers.size >= maxConsumers) return apiError('MaximumConsumersLimit');
  if (stream.config.retention === 'workqueue') {
    if (config.ack_policy !== 'explicit') return apiError('ConsumerWQRequiresExplicitAck');
    if (stream.consumers.size > 0) {
      const filters = filtersOf(config);
      if (filters.length === 0) return apiError('ConsumerWQMultipleUnfiltered');
      if (!partitionUnique(stream, filters, requested)) return apiError('ConsumerWQConsumerNotUnique');
    }
    if (config.deliver_policy !== 'all') return apiError('ConsumerWQConsumerNotDeliverAll');
  }
  const name = requested !== '' ? requested : ephemeralName(stream.consumers);
  if (name.length > MAX_CONSUMER_NAME_LENGTH) return apiError('ConsumerNameTooLong', { max: MAX_CONSUMER_NAME_LENGTH });
  if (!isValidConsumerName(name)) return apiError('ConsumerBadDurableName');
  let consumer: Consumer;
  try {
    consumer = Consumer.create(stream, config, name);
  } catch (err) {
    return apiError('ConsumerStoreFailed', { err: (err as Error).message });
  }
  stream.addConsumer(consumer);
  stream.advisory(`CONSUMER.CREATED.${stream.name}.${name}`, { type: 'io.nats.jetstream.advisory.v1.consumer_action', stream: stream.name, consumer: name, action: 'create' });
  return consumer;
}

/** Recreates a file stream's consumers from disk and registers them with the stream. */
export function recoverConsumers(stream: ConsumerStreamHandle): void {
  for (const consumer of Consumer.recoverAll(stream)) stream.addConsumer(consumer);
}

/** CONSUMER.CREATE.<stream>[.<consumer>[.<filter>]] and CONSUMER.DURABLE.CREATE.<stream>.<durable> (nats-server's jsConsumerCreate). */
function handleCreate(lookup: ConsumerLookup, request: ApiRequest, durableEndpoint: boolean): Json {
  const type = JsApiTypes.ConsumerCreate;
  if (request.body.length === 0) return fail(type, 'InvalidJSON');
  const decoded = decodeCreateRequest(request.body);
  if ('err_code' in decoded) return fail(type, decoded);
  const config = decoded.config;
  const [streamName = '', consumerName = '', ...filterTokens] = request.args;
  const filter = filterTokens.join('.');
  if (streamName !== decoded.stream_name) return fail(type, 'StreamMismatch');
  if (consumerName !== '' && /[\\/]/.test(consumerName)) return fail(type, 'ConsumerNameContainsPathSeparators');
  if (durableEndpoint) {
    if (config.durable_name === '') return fail(type, 'ConsumerDurableNameNotSet');
    if (consumerName !== config.durable_name) return fail(type, 'ConsumerDurableNameNotMatchSubject');
  } else if (consumerName !== '') {
    if (config.durable_name !== '' && config.durable_name !== consumerName) return fail(type, 'ConsumerDurableNameNotMatchSubject');
    // The name in the subject wins over the one in the body.
    config.name = consumerName;
  } else if (config.durable_name !== '') {
    return fail(type, 'ConsumerEphemeralWithDurableName');
  }
  if (filter !== '' && config.filter_subject !== filter) return fail(type, 'ConsumerCreateFilterSubjectMismatch');
  if (config.num_replicas > 1) return fail(type, 'StreamReplicasNotSupported');
  const stream = lookup.getStream(streamName);
  if (stream === undefined) return fail(type, 'StreamNotFound');
  const requested = config.durable_name || config.name;
  if (!stream.consumers.has(requested) && lookup.consumerLimitReached?.() === true) return fail(type, 'MaximumConsumersLimit');
  const result = createConsumer(stream, config);
  if ('err_code' in result) return fail(type, result);
  return { type, ...result.info() };
}

/** Finds the consumer of an INFO/DELETE/PAUSE request, or the error response. */
type Found = { stream: ConsumerStreamHandle; consumer: Consumer; failure?: undefined } | { failure: Json };

function findConsumer(lookup: ConsumerLookup, request: ApiRequest, type: string): Found {
  const stream = lookup.getStream(request.args[0]!);
  if (stream === undefined) return { failure: fail(type, 'StreamNotFound') };
  const consumer = stream.consumers.get(request.args[1]!);
  if (!(consumer instanceof Consumer)) return { failure: fail(type, 'ConsumerNotFound') };
  return { stream, consumer };
}

function pagingError(type: string, error: JsApiErrorName): Json {
  return fail(type, error, { total: 0, offset: 0, limit: 0, consumers: [] });
}

function handlePage(lookup: ConsumerLookup, request: ApiRequest, type: string, limit: number, entry: (c: StreamConsumer) => unknown): Json {
  const requested = pagingOffset(request.body);
  if (requested === null) return pagingError(type, 'InvalidJSON');
  const stream = lookup.getStream(request.args[0]!);
  if (stream === undefined) return pagingError(type, 'StreamNotFound');
  const names = [...stream.consumers.keys()].sort();
  const offset = Math.min(requested, names.length);
  const page = names.slice(offset, offset + limit).map((name) => entry(stream.consumers.get(name)!));
  return { type, total: names.length, offset, limit, consumers: page };
}

/** CONSUMER.PAUSE.<stream>.<consumer> with `{"pause_until": time}` (2.11); no time or the zero time resumes. */
function handlePause(lookup: ConsumerLookup, request: ApiRequest): Json {
  const type = CONSUMER_PAUSE_RESPONSE;
  let until: string | null = null;
  const text = request.body.toString('utf8').trim();
  if (text.startsWith('{') || text.startsWith('[')) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return fail(type, 'InvalidJSON');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(type, 'InvalidJSON');
    for (const [key, v] of Object.entries(value as Json)) {
      if (key.toLowerCase() !== 'pause_until' || v === null) continue;
      const time = typeof v === 'string' ? parseGoTime(v) : null;
      if (time === null) return fail(type, 'InvalidJSON');
      until = time.ns === ZERO_NS ? null : formatGoTime({ ns: time.ns, offsetMinutes: null });
    }
  }
  const found = findConsumer(lookup, request, type);
  if (found.failure) return found.failure;
  const next: ConsumerConfig = { ...found.consumer.config, pause_until: until };
  const error = found.consumer.update(next);
  if (error) return fail(type, apiError('ConsumerStoreFailed', { err: error.description }));
  const response: Json = { type, paused: false, pause_until: until ?? ZERO_TIME };
  const remainingNs = until === null ? 0n : parseGoTime(until)!.ns - BigInt(Date.now()) * 1_000_000n;
  if (remainingNs > 0n) {
    response.paused = true;
    response.pause_remaining = Number(remainingNs);
  }
  return response;
}

const ZERO_NS = parseGoTime(ZERO_TIME)!.ns;

export function registerConsumerApi(router: ApiRouter, lookup: ConsumerLookup): void {
  router.add('CONSUMER.CREATE', [1, -1], JsApiTypes.ConsumerCreate, (request) => handleCreate(lookup, request, false));
  router.add('CONSUMER.DURABLE.CREATE', [2, 2], JsApiTypes.ConsumerCreate, (request) => handleCreate(lookup, request, true));

  router.add('CONSUMER.INFO', [2, 2], JsApiTypes.ConsumerInfo, (request) => {
    const type = JsApiTypes.ConsumerInfo;
    if (!isEmptyRequest(request.body)) return fail(type, 'NotEmptyRequest');
    const found = findConsumer(lookup, request, type);
    if (found.failure) return found.failure;
    return { type, ...found.consumer.info() };
  });

  router.add('CONSUMER.DELETE', [2, 2], JsApiTypes.ConsumerDelete, (request) => {
    const type = JsApiTypes.ConsumerDelete;
    if (!isEmptyRequest(request.body)) return fail(type, 'NotEmptyRequest');
    const found = findConsumer(lookup, request, type);
    if (found.failure) return found.failure;
    const { stream, consumer } = found;
    consumer.stop(true);
    stream.removeConsumer(consumer.name);
    stream.advisory(`CONSUMER.DELETED.${stream.name}.${consumer.name}`, { type: 'io.nats.jetstream.advisory.v1.consumer_action', stream: stream.name, consumer: consumer.name, action: 'delete' });
    return { type, success: true };
  });

  router.add('CONSUMER.NAMES', [1, 1], JsApiTypes.ConsumerNames, (request) => handlePage(lookup, request, JsApiTypes.ConsumerNames, JS_API_NAMES_LIMIT, (c) => c.name));
  router.add('CONSUMER.LIST', [1, 1], JsApiTypes.ConsumerList, (request) => handlePage(lookup, request, JsApiTypes.ConsumerList, JS_API_LIST_LIMIT, (c) => c.info()));
  router.add('CONSUMER.PAUSE', [2, 2], CONSUMER_PAUSE_RESPONSE, (request) => handlePause(lookup, request));
}

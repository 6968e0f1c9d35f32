// Consumer configuration as the API carries it: Go-typed decoding, nats-server 2.9.10 defaults, validation and update rules.

import { isValidSubject, isLiteral, subjectMatches, subjectsCollide } from '../../subjects/subject.js';
import { apiError, type JsApiError } from '../api-errors.js';
import type { StreamConfig } from '../stream-config.js';
import { formatGoTime, parseGoTime } from './go-time.js';

export type DeliverPolicy = 'all' | 'last' | 'new' | 'by_start_sequence' | 'by_start_time' | 'last_per_subject';
export type AckPolicy = 'none' | 'all' | 'explicit';
export type ReplayPolicy = 'instant' | 'original';

/**
 * nats-server's ConsumerConfig with every field present (Go zero values for "unset"); consumerConfigJson()
 * drops the zero ones the way Go's omitempty does. Durations are nanoseconds; times are RFC 3339 text as Go echoes it.
 */
export interface ConsumerConfig {
  durable_name: string;
  name: string;
  description: string;
  deliver_policy: DeliverPolicy;
  opt_start_seq: number;
  opt_start_time: string | null;
  ack_policy: AckPolicy;
  ack_wait: number;
  max_deliver: number;
  backoff: number[];
  filter_subject: string;
  filter_subjects: string[];
  replay_policy: ReplayPolicy;
  rate_limit_bps: number;
  sample_freq: string;
  max_waiting: number;
  max_ack_pending: number;
  flow_control: boolean;
  headers_only: boolean;
  max_batch: number;
  max_expires: number;
  max_bytes: number;
  deliver_subject: string;
  deliver_group: string;
  idle_heartbeat: number;
  inactive_threshold: number;
  num_replicas: number;
  mem_storage: boolean;
  metadata: Record<string, string> | null;
  pause_until: string | null;
}

export function emptyConsumerConfig(): ConsumerConfig {
  return {
    durable_name: '', name: '', description: '', deliver_policy: 'all', opt_start_seq: 0, opt_start_time: null,
    ack_policy: 'none', ack_wait: 0, max_deliver: 0, backoff: [], filter_subject: '', filter_subjects: [],
    replay_policy: 'instant', rate_limit_bps: 0, sample_freq: '', max_waiting: 0, max_ack_pending: 0,
    flow_control: false, headers_only: false, max_batch: 0, max_expires: 0, max_bytes: 0, deliver_subject: '',
    deliver_group: '', idle_heartbeat: 0, inactive_threshold: 0, num_replicas: 0, mem_storage: false, metadata: null,
    pause_until: null,
  };
}

// ---- decoding ----------------------------------------------------------------------------------

type Kind = 'string' | 'bool' | 'int' | 'uint' | 'ints' | 'time' | 'strings' | 'stringmap' | 'enum';
const FIELDS: Record<string, Kind> = {
  durable_name: 'string', name: 'string', description: 'string', deliver_policy: 'enum', opt_start_seq: 'uint',
  opt_start_time: 'time', ack_policy: 'enum', ack_wait: 'int', max_deliver: 'int', backoff: 'ints',
  filter_subject: 'string', filter_subjects: 'strings', replay_policy: 'enum', rate_limit_bps: 'uint',
  sample_freq: 'string', max_waiting: 'int', max_ack_pending: 'int', flow_control: 'bool', headers_only: 'bool',
  max_batch: 'int', max_expires: 'int', max_bytes: 'int', deliver_subject: 'string', deliver_group: 'string',
  idle_heartbeat: 'int', inactive_threshold: 'int', num_replicas: 'int', mem_storage: 'bool', direct: 'bool',
  metadata: 'stringmap', pause_until: 'time',
};
/** The words each enum accepts (nats-server's UnmarshalJSON; "undefined" is its spelling of deliver all). */
const ENUMS: Record<string, Record<string, string>> = {
  deliver_policy: { all: 'all', undefined: 'all', last: 'last', new: 'new', by_start_sequence: 'by_start_sequence', by_start_time: 'by_start_time', last_per_subject: 'last_per_subject' },
  ack_policy: { none: 'none', all: 'all', explicit: 'explicit' },
  replay_policy: { instant: 'instant', original: 'original' },
};

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** One value decoded as Go would into the field's type; undefined when Go would fail. */
function decodeValue(kind: Kind, key: string, value: unknown): unknown {
  switch (kind) {
    case 'string': return typeof value === 'string' ? value : undefined;
    case 'bool': return typeof value === 'boolean' ? value : undefined;
    case 'int': return isInt(value) ? value : undefined;
    case 'uint': return isInt(value) && value >= 0 ? value : undefined;
    case 'ints': return Array.isArray(value) && value.every((v) => v === null || isInt(v)) ? value.map((v) => (v === null ? 0 : v)) : undefined;
    case 'strings': return Array.isArray(value) && value.every((v) => v === null || typeof v === 'string') ? value.map((v) => v ?? '') : undefined;
    case 'stringmap': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
      const entries = Object.entries(value as Record<string, unknown>);
      return entries.every(([, v]) => v === null || typeof v === 'string') ? Object.fromEntries(entries.map(([k, v]) => [k, v ?? ''])) : undefined;
    }
    case 'time': {
      const parsed = typeof value === 'string' ? parseGoTime(value) : null;
      return parsed === null ? undefined : formatGoTime(parsed);
    }
    case 'enum': return typeof value === 'string' && Object.hasOwn(ENUMS[key]!, value) ? ENUMS[key]![value] : undefined;
  }
}

/**
 * A ConsumerConfig from parsed JSON with Go's rules: unknown fields are ignored, keys match case-insensitively,
 * null leaves a field unset, and a wrong type or an unknown enum word is "invalid JSON".
 */
export function decodeConsumerConfig(raw: unknown): ConsumerConfig | JsApiError {
  const cfg = emptyConsumerConfig() as unknown as Record<string, unknown>;
  if (raw === null || raw === undefined) return cfg as unknown as ConsumerConfig;
  if (typeof raw !== 'object' || Array.isArray(raw)) return apiError('InvalidJSON');
  for (const [rawKey, value] of Object.entries(raw as Record<string, unknown>)) {
    const key = rawKey.toLowerCase();
    // Own properties only: a request may carry keys such as "__proto__" or "constructor".
    const kind = Object.hasOwn(FIELDS, key) ? FIELDS[key] : undefined;
    if (kind === undefined) continue;
    if (value === null) {
      if (kind === 'enum') return apiError('InvalidJSON');
      continue;
    }
    const decoded = decodeValue(kind, key, value);
    if (decoded === undefined) return apiError('InvalidJSON');
    if (key !== 'direct') cfg[key] = decoded;
  }
  return cfg as unknown as ConsumerConfig;
}

export interface ConsumerCreateRequest {
  stream_name: string;
  config: ConsumerConfig;
}

/** The body of CONSUMER.CREATE / DURABLE.CREATE: `{"stream_name": ..., "config": {...}}`; empty or non-object is invalid JSON. */
export function decodeCreateRequest(body: Buffer): ConsumerCreateRequest | JsApiError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return apiError('InvalidJSON');
  }
  if (parsed === null) parsed = {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) return apiError('InvalidJSON');
  let streamName = '';
  let rawConfig: unknown = null;
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    const lower = key.toLowerCase();
    if (lower === 'stream_name' && value !== null) {
      if (typeof value !== 'string') return apiError('InvalidJSON');
      streamName = value;
    } else if (lower === 'config' && value !== null) {
      rawConfig = value;
    }
  }
  const config = decodeConsumerConfig(rawConfig);
  if ('err_code' in config) return config;
  return { stream_name: streamName, config };
}

// ---- defaults and validation -------------------------------------------------------------------

const DEFAULT_ACK_WAIT_NS = 30_000_000_000;
const DEFAULT_MAX_ACK_PENDING = 1000;
const DEFAULT_MAX_WAITING = 512;
const MAX_DESCRIPTION_LENGTH = 4096;
export const MAX_CONSUMER_NAME_LENGTH = 255;
const MS_NS = 1_000_000;

/** The subjects a consumer filters on ([] = everything). */
export function filtersOf(cfg: ConsumerConfig): string[] {
  if (cfg.filter_subject !== '') return [cfg.filter_subject];
  return cfg.filter_subjects.length > 0 ? [...cfg.filter_subjects] : [];
}

/** A consumer name nats-server accepts: not empty, no whitespace, '.', '*' or '>'. */
export function isValidConsumerName(name: string): boolean {
  return name !== '' && !/[ \t\r\n\f.*>]/.test(name);
}

/** Whether every subject `inner` can match is also matched by `outer` (nats-server's subjectIsSubsetMatch). */
export function isSubsetMatch(inner: string, outer: string): boolean {
  const a = inner.split('.');
  const b = outer.split('.');
  for (let i = 0; i < b.length; i++) {
    if (i >= a.length) return false;
    if (b[i] === '>') return true;
    if (b[i] === '*') {
      if (a[i] === '>') return false;
      continue;
    }
    if (a[i] !== b[i]) return false;
  }
  return a.length === b.length;
}

function validFilteredSubject(filter: string, subjects: readonly string[]): boolean {
  if (!isValidSubject(filter)) return false;
  const wildcard = !isLiteral(filter);
  return subjects.some((subject) => isSubsetMatch(filter, subject) || (wildcard && isSubsetMatch(subject, filter)));
}

/** nats-server 2.9.10's setConsumerConfigDefaults (ack wait, max deliver, max ack pending, max waiting, backoff). */
export function applyConsumerDefaults(cfg: ConsumerConfig): void {
  if (cfg.max_deliver === 0) cfg.max_deliver = -1;
  if (cfg.backoff.length > 0) cfg.ack_wait = cfg.backoff[0]!;
  const acked = cfg.ack_policy === 'explicit' || cfg.ack_policy === 'all';
  if (acked && cfg.max_ack_pending === 0) cfg.max_ack_pending = DEFAULT_MAX_ACK_PENDING;
  if (acked && cfg.ack_wait === 0) cfg.ack_wait = DEFAULT_ACK_WAIT_NS;
  if (cfg.deliver_subject === '' && cfg.max_waiting === 0) cfg.max_waiting = DEFAULT_MAX_WAITING;
}

/** strconv.Atoi's error text, or null when the text is a (64-bit) integer. */
function atoiError(text: string): string | null {
  if (!/^[+-]?\d+$/.test(text)) return `strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`;
  const value = BigInt(text);
  if (value > 9223372036854775807n || value < -9223372036854775808n) return `strconv.Atoi: parsing ${JSON.stringify(text)}: value out of range`;
  return null;
}

function policyError(text: string): JsApiError {
  return apiError('ConsumerInvalidPolicy', { err: text });
}

const POLICY_WORDS: Record<DeliverPolicy, string> = {
  all: 'all', last: 'last', new: 'new', last_per_subject: 'last per subject', by_start_sequence: 'by start sequence', by_start_time: 'by start time',
};

function checkStartPolicy(cfg: ConsumerConfig): JsApiError | null {
  const word = POLICY_WORDS[cfg.deliver_policy];
  const alsoSet = (what: string) => policyError(`consumer delivery policy is deliver ${word}, but optional start ${what} is also set`);
  const notSet = (what: string) => policyError(`consumer delivery policy is deliver ${word}, but optional ${what} is not set`);
  switch (cfg.deliver_policy) {
    case 'all':
    case 'last':
    case 'new':
    case 'last_per_subject':
      if (cfg.opt_start_seq > 0) return alsoSet('sequence');
      if (cfg.opt_start_time !== null) return alsoSet('time');
      if (cfg.deliver_policy === 'last_per_subject' && filtersOf(cfg).length === 0) return notSet('filter subject');
      return null;
    case 'by_start_sequence':
      if (cfg.opt_start_seq === 0) return notSet('start sequence');
      if (cfg.opt_start_time !== null) return alsoSet('time');
      return null;
    case 'by_start_time':
      if (cfg.opt_start_time === null) return notSet('start time');
      if (cfg.opt_start_seq !== 0) return alsoSet('sequence');
      return null;
  }
}

function checkFilters(cfg: ConsumerConfig, stream: StreamConfig, recovering: boolean): JsApiError | null {
  if (cfg.filter_subject !== '' && cfg.filter_subjects.length > 0) return apiError('ConsumerDuplicateFilterSubjects');
  if (cfg.filter_subjects.some((f) => f === '')) return apiError('ConsumerEmptyFilter');
  const filters = filtersOf(cfg);
  for (let i = 0; i < filters.length; i++) {
    for (let j = i + 1; j < filters.length; j++) {
      if (subjectsCollide(filters[i]!, filters[j]!)) return apiError('ConsumerOverlappingSubjectFilters');
    }
  }
  // Filters of a mirror or sourcing stream cannot be checked against its own (absent) subjects.
  const external = stream.mirror !== undefined || (stream.sources?.length ?? 0) > 0;
  if (!recovering && !external) {
    for (const filter of filters) if (!validFilteredSubject(filter, stream.subjects ?? [])) return apiError('ConsumerFilterNotSubset');
  }
  return null;
}

/** nats-server 2.9.10's checkConsumerCfg, in its order. Defaults must have been applied. */
export function checkConsumerConfig(cfg: ConsumerConfig, stream: StreamConfig, recovering = false): JsApiError | null {
  if (cfg.num_replicas > 0 && cfg.num_replicas > stream.num_replicas) return apiError('ConsumerReplicasExceedsStream');
  if (cfg.num_replicas < 0) return apiError('ReplicasCountCannotBeNegative');
  if (cfg.backoff.length > 0 && cfg.max_deliver !== -1 && cfg.max_deliver <= cfg.backoff.length) return apiError('ConsumerMaxDeliverBackoff');
  if (cfg.description.length > MAX_DESCRIPTION_LENGTH) return apiError('ConsumerDescriptionTooLong', { max: MAX_DESCRIPTION_LENGTH });
  if (cfg.deliver_subject !== '') {
    if (!isLiteral(cfg.deliver_subject)) return apiError('ConsumerDeliverToWildcards');
    if (!isValidSubject(cfg.deliver_subject)) return apiError('ConsumerInvalidDeliverSubject');
    if ((stream.subjects ?? []).some((subject) => subjectMatches(subject, cfg.deliver_subject))) return apiError('ConsumerDeliverCycle');
    if (cfg.max_waiting !== 0) return apiError('ConsumerPushMaxWaiting');
    if (cfg.max_ack_pending > 0 && cfg.ack_policy === 'none') return apiError('ConsumerMaxPendingAckPolicyRequired');
    if (cfg.idle_heartbeat > 0 && cfg.idle_heartbeat < 100 * MS_NS) return apiError('ConsumerSmallHeartbeat');
  } else {
    if (cfg.ack_policy === 'none' && stream.retention === 'workqueue') return apiError('ConsumerPullRequiresAck');
    if (cfg.rate_limit_bps > 0) return apiError('ConsumerPullWithRateLimit');
    if (cfg.max_waiting < 0) return apiError('ConsumerMaxWaitingNegative');
    if (cfg.idle_heartbeat > 0) return apiError('ConsumerHBRequiresPush');
    if (cfg.flow_control) return apiError('ConsumerFCRequiresPush');
    if (cfg.max_batch < 0) return apiError('ConsumerMaxRequestBatchNegative');
    if (cfg.max_expires !== 0 && cfg.max_expires < MS_NS) return apiError('ConsumerMaxRequestExpiresTooSmall');
  }
  const filterError = checkFilters(cfg, stream, recovering);
  if (filterError) return filterError;
  const policyProblem = checkStartPolicy(cfg);
  if (policyProblem) return policyProblem;
  if (cfg.sample_freq !== '') {
    const text = cfg.sample_freq.endsWith('%') ? cfg.sample_freq.slice(0, -1) : cfg.sample_freq;
    const error = atoiError(text);
    if (error !== null || Number(text) < 0) return apiError('ConsumerInvalidSampling', { err: error ?? '<nil>' });
  }
  if (cfg.flow_control && cfg.idle_heartbeat === 0) return apiError('ConsumerWithFlowControlNeedsHeartbeats');
  if (cfg.durable_name !== '' && cfg.name !== '' && cfg.name !== cfg.durable_name) return apiError('ConsumerCreateDurableAndNameMismatch');
  const metadataSize = Object.entries(cfg.metadata ?? {}).reduce((n, [k, v]) => n + k.length + v.length, 0);
  if (metadataSize > 128 * 1024) return apiError('ConsumerMetadataLength', { limit: '128KB' });
  return null;
}

/**
 * nats-server 2.9.10's checkNewConsumerConfig: what an existing consumer's config may not change. Plain texts
 * become ConsumerCreate (500) errors. `deliverSubjectBound` tells whether the old deliver subject has interest.
 */
export function checkConsumerUpdate(current: ConsumerConfig, next: ConsumerConfig, deliverSubjectBound: boolean): JsApiError | null {
  if (sameConsumerConfig(current, next)) return null;
  const text = (err: string) => apiError('ConsumerCreate', { err });
  if (current.deliver_policy !== next.deliver_policy) return text('deliver policy can not be updated');
  if (current.mem_storage !== next.mem_storage) return text('storage type can not be updated');
  if (current.opt_start_seq !== next.opt_start_seq) return text('start sequence can not be updated');
  if (current.opt_start_time !== next.opt_start_time) return text('start time can not be updated');
  if (current.ack_policy !== next.ack_policy) return text('ack policy can not be updated');
  if (current.replay_policy !== next.replay_policy) return text('replay policy can not be updated');
  if (current.idle_heartbeat !== next.idle_heartbeat) return text('heart beats can not be updated');
  if (current.flow_control !== next.flow_control) return text('flow control can not be updated');
  if (current.max_waiting !== next.max_waiting) return text('max waiting can not be updated');
  if (current.deliver_subject !== next.deliver_subject) {
    if (current.deliver_subject === '') return text('can not update pull consumer to push based');
    if (next.deliver_subject === '') return text('can not update push consumer to pull based');
    if (deliverSubjectBound) return apiError('ConsumerNameExist');
  }
  if (next.backoff.length > 0 && next.max_deliver !== -1 && next.max_deliver <= next.backoff.length) return apiError('ConsumerMaxDeliverBackoff');
  return null;
}

export function sameConsumerConfig(a: ConsumerConfig, b: ConsumerConfig): boolean {
  return JSON.stringify(consumerConfigJson(a)) === JSON.stringify(consumerConfigJson(b));
}

/** The config as nats-server sends it: Go field order, zero values of omitempty fields left out. */
export function consumerConfigJson(cfg: ConsumerConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (cfg.durable_name) out.durable_name = cfg.durable_name;
  if (cfg.name) out.name = cfg.name;
  if (cfg.description) out.description = cfg.description;
  out.deliver_policy = cfg.deliver_policy;
  if (cfg.opt_start_seq) out.opt_start_seq = cfg.opt_start_seq;
  if (cfg.opt_start_time !== null) out.opt_start_time = cfg.opt_start_time;
  out.ack_policy = cfg.ack_policy;
  if (cfg.ack_wait) out.ack_wait = cfg.ack_wait;
  if (cfg.max_deliver) out.max_deliver = cfg.max_deliver;
  if (cfg.backoff.length > 0) out.backoff = [...cfg.backoff];
  if (cfg.filter_subject) out.filter_subject = cfg.filter_subject;
  if (cfg.filter_subjects.length > 0) out.filter_subjects = [...cfg.filter_subjects];
  out.replay_policy = cfg.replay_policy;
  if (cfg.rate_limit_bps) out.rate_limit_bps = cfg.rate_limit_bps;
  if (cfg.sample_freq) out.sample_freq = cfg.sample_freq;
  if (cfg.max_waiting) out.max_waiting = cfg.max_waiting;
  if (cfg.max_ack_pending) out.max_ack_pending = cfg.max_ack_pending;
  if (cfg.flow_control) out.flow_control = true;
  if (cfg.headers_only) out.headers_only = true;
  if (cfg.max_batch) out.max_batch = cfg.max_batch;
  if (cfg.max_expires) out.max_expires = cfg.max_expires;
  if (cfg.max_bytes) out.max_bytes = cfg.max_bytes;
  if (cfg.deliver_subject) out.deliver_subject = cfg.deliver_subject;
  if (cfg.deliver_group) out.deliver_group = cfg.deliver_group;
  if (cfg.idle_heartbeat) out.idle_heartbeat = cfg.idle_heartbeat;
  if (cfg.inactive_threshold) out.inactive_threshold = cfg.inactive_threshold;
  out.num_replicas = cfg.num_replicas;
  if (cfg.mem_storage) out.mem_storage = true;
  if (cfg.metadata !== null && Object.keys(cfg.metadata).length > 0) out.metadata = { ...cfg.metadata };
  if (cfg.pause_until !== null) out.pause_until = cfg.pause_until;
  return out;
}

/** Reads a config back from its JSON form (config.json on disk); fields missing there take their zero value. */
export function consumerConfigFromJson(json: unknown): ConsumerConfig | null {
  const decoded = decodeConsumerConfig(json);
  return 'err_code' in decoded ? null : decoded;
}

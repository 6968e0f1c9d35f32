// Stream configuration as the API carries it: decoding with nats-server's type rules, defaults, and validation.

import { isValidSubject, subjectsCollide } from '../subjects/subject.js';
import { apiError, type JsApiError } from './api-errors.js';

export type RetentionPolicy = 'limits' | 'interest' | 'workqueue';
export type StorageType = 'file' | 'memory';
export type DiscardPolicyName = 'old' | 'new';

export interface SubjectTransformConfig {
  src: string;
  dest: string;
}

export interface StreamSourceConfig {
  name: string;
  opt_start_seq?: number;
  opt_start_time?: string;
  filter_subject?: string;
  subject_transforms?: SubjectTransformConfig[];
  external?: { api: string; deliver?: string };
}

export interface RePublishConfig {
  src?: string;
  dest: string;
  headers_only?: boolean;
}

/** nats-server's StreamConfig JSON. Durations are nanoseconds. Optional fields are omitted when unset, as Go does. */
export interface StreamConfig {
  name: string;
  description?: string;
  subjects?: string[];
  retention: RetentionPolicy;
  max_consumers: number;
  max_msgs: number;
  max_bytes: number;
  max_age: number;
  max_msgs_per_subject: number;
  max_msg_size: number;
  discard: DiscardPolicyName;
  discard_new_per_subject?: boolean;
  storage: StorageType;
  num_replicas: number;
  no_ack?: boolean;
  template_owner?: string;
  duplicate_window?: number;
  placement?: { cluster?: string; tags?: string[] };
  mirror?: StreamSourceConfig;
  sources?: StreamSourceConfig[];
  sealed: boolean;
  deny_delete: boolean;
  deny_purge: boolean;
  allow_rollup_hdrs: boolean;
  allow_direct: boolean;
  mirror_direct: boolean;
  republish?: RePublishConfig;
  subject_transform?: SubjectTransformConfig;
  metadata?: Record<string, string>;
  first_seq?: number;
  allow_msg_ttl?: boolean;
}

const DEFAULT_DUPLICATE_WINDOW_NS = 120_000_000_000;
const MAX_NAME_LENGTH = 255;
const MAX_DESCRIPTION_LENGTH = 4096;

type Kind = 'string' | 'boolean' | 'integer' | 'strings' | 'object' | 'objects' | 'stringmap';
const FIELDS: Record<string, Kind> = {
  name: 'string', description: 'string', subjects: 'strings', retention: 'string', max_consumers: 'integer',
  max_msgs: 'integer', max_bytes: 'integer', max_age: 'integer', max_msgs_per_subject: 'integer',
  max_msg_size: 'integer', discard: 'string', discard_new_per_subject: 'boolean', storage: 'string',
  num_replicas: 'integer', no_ack: 'boolean', template_owner: 'string', duplicate_window: 'integer',
  placement: 'object', mirror: 'object', sources: 'objects', sealed: 'boolean', deny_delete: 'boolean',
  deny_purge: 'boolean', allow_rollup_hdrs: 'boolean', allow_direct: 'boolean', mirror_direct: 'boolean',
  republish: 'object', subject_transform: 'object', metadata: 'stringmap', first_seq: 'integer', allow_msg_ttl: 'boolean',
};
const ENUMS: Record<string, readonly string[]> = {
  retention: ['limits', 'interest', 'workqueue'],
  discard: ['old', 'new'],
  storage: ['file', 'memory'],
};

function kindOf(value: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'string': return typeof value === 'string';
    case 'boolean': return typeof value === 'boolean';
    case 'integer': return typeof value === 'number' && Number.isInteger(value);
    case 'strings': return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'object': return typeof value === 'object' && !Array.isArray(value);
    case 'objects': return Array.isArray(value) && value.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
    case 'stringmap': return typeof value === 'object' && !Array.isArray(value) && Object.values(value as object).every((v) => typeof v === 'string');
  }
}

/**
 * Decodes a request body the way Go's JSON decoding into StreamConfig would: unknown fields are ignored,
 * a wrong type or an unknown enum word is "invalid JSON". Returns the raw (not yet defaulted) config.
 */
export function decodeStreamConfig(raw: unknown): Partial<StreamConfig> | JsApiError {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return apiError('InvalidJSON');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    // Own properties only: a request may carry keys such as "__proto__" or "constructor".
    const kind = Object.hasOwn(FIELDS, key) ? FIELDS[key] : undefined;
    if (kind === undefined || value === null) continue;
    if (!kindOf(value, kind)) return apiError('InvalidJSON');
    if (Object.hasOwn(ENUMS, key) && !ENUMS[key]!.includes(value as string)) return apiError('InvalidJSON');
    out[key] = value;
  }
  return out as Partial<StreamConfig>;
}

function invalid(text: string): JsApiError {
  return apiError('StreamInvalidConfig', { err: text });
}

/** A stream or consumer name: not empty, no '.', '*', '>' or whitespace. */
export function isValidName(name: string): boolean {
  return name !== '' && !/[.*>\s]/.test(name);
}

/** Applies nats-server's defaults and checks the config on its own (checkStreamCfg). */
export function completeStreamConfig(input: Partial<StreamConfig>, options: { maxPayload: number }): StreamConfig | JsApiError {
  void options;
  const name = input.name ?? '';
  if (!isValidName(name)) return invalid("stream name is required and can not contain '.', '*', '>'");
  if (name.length > MAX_NAME_LENGTH) return invalid(`stream name is too long, maximum allowed is ${MAX_NAME_LENGTH}`);
  if ((input.description ?? '').length > MAX_DESCRIPTION_LENGTH) return invalid(`stream description is too long, maximum allowed is ${MAX_DESCRIPTION_LENGTH}`);
  const cfg: StreamConfig = {
    ...input,
    name,
    retention: input.retention ?? 'limits',
    max_consumers: input.max_consumers || -1,
    max_msgs: input.max_msgs || -1,
    max_bytes: input.max_bytes || -1,
    max_age: input.max_age ?? 0,
    max_msgs_per_subject: input.max_msgs_per_subject || -1,
    max_msg_size: input.max_msg_size || -1,
    discard: input.discard ?? 'old',
    storage: input.storage ?? 'file',
    num_replicas: input.num_replicas || 1,
    sealed: input.sealed ?? false,
    deny_delete: input.deny_delete ?? false,
    deny_purge: input.deny_purge ?? false,
    allow_rollup_hdrs: input.allow_rollup_hdrs ?? false,
    allow_direct: input.allow_direct ?? false,
    mirror_direct: input.mirror_direct ?? false,
  };
  if (cfg.num_replicas < 0) return apiError('ReplicasCountCannotBeNegative');
  if (cfg.num_replicas > 5) return invalid('maximum replicas is 5');
  if (!cfg.mirror) {
    const window = cfg.duplicate_window ?? 0;
    if (window === 0) cfg.duplicate_window = cfg.max_age !== 0 && cfg.max_age < DEFAULT_DUPLICATE_WINDOW_NS ? cfg.max_age : DEFAULT_DUPLICATE_WINDOW_NS;
  } else if (cfg.duplicate_window === 0) {
    delete cfg.duplicate_window;
  }
  const window = cfg.duplicate_window ?? 0;
  if (window < 0) return invalid('duplicates window can not be negative');
  if (cfg.max_age !== 0 && window > cfg.max_age) return invalid('duplicates window can not be larger then max age');
  if (cfg.deny_purge && cfg.allow_rollup_hdrs) return invalid('roll-ups require the purge permission');
  if (cfg.discard_new_per_subject) {
    if (cfg.discard !== 'new') return invalid('discard new per subject requires discard new policy to be set');
    if (cfg.max_msgs_per_subject <= 0) return invalid('discard new per subject requires max msgs per subject > 0');
  }
  if (cfg.mirror) {
    if (cfg.subjects && cfg.subjects.length > 0) return apiError('MirrorWithSubjects');
    if (cfg.sources && cfg.sources.length > 0) return apiError('MirrorWithSources');
    if (cfg.mirror.filter_subject && !isValidSubject(cfg.mirror.filter_subject)) return apiError('MirrorInvalidSubjectFilter');
    if (cfg.mirror.opt_start_seq && cfg.mirror.opt_start_time) return apiError('MirrorWithStartSeqAndTime');
  }
  const seen = new Set<string>();
  for (const subject of cfg.subjects ?? []) {
    if (seen.has(subject)) return invalid('duplicate subjects detected');
    if (subjectsCollide(subject, '$JS.API.>') && subjectIsSubsetOf(subject, '$JS.API.>')) return invalid('subjects overlap with jetstream api');
    if (!isValidSubject(subject)) return invalid('invalid subject');
    seen.add(subject);
  }
  const subjects = cfg.subjects ?? [];
  for (let i = 0; i < subjects.length; i++) {
    for (let j = i + 1; j < subjects.length; j++) {
      if (subjectsCollide(subjects[i]!, subjects[j]!)) return invalid(`subject "${subjects[i]}" overlaps with "${subjects[j]}"`);
    }
  }
  if (subjects.length === 0 && !cfg.mirror && !(cfg.sources && cfg.sources.length > 0)) cfg.subjects = [name];
  else if (cfg.subjects && cfg.subjects.length === 0) delete cfg.subjects;
  if (cfg.republish) {
    const src = cfg.republish.src || '>';
    if (!isValidSubject(src)) return invalid('stream configuration for republish source is invalid');
    if (!cfg.republish.dest || !isValidSubject(cfg.republish.dest)) return invalid('stream configuration for republish destination is invalid');
    for (const subject of cfg.subjects ?? []) {
      if (subjectsCollide(subject, cfg.republish.dest)) return invalid('stream configuration for republish destination forms a cycle');
    }
  }
  return cfg;
}

/** Whether every subject `inner` can match is also matched by `outer`. */
function subjectIsSubsetOf(inner: string, outer: string): boolean {
  const a = inner.split('.');
  const b = outer.split('.');
  for (let i = 0; i < b.length; i++) {
    if (b[i] === '>') return a.length > i;
    if (i >= a.length) return false;
    if (b[i] === '*') {
      if (a[i] === '>') return false;
      continue;
    }
    if (a[i] !== b[i]) return false;
  }
  return a.length === b.length;
}

/** The checks of an update against the current config (nats-server's stream update rules). */
export function checkStreamUpdate(current: StreamConfig, next: StreamConfig): JsApiError | null {
  if (current.storage !== next.storage) return invalid('stream configuration update can not change storage type');
  if (current.retention !== next.retention) return invalid('stream configuration update can not change retention policy');
  if (current.max_consumers !== next.max_consumers) return invalid('stream configuration update can not change MaxConsumers');
  if (next.template_owner && current.template_owner !== next.template_owner) return invalid('stream configuration update can not be owned by a template');
  if (current.sealed && !next.sealed) return invalid('stream configuration update can not unseal a sealed stream');
  if (current.deny_delete && !next.deny_delete) return invalid('stream configuration update can not cancel deny message deletes');
  if (current.deny_purge && !next.deny_purge) return invalid('stream configuration update can not cancel deny purge');
  if (JSON.stringify(current.mirror ?? null) !== JSON.stringify(next.mirror ?? null)) return apiError('StreamMirrorNotUpdatable');
  return null;
}

/** Whether two complete configs are the same (create of an existing stream is fine only then). */
export function sameStreamConfig(a: StreamConfig, b: StreamConfig): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** Config as nats-server sends it back: false optionals dropped the way Go's omitempty drops them. */
export function streamConfigJson(cfg: StreamConfig): StreamConfig {
  const out: StreamConfig = { ...cfg };
  for (const key of ['discard_new_per_subject', 'no_ack', 'allow_msg_ttl'] as const) if (!out[key]) delete out[key];
  for (const key of ['description', 'template_owner'] as const) if (!out[key]) delete out[key];
  if (out.first_seq === 0) delete out.first_seq;
  return out;
}

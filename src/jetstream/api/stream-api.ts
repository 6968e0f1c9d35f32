// The stream endpoints of the JetStream API: create, update, info, names, list, delete, purge, message get/delete, direct get.

import { isValidSubject, subjectsCollide } from '../../subjects/subject.js';
import { encodeHeaders } from '../../protocol/headers.js';
import { apiError, type JsApiError, type JsApiErrorName } from '../api-errors.js';
import { JsApiTypes, JS_API_LIST_LIMIT, JS_API_NAMES_LIMIT, JS_STREAM_INFO_SUBJECTS_LIMIT } from '../api-constants.js';
import type { JetStreamAccount } from '../js-account.js';
import { formatTimeNs } from '../json-time.js';
import type { Stream } from '../stream.js';
import { decodeStreamConfig, type StreamConfig } from '../stream-config.js';
import type { StoredMessage } from '../store/types.js';
import { isErrorResult, parseRequest, type ApiRequest } from './router.js';
import { publishFromJetStream } from '../internal-publish.js';
import { decodeArchive, sendSnapshot } from '../snapshot.js';
import { randomBytes } from 'node:crypto';

type Json = Record<string, unknown>;

function failure(type: string, error: JsApiError, extra: Json = {}): Json {
  return { type, ...extra, error };
}

function fail(type: string, name: JsApiErrorName, extra: Json = {}, params?: Record<string, string | number>): Json {
  return failure(type, apiError(name, params), extra);
}

/** The body of stream info / create / update responses. */
function streamInfo(stream: Stream, state: Json = stream.stateJson(), withSources = true): Json {
  const info: Json = { config: stream.configJson(), created: stream.created(), state };
  if (!withSources) return info;
  if (stream.config.mirror) info.mirror = stream.sourceLinks[0]?.info();
  if (stream.config.sources && stream.config.sources.length > 0) info.sources = stream.sourceLinks.map((link) => link.info());
  return info;
}

/** Decodes a create/update body and checks the name against the subject, as nats-server does. */
function configFromRequest(request: ApiRequest): Partial<StreamConfig> | JsApiError {
  const parsed = parseRequest<Json>(request.body);
  if (isErrorResult(parsed) || request.body.length === 0) return apiError('InvalidJSON');
  const decoded = decodeStreamConfig(parsed);
  if ('err_code' in decoded) return decoded;
  const name = request.args[0]!;
  if (decoded.name !== name) return apiError('StreamMismatch');
  if (/[\\/]/.test(name)) return apiError('StreamNameContainsPathSeparators');
  return decoded;
}

export function registerStreamApi(js: JetStreamAccount): void {
  const router = js.router;

  router.add('INFO', [0, 0], JsApiTypes.AccountInfo, () => ({
    type: JsApiTypes.AccountInfo,
    memory: js.memoryUsed,
    storage: js.storageUsed,
    streams: js.streams.size,
    consumers: [...js.streams.values()].reduce((n, s) => n + s.consumers.size, 0),
    limits: {
      max_memory: js.limits ? js.limits.maxMemory : js.options.maxMemoryStore > 0 ? js.options.maxMemoryStore : -1,
      max_storage: js.limits ? js.limits.maxStore : js.options.maxFileStore > 0 ? js.options.maxFileStore : -1,
      max_streams: js.limits ? js.limits.maxStreams : -1,
      max_consumers: js.limits ? js.limits.maxConsumers : -1,
      max_ack_pending: -1,
      memory_max_stream_bytes: -1,
      storage_max_stream_bytes: -1,
      max_bytes_required: js.limits?.maxBytesRequired ?? false,
    },
    api: { total: js.apiTotal, errors: js.apiErrors },
  }));

  router.add('STREAM.CREATE', [1, 1], JsApiTypes.StreamCreate, (request) => {
    const type = JsApiTypes.StreamCreate;
    const cfg = configFromRequest(request);
    if ('err_code' in cfg) return failure(type, cfg);
    const result = js.createStream(cfg);
    if ('err_code' in result) return failure(type, result);
    return { type, ...streamInfo(result, undefined, false), did_create: true };
  });

  router.add('STREAM.UPDATE', [1, 1], JsApiTypes.StreamUpdate, (request) => {
    const type = JsApiTypes.StreamUpdate;
    const cfg = configFromRequest(request);
    if ('err_code' in cfg) return failure(type, cfg);
    const result = js.updateStream(cfg);
    if ('err_code' in result) return failure(type, result);
    return { type, ...streamInfo(result, undefined, false) };
  });

  router.add('STREAM.INFO', [1, 1], JsApiTypes.StreamInfo, (request) => {
    const type = JsApiTypes.StreamInfo;
    const paging = { limit: 0, offset: 0, total: 0 };
    const stream = js.getStream(request.args[0]!);
    if (stream === undefined) return fail(type, 'StreamNotFound', paging);
    const parsed = parseRequest<{ deleted_details?: boolean; subjects_filter?: string; offset?: number }>(request.body);
    if (isErrorResult(parsed)) return failure(type, parsed.error, paging);
    const state = stream.stateJson({ deletedDetails: parsed.deleted_details === true });
    const filter = parsed.subjects_filter ?? '';
    if (filter !== '') {
      const subjects = [...stream.store.subjectsState(filter).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const offset = Math.min(Math.max(0, parsed.offset ?? 0), subjects.length);
      const page = subjects.slice(offset, offset + JS_STREAM_INFO_SUBJECTS_LIMIT);
      if (page.length > 0) state.subjects = Object.fromEntries(page.map(([subject, s]) => [subject, s.messages]));
      return { type, total: subjects.length, offset, limit: subjects.length > 0 ? JS_STREAM_INFO_SUBJECTS_LIMIT : 0, ...streamInfo(stream, state) };
    }
    return { type, ...paging, ...streamInfo(stream, state) };
  });

  const listStreams = (body: Buffer, limit: number): { streams: Stream[]; offset: number; total: number } | JsApiError => {
    const parsed = parseRequest<{ offset?: number; subject?: string }>(body);
    if (isErrorResult(parsed)) return parsed.error;
    let streams = [...js.streams.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subject = parsed.subject ?? '';
    if (subject !== '') streams = streams.filter((s) => (s.config.subjects ?? []).some((own) => subjectsCollide(own, subject)));
    const total = streams.length;
    const offset = Math.min(Math.max(0, parsed.offset ?? 0), total);
    return { streams: streams.slice(offset, offset + limit), offset, total };
  };

  router.add('STREAM.NAMES', [0, 0], JsApiTypes.StreamNames, (request) => {
    const type = JsApiTypes.StreamNames;
    const result = listStreams(request.body, JS_API_NAMES_LIMIT);
    if ('err_code' in result) return failure(type, result, { total: 0, offset: 0, limit: 0, streams: null });
    const names = result.streams.map((s) => s.name);
    return { type, total: result.total, offset: result.offset, limit: JS_API_NAMES_LIMIT, streams: names.length > 0 ? names : null };
  });

  router.add('STREAM.LIST', [0, 0], JsApiTypes.StreamList, (request) => {
    const type = JsApiTypes.StreamList;
    const result = listStreams(request.body, JS_API_LIST_LIMIT);
    if ('err_code' in result) return failure(type, result, { total: 0, offset: 0, limit: 0, streams: [] });
    return { type, total: result.total, offset: result.offset, limit: JS_API_LIST_LIMIT, streams: result.streams.map((s) => streamInfo(s)) };
  });

  router.add('STREAM.DELETE', [1, 1], JsApiTypes.StreamDelete, (request) => {
    const type = JsApiTypes.StreamDelete;
    if (request.body.length > 0) return fail(type, 'NotEmptyRequest');
    const name = request.args[0]!;
    if (js.getStream(name) === undefined) return fail(type, 'StreamNotFound');
    js.deleteStream(name);
    return { type, success: true };
  });

  router.add('STREAM.PURGE', [1, 1], JsApiTypes.StreamPurge, (request) => {
    const type = JsApiTypes.StreamPurge;
    const stream = js.getStream(request.args[0]!);
    if (stream === undefined) return fail(type, 'StreamNotFound', { purged: 0 });
    const parsed = parseRequest<{ filter?: string; seq?: number; keep?: number }>(request.body);
    if (isErrorResult(parsed)) return failure(type, parsed.error, { purged: 0 });
    if (stream.config.sealed) return fail(type, 'StreamSealed', { purged: 0 });
    if (stream.config.deny_purge) return fail(type, 'StreamPurgeFailed', { purged: 0 }, { err: 'stream purge not permitted' });
    if ((parsed.seq ?? 0) > 0 && (parsed.keep ?? 0) > 0) return fail(type, 'BadRequest', { purged: 0 });
    if (parsed.filter && !isValidSubject(parsed.filter)) return fail(type, 'BadRequest', { purged: 0 });
    const purged = stream.store.purge({
      ...(parsed.filter && { subject: parsed.filter }),
      ...((parsed.seq ?? 0) > 0 && { upToSeq: parsed.seq }),
      ...((parsed.keep ?? 0) > 0 && { keep: parsed.keep }),
    });
    stream.notifyRemoved();
    return { type, success: true, purged };
  });

  router.add('STREAM.MSG.GET', [1, 1], JsApiTypes.StreamMsgGet, (request) => {
    const type = JsApiTypes.StreamMsgGet;
    const stream = js.getStream(request.args[0]!);
    if (stream === undefined) return fail(type, 'StreamNotFound');
    const parsed = parseRequest<{ seq?: number; last_by_subj?: string; next_by_subj?: string }>(request.body);
    if (isErrorResult(parsed)) return failure(type, parsed.error);
    const found = lookupMessage(stream, parsed);
    if ('err_code' in found) return failure(type, found);
    const message: Json = { subject: found.subject, seq: found.seq };
    if (found.headers !== null && found.headers.length > 0) message.hdrs = found.headers.toString('base64');
    if (found.data.length > 0) message.data = found.data.toString('base64');
    message.time = formatTimeNs(found.timestampNs);
    return { type, message };
  });

  router.add('STREAM.MSG.DELETE', [1, 1], JsApiTypes.StreamMsgDelete, (request) => {
    const type = JsApiTypes.StreamMsgDelete;
    const stream = js.getStream(request.args[0]!);
    if (stream === undefined) return fail(type, 'StreamNotFound');
    const parsed = parseRequest<{ seq?: number; no_erase?: boolean }>(request.body);
    if (isErrorResult(parsed)) return failure(type, parsed.error);
    if (request.body.length === 0) return fail(type, 'BadRequest');
    if (stream.config.sealed) return fail(type, 'StreamSealed');
    if (stream.config.deny_delete) return fail(type, 'StreamMsgDeleteFailed', {}, { err: 'message delete not permitted' });
    const seq = parsed.seq ?? 0;
    const removed = parsed.no_erase ? stream.store.remove(seq) : stream.store.erase(seq);
    if (!removed) {
      // nats-server 2.9.10's file store reports this as a failed delete, its memory store as an unknown sequence.
      if (stream.store.type === 'file') return fail(type, 'StreamMsgDeleteFailed', {}, { err: 'no message found' });
      return fail(type, 'SequenceNotFound', {}, { seq });
    }
    stream.notifyRemoved();
    return { type, success: true };
  });
}

/** seq, last_by_subj and next_by_subj, in the combinations nats-server accepts. */
export function lookupMessage(stream: Stream, request: { seq?: number; last_by_subj?: string; next_by_subj?: string }): StoredMessage | JsApiError {
  const seq = request.seq ?? 0;
  const last = request.last_by_subj ?? '';
  const next = request.next_by_subj ?? '';
  if ((seq === 0 && last === '' && next === '') || (seq > 0 && last !== '') || (last !== '' && next !== '')) return apiError('BadRequest');
  let found: StoredMessage | null;
  if (last !== '') found = stream.store.loadLast(last);
  else if (next !== '') found = stream.store.loadNext(next, Math.max(seq, 1));
  else found = stream.store.load(seq);
  return found ?? apiError('NoMessageFound');
}

/** The reply of a direct get: the message's own headers plus the stream headers, or a status. */
export function directGetReply(stream: Stream, found: StoredMessage): { headers: Buffer; data: Buffer } {
  const streamHeaders =
    `Nats-Stream: ${stream.name}\r\nNats-Subject: ${found.subject}\r\nNats-Sequence: ${found.seq}\r\n` +
    `Nats-Time-Stamp: ${formatTimeNs(found.timestampNs)}\r\n\r\n`;
  // Most messages have no headers of their own: the block as encodeHeaders writes it, without parsing anything.
  if (found.headers === null || found.headers.length === 0) return { headers: Buffer.from(`NATS/1.0\r\n${streamHeaders}`), data: found.data };
  // As nats-server: the stored block byte for byte, its closing blank line replaced by the stream headers.
  return { headers: Buffer.concat([found.headers.subarray(0, found.headers.length - 2), Buffer.from(streamHeaders)]), data: found.data };
}

/**
 * `$JS.API.DIRECT.GET.<stream>[.<subject...>]`: answered with the message itself (or a status), only for
 * streams with allow_direct; anything else gets no reply, as with nats-server.
 */
export function handleDirectGet(js: JetStreamAccount, subject: string, reply: string, body: Buffer): void {
  // Cut by hand, not split: this is the KV read path.
  const rest = subject.length > DIRECT_GET_PREFIX.length ? subject.slice(DIRECT_GET_PREFIX.length) : '';
  const dot = rest.indexOf('.');
  const stream = js.getStream(dot < 0 ? rest : rest.slice(0, dot));
  if (stream === undefined || !stream.config.allow_direct) return;
  let found: StoredMessage | JsApiError;
  if (dot >= 0) {
    found = stream.store.loadLast(rest.slice(dot + 1)) ?? apiError('NoMessageFound');
  } else {
    if (body.length === 0) return directGetStatus(js, reply, 408, 'Empty Request');
    const parsed = parseRequest<{ seq?: number; last_by_subj?: string; next_by_subj?: string }>(body);
    if (isErrorResult(parsed)) return directGetStatus(js, reply, 408, 'Malformed Request');
    found = lookupMessage(stream, parsed);
  }
  if ('err_code' in found) {
    if (found.err_code === apiError('BadRequest').err_code) return directGetStatus(js, reply, 408, 'Bad Request');
    return directGetStatus(js, reply, 404, 'Message Not Found');
  }
  const message = directGetReply(stream, found);
  publishFromJetStream(js.server, js.account, reply, '', message.headers, message.data);
}

/** `$JS.API.DIRECT.GET.`: what follows is `<stream>[.<subject...>]`. */
export const DIRECT_GET_PREFIX = '$JS.API.DIRECT.GET.';

function directGetStatus(js: JetStreamAccount, reply: string, code: number, text: string): void {
  publishFromJetStream(js.server, js.account, reply, '', encodeHeaders([], code, text), Buffer.alloc(0));
}

/** STREAM.SNAPSHOT and STREAM.RESTORE (see ../snapshot.ts for the chunk protocol). */
export function registerBackupApi(js: JetStreamAccount): void {
  js.router.add('STREAM.SNAPSHOT', [1, 1], JsApiTypes.StreamSnapshot, (request) => {
    const type = JsApiTypes.StreamSnapshot;
    if (request.body.length === 0) return fail(type, 'BadRequest');
    const stream = js.getStream(request.args[0]!);
    if (stream === undefined) return fail(type, 'StreamNotFound');
    const parsed = parseRequest<{ deliver_subject?: string; chunk_size?: number }>(request.body);
    if (isErrorResult(parsed)) return failure(type, parsed.error);
    const deliver = parsed.deliver_subject ?? '';
    if (!isValidSubject(deliver)) return fail(type, 'SnapshotDeliverSubjectInvalid');
    const info = { type, config: stream.configJson(), state: stream.stateJson() };
    // The reply goes out first; the chunks follow from the next turn on.
    setImmediate(() => {
      js.server.logger.notice(`Starting snapshot for stream '${js.account.name} > ${stream.name}'`);
      void sendSnapshot(js, stream, deliver, parsed.chunk_size && parsed.chunk_size > 0 ? parsed.chunk_size : undefined).then(() => {
        js.server.logger.notice(`Completed snapshot for stream '${js.account.name} > ${stream.name}'`);
      });
    });
    return info;
  });

  js.router.add('STREAM.RESTORE', [1, 1], JsApiTypes.StreamRestore, (request) => {
    const type = JsApiTypes.StreamRestore;
    const name = request.args[0]!;
    if (js.getStream(name) !== undefined) return fail(type, 'StreamNameExistRestoreFailed');
    const deliver = `$JS.SNAPSHOT.RESTORE.${name}.${randomBytes(8).toString('hex')}`;
    const chunks: Buffer[] = [];
    let received = 0;
    const sub = js.account.subscribeInternal(deliver, (_sub, _subject, reply, headerSize, message) => {
      if (reply === '') {
        js.account.unsubscribeInternal(sub);
        js.server.logger.warn(`Restore for stream '${name}' requires a reply subject for each chunk`);
        return;
      }
      const chunk = headerSize > 0 ? message.subarray(headerSize) : message;
      if (chunk.length > 0) {
        chunks.push(Buffer.from(chunk));
        received += chunk.length;
        publishFromJetStream(js.server, js.account, reply, '', null, Buffer.alloc(0));
        return;
      }
      js.account.unsubscribeInternal(sub);
      const response = restoreFromArchive(js, name, Buffer.concat(chunks, received));
      publishFromJetStream(js.server, js.account, reply, '', null, Buffer.from(JSON.stringify(response)));
    });
    return { type, deliver_subject: deliver };
  });
}

function restoreFromArchive(js: JetStreamAccount, name: string, archive: Buffer): Json {
  const type = JsApiTypes.StreamCreate;
  let decoded;
  try {
    decoded = decodeArchive(archive);
  } catch (err) {
    return fail(type, 'StreamRestore', {}, { err: (err as Error).message });
  }
  if (decoded.meta.config.name !== name) return fail(type, 'StreamRestore', {}, { err: `snapshot is of stream ${decoded.meta.config.name}` });
  const result = js.restoreStream(decoded.meta.config, decoded.meta.created, decoded.messages);
  if ('err_code' in result) return failure(type, result);
  js.server.logger.notice(`Completed restore of ${decoded.messages.length} messages for stream '${js.account.name} > ${name}'`);
  return { type, ...streamInfo(result, undefined, false) };
}

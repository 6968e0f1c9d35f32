// JetStream API conformance harness: the scenario model and the step builders scenarios are written with (runner.ts plays them).

/*
 * A scenario is a list of steps run in order on one connection to a fresh server with JetStream on. Every step
 * appends readable lines to the transcript: ">" what was sent, "<" what came back (normalized), "=" harness notes.
 * Transcripts of nats-server and natrium-server are compared line by line. Each step may carry expectations
 * about nats-server's answer (`expect`): they are checked when the scenario runs and reported as failures.
 */

/** A request body: objects are sent as JSON, strings as they are, undefined as an empty payload. */
export type Body = object | string | undefined;
export type HeaderMap = Record<string, string | string[]>;

/** What nats-server is expected to answer to one request. */
export interface ReplyExpectation {
  /** A partial object the JSON response must contain (see partialMatch). */
  json?: object;
  /** The response's `error.err_code`; `0` means "no error". */
  err?: number;
  /** No reply at all within the timeout. */
  timeout?: boolean;
  /** The reply's status ("503", "404 Message Not Found"...). */
  status?: string;
}

export interface MessagesExpectation {
  /** Exact number of messages (including status messages). */
  count?: number;
  /** Statuses of the status messages, in order ("404 No Messages", "408 Request Timeout"...). */
  statuses?: string[];
}

export type Step =
  | { kind: 'req'; subject: string; body?: Body; headers?: HeaderMap; expect?: ReplyExpectation; capture?: Record<string, string>; timeoutMs?: number }
  | { kind: 'pub'; subject: string; body?: Body; headers?: HeaderMap; count?: number; reply?: string }
  | { kind: 'listen'; name: string; subject: string }
  | { kind: 'collect'; name: string; count: number; timeoutMs: number; quietMs: number; expect?: MessagesExpectation }
  | { kind: 'pull'; subject: string; body?: Body; count: number; timeoutMs: number; quietMs: number; expect?: MessagesExpectation }
  | { kind: 'ack'; message: number; payload: string; mode: AckMode }
  | { kind: 'sleep'; ms: number }
  | { kind: 'note'; text: string };

/** Something Natrium knowingly does differently from nats-server in one scenario. */
export interface KnownDifference {
  reason: string;
  /** Applied to every transcript line of both servers before comparing. */
  normalize?: (line: string) => string;
  /** Do not compare this scenario at all (still recorded against nats-server). */
  skipComparison?: boolean;
}

export interface Scenario {
  /** Unique across all groups. */
  name: string;
  /** Set by the scenario index from the file the scenario lives in. */
  group?: string;
  description?: string;
  steps: Step[];
  knownDifferences?: KnownDifference[];
}

export interface ScenarioResult {
  scenario: string;
  server: 'nats' | 'natrium';
  transcript: string[];
  failures: string[];
  durationMs: number;
  error?: string;
}

// ---- step builders -------------------------------------------------------------------------

/** A request to `$JS.API.<api>` (the prefix is added unless the subject already starts with "$JS." or is raw). */
export function api(apiSubject: string, body?: Body, options: { expect?: ReplyExpectation; capture?: Record<string, string>; headers?: HeaderMap; timeoutMs?: number } = {}): Step {
  const subject = apiSubject.startsWith('$') ? apiSubject : `$JS.API.${apiSubject}`;
  return { kind: 'req', subject, body, ...options };
}

/** The same as `api` with an error expectation (err_code). */
export function apiErr(apiSubject: string, body: Body, errCode: number, options: { headers?: HeaderMap } = {}): Step {
  return api(apiSubject, body, { ...options, expect: { err: errCode } });
}

/** The same as `api` expecting success (no `error` in the response). */
export function apiOk(apiSubject: string, body?: Body, json?: object, options: { capture?: Record<string, string> } = {}): Step {
  return api(apiSubject, body, { ...options, expect: json ? { err: 0, json } : { err: 0 } });
}

/** A publish with a reply subject: records the PubAck (or error) the stream sends. */
export function jsPub(subject: string, body: Body = '', headers?: HeaderMap, expect?: ReplyExpectation): Step {
  return { kind: 'req', subject, body, ...(headers ? { headers } : {}), ...(expect ? { expect } : {}) };
}

/** Plain publishes without reply subject (`count` copies), flushed. */
export function pub(subject: string, body: Body = '', headers?: HeaderMap, count = 1): Step {
  return { kind: 'pub', subject, body, ...(headers ? { headers } : {}), count };
}

/** A publish with an explicit reply subject whose answers a `listen` step collects (e.g. a pull request left waiting). */
export function pubWithReply(subject: string, body: Body, reply: string): Step {
  return { kind: 'pub', subject, body, reply };
}

/** Publishes `count` messages `<subject>` with bodies "m1".."mN" (plain publish, flushed). */
export function fill(subject: string, count: number): Step[] {
  return Array.from({ length: count }, (_, i) => pub(subject, `m${i + 1}`));
}

/** A pull request on `$JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>`, collecting up to `count` replies. */
export function pull(stream: string, consumer: string, body: Body, count: number, options: { timeoutMs?: number; quietMs?: number; expect?: MessagesExpectation } = {}): Step {
  return { kind: 'pull', subject: `$JS.API.CONSUMER.MSG.NEXT.${stream}.${consumer}`, body, count, timeoutMs: options.timeoutMs ?? 1500, quietMs: options.quietMs ?? 100, ...(options.expect ? { expect: options.expect } : {}) };
}

/** Starts collecting messages on `subject` (e.g. a push consumer's deliver subject) under `name`. */
export function listen(name: string, subject: string): Step {
  return { kind: 'listen', name, subject };
}

/** Waits for `count` messages collected under `name` (or the timeout) and records them. */
export function collect(name: string, count: number, options: { timeoutMs?: number; quietMs?: number; expect?: MessagesExpectation } = {}): Step {
  return { kind: 'collect', name, count, timeoutMs: options.timeoutMs ?? 1500, quietMs: options.quietMs ?? 100, ...(options.expect ? { expect: options.expect } : {}) };
}

/**
 * How an ack is sent: 'request' waits for and records the server's (empty) confirmation; 'publish' sends it without
 * reply subject; `{ reply }` publishes with that reply subject (for +NXT, whose answer a `listen` step collects).
 */
export type AckMode = 'request' | 'publish' | { reply: string };

/** Acknowledges the n-th message received in this scenario (1-based) with `payload` ("+ACK", "-NAK", "+TERM", "+WPI", "+NXT"...). */
export function ack(message: number, payload = '+ACK', mode: AckMode = 'request'): Step {
  return { kind: 'ack', message, payload, mode };
}

export function sleep(ms: number): Step {
  return { kind: 'sleep', ms };
}

export function note(text: string): Step {
  return { kind: 'note', text };
}

/** `{name, subjects, storage}` plus extra fields: a stream config for STREAM.CREATE. */
export function streamConfig(name: string, subjects: string[] = [`${name.toLowerCase()}.>`], extra: object = {}): object {
  return { name, subjects, storage: 'memory', ...extra };
}

/** STREAM.CREATE.<name> with a memory stream on `<name lower>.>` (or the given subjects), expecting success. */
export function createStream(name: string, subjects?: string[], extra: object = {}): Step {
  return apiOk(`STREAM.CREATE.${name}`, streamConfig(name, subjects, extra));
}

/** CONSUMER.DURABLE.CREATE.<stream>.<durable> with an explicit-ack pull consumer (plus extra fields), expecting success. */
export function createDurable(stream: string, durable: string, extra: object = {}): Step {
  return apiOk(`CONSUMER.DURABLE.CREATE.${stream}.${durable}`, { stream_name: stream, config: { durable_name: durable, ack_policy: 'explicit', ...extra } });
}

/**
 * nats-server 2.9.10's memory store keeps stale per-subject counts after a purge or a rollup (num_subjects and
 * the subjects map of STREAM.INFO still count purged subjects). Natrium reports the real counts.
 */
export const STALE_SUBJECT_COUNTS_IN_2_9_10: KnownDifference = {
  reason: "nats-server 2.9.10's memory store reports stale per-subject counts after purges and rollups; Natrium reports the real ones",
  normalize: (line) => line.replace(/"num_subjects":\d+/g, '"num_subjects":*').replace(/"subjects":\{[^}]*\}/g, '"subjects":*').replace(/"total":\d+/g, '"total":*'),
};

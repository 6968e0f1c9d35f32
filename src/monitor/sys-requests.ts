// The monitoring reports over NATS: `$SYS.REQ.SERVER.PING.<REPORT>` and `$SYS.REQ.SERVER.<id>.<REPORT>` in the system account.
//
// A request's body holds nats-server's JSON options (ConnzOptions, SubszOptions…); they are turned into the
// query parameters of the same HTTP report and run through the MonitorServer's registry, so reports that
// other modules register (/jsz, /healthz) answer here too. The reply is nats-server's envelope:
// {"server":{…},"data":{…}}, or {"server":{…},"data":null,"error":{"code":500,"description":…}}.

import type { Server } from '../core/server.js';
import { goJson, resultData, type MonitorServer } from './monitor-server.js';

type JsonKind = 'bool' | 'int' | 'uint' | 'string' | 'state' | 'strings';

interface OptionField {
  /** The query parameter the JSON option becomes. */
  param: string;
  kind: JsonKind;
  /** For bools that switch a parameter to a word (subscriptions_detail -> subs=detail). */
  word?: string;
}

export interface SystemReport {
  path: string;
  /** nats-server's Go type for a request's options (the report's options plus event filters), as its decode errors name it. */
  goType: string;
  fields: Record<string, OptionField>;
}

export const REPORTS: Record<string, SystemReport> = {
  VARZ: { path: '/varz', goType: 'VarzEventOptions', fields: {} },
  CONNZ: {
    path: '/connz', goType: 'ConnzEventOptions', fields: {
      sort: { param: 'sort', kind: 'string' }, auth: { param: 'auth', kind: 'bool' }, subscriptions: { param: 'subs', kind: 'bool' },
      subscriptions_detail: { param: 'subs', kind: 'bool', word: 'detail' }, offset: { param: 'offset', kind: 'int' }, limit: { param: 'limit', kind: 'int' },
      cid: { param: 'cid', kind: 'uint' }, mqtt_client: { param: 'mqtt_client', kind: 'string' }, state: { param: 'state', kind: 'state' },
      user: { param: 'user', kind: 'string' }, acc: { param: 'acc', kind: 'string' }, filter_subject: { param: 'filter_subject', kind: 'string' },
    },
  },
  SUBSZ: {
    path: '/subsz', goType: 'SubszEventOptions', fields: {
      offset: { param: 'offset', kind: 'int' }, limit: { param: 'limit', kind: 'int' }, subscriptions: { param: 'subs', kind: 'bool' },
      account: { param: 'acc', kind: 'string' }, test: { param: 'test', kind: 'string' },
    },
  },
  ROUTEZ: { path: '/routez', goType: 'RoutezEventOptions', fields: { subscriptions: { param: 'subs', kind: 'bool' }, subscriptions_detail: { param: 'subs', kind: 'bool', word: 'detail' } } },
  GATEWAYZ: { path: '/gatewayz', goType: 'GatewayzEventOptions', fields: { name: { param: 'gw_name', kind: 'string' }, accounts: { param: 'accs', kind: 'bool' }, account_name: { param: 'acc_name', kind: 'string' } } },
  LEAFZ: { path: '/leafz', goType: 'LeafzEventOptions', fields: { subscriptions: { param: 'subs', kind: 'bool' }, account: { param: 'acc', kind: 'string' } } },
  ACCOUNTZ: { path: '/accountz', goType: 'AccountzEventOptions', fields: { account: { param: 'acc', kind: 'string' } } },
  JSZ: {
    path: '/jsz', goType: 'JszEventOptions', fields: {
      account: { param: 'acc', kind: 'string' }, accounts: { param: 'accounts', kind: 'bool' }, streams: { param: 'streams', kind: 'bool' },
      consumer: { param: 'consumers', kind: 'bool' }, config: { param: 'config', kind: 'bool' }, leader_only: { param: 'leader-only', kind: 'bool' },
      offset: { param: 'offset', kind: 'int' }, limit: { param: 'limit', kind: 'int' },
    },
  },
  HEALTHZ: {
    path: '/healthz', goType: 'HealthzEventOptions', fields: {
      'js-enabled-only': { param: 'js-enabled-only', kind: 'bool' }, 'js-server-only': { param: 'js-server-only', kind: 'bool' },
      'js-meta-only': { param: 'js-meta-only', kind: 'bool' }, details: { param: 'details', kind: 'bool' },
      account: { param: 'account', kind: 'string' }, stream: { param: 'stream', kind: 'string' },
    },
  },
};

const CONN_STATES = ['open', 'closed', 'all'];

/** A request nats-server refuses before running the report (bad JSON): code 400 and no `data`. */
export class BadRequestBody extends Error {}

/** Subscribes the system account to every report's PING and per-server subject. Cheap: no work until a request comes. */
export function serveSystemRequests(monitor: MonitorServer): void {
  const server = monitor.server;
  const system = server.system;
  if (system === null) return;
  for (const [name, report] of Object.entries(REPORTS)) {
    for (const subject of [`$SYS.REQ.SERVER.PING.${name}`, `$SYS.REQ.SERVER.${server.id}.${name}`]) {
      system.account.subscribeInternal(subject, (_sub, _subject, reply, headerSize, message) => {
        if (reply === '') return;
        // The message is only valid during this call: decode it now.
        const body = message.subarray(Math.max(0, headerSize)).toString('utf8');
        void answer(monitor, report, reply, body, subject.includes('.PING.'));
      });
    }
  }
}

async function answer(monitor: MonitorServer, report: SystemReport, reply: string, body: string, isPing: boolean): Promise<void> {
  const server = monitor.server;
  let envelope: Record<string, unknown>;
  try {
    const options = parseOptions(body);
    // A PING goes to every server; filter options (server_name, host, tags) narrow who answers.
    if (isPing && !matchesFilter(server, options)) return;
    const query = toQuery(report, options);
    const result = await monitor.invoke(report.path, query);
    if (result === undefined) return;
    const failed = (result.status ?? 200) >= 400 && (typeof result.body === 'string' || Buffer.isBuffer(result.body));
    envelope = failed
      ? { server: serverInfo(server), data: null, error: { code: 500, description: String(result.body) } }
      : { server: serverInfo(server), data: resultData(result) };
  } catch (err) {
    if (!(err instanceof BadRequestBody)) server.logger.error(`System request for ${report.path} failed: ${(err as Error).message}`);
    envelope = { server: serverInfo(server), error: { code: 400, description: (err as Error).message } };
  }
  const system = server.system;
  if (system !== null) server.publish(system.account, reply, '', null, Buffer.from(goJson(envelope, false)));
}

export function serverInfo(server: Server): Record<string, unknown> {
  return server.system?.serverInfo() ?? {};
}

export function parseOptions(body: string): Record<string, unknown> {
  const text = body.trim();
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadRequestBody(goSyntaxError(text));
  }
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new BadRequestBody(`json: cannot unmarshal ${goJsonKind(value)} into Go value of type server.options`);
  return value as Record<string, unknown>;
}

/** Go's encoding/json words for the most common syntax errors. */
function goSyntaxError(text: string): string {
  const first = text[0]!;
  if (!/[{["\-0-9tfn]/.test(first)) return `invalid character '${first}' looking for beginning of value`;
  return 'unexpected end of JSON input';
}

function goJsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  return typeof value;
}

export function toQuery(report: SystemReport, options: Record<string, unknown>): URLSearchParams {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(options)) {
    const field = Object.hasOwn(report.fields, key) ? report.fields[key] : undefined;
    if (field === undefined || value === null) continue;
    const mismatch = () => new BadRequestBody(`json: cannot unmarshal ${goJsonKind(value)} into Go struct field ${report.goType}.${key} of type ${goTypeOf(field.kind)}`);
    switch (field.kind) {
      case 'bool':
        if (typeof value !== 'boolean') throw mismatch();
        if (value) query.set(field.param, field.word ?? 'true');
        else if (field.word === undefined && !query.has(field.param)) query.set(field.param, 'false');
        break;
      case 'int': case 'uint': case 'state':
        if (typeof value !== 'number' || !Number.isInteger(value) || (field.kind !== 'int' && value < 0)) throw mismatch();
        if (field.kind === 'state') query.set(field.param, CONN_STATES[value] ?? 'open');
        else query.set(field.param, String(value));
        break;
      case 'string':
        if (typeof value !== 'string') throw mismatch();
        query.set(field.param, value);
        break;
      case 'strings':
        if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw mismatch();
        query.set(field.param, value.join(','));
        break;
    }
  }
  return query;
}

function goTypeOf(kind: JsonKind): string {
  switch (kind) {
    case 'bool': return 'bool';
    case 'int': return 'int';
    case 'uint': return 'uint64';
    case 'state': return 'server.ConnState';
    case 'string': return 'string';
    case 'strings': return '[]string';
  }
}

/** nats-server's event filter: a PING asking for another server's name, host or tags gets no answer from us. */
function matchesFilter(server: Server, options: Record<string, unknown>): boolean {
  const name = options.server_name;
  if (typeof name === 'string' && name !== '' && !server.name.includes(name)) return false;
  const host = options.host;
  if (typeof host === 'string' && host !== '' && !server.options.host.includes(host)) return false;
  const tags = options.tags;
  if (Array.isArray(tags) && !tags.every((t) => typeof t === 'string' && server.options.serverTags.includes(t))) return false;
  return true;
}

// /connz: open and recently closed client connections, filtered, sorted and paged as nats-server does.

import tls from 'node:tls';
import type { Client } from '../core/client.js';
import type { ClosedConnection, ClosedSubscription } from '../core/closed-connections.js';
import type { Subscription } from '../core/subscription.js';
import { isInternalRequest, type MonitorServer } from './monitor-server.js';
import { subjectsCollide } from '../subjects/subject.js';
import { goRtt, goTime, goUptime } from './go-format.js';
import { MonitorRequestError, queryBool, queryInt, queryUint } from './query-params.js';

export const DEFAULT_LIST_SIZE = 1024;

export type ConnState = 'open' | 'closed' | 'all';

export interface ConnzOptions {
  sort: string;
  auth: boolean;
  subs: boolean;
  subsDetail: boolean;
  offset: number;
  limit: number;
  cid: number;
  state: ConnState;
  user: string;
  acc: string;
  mqttClient: string;
  /** `filter_subject`: only open connections with a subscription that collides with it (system requests only). */
  filterSubject: string;
}

/** Sort keys nats-server 2.9.10 accepts; all but cid/start, uptime and reason sort the largest first. */
const SORT_KEYS = new Set(['cid', 'start', 'subs', 'pending', 'msgs_to', 'msgs_from', 'bytes_to', 'bytes_from', 'last', 'idle', 'uptime', 'stop', 'reason']);

export function registerConnz(monitor: MonitorServer): void {
  monitor.register('/connz', (query, request) => ({ body: connz(monitor, connzOptionsFromQuery(query, isInternalRequest(request))) }));
}

/** nats-server 2.9.10 reads `filter_subject` only from a system request's JSON options; its HTTP handler ignores it. */
export function connzOptionsFromQuery(query: URLSearchParams, internal = false): ConnzOptions {
  const sort = query.get('sort') ?? '';
  const auth = queryBool(query, 'auth');
  const subsDetail = (query.get('subs') ?? '').toLowerCase() === 'detail';
  const subs = subsDetail ? false : queryBool(query, 'subs');
  const offset = queryInt(query, 'offset');
  const limit = queryInt(query, 'limit');
  const cid = queryUint(query, 'cid');
  const stateText = query.get('state') ?? '';
  let state: ConnState = 'open';
  switch (stateText.toLowerCase()) {
    case '': case 'open': state = 'open'; break;
    case 'closed': state = 'closed'; break;
    case 'any': case 'all': state = 'all'; break;
    default: throw new MonitorRequestError(`Error decoding state for ${stateText}`);
  }
  return { sort, auth, subs, subsDetail, offset, limit, cid, state, user: query.get('user') ?? '', acc: query.get('acc') ?? '', mqttClient: query.get('mqtt_client') ?? '', filterSubject: internal ? query.get('filter_subject') ?? '' : '' };
}

/** One row of the report, with the numbers sorting needs kept beside the JSON. */
interface Row {
  info: Record<string, unknown>;
  cid: number;
  subs: number;
  pending: number;
  inMsgs: number;
  outMsgs: number;
  inBytes: number;
  outBytes: number;
  start: number;
  last: number;
  stop: number;
  reason: string;
}

export function connz(monitor: MonitorServer, options: ConnzOptions): Record<string, unknown> {
  const sort = options.sort === '' ? 'cid' : options.sort;
  if (!SORT_KEYS.has(sort)) throw new MonitorRequestError(`invalid sorting option: ${sort}`);
  if (sort === 'stop' && options.state !== 'closed') throw new MonitorRequestError('sort by stop only valid on closed connections');
  if (sort === 'reason' && options.state !== 'closed') throw new MonitorRequestError('sort by reason only valid on closed connections');
  if (options.filterSubject !== '' && options.acc === '') throw new MonitorRequestError('filter by subject only valid with account filtering');
  const offset = Math.max(0, options.offset);
  const limit = options.cid > 0 ? 1 : options.limit <= 0 ? DEFAULT_LIST_SIZE : options.limit;
  const server = monitor.server;
  const now = Date.now();
  const report: Record<string, unknown> = { server_id: server.id, now: goTime(now), num_connections: 0, total: 0, offset, limit, connections: [] };

  let open: Client[] = [];
  if (options.acc !== '') {
    const account = server.accounts.get(options.acc);
    // nats-server answers an unknown account with an empty report whose list is null, and no server id.
    if (account === undefined) return { ...report, server_id: '', connections: null };
    open = [...account.clients];
  } else {
    open = [...server.clients.values()];
  }
  let closed: ClosedConnection[] = options.state === 'open' ? [] : server.closedConnections.list();
  if (options.acc !== '') closed = closed.filter((c) => c.account === options.acc);
  if (options.state === 'closed') open = [];
  report.total = open.length + closed.length;

  if (options.cid > 0) {
    // As nats-server: with a cid, 'closed' and 'all' look among the closed connections only.
    if (options.state === 'open') {
      const client = server.clients.get(options.cid);
      open = client !== undefined && (options.acc === '' || client.account.name === options.acc) ? [client] : [];
    } else {
      open = [];
      closed = closed.filter((c) => c.id === options.cid).slice(0, 1);
    }
  } else {
    open = open.filter((c) => (options.user === '' || c.user === options.user) && (options.mqttClient === '' || mqttClientId(c) === options.mqttClient));
  }
  closed = closed.filter((c) => (options.user === '' || c.user === options.user) && options.mqttClient === '');
  // As nats-server: the subject filter narrows the open connections only, and leaves `total` as it was.
  const filter = options.filterSubject;
  if (filter !== '') open = open.filter((c) => [...c.subscriptions.values()].some((s) => subjectsCollide(s.subject, filter)));

  const rows: Row[] = [];
  for (const client of open) rows.push(openRow(client, now, options));
  for (const entry of closed) rows.push(closedRow(entry, options));
  sortRows(rows, sort, now);
  const page = rows.slice(Math.min(offset, rows.length), Math.min(offset + limit, rows.length));
  report.connections = page.map((r) => r.info);
  report.num_connections = page.length;
  return report;
}

function openRow(client: Client, now: number, options: ConnzOptions): Row {
  const connect = client.connectOptions;
  const pending = client.pendingBytes;
  const info: Record<string, unknown> = {
    cid: client.id,
    kind: client.kind,
    type: clientType(client.connectionType),
    ...(client.remotePort !== 0 ? { ip: client.remoteHost, port: client.remotePort } : { ip: '', port: 0 }),
    start: goTime(client.start),
    last_activity: goTime(client.lastActivity),
    rtt: goRtt(client.rttMs),
    uptime: goUptime(now - client.start.getTime()),
    idle: goUptime(now - client.lastActivity),
    pending_bytes: pending,
    in_msgs: client.inMsgs,
    out_msgs: client.outMsgs,
    in_bytes: client.inBytes,
    out_bytes: client.outBytes,
    subscriptions: client.subscriptions.size,
  };
  if (connect?.name) info.name = connect.name;
  if (connect?.lang) info.lang = connect.lang;
  if (connect?.version) info.version = connect.version;
  addTls(info, client);
  if (options.auth) addAuth(info, client.user, client.account.name);
  if (client.subscriptions.size > 0) {
    if (options.subsDetail) info.subscriptions_list_detail = [...client.subscriptions.values()].map((s) => openSubDetail(s, client.id));
    else if (options.subs) info.subscriptions_list = [...client.subscriptions.values()].map((s) => s.subject);
  }
  return { info, cid: client.id, subs: client.subscriptions.size, pending, inMsgs: client.inMsgs, outMsgs: client.outMsgs, inBytes: client.inBytes, outBytes: client.outBytes, start: client.start.getTime(), last: client.lastActivity, stop: 0, reason: '' };
}

function closedRow(entry: ClosedConnection, options: ConnzOptions): Row {
  const stop = entry.stop.getTime();
  const info: Record<string, unknown> = {
    cid: entry.id,
    kind: entry.kind,
    type: 'nats',
    ip: entry.remoteHost,
    port: entry.remotePort,
    start: goTime(entry.start),
    last_activity: goTime(entry.lastActivity),
    stop: goTime(entry.stop),
    ...(entry.reason !== '' ? { reason: entry.reason } : {}),
    rtt: goRtt(entry.rttMs),
    // Frozen when the connection closed, as nats-server reports them.
    uptime: goUptime(stop - entry.start.getTime()),
    idle: goUptime(stop - entry.lastActivity),
    pending_bytes: 0,
    in_msgs: entry.inMsgs,
    out_msgs: entry.outMsgs,
    in_bytes: entry.inBytes,
    out_bytes: entry.outBytes,
    subscriptions: entry.subscriptions.length,
  };
  if (entry.name) info.name = entry.name;
  if (entry.lang) info.lang = entry.lang;
  if (entry.version) info.version = entry.version;
  if (options.auth) addAuth(info, entry.user, entry.account);
  if (entry.subscriptions.length > 0) {
    // nats-server keeps a closed connection's subscriptions with their account, and shows it.
    if (options.subsDetail) info.subscriptions_list_detail = entry.subscriptions.map((s) => closedSubDetail(s, entry));
    else if (options.subs) info.subscriptions_list = entry.subscriptions.map((s) => s.subject);
  }
  return { info, cid: entry.id, subs: entry.subscriptions.length, pending: 0, inMsgs: entry.inMsgs, outMsgs: entry.outMsgs, inBytes: entry.inBytes, outBytes: entry.outBytes, start: entry.start.getTime(), last: entry.lastActivity, stop, reason: entry.reason };
}

function openSubDetail(sub: Subscription, cid: number): Record<string, unknown> {
  return { subject: sub.subject, ...(sub.queue ? { qgroup: sub.queue } : {}), sid: sub.sid, msgs: sub.delivered, ...(sub.max > 0 ? { max: sub.max } : {}), cid };
}

function closedSubDetail(sub: ClosedSubscription, entry: ClosedConnection): Record<string, unknown> {
  return { account: entry.account, subject: sub.subject, ...(sub.queue ? { qgroup: sub.queue } : {}), sid: sub.sid, msgs: sub.msgs, ...(sub.max > 0 ? { max: sub.max } : {}), cid: entry.id };
}

/** auth=true adds who the connection is; the account only when it is not the global one. Never credentials. */
function addAuth(info: Record<string, unknown>, user: string, account: string): void {
  if (user !== '') info.authorized_user = user;
  if (account !== '' && account !== '$G') info.account = account;
}

function addTls(info: Record<string, unknown>, client: Client): void {
  const socket = client.socket;
  if (!(socket instanceof tls.TLSSocket) || !socket.encrypted) return;
  const protocol = socket.getProtocol();
  if (protocol) info.tls_version = protocol.replace(/^TLSv/, '');
  const cipher = socket.getCipher();
  if (cipher?.standardName) info.tls_cipher_suite = cipher.standardName;
}

function clientType(connectionType: string): string {
  switch (connectionType) {
    case 'WEBSOCKET': return 'websocket';
    case 'MQTT': return 'mqtt';
    default: return 'nats';
  }
}

function mqttClientId(client: Client): string {
  return client.connectionType === 'MQTT' ? client.connectOptions?.name ?? '' : '';
}

function sortRows(rows: Row[], sort: string, now: number): void {
  const byCid = (a: Row, b: Row) => a.cid - b.cid;
  const descending = (key: (r: Row) => number) => (a: Row, b: Row) => key(b) - key(a) || byCid(a, b);
  switch (sort) {
    case 'cid': case 'start': rows.sort(byCid); break;
    case 'subs': rows.sort(descending((r) => r.subs)); break;
    case 'pending': rows.sort(descending((r) => r.pending)); break;
    case 'msgs_to': rows.sort(descending((r) => r.outMsgs)); break;
    case 'msgs_from': rows.sort(descending((r) => r.inMsgs)); break;
    case 'bytes_to': rows.sort(descending((r) => r.outBytes)); break;
    case 'bytes_from': rows.sort(descending((r) => r.inBytes)); break;
    case 'last': rows.sort(descending((r) => r.last)); break;
    case 'idle': rows.sort(descending((r) => (r.stop || now) - r.last)); break;
    case 'uptime': rows.sort((a, b) => (a.stop || now) - a.start - ((b.stop || now) - b.start) || byCid(a, b)); break;
    case 'stop': rows.sort(descending((r) => r.stop)); break;
    case 'reason': rows.sort((a, b) => (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : byCid(a, b))); break;
  }
}

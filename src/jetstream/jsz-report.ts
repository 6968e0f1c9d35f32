// The /jsz report (nats-server 2.9's JSInfo JSON) and the JetStream totals that /metrics and /healthz read.

import fs from 'node:fs';
import path from 'node:path';
import type { Server } from '../core/server.js';
import type { JetStream } from './jetstream.js';
import type { JetStreamAccount } from './js-account.js';
import type { Stream } from './stream.js';
import { formatTimeNs, nowNs } from './json-time.js';

/** nats-server writes an unlimited reservation as the uint64 of -1; a bigint keeps all its digits. */
export const UINT64_MAX = 18446744073709551615n;

/** The /jsz query, already decoded (streams implies accounts, consumers implies streams). */
export interface JszQuery {
  accounts: boolean;
  streams: boolean;
  consumers: boolean;
  config: boolean;
  leaderOnly: boolean;
  /** Only this account's details ('' = every account). */
  account: string;
  offset: number;
  limit: number;
}

/** What /jsz (and /metrics) sum over one account. */
export interface AccountTotals {
  memory: number;
  storage: number;
  streams: number;
  consumers: number;
  messages: number;
  bytes: number;
  apiTotal: number;
  apiErrors: number;
}

export function accountTotals(js: JetStreamAccount): AccountTotals {
  const totals: AccountTotals = { memory: js.memoryUsed, storage: js.storageUsed, streams: js.streams.size, consumers: 0, messages: 0, bytes: 0, apiTotal: js.apiTotal, apiErrors: js.apiErrors };
  for (const stream of js.streams.values()) {
    const state = stream.store.state();
    totals.consumers += stream.consumers.size;
    totals.messages += state.messages;
    totals.bytes += state.bytes;
  }
  return totals;
}

/** JetStream accounts in name order, so that offset/limit page the same way on every request. */
export function sortedAccounts(jetstream: JetStream): JetStreamAccount[] {
  return [...jetstream.accounts.values()].sort((a, b) => (a.account.name < b.account.name ? -1 : a.account.name > b.account.name ? 1 : 0));
}

/** The server-level JetStream settings as /jsz `config` shows them. */
function serverConfig(jetstream: JetStream, server: Server): Record<string, unknown> {
  const global = jetstream.forAccount(server.globalAccount) ?? sortedAccounts(jetstream)[0];
  const options = server.options.jetstream;
  return {
    max_memory: global?.maxMemory() ?? options.maxMemoryStore,
    max_storage: global?.maxStorage() ?? options.maxFileStore,
    store_dir: path.join(path.resolve(options.storeDir), 'jetstream'),
  };
}

/** A configured account limit reserves that much; -1 (unlimited) reserves nothing at server level. */
function reservation(limit: number | undefined): number {
  return limit !== undefined && limit > 0 ? limit : 0;
}

export function buildJszReport(server: Server, jetstream: JetStream | null, query: JszQuery): Record<string, unknown> {
  if (jetstream === null) {
    return {
      server_id: server.id, now: formatTimeNs(nowNs()), disabled: true, config: { max_memory: 0, max_storage: 0 },
      memory: 0, storage: 0, reserved_memory: 0, reserved_storage: 0, accounts: 0, ha_assets: 0,
      api: { total: 0, errors: 0 }, streams: 0, consumers: 0, messages: 0, bytes: 0,
    };
  }
  const accounts = sortedAccounts(jetstream);
  const sum: AccountTotals = { memory: 0, storage: 0, streams: 0, consumers: 0, messages: 0, bytes: 0, apiTotal: 0, apiErrors: 0 };
  let reservedMemory = 0;
  let reservedStorage = 0;
  for (const js of accounts) {
    const totals = accountTotals(js);
    for (const key of Object.keys(sum) as (keyof AccountTotals)[]) sum[key] += totals[key];
    reservedMemory += reservation(js.limits?.maxMemory);
    reservedStorage += reservation(js.limits?.maxStore);
  }
  const report: Record<string, unknown> = {
    server_id: server.id,
    now: formatTimeNs(nowNs()),
    config: serverConfig(jetstream, server),
    memory: sum.memory,
    storage: sum.storage,
    reserved_memory: reservedMemory,
    reserved_storage: reservedStorage,
    accounts: accounts.length,
    ha_assets: 0,
    api: { total: sum.apiTotal, errors: sum.apiErrors },
    streams: sum.streams,
    consumers: sum.consumers,
    messages: sum.messages,
    bytes: sum.bytes,
  };
  // Standalone, this server leads everything, so leader-only changes nothing (as nats-server without a cluster).
  if (!query.accounts) return report;
  const selected = accounts.filter((js) => query.account === '' || js.account.name === query.account);
  const page = selected.slice(query.offset, query.offset + query.limit);
  // nats-server leaves an empty list out (omitempty).
  if (page.length > 0) report.account_details = page.map((js) => accountDetail(js, server, query));
  return report;
}

function accountDetail(js: JetStreamAccount, server: Server, query: JszQuery): Record<string, unknown> {
  const totals = accountTotals(js);
  const limit = (value: number | undefined) => (value === undefined || value < 0 ? UINT64_MAX : value);
  const detail: Record<string, unknown> = {
    name: js.account.name,
    id: js.account.name,
    memory: totals.memory,
    storage: totals.storage,
    reserved_memory: limit(js.limits?.maxMemory),
    reserved_storage: limit(js.limits?.maxStore),
    accounts: 0,
    ha_assets: 0,
    api: { total: totals.apiTotal, errors: totals.apiErrors },
  };
  if (query.streams) {
    const streams = [...js.streams.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (streams.length > 0) detail.stream_detail = streams.map((stream) => streamDetail(stream, server, query));
  }
  return detail;
}

function streamDetail(stream: Stream, server: Server, query: JszQuery): Record<string, unknown> {
  const detail: Record<string, unknown> = { name: stream.name, created: stream.created(), cluster: { leader: server.id } };
  if (query.config) detail.config = stream.configJson();
  detail.state = stream.stateJson();
  if (query.consumers && stream.consumers.size > 0) {
    const names = [...stream.consumers.keys()].sort();
    detail.consumer_detail = names.map((name) => {
      const info = { ...(stream.consumers.get(name)!.info() as Record<string, unknown>) };
      if (!query.config) delete info.config;
      return info;
    });
  }
  if (stream.config.mirror && stream.sourceLinks[0]) detail.mirror = stream.sourceLinks[0].info();
  if (stream.config.sources && stream.config.sources.length > 0) detail.sources = stream.sourceLinks.map((link) => link.info());
  return detail;
}

/** A stream or account folder in the store that did not come back at start-up. */
export interface UnrecoveredAsset {
  kind: 'ACCOUNT' | 'STREAM';
  account: string;
  stream: string;
  error: string;
}

/**
 * What /healthz reports for a standalone server (nats-server 2.10): every stream folder under the store
 * directory must belong to a running stream; one that failed to load (bad metadata, unreadable blocks)
 * makes the server unhealthy. Reads the folder names only, at request time.
 */
export function unrecoveredAssets(server: Server, jetstream: JetStream): UnrecoveredAsset[] {
  const root = path.join(server.options.jetstream.storeDir, 'jetstream');
  const problems: UnrecoveredAsset[] = [];
  for (const accountName of listDirectories(root)) {
    const account = server.accounts.get(accountName);
    if (account === undefined) {
      problems.push({ kind: 'ACCOUNT', account: accountName, stream: '', error: `JetStream account '${accountName}' could not be resolved` });
      continue;
    }
    const js = jetstream.forAccount(account);
    for (const streamName of listDirectories(path.join(root, accountName, 'streams'))) {
      if (js?.streams.has(streamName)) continue;
      problems.push({ kind: 'STREAM', account: accountName, stream: streamName, error: `JetStream stream '${accountName} > ${streamName}' could not be recovered` });
    }
  }
  return problems;
}

function listDirectories(dir: string): string[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  } catch {
    return [];
  }
}

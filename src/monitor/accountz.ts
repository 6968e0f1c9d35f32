// /accountz (the accounts, or one account's details) and /accstatz (per-account connection and message totals).

import type { Account } from '../core/account.js';
import type { Server } from '../core/server.js';
import type { AccountExportOption, AccountImportOption } from '../config/options.js';
import type { MonitorServer } from './monitor-server.js';
import { goTime } from './go-format.js';
import { sublistStats } from './subsz.js';
import { MonitorRequestError, queryBool } from './query-params.js';

export function registerAccountz(monitor: MonitorServer): void {
  monitor.register('/accountz', (query) => ({ body: accountz(monitor.server, query.get('acc') ?? '') }));
  monitor.register('/accstatz', (query) => {
    const unused = queryBool(query, 'unused');
    const acc = query.get('acc') ?? '';
    return { body: accstatz(monitor.server, acc === '' ? [] : acc.split(','), unused) };
  });
}

export function accountz(server: Server, name: string): Record<string, unknown> {
  const report: Record<string, unknown> = { server_id: server.id, now: goTime(new Date()) };
  if (server.system !== null) report.system_account = server.system.account.name;
  if (name === '') {
    report.accounts = [...server.accounts.keys()];
    return report;
  }
  const account = server.accounts.get(name);
  if (account === undefined) throw new MonitorRequestError(`Account ${name} does not exist`);
  report.account_detail = accountDetail(server, account);
  return report;
}

function accountDetail(server: Server, account: Account): Record<string, unknown> {
  const configured = server.options.accounts?.[account.name];
  const detail: Record<string, unknown> = { account_name: account.name, update_time: goTime(server.configLoadTime) };
  if (server.system?.account === account) detail.is_system = true;
  Object.assign(detail, {
    expired: false,
    complete: true,
    jetstream_enabled: server.options.jetstream.enabled && (account.name === '$G' || configured?.jetstream !== undefined),
    leafnode_connections: 0,
    client_connections: account.clients.size,
    subscriptions: account.sublist.size,
  });
  const exports = (configured?.exports ?? []).map(exportInfo);
  const imports = (configured?.imports ?? []).map(importInfo);
  if (exports.length > 0) detail.exports = exports;
  if (imports.length > 0) detail.imports = imports;
  // Account JWTs are not shown: no credential material in monitoring output.
  detail.sublist_stats = sublistStats([account]);
  return detail;
}

function exportInfo(entry: AccountExportOption): Record<string, unknown> {
  const service = entry.service !== undefined;
  const info: Record<string, unknown> = { subject: service ? entry.service : entry.stream, type: service ? 'service' : 'stream' };
  if (entry.accounts !== undefined && entry.accounts.length > 0) info.token_req = true;
  if (service) info.response_type = entry.response_type ?? 'Singleton';
  if (entry.response_threshold !== undefined) info.response_threshold = entry.response_threshold;
  if (entry.accounts !== undefined && entry.accounts.length > 0) info.approved_accounts = [...entry.accounts];
  return info;
}

function importInfo(entry: AccountImportOption): Record<string, unknown> {
  if (entry.service !== undefined) {
    return { subject: entry.service.subject, account: entry.service.account, ...(entry.to ? { to: entry.to } : {}), type: 'service', invalid: false, share: entry.share ?? false, tracking: false };
  }
  const stream = entry.stream!;
  const local = entry.to ?? (entry.prefix ? `${entry.prefix}.${stream.subject}` : '');
  return { subject: stream.subject, account: stream.account, ...(local ? { local_subject: local } : {}), type: 'stream', invalid: false, share: false, tracking: false };
}

export function accstatz(server: Server, names: string[], includeUnused: boolean): Record<string, unknown> {
  const accounts = names.length === 0 ? [...server.accounts.values()] : names.flatMap((n) => server.accounts.get(n) ?? []);
  const statz = accounts.filter((a) => includeUnused || a.clients.size > 0).map(accountStat);
  return { server_id: server.id, now: goTime(new Date()), account_statz: statz };
}

/** An account's message counters: the closed connections' (kept on the account) plus the open ones', summed now. */
export interface AccountTraffic {
  inMsgs: number;
  inBytes: number;
  outMsgs: number;
  outBytes: number;
}

export function accountTraffic(account: Account): AccountTraffic {
  const traffic = { inMsgs: account.inMsgs, inBytes: account.inBytes, outMsgs: account.outMsgs, outBytes: account.outBytes };
  for (const client of account.clients) {
    traffic.inMsgs += client.inMsgs;
    traffic.inBytes += client.inBytes;
    traffic.outMsgs += client.outMsgs;
    traffic.outBytes += client.outBytes;
  }
  return traffic;
}

/** Totals: the closed connections' (kept on the account) plus the open ones', summed now. */
export function accountStat(account: Account): Record<string, unknown> {
  const { inMsgs, inBytes, outMsgs, outBytes } = accountTraffic(account);
  return {
    acc: account.name,
    conns: account.clients.size,
    leafnodes: 0,
    total_conns: account.clients.size,
    sent: { msgs: outMsgs, bytes: outBytes },
    received: { msgs: inMsgs, bytes: inBytes },
    slow_consumers: account.slowConsumers,
  };
}

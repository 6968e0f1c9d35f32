// /subsz: the subscription index's statistics and, with subs=1, the client subscriptions (paged, filtered by a test subject).

import type http from 'node:http';
import type { Server } from '../core/server.js';
import type { Account } from '../core/account.js';
import { isValidLiteralSubject, subjectMatches } from '../subjects/subject.js';
import { isInternalRequest, type MonitorServer } from './monitor-server.js';
import { goTime } from './go-format.js';
import { DEFAULT_LIST_SIZE } from './connz.js';
import { MonitorRequestError, queryBool, queryInt } from './query-params.js';

export interface SubszOptions {
  subs: boolean;
  offset: number;
  limit: number;
  test: string;
  acc: string;
}

export function registerSubsz(monitor: MonitorServer): void {
  const handler = (query: URLSearchParams, request: http.IncomingMessage) => {
    const options: SubszOptions = {
      subs: queryBool(query, 'subs'),
      offset: queryInt(query, 'offset'),
      limit: queryInt(query, 'limit'),
      test: query.get('test') ?? '',
      acc: query.get('acc') ?? '',
    };
    const report = subsz(monitor.server, options);
    // Over HTTP, nats-server prints only the statistics when no subscription is listed; over $SYS the whole report.
    if (!isInternalRequest(request) && report.subscriptions_list === undefined) return { body: report.stats };
    return { body: { server_id: report.server_id, now: report.now, ...report.stats, total: report.total, offset: report.offset, limit: report.limit, ...(report.subscriptions_list ? { subscriptions_list: report.subscriptions_list } : {}) } };
  };
  monitor.register('/subsz', handler);
  // nats-server's older name for the same report.
  monitor.register('/subscriptionsz', handler);
}

interface SubszReport {
  server_id: string;
  now: string;
  stats: Record<string, number>;
  total: number;
  offset: number;
  limit: number;
  subscriptions_list?: Record<string, unknown>[];
}

export function subsz(server: Server, options: SubszOptions): SubszReport {
  const offset = Math.max(0, options.offset);
  const limit = options.limit <= 0 ? DEFAULT_LIST_SIZE : options.limit;
  if (options.test !== '' && !isValidLiteralSubject(options.test)) {
    throw new MonitorRequestError(`invalid test subject, must be valid publish subject: ${options.test}`);
  }
  const accounts = [...server.accounts.values()].filter((a) => options.acc === '' || a.name === options.acc);
  const report: SubszReport = { server_id: server.id, now: goTime(new Date()), stats: sublistStats(accounts), total: 0, offset, limit };
  if (!options.subs) return report;
  const details: Record<string, unknown>[] = [];
  for (const account of accounts) {
    for (const sub of account.sublist.all()) {
      // Internal subscriptions (services inside the server) have no connection to report.
      if (sub.client === null) continue;
      if (options.test !== '' && !subjectMatches(sub.subject, options.test)) continue;
      details.push({ account: account.name, subject: sub.subject, ...(sub.queue ? { qgroup: sub.queue } : {}), sid: sub.sid, msgs: sub.delivered, ...(sub.max > 0 ? { max: sub.max } : {}), cid: sub.client.id });
    }
  }
  const page = details.slice(Math.min(offset, details.length), Math.min(offset + limit, details.length));
  // As nats-server: `total` is the size of the page, and an empty page is left out.
  report.total = page.length;
  if (page.length > 0) report.subscriptions_list = page;
  return report;
}

/** The statistics of several accounts' indexes added up, as nats-server adds them. */
export function sublistStats(accounts: Account[]): Record<string, number> {
  let subscriptions = 0, cache = 0, inserts = 0, removes = 0, matches = 0, hits = 0, maxFanout = 0, totalFanout = 0;
  for (const account of accounts) {
    const stats = account.sublist.stats();
    subscriptions += stats.subscriptions;
    cache += stats.cacheEntries;
    inserts += stats.inserts;
    removes += stats.removes;
    matches += stats.matches;
    hits += stats.cacheHits;
    maxFanout = Math.max(maxFanout, stats.maxFanout);
    totalFanout += stats.avgFanout * stats.cacheEntries;
  }
  return {
    num_subscriptions: subscriptions,
    num_cache: cache,
    num_inserts: inserts,
    num_removes: removes,
    num_matches: matches,
    cache_hit_rate: matches > 0 ? hits / matches : 0,
    max_fanout: maxFanout,
    avg_fanout: cache > 0 ? totalFanout / cache : 0,
  };
}

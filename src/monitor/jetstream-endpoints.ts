// JetStream's monitoring reports: /jsz (nats-server's JSInfo) and /healthz.

import type { Server } from '../core/server.js';
import type { JetStream } from '../jetstream/jetstream.js';
import type { EndpointResult, MonitorServer } from './monitor-server.js';
import { queryBool, queryInt } from './query-params.js';
import { healthz } from './healthz.js';
// Types and small helpers only: nothing here loads the JetStream engine when JetStream is off.
import { buildJszReport } from '../jetstream/jsz-report.js';

/** nats-server's default and maximum page of account details. */
const DEFAULT_ACCOUNT_LIMIT = 1024;

export function registerJetStreamEndpoints(monitor: MonitorServer, jetstream: JetStream | null): void {
  const server = monitor.server;
  monitor.register('/jsz', (query) => jsz(server, jetstream, query));
  monitor.register('/healthz', (query) => healthz(server, jetstream, query));
  if (jetstream !== null) monitor.varzSections.set('jetstream', () => varzJetStream(server, jetstream));
}

/** /varz `jetstream`: nats-server puts the /jsz config and totals there (`stats`), without the counts of streams and messages. */
function varzJetStream(server: Server, jetstream: JetStream): Record<string, unknown> {
  const report = buildJszReport(server, jetstream, { account: '', accounts: false, streams: false, consumers: false, config: false, leaderOnly: false, offset: 0, limit: DEFAULT_ACCOUNT_LIMIT });
  return {
    config: report['config'],
    stats: {
      memory: report['memory'], storage: report['storage'], reserved_memory: report['reserved_memory'], reserved_storage: report['reserved_storage'],
      accounts: report['accounts'], ha_assets: report['ha_assets'], api: report['api'],
    },
  };
}

function jsz(server: Server, jetstream: JetStream | null, query: URLSearchParams): EndpointResult {
  const account = query.get('acc') ?? '';
  const consumers = queryBool(query, 'consumers');
  const streams = queryBool(query, 'streams') || consumers;
  const accounts = queryBool(query, 'accounts') || streams || account !== '';
  const config = queryBool(query, 'config');
  const leaderOnly = queryBool(query, 'leader-only');
  const offset = Math.max(0, queryInt(query, 'offset'));
  const limit = queryInt(query, 'limit');
  const report = buildJszReport(server, jetstream, {
    accounts, streams, consumers, config, leaderOnly, account, offset, limit: limit <= 0 ? DEFAULT_ACCOUNT_LIMIT : limit,
  });
  // An object (goJson writes its uint64 bigints exactly), so a $SYS request can nest it in its envelope.
  return { body: report };
}


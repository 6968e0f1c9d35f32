// /routez, /gatewayz and /leafz in the shapes nats-server gives when there are no routes, gateways or leaf nodes.
// The cluster capability replaces these registrations once it has connections to report.

import type { MonitorServer } from './monitor-server.js';
import { goTime } from './go-format.js';
import { queryBool } from './query-params.js';

export function registerRoutez(monitor: MonitorServer): void {
  const server = monitor.server;
  monitor.register('/routez', (query) => {
    // Checked for nats-server's error on a bad value; there is nothing to list yet.
    if ((query.get('subs') ?? '').toLowerCase() !== 'detail') queryBool(query, 'subs');
    return { body: { server_id: server.id, now: goTime(new Date()), num_routes: 0, routes: [] } };
  });
  monitor.register('/gatewayz', (query) => {
    queryBool(query, 'accs');
    return { body: { server_id: server.id, now: goTime(new Date()), outbound_gateways: {}, inbound_gateways: {} } };
  });
  monitor.register('/leafz', (query) => {
    queryBool(query, 'subs');
    return { body: { server_id: server.id, now: goTime(new Date()), leafnodes: 0, leafs: null } };
  });
}

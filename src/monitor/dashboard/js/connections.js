// Connections: a sortable table from /connz; a clicked row shows that connection's subscriptions.

import { getJson } from './api.js';
import { fill, h, SortableTable } from './dom.js';
import { bytes, count } from './format.js';

let table;
let summary;
/** Falls back to ?subs=1 (subjects only) if the server does not know subs=detail. */
let subsParam = 'detail';

export const connections = {
  init(section) {
    table = new SortableTable({
      testid: 'connections-table',
      rowKey: (c) => c.cid,
      sort: { key: 'cid' },
      empty: 'No client connections',
      columns: [
        { key: 'cid', label: 'CID', numeric: true, value: (c) => c.cid },
        { key: 'name', label: 'Name', value: (c) => c.name ?? '' },
        { key: 'addr', label: 'Address', value: (c) => `${c.ip}:${c.port}` },
        { key: 'account', label: 'Account', value: (c) => c.account ?? '$G' },
        { key: 'lang', label: 'Client', value: (c) => [c.lang, c.version].filter(Boolean).join(' ') },
        { key: 'uptime', label: 'Uptime', value: (c) => c.uptime ?? '' },
        { key: 'rtt', label: 'RTT', value: (c) => c.rtt ?? '' },
        { key: 'subs', label: 'Subs', numeric: true, value: (c) => c.subscriptions ?? 0 },
        { key: 'in_msgs', label: 'Msgs in', numeric: true, value: (c) => c.in_msgs, render: (c) => count(c.in_msgs) },
        { key: 'out_msgs', label: 'Msgs out', numeric: true, value: (c) => c.out_msgs, render: (c) => count(c.out_msgs) },
        { key: 'in_bytes', label: 'Bytes in', numeric: true, value: (c) => c.in_bytes, render: (c) => bytes(c.in_bytes) },
        { key: 'out_bytes', label: 'Bytes out', numeric: true, value: (c) => c.out_bytes, render: (c) => bytes(c.out_bytes) },
        { key: 'pending', label: 'Pending', numeric: true, value: (c) => c.pending_bytes ?? 0, render: (c) => bytes(c.pending_bytes ?? 0) },
      ],
      expand: subscriptionsOf,
    });
    summary = h('p', { class: 'muted' });
    fill(section, h('h2', {}, 'Connections'), summary, table.element);
  },

  async refresh() {
    let connz;
    try {
      connz = await getJson(`connz?subs=${subsParam}&auth=1&limit=1024`);
    } catch (err) {
      if (subsParam !== 'detail') throw err;
      subsParam = '1';
      connz = await getJson('connz?subs=1&auth=1&limit=1024');
    }
    fill(summary, `${count(connz.num_connections)} open of ${count(connz.total)} · click a row for its subscriptions · click a heading to sort`);
    table.update(connz.connections ?? []);
  },
};

function subscriptionsOf(c) {
  const detail = c.subscriptions_list_detail ?? (c.subscriptions_list ?? []).map((subject) => ({ subject }));
  if (detail.length === 0) return h('p', { class: 'muted' }, 'No subscriptions');
  return h('table', { class: 'data inner' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Subject'), h('th', {}, 'Queue group'), h('th', { class: 'num' }, 'SID'), h('th', { class: 'num' }, 'Msgs'))),
    h('tbody', {}, [...detail].sort((a, b) => a.subject.localeCompare(b.subject)).map((s) => h('tr', {},
      h('td', { class: 'mono' }, s.subject), h('td', {}, s.qgroup ?? ''), h('td', { class: 'num' }, s.sid ?? ''), h('td', { class: 'num' }, s.msgs === undefined ? '' : count(s.msgs))))));
}

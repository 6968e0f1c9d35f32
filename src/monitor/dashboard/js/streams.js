// Streams: every stream of every account with its state (/jsz); a clicked stream lists its consumers.

import { getJson } from './api.js';
import { fill, h, SortableTable } from './dom.js';
import { bytes, count, time } from './format.js';

let table;
let summary;
/** The latest stream list, shared with the KV browser (buckets are streams named KV_*). */
export let latestStreams = [];

export async function loadStreams() {
  const jsz = await getJson('jsz?accounts=1&streams=1&consumers=1&config=1');
  latestStreams = (jsz.account_details ?? []).flatMap((a) => (a.stream_detail ?? []).map((s) => ({ ...s, account: a.name ?? a.id })));
  return jsz;
}

export const streams = {
  init(section) {
    table = new SortableTable({
      testid: 'streams-table',
      rowKey: (s) => `${s.account}/${s.name}`,
      sort: { key: 'name' },
      empty: 'No streams',
      columns: [
        { key: 'name', label: 'Stream', value: (s) => s.name, render: (s) => h('strong', {}, s.name) },
        { key: 'account', label: 'Account', value: (s) => s.account },
        { key: 'subjects', label: 'Subjects', value: (s) => (s.config?.subjects ?? []).join(', '), render: (s) => h('span', { class: 'mono' }, (s.config?.subjects ?? []).join(', ')) },
        { key: 'storage', label: 'Storage', value: (s) => s.config?.storage ?? '' },
        { key: 'messages', label: 'Messages', numeric: true, value: (s) => s.state?.messages ?? 0, render: (s) => count(s.state?.messages) },
        { key: 'bytes', label: 'Bytes', numeric: true, value: (s) => s.state?.bytes ?? 0, render: (s) => bytes(s.state?.bytes) },
        { key: 'seq', label: 'Seq range', numeric: true, value: (s) => s.state?.last_seq ?? 0, render: (s) => `${count(s.state?.first_seq)} – ${count(s.state?.last_seq)}` },
        { key: 'consumers', label: 'Consumers', numeric: true, value: (s) => s.state?.consumer_count ?? 0 },
        { key: 'last', label: 'Last message', value: (s) => s.state?.last_ts ?? '', render: (s) => time(s.state?.last_ts) },
      ],
      expand: consumersOf,
    });
    summary = h('p', { class: 'muted' });
    fill(section, h('h2', {}, 'Streams'), summary, table.element);
  },

  async refresh() {
    let jsz;
    try { jsz = await loadStreams(); } catch { jsz = null; }
    if (!jsz || jsz.disabled || !jsz.config) {
      fill(summary, 'JetStream is not enabled on this server.');
      return table.update([]);
    }
    fill(summary, `${count(jsz.streams)} streams · ${count(jsz.consumers)} consumers · ${count(jsz.messages)} messages · click a stream for its consumers`);
    table.update(latestStreams);
  },
};

function consumersOf(s) {
  const consumers = s.consumer_detail ?? [];
  if (consumers.length === 0) return h('p', { class: 'muted' }, 'No consumers');
  const head = ['Consumer', 'Type', 'Filter', 'Delivered', 'Ack floor', 'Pending', 'Ack pending', 'Redelivered', 'Waiting'];
  return h('table', { class: 'data inner', 'data-testid': 'consumers-table' },
    h('thead', {}, h('tr', {}, head.map((label, i) => h('th', { class: i > 2 ? 'num' : null }, label)))),
    h('tbody', {}, consumers.map((c) => h('tr', {},
      h('td', {}, h('strong', {}, c.name)),
      h('td', {}, c.config?.durable_name ? 'durable' : 'ephemeral', c.config?.deliver_subject ? ' push' : ' pull'),
      h('td', { class: 'mono' }, c.config?.filter_subject ?? ''),
      h('td', { class: 'num' }, count(c.delivered?.stream_seq)),
      h('td', { class: 'num' }, count(c.ack_floor?.stream_seq)),
      h('td', { class: 'num' }, count(c.num_pending)),
      h('td', { class: 'num' }, count(c.num_ack_pending)),
      h('td', { class: 'num' }, count(c.num_redelivered)),
      h('td', { class: 'num' }, count(c.num_waiting))))));
}

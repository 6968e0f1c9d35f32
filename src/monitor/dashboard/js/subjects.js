// Subjects: every subscription the server holds (/subsz?subs=1), filterable, with the sublist's statistics.

import { getJson } from './api.js';
import { fill, h, SortableTable, stat } from './dom.js';
import { count } from './format.js';

let table;
let stats;
let filter = '';

export const subjects = {
  init(section) {
    table = new SortableTable({
      testid: 'subjects-table',
      rowKey: (s) => `${s.account}|${s.cid}|${s.sid}|${s.subject}`,
      sort: { key: 'subject' },
      empty: 'No subscriptions match',
      columns: [
        { key: 'subject', label: 'Subject', value: (s) => s.subject, render: (s) => h('span', { class: 'mono' }, s.subject) },
        { key: 'qgroup', label: 'Queue group', value: (s) => s.qgroup ?? '' },
        { key: 'account', label: 'Account', value: (s) => s.account ?? '' },
        { key: 'cid', label: 'CID', numeric: true, value: (s) => s.cid ?? 0 },
        { key: 'sid', label: 'SID', value: (s) => s.sid ?? '' },
        { key: 'msgs', label: 'Msgs', numeric: true, value: (s) => s.msgs ?? 0, render: (s) => count(s.msgs ?? 0) },
      ],
    });
    stats = h('div', { class: 'stats' });
    const search = h('input', { type: 'search', placeholder: 'Filter subjects…', 'aria-label': 'Filter subjects', oninput: (e) => { filter = e.target.value.trim(); table.renderBody(); } });
    fill(section, h('h2', {}, 'Subjects'), stats, h('div', { class: 'toolbar' }, search), table.element);
    table.filter = (s) => filter === '' || s.subject.includes(filter) || (s.account ?? '').includes(filter);
  },

  async refresh() {
    const subsz = await getJson('subsz?subs=1&limit=4096');
    fill(stats,
      stat('Subscriptions', count(subsz.num_subscriptions)),
      stat('Cache entries', count(subsz.num_cache)),
      stat('Matches', count(subsz.num_matches), `hit rate ${((subsz.cache_hit_rate ?? 0) * 100).toFixed(1)}%`),
      stat('Fan-out', `${(subsz.avg_fanout ?? 0).toFixed(2)} avg`, `max ${count(subsz.max_fanout)}`),
    );
    table.update(subsz.subscriptions_list ?? []);
  },
};

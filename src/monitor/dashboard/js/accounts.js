// Accounts: the server's accounts (/accountz); a clicked one shows its detail (/accountz?acc=NAME).

import { getJson } from './api.js';
import { fill, h, SortableTable } from './dom.js';
import { count } from './format.js';

let table;
let summary;
/** Details fetched for the rows the user opened, refreshed on each poll. */
const details = new Map();

export const accounts = {
  init(section) {
    table = new SortableTable({
      testid: 'accounts-table',
      rowKey: (a) => a.name,
      sort: { key: 'name' },
      empty: 'No accounts',
      columns: [
        { key: 'name', label: 'Account', value: (a) => a.name, render: (a) => h('span', { class: 'mono' }, a.name) },
        { key: 'role', label: 'Role', value: (a) => a.role },
        { key: 'conns', label: 'Connections', numeric: true, value: (a) => a.conns, render: (a) => count(a.conns) },
      ],
      expand: (a) => describe(details.get(a.name)),
    });
    summary = h('p', { class: 'muted' });
    fill(section, h('h2', {}, 'Accounts'), summary, table.element);
  },

  async refresh() {
    const [accountz, connz] = await Promise.all([getJson('accountz'), getJson('connz?auth=1&limit=1024').catch(() => null)]);
    const conns = new Map();
    for (const c of connz?.connections ?? []) conns.set(c.account ?? '$G', (conns.get(c.account ?? '$G') ?? 0) + 1);
    await Promise.all([...table.expanded].map(async (name) => {
      details.set(name, (await getJson(`accountz?acc=${encodeURIComponent(name)}`).catch(() => null))?.account_detail ?? null);
    }));
    const names = accountz.accounts ?? [];
    fill(summary, `${names.length} accounts · system account ${accountz.system_account ?? '–'} · click a row for details`);
    table.update(names.map((name) => ({
      name,
      role: name === accountz.system_account ? 'system' : name === '$G' ? 'global (default)' : '',
      conns: conns.get(name) ?? 0,
    })));
  },
};

function describe(d) {
  if (d === undefined) return h('p', { class: 'muted' }, 'Loading…');
  if (d === null) return h('p', { class: 'muted' }, 'No detail available');
  const list = (items, render) => (items?.length ? h('ul', {}, items.map((x) => h('li', { class: 'mono' }, render(x)))) : h('span', { class: 'muted' }, 'none'));
  return h('dl', { class: 'kv' },
    h('dt', {}, 'JetStream'), h('dd', {}, d.jetstream_enabled ? 'enabled' : 'disabled'),
    h('dt', {}, 'Subscriptions'), h('dd', {}, count(d.sublist_stats?.num_subscriptions ?? 0)),
    h('dt', {}, 'Exports'), h('dd', {}, list(d.exports, (e) => `${e.subject} (${e.type})`)),
    h('dt', {}, 'Imports'), h('dd', {}, list(d.imports, (i) => `${i.subject} ← ${i.account} (${i.type})`)),
    d.mappings ? [h('dt', {}, 'Mappings'), h('dd', {}, list(Object.keys(d.mappings), (k) => k))] : null,
  );
}

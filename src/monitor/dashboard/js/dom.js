// DOM helpers: build elements with text only (never HTML from the server), and a sortable, expandable table.

/** h('td', {class: 'num'}, 'text', childNode…): attributes starting with 'on' become listeners. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * A table whose sort column and expanded rows survive each refresh. Columns: {key, label, value(row),
 * render?(row), numeric?}. `expand(row)` returns the detail shown under a clicked row.
 */
export class SortableTable {
  constructor({ columns, rowKey, expand, empty = 'Nothing to show', sort, testid }) {
    this.columns = columns;
    this.rowKey = rowKey;
    this.expandRow = expand;
    this.empty = empty;
    this.sortKey = sort?.key ?? columns[0].key;
    this.descending = sort?.descending ?? false;
    this.expanded = new Set();
    this.rows = [];
    /** Optional row predicate, applied when rendering so a search box need not wait for the next poll. */
    this.filter = null;
    this.tbody = h('tbody');
    this.headRow = h('tr');
    this.element = h('div', { class: 'table-wrap' }, h('table', { class: 'data', 'data-testid': testid }, h('thead', {}, this.headRow), this.tbody));
    this.renderHead();
  }

  renderHead() {
    fill(this.headRow, this.expandRow ? h('th', { class: 'toggle' }) : null, this.columns.map((c) => {
      const active = c.key === this.sortKey;
      return h('th', {
        class: [c.numeric ? 'num' : '', 'sortable', active ? 'sorted' : ''].join(' ').trim(),
        'aria-sort': active ? (this.descending ? 'descending' : 'ascending') : null,
        onclick: () => {
          if (this.sortKey === c.key) this.descending = !this.descending;
          else { this.sortKey = c.key; this.descending = !!c.numeric; }
          this.renderHead();
          this.renderBody();
        },
      }, c.label, active ? h('span', { class: 'arrow' }, this.descending ? ' ▾' : ' ▴') : null);
    }));
  }

  update(rows) {
    this.rows = rows;
    this.renderBody();
  }

  renderBody() {
    const column = this.columns.find((c) => c.key === this.sortKey) ?? this.columns[0];
    const sign = this.descending ? -1 : 1;
    const rows = this.filter ? this.rows.filter(this.filter) : this.rows;
    const sorted = [...rows].sort((a, b) => {
      const x = column.value(a);
      const y = column.value(b);
      if (typeof x === 'number' && typeof y === 'number') return (x - y) * sign;
      return String(x ?? '').localeCompare(String(y ?? ''), undefined, { numeric: true }) * sign;
    });
    const width = this.columns.length + (this.expandRow ? 1 : 0);
    if (sorted.length === 0) return fill(this.tbody, h('tr', {}, h('td', { colspan: width, class: 'empty' }, this.empty)));
    fill(this.tbody, sorted.map((row) => {
      const key = String(this.rowKey(row));
      const open = this.expanded.has(key);
      const cells = this.columns.map((c) => h('td', { class: c.numeric ? 'num' : null }, c.render ? c.render(row) : c.value(row)));
      if (!this.expandRow) return h('tr', { 'data-key': key }, cells);
      const toggle = () => {
        if (this.expanded.has(key)) this.expanded.delete(key); else this.expanded.add(key);
        this.renderBody();
      };
      const main = h('tr', { class: open ? 'expandable open' : 'expandable', 'data-key': key, onclick: toggle },
        h('td', { class: 'toggle' }, open ? '▾' : '▸'), cells);
      return open ? [main, h('tr', { class: 'detail' }, h('td', { colspan: width }, this.expandRow(row)))] : main;
    }));
  }
}

/** A small key/value grid of cards. */
export function stat(label, value, hint) {
  return h('div', { class: 'stat' }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value), hint ? h('div', { class: 'hint' }, hint) : null);
}

// Publish / request tester: sends a message through the server (POST api/publish or api/request) and shows the reply.

import { getJson, payloadText, postJson } from './api.js';
import { fill, h } from './dom.js';

let accountSelect;
let result;
let knownAccounts = '';

/** "Key: value" lines -> {Key: [values]}. */
function parseHeaders(text) {
  const headers = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (line.trim() === '' || colon <= 0) continue;
    (headers[line.slice(0, colon).trim()] ??= []).push(line.slice(colon + 1).trim());
  }
  return Object.keys(headers).length ? headers : undefined;
}

export const tester = {
  init(section) {
    accountSelect = h('select', { name: 'account', 'aria-label': 'Account' }, h('option', { value: '' }, '$G (default)'));
    const subject = h('input', { name: 'subject', placeholder: 'orders.new', required: true, autocomplete: 'off', spellcheck: 'false' });
    const headers = h('textarea', { name: 'headers', rows: 2, placeholder: 'Header-Name: value (one per line)', spellcheck: 'false' });
    const payload = h('textarea', { name: 'payload', rows: 5, placeholder: 'payload', spellcheck: 'false' });
    const timeout = h('input', { name: 'timeout', type: 'number', min: 1, max: 30000, value: 2000 });
    result = h('div', { class: 'value-box', 'data-testid': 'tester-result' }, h('p', { class: 'muted' }, 'Results appear here.'));
    const send = async (mode) => {
      const body = { subject: subject.value.trim(), payload: payload.value, headers: parseHeaders(headers.value), account: accountSelect.value || undefined };
      if (mode === 'request') body.timeout_ms = Number(timeout.value) || 2000;
      fill(result, h('p', { class: 'muted' }, 'Sending…'));
      try {
        show(mode, await postJson(`api/${mode}`, body));
      } catch (err) {
        fill(result, h('p', { class: 'error' }, err.message));
      }
    };
    const form = h('form', { class: 'tester', onsubmit: (e) => { e.preventDefault(); void send('request'); } },
      h('label', {}, 'Account', accountSelect),
      h('label', {}, 'Subject', subject),
      h('label', {}, 'Headers', headers),
      h('label', {}, 'Payload', payload),
      h('label', {}, 'Request timeout (ms)', timeout),
      h('div', { class: 'buttons' },
        h('button', { type: 'button', 'data-action': 'publish', onclick: () => void send('publish') }, 'Publish'),
        h('button', { type: 'submit', class: 'primary', 'data-action': 'request' }, 'Request')));
    fill(section, h('h2', {}, 'Publish / Request'),
      h('p', { class: 'muted' }, 'Messages are sent by the server itself. This API answers only on a loopback-bound monitoring port or with monitoring auth.'),
      h('div', { class: 'tester-grid' }, h('div', { class: 'card' }, form), h('div', { class: 'card' }, h('h3', {}, 'Result'), result)));
  },

  async refresh() {
    const accountz = await getJson('accountz').catch(() => null);
    const names = (accountz?.accounts ?? []).filter((n) => n !== '$G');
    // Rebuilt only when the list changes, so an open drop-down is not reset by polling.
    if (names.join('\n') === knownAccounts) return;
    knownAccounts = names.join('\n');
    const current = accountSelect.value;
    fill(accountSelect, h('option', { value: '' }, '$G (default)'), names.map((n) => h('option', { value: n }, n)));
    accountSelect.value = names.includes(current) ? current : '';
  },
};

function show(mode, { ok, status, body }) {
  if (!ok) return fill(result, h('p', { class: 'error', 'data-testid': 'tester-error' }, `${status}: ${body.error ?? 'failed'}`));
  if (mode === 'publish') return fill(result, h('p', { class: 'ok' }, `Published to ${body.subject}`, body.delivered ? ' (delivered)' : ' (no subscribers)'));
  const headers = Object.entries(body.headers ?? {}).flatMap(([k, vs]) => vs.map((v) => `${k}: ${v}`));
  fill(result,
    h('dl', { class: 'kv' },
      h('dt', {}, 'Reply subject'), h('dd', { class: 'mono' }, body.subject),
      body.status ? [h('dt', {}, 'Status'), h('dd', {}, `${body.status} ${body.description ?? ''}`)] : null,
      headers.length ? [h('dt', {}, 'Headers'), h('dd', { class: 'mono' }, headers.join('\n'))] : null),
    h('pre', { class: 'payload', 'data-testid': 'tester-reply' }, payloadText(body)));
}

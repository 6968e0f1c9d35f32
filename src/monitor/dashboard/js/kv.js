// KV browser: buckets are streams named KV_<bucket>; keys come from STREAM.INFO with a subjects filter,
// values from a direct get (or STREAM.MSG.GET) of the last message on $KV.<bucket>.<key>.

import { payloadText, request } from './api.js';
import { fill, h } from './dom.js';
import { count, time } from './format.js';
import { latestStreams, loadStreams } from './streams.js';

let bucketList;
let keyList;
let valueBox;
let notice;
/** What the user picked: {account, stream} and a key; kept across polls. */
let selected = null;
let selectedKey = null;

const bucketOf = (stream) => stream.name.slice(3);

export const kv = {
  init(section) {
    bucketList = h('ul', { class: 'picker', 'data-testid': 'kv-buckets' });
    keyList = h('ul', { class: 'picker', 'data-testid': 'kv-keys' });
    valueBox = h('div', { class: 'value-box', 'data-testid': 'kv-value' }, h('p', { class: 'muted' }, 'Pick a key'));
    notice = h('p', { class: 'muted' });
    fill(section, h('h2', {}, 'Key/Value buckets'), notice,
      h('div', { class: 'kv-grid' },
        h('div', { class: 'card' }, h('h3', {}, 'Buckets'), bucketList),
        h('div', { class: 'card' }, h('h3', {}, 'Keys'), keyList),
        h('div', { class: 'card' }, h('h3', {}, 'Value'), valueBox)));
  },

  async refresh() {
    await loadStreams().catch(() => null);
    const buckets = latestStreams.filter((s) => s.name.startsWith('KV_'));
    fill(notice, buckets.length ? `${buckets.length} bucket${buckets.length === 1 ? '' : 's'} · keys and values are read through the server's publish/request API` : 'No KV buckets (streams named KV_*).');
    fill(bucketList, buckets.map((s) => h('li', {
      class: selected?.stream === s.name && selected?.account === s.account ? 'active' : null,
      onclick: () => { selected = { account: s.account, stream: s.name, direct: !!s.config?.allow_direct }; selectedKey = null; void kv.refresh(); },
    }, h('span', {}, bucketOf(s)), h('span', { class: 'muted small' }, ` ${s.account} · ${count(s.state?.num_subjects ?? s.state?.messages)} keys`))));
    if (!selected) return fill(keyList, h('li', { class: 'muted' }, 'Pick a bucket'));
    await showKeys();
    if (selectedKey !== null) await showValue(selectedKey);
  },
};

async function showKeys() {
  const { account, stream } = selected;
  const prefix = `$KV.${stream.slice(3)}.`;
  let info;
  try {
    info = JSON.parse(payloadText(await request(`$JS.API.STREAM.INFO.${stream}`, JSON.stringify({ subjects_filter: `${prefix}>` }), { account })));
  } catch (err) {
    return fill(keyList, h('li', { class: 'error' }, err.message));
  }
  if (info.error) return fill(keyList, h('li', { class: 'error' }, info.error.description));
  const keys = Object.keys(info.state?.subjects ?? {}).filter((s) => s.startsWith(prefix)).map((s) => s.slice(prefix.length)).sort();
  if (keys.length === 0) return fill(keyList, h('li', { class: 'muted' }, 'No keys'));
  fill(keyList, keys.map((key) => h('li', { class: key === selectedKey ? 'active mono' : 'mono', onclick: () => { selectedKey = key; void kv.refresh(); } }, key)));
}

/** The last entry for a key: its value, revision, time and operation (PUT, DEL, PURGE). */
async function showValue(key) {
  const { account, stream, direct } = selected;
  const subject = `$KV.${stream.slice(3)}.${key}`;
  let entry;
  try {
    entry = direct ? await directGet(stream, subject, account) : await msgGet(stream, subject, account);
  } catch (err) {
    return fill(valueBox, h('p', { class: 'error' }, err.message));
  }
  if (!entry) return fill(valueBox, h('p', { class: 'muted' }, `${key}: not found`));
  fill(valueBox,
    h('dl', { class: 'kv' },
      h('dt', {}, 'Key'), h('dd', { class: 'mono' }, key),
      h('dt', {}, 'Revision'), h('dd', {}, count(entry.revision)),
      h('dt', {}, 'Operation'), h('dd', {}, entry.operation),
      h('dt', {}, 'Updated'), h('dd', {}, time(entry.time))),
    entry.operation === 'PUT' ? h('pre', { class: 'payload', 'data-testid': 'kv-value-text' }, entry.value) : h('p', { class: 'muted' }, 'deleted'));
}

async function directGet(stream, subject, account) {
  const reply = await request(`$JS.API.DIRECT.GET.${stream}`, JSON.stringify({ last_by_subj: subject }), { account });
  if (reply.status === 404) return null;
  if (reply.status) throw new Error(`${reply.status} ${reply.description ?? ''}`);
  const header = (name) => reply.headers?.[name]?.[0];
  return { revision: Number(header('Nats-Sequence')), time: header('Nats-Time-Stamp'), operation: header('KV-Operation') ?? 'PUT', value: payloadText(reply) };
}

async function msgGet(stream, subject, account) {
  const reply = JSON.parse(payloadText(await request(`$JS.API.STREAM.MSG.GET.${stream}`, JSON.stringify({ last_by_subj: subject }), { account })));
  if (reply.error) {
    if (reply.error.code === 404) return null;
    throw new Error(reply.error.description);
  }
  const m = reply.message;
  const hdrs = m.hdrs ? atob(m.hdrs) : '';
  const operation = /KV-Operation:\s*(\w+)/i.exec(hdrs)?.[1] ?? 'PUT';
  return { revision: m.seq, time: m.time, operation, value: payloadText({ payload: m.data ?? '', payload_encoding: 'base64' }) };
}

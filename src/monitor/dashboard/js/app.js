// The dashboard's entry point: tabs, the poll loop, and rates computed from successive /varz snapshots.

import { getJson } from './api.js';
import { fill, h } from './dom.js';
import { duration } from './format.js';
import { overview } from './overview.js';
import { connections } from './connections.js';
import { subjects } from './subjects.js';
import { accounts } from './accounts.js';
import { streams } from './streams.js';
import { kv } from './kv.js';
import { tester } from './tester.js';

const POLL_MS = 1500;
const HISTORY = 80;
const views = { overview, connections, subjects, accounts, streams, kv, tester };
/** Shared with the views: the latest /varz, rates, and their recent history for the charts. */
const state = { varz: null, rates: null, history: [] };
let previous = null;
let active = 'overview';

for (const [id, view] of Object.entries(views)) view.init(document.getElementById(id), state);

function selectTab() {
  const wanted = location.hash.slice(1);
  active = views[wanted] ? wanted : 'overview';
  for (const a of document.querySelectorAll('#tabs a')) a.classList.toggle('active', a.dataset.tab === active);
  for (const id of Object.keys(views)) document.getElementById(id).hidden = id !== active;
  void tick();
}
window.addEventListener('hashchange', selectTab);

/** Per-second rates between two /varz snapshots, using the server's own clock ("now"). */
function ratesBetween(a, b) {
  const seconds = (Date.parse(b.now) - Date.parse(a.now)) / 1000;
  if (!(seconds > 0)) return null;
  const per = (key) => Math.max(0, (b[key] - a[key]) / seconds);
  return { inMsgs: per('in_msgs'), outMsgs: per('out_msgs'), inBytes: per('in_bytes'), outBytes: per('out_bytes') };
}

function setStatus(ok, text) {
  const el = document.getElementById('status');
  el.classList.toggle('ok', ok);
  el.classList.toggle('down', !ok);
  document.getElementById('status-text').textContent = text;
}

let running = false;
async function tick() {
  if (running) return;
  running = true;
  try {
    const varz = await getJson('varz');
    if (previous) {
      const rates = ratesBetween(previous, varz);
      if (rates) {
        state.rates = rates;
        state.history.push(rates);
        if (state.history.length > HISTORY) state.history.shift();
      }
    }
    previous = varz;
    state.varz = varz;
    fill(document.getElementById('server-title'), h('strong', {}, varz.server_name), h('span', { class: 'muted' }, ` v${varz.version} · up ${varz.uptime ?? duration((Date.parse(varz.now) - Date.parse(varz.start)) / 1000)}`));
    await views[active].refresh(state);
    setStatus(true, 'live');
  } catch (err) {
    setStatus(false, `offline: ${err.message}`);
  } finally {
    running = false;
  }
}

selectTab();
setInterval(() => void tick(), POLL_MS);

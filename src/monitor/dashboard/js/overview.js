// Overview: the server's counters and live message/byte rates, plus a JetStream summary.

import { getJson } from './api.js';
import { fill, h, stat } from './dom.js';
import { byteRate, bytes, count, rate } from './format.js';

let root;
let cards;
let chart;
let jsBox;

export const overview = {
  init(section) {
    root = section;
    cards = h('div', { class: 'stats', 'data-testid': 'overview-stats' });
    chart = h('div', { class: 'chart' });
    jsBox = h('div', { class: 'stats' });
    fill(root, h('h2', {}, 'Server'), cards, h('h2', {}, 'Messages per second'), chart, h('h2', {}, 'JetStream'), jsBox);
  },

  async refresh(state) {
    const v = state.varz;
    const r = state.rates;
    fill(cards,
      stat('Connections', count(v.connections), `${count(v.total_connections)} total`),
      stat('Subscriptions', count(v.subscriptions)),
      stat('Messages in', r ? rate(r.inMsgs) : '…', `${count(v.in_msgs)} total`),
      stat('Messages out', r ? rate(r.outMsgs) : '…', `${count(v.out_msgs)} total`),
      stat('Bytes in', r ? byteRate(r.inBytes) : '…', bytes(v.in_bytes)),
      stat('Bytes out', r ? byteRate(r.outBytes) : '…', bytes(v.out_bytes)),
      stat('Memory', bytes(v.mem), `${v.cores ?? '?'} cores · CPU ${v.cpu ?? 0}%`),
      stat('Slow consumers', count(v.slow_consumers)),
      stat('Max payload', bytes(v.max_payload), `clients on ${v.host}:${v.port}`),
    );
    fill(chart, sparkline(state.history));
    let jsz = null;
    try { jsz = await getJson('jsz'); } catch { /* JetStream may be off, or /jsz not served */ }
    if (!jsz || jsz.disabled || !jsz.config) return fill(jsBox, h('p', { class: 'muted' }, 'JetStream is not enabled on this server.'));
    fill(jsBox,
      stat('Streams', count(jsz.streams)),
      stat('Consumers', count(jsz.consumers)),
      stat('Messages', count(jsz.messages), bytes(jsz.bytes)),
      stat('Storage', bytes(jsz.storage), `of ${bytes(jsz.config.max_storage)}`),
      stat('Memory', bytes(jsz.memory), `of ${bytes(jsz.config.max_memory)}`),
      stat('API', count(jsz.api?.total), `${count(jsz.api?.errors)} errors`),
    );
  },
};

const SVG = 'http://www.w3.org/2000/svg';

/** Two lines (in, out) over the recent history, drawn as SVG (no inline script or style needed). */
function sparkline(history) {
  const width = 800;
  const height = 120;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('class', 'spark');
  const max = Math.max(1, ...history.flatMap((p) => [p.inMsgs, p.outMsgs]));
  const line = (key, cls) => {
    const path = document.createElementNS(SVG, 'polyline');
    // Newest sample at the right edge, so the chart fills from the right as history accumulates.
    const step = width / 79;
    const last = history.length - 1;
    path.setAttribute('points', history.map((p, i) => `${(width - (last - i) * step).toFixed(1)},${(height - 4 - (p[key] / max) * (height - 8)).toFixed(1)}`).join(' '));
    path.setAttribute('class', cls);
    svg.append(path);
  };
  line('inMsgs', 'in');
  line('outMsgs', 'out');
  return h('div', {}, svg, h('div', { class: 'legend' }, h('span', { class: 'key in' }, 'in'), h('span', { class: 'key out' }, 'out'), h('span', { class: 'muted' }, ` peak ${rate(max)}`)));
}

// The stress table: a stopped subscriber beside a fast one, a 50 M message soak, 10,000 subscribed connections.
import type { BenchCase } from './cases.js';
import { formatValue, headerLines, median, type RunRecord, type SuiteInfo } from './report.js';
import type { ServerKind } from './servers.js';

interface Cell {
  value: number | null;
  text: string;
}

interface StressRow {
  /** The case whose runs the row reads (for the invalid-run count and the CPU columns). */
  caseId: string;
  title: string;
  figure: string;
  /** null: no "Natrium vs nats" ratio (a trend, a count). */
  higherIsBetter: boolean | null;
  /** The cell of one server, from the valid runs of any case (`runs(id)`). */
  cell(runs: (caseId: string) => RunRecord[]): Cell;
}

function values(records: RunRecord[], field: string): number[] {
  return records.map((r) => r[field]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

function medianCell(caseId: string, field: string, unit: 'msgs/s' | 'MiB' | 'KiB'): (runs: (id: string) => RunRecord[]) => Cell {
  return (runs) => {
    const value = median(values(runs(caseId), field));
    return { value, text: formatValue(value, unit) };
  };
}

/** The fast subscriber's rate beside a stopped one ÷ its rate alone, from the medians. */
function ratioCell(runs: (id: string) => RunRecord[]): Cell {
  const beside = median(values(runs('slowfast'), 'delivered_msgs_per_s'));
  const alone = median(values(runs('fastalone'), 'delivered_msgs_per_s'));
  if (beside === null || alone === null || alone === 0) return { value: null, text: '—' };
  const ratio = beside / alone;
  return { value: ratio, text: `${ratio.toFixed(2)}${ratio < 0.9 ? ' (fails)' : ''}` };
}

/** "cut after 712 ms (3/3, MaxPending)": the median time of the runs in which the server cut it. */
function cutCell(runs: (id: string) => RunRecord[]): Cell {
  const all = runs('slowfast');
  if (all.length === 0) return { value: null, text: '—' };
  const cutRuns = all.filter((r) => typeof r.slow_cut_ms === 'number');
  if (cutRuns.length === 0) return { value: null, text: `not cut (0/${all.length})` };
  const ms = median(values(cutRuns, 'slow_cut_ms'))!;
  const reasons = [...new Set(cutRuns.map((r) => String(r.slow_cut_reason ?? '').split(' ')[0]))].join(', ');
  return { value: ms, text: `${ms.toFixed(0)} ms (${cutRuns.length}/${all.length}, ${reasons})` };
}

/** Delivery with the reports polled ÷ delivery with the port open and unpolled. */
function monitoringCell(runs: (id: string) => RunRecord[]): Cell {
  const polled = median(values(runs('monpolled'), 'delivered_msgs_per_s'));
  const quiet = median(values(runs('monquiet'), 'delivered_msgs_per_s'));
  if (polled === null || quiet === null || quiet === 0) return { value: null, text: '—' };
  const ratio = polled / quiet;
  return { value: ratio, text: ratio.toFixed(2) };
}

function trendCell(runs: (id: string) => RunRecord[]): Cell {
  const slopes = values(runs('soak'), 'rss_slope_mib_per_10m');
  const value = median(slopes);
  if (value === null) return { value: null, text: '—' };
  const range = slopes.length > 1 ? ` (runs ${Math.min(...slopes).toFixed(1)} to ${Math.max(...slopes).toFixed(1)})` : '';
  return { value, text: `${value >= 0 ? '+' : ''}${value.toFixed(1)}${range}` };
}

const ROWS: StressRow[] = [
  { caseId: 'fastalone', title: 'fast subscriber alone, 16 B, 10 s', figure: 'delivered, msgs/s', higherIsBetter: true, cell: medianCell('fastalone', 'delivered_msgs_per_s', 'msgs/s') },
  { caseId: 'slowfast', title: 'fast subscriber beside a stopped one', figure: 'delivered, msgs/s', higherIsBetter: true, cell: medianCell('slowfast', 'delivered_msgs_per_s', 'msgs/s') },
  { caseId: 'slowfast', title: '', figure: 'beside ÷ alone (0.90 or more required)', higherIsBetter: true, cell: ratioCell },
  { caseId: 'slowfast', title: '', figure: 'stopped subscriber cut after (median)', higherIsBetter: null, cell: cutCell },
  { caseId: 'slowfast', title: '', figure: 'publisher, msgs/s', higherIsBetter: true, cell: medianCell('slowfast', 'pub_msgs_per_s', 'msgs/s') },
  { caseId: 'soak', title: 'soak: pub→1 sub 16 B, 50 M msgs', figure: 'delivered, msgs/s', higherIsBetter: true, cell: medianCell('soak', 'delivered_msgs_per_s', 'msgs/s') },
  { caseId: 'soak', title: '', figure: 'RSS at start, MiB (lower is better)', higherIsBetter: false, cell: medianCell('soak', 'rss_kb_start', 'MiB') },
  { caseId: 'soak', title: '', figure: 'RSS max, MiB (lower is better)', higherIsBetter: false, cell: medianCell('soak', 'rss_kb_max', 'MiB') },
  { caseId: 'soak', title: '', figure: 'RSS at end, MiB (lower is better)', higherIsBetter: false, cell: medianCell('soak', 'rss_kb_end', 'MiB') },
  { caseId: 'soak', title: '', figure: 'RSS trend of the last half, MiB per 10 M msgs', higherIsBetter: null, cell: trendCell },
  { caseId: 'monquiet', title: 'pub→1 sub 16 B, monitoring port open', figure: 'delivered, msgs/s', higherIsBetter: true, cell: medianCell('monquiet', 'delivered_msgs_per_s', 'msgs/s') },
  { caseId: 'monpolled', title: 'the same, 6 reports polled every 50 ms', figure: 'delivered, msgs/s', higherIsBetter: true, cell: medianCell('monpolled', 'delivered_msgs_per_s', 'msgs/s') },
  { caseId: 'monpolled', title: '', figure: 'polled ÷ open', higherIsBetter: true, cell: monitoringCell },
  { caseId: 'monpolled', title: '', figure: 'reports served during the run', higherIsBetter: null, cell: medianCell('monpolled', 'monitor_requests', 'msgs/s') },
  { caseId: 'conns10k_msgs', title: '10,000 subscribed connections, 16 B', figure: 'shared subject, delivered, msgs/s', higherIsBetter: true, cell: medianCell('conns10k_msgs', 'shared_msgs_per_s', 'msgs/s') },
  { caseId: 'conns10k_msgs', title: '', figure: 'own subjects, delivered, msgs/s', higherIsBetter: true, cell: medianCell('conns10k_msgs', 'own_msgs_per_s', 'msgs/s') },
  { caseId: 'conns10k_msgs', title: '', figure: 'RSS connected, MiB (lower is better)', higherIsBetter: false, cell: medianCell('conns10k_msgs', 'rss_kb_connected', 'MiB') },
  { caseId: 'conns10k_msgs', title: '', figure: 'RSS peak, MiB (lower is better)', higherIsBetter: false, cell: medianCell('conns10k_msgs', 'rss_kb_peak', 'MiB') },
  { caseId: 'conns10k_msgs', title: '', figure: 'RSS per connection, KiB (lower is better)', higherIsBetter: false, cell: medianCell('conns10k_msgs', 'rss_kb_per_conn', 'KiB') },
];

const HEADINGS = ['case', 'figure', 'nats-server', 'Natrium', 'Natrium vs nats', 'server CPU %', 'other CPU %'];

/** The stress rows of the cases that ran, as a Markdown (or plain text) table with the suite's header. */
export function renderStress(cases: BenchCase[], records: RunRecord[], info: SuiteInfo, markdown: boolean): string {
  const ran = new Set(cases.map((c) => c.id));
  const table: string[][] = [];
  for (const row of ROWS) {
    if (!ran.has(row.caseId)) continue;
    const side = (server: ServerKind) => {
      const runs = (id: string) => records.filter((r) => r.case === id && r.server === server && r.ok);
      const all = records.filter((r) => r.case === row.caseId && r.server === server);
      const cell = row.cell(runs);
      const invalid = all.length - runs(row.caseId).length;
      const cpu = (field: string) => median(values(runs(row.caseId), field));
      return { cell, text: all.length === 0 ? 'not run' : invalid > 0 ? `${cell.text} (${invalid}/${all.length} invalid)` : cell.text, cpu };
    };
    const nats = side('nats');
    const natrium = side('natrium');
    let relative = '—';
    const a = nats.cell.value;
    const b = natrium.cell.value;
    if (row.higherIsBetter !== null && a !== null && b !== null && a > 0 && b > 0) relative = `${(row.higherIsBetter ? b / a : a / b).toFixed(2)}×`;
    const pair = (field: string) => {
      const f = (v: number | null) => (v === null ? '—' : String(Math.round(v) || 0));
      return row.title === '' ? '' : `${f(nats.cpu(field))} / ${f(natrium.cpu(field))}`;
    };
    table.push([row.title, row.figure, nats.text, natrium.text, relative, pair('server_cpu_pct'), pair('other_cpu_pct')]);
  }
  const header = headerLines(info);
  if (markdown) {
    const md = (r: string[]) => `| ${r.join(' | ')} |`;
    return [...header.map((l) => `- ${l}`), '', md(HEADINGS), md(HEADINGS.map((_, col) => (col >= 2 ? '---:' : '---'))), ...table.map(md), ''].join('\n');
  }
  const widths = HEADINGS.map((_, col) => Math.max(...[HEADINGS, ...table].map((r) => r[col].length)));
  const line = (r: string[]) => r.map((c, col) => (col >= 2 ? c.padStart(widths[col]) : c.padEnd(widths[col]))).join('  ');
  return [...header, '', line(HEADINGS), widths.map((w) => '-'.repeat(w)).join('  '), ...table.map(line), ''].join('\n');
}

// Turns the raw runs into one table (medians per server, ratio, CPU split) as text or Markdown.
import type { BenchCase, Metric, Unit } from './cases.js';
import type { MachineInfo } from './machine.js';
import type { ServerKind } from './servers.js';

export interface RunRecord {
  case: string;
  server: ServerKind;
  rep: number;
  bg_busy_pct: number;
  ok: boolean;
  [field: string]: unknown;
}

export interface SuiteInfo {
  machine: MachineInfo;
  repeats: number;
  scale: number;
  quietMaxPct: number;
  quietWaitedS: number;
  /** Runs redone because other load took more than quietMaxPct during them. */
  discarded: number;
  durationS: number;
}

interface Side {
  median: number | null;
  valid: number;
  runs: number;
  loadgenCpu: number | null;
  serverCpu: number | null;
  otherCpu: number | null;
}

export interface Row {
  title: string;
  metric: Metric;
  nats: Side;
  natrium: Side;
  /** >1: Natrium better. Throughput: Natrium/nats; latency, memory, time: nats/Natrium. */
  relative: number | null;
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function numbers(records: RunRecord[], field: string): number[] {
  return records.map((r) => r[field]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

function side(records: RunRecord[], metric: Metric): Side {
  const valid = records.filter((r) => r.ok);
  return {
    median: median(numbers(valid, metric.field)),
    valid: valid.length,
    runs: records.length,
    loadgenCpu: median(numbers(valid, 'client_cpu_pct')),
    serverCpu: median(numbers(valid, 'server_cpu_pct')),
    otherCpu: median(numbers(valid, 'other_cpu_pct')),
  };
}

export function summarize(cases: BenchCase[], records: RunRecord[]): Row[] {
  const rows: Row[] = [];
  for (const benchCase of cases) {
    const mine = records.filter((r) => r.case === benchCase.id);
    for (const metric of benchCase.metrics) {
      const nats = side(mine.filter((r) => r.server === 'nats'), metric);
      const natrium = side(mine.filter((r) => r.server === 'natrium'), metric);
      let relative: number | null = null;
      if (nats.median !== null && natrium.median !== null && nats.median > 0 && natrium.median > 0) {
        relative = metric.higherIsBetter ? natrium.median / nats.median : nats.median / natrium.median;
      }
      rows.push({ title: benchCase.title, metric, nats, natrium, relative });
    }
  }
  return rows;
}

export function formatValue(value: number | null, unit: Unit): string {
  if (value === null) return '—';
  switch (unit) {
    case 'msgs/s':
      if (value >= 1e6) return `${(value / 1e6).toFixed(2)} M`;
      if (value >= 1e3) return `${(value / 1e3).toFixed(0)} k`;
      return value.toFixed(0);
    case 'µs':
      return value >= 100 ? value.toFixed(0) : value.toFixed(1);
    case 'KiB':
      return value.toFixed(1);
    case 'MiB':
      return (value / 1024).toFixed(1);
    case 'ms':
      return value.toFixed(1);
  }
}

function sideCell(s: Side, unit: Unit): string {
  const text = formatValue(s.median, unit);
  if (s.runs === 0) return 'not run';
  return s.valid < s.runs ? `${text} (${s.runs - s.valid}/${s.runs} invalid)` : text;
}

function cpuPair(a: number | null, b: number | null): string {
  const f = (v: number | null) => (v === null ? '—' : String(Math.round(v) || 0)); // no "-0"
  return a === null && b === null ? '' : `${f(a)} / ${f(b)}`;
}

const HEADINGS = ['case', 'figure', 'nats-server', 'Natrium', 'Natrium vs nats', 'loadgen CPU %', 'server CPU %', 'other CPU %'];

function cells(rows: Row[]): string[][] {
  return rows.map((row) => [
    row.title,
    `${row.metric.label ? row.metric.label + ', ' : ''}${row.metric.unit}${row.metric.higherIsBetter ? '' : ' (lower is better)'}`,
    sideCell(row.nats, row.metric.unit),
    sideCell(row.natrium, row.metric.unit),
    row.relative === null ? '—' : `${row.relative.toFixed(2)}×`,
    cpuPair(row.nats.loadgenCpu, row.natrium.loadgenCpu),
    cpuPair(row.nats.serverCpu, row.natrium.serverCpu),
    cpuPair(row.nats.otherCpu, row.natrium.otherCpu),
  ]);
}

export function headerLines(info: SuiteInfo): string[] {
  const m = info.machine;
  return [
    `date: ${m.date}; commit: ${m.commit}`,
    `machine: ${m.cpuModel}, ${m.cores} cores, ${m.ramGiB} GiB RAM; ${m.os}, kernel ${m.kernel}`,
    `Node ${m.node}; nats-server ${m.natsServer}; loadgen built with ${m.compiler}`,
    `${info.repeats} runs per server and case, alternating nats-server / Natrium, a fresh server per run; BENCH_SCALE ${info.scale}; ` +
      `quiet-wait below ${info.quietMaxPct} % busy (waited ${info.quietWaitedS.toFixed(0)} s in all), ` +
      `${info.discarded} run(s) redone for other load above ${info.quietMaxPct} % during them; suite took ${(info.durationS / 60).toFixed(1)} min`,
  ];
}

const LEGEND =
  'Medians of the valid runs. "Natrium vs nats" is Natrium ÷ nats-server for throughput and nats-server ÷ Natrium for ' +
  'latency, memory and time, so above 1 means Natrium is better and below 1 worse. CPU columns are medians in % of one core ' +
  '(nats-server run / Natrium run; the machine has cores × 100 %); "other" is machine busy minus loadgen minus server.';

export function renderText(rows: Row[], info: SuiteInfo): string {
  const table = [HEADINGS, ...cells(rows)];
  const widths = HEADINGS.map((_, col) => Math.max(...table.map((r) => r[col].length)));
  const numeric = (col: number) => col >= 2;
  const line = (r: string[]) => r.map((c, col) => (numeric(col) ? c.padStart(widths[col]) : c.padEnd(widths[col]))).join('  ');
  return [...headerLines(info), '', line(HEADINGS), widths.map((w) => '-'.repeat(w)).join('  '), ...table.slice(1).map(line), '', LEGEND, ''].join('\n');
}

export function renderMarkdown(rows: Row[], info: SuiteInfo): string {
  const header = headerLines(info).map((l) => `- ${l}`);
  const align = HEADINGS.map((_, col) => (col >= 2 ? '---:' : '---'));
  const md = (r: string[]) => `| ${r.join(' | ')} |`;
  return [...header, '', md(HEADINGS), md(align), ...cells(rows).map(md), '', LEGEND, ''].join('\n');
}

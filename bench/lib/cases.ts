// The end-to-end cases: what the generator runs for each, and which figure of its JSON the table shows.

/** How a figure is shown; 'MiB' shows a KiB field in MiB. */
export type Unit = 'msgs/s' | 'µs' | 'KiB' | 'MiB' | 'ms';

export interface Metric {
  /** Row label, e.g. "p50" (empty when the case has one figure). */
  label: string;
  /** The JSON field of the run. */
  field: string;
  unit: Unit;
  higherIsBetter: boolean;
}

export interface BenchCase {
  id: string;
  title: string;
  /** `loadgen`: one generator run per measurement; `idle_rss` and `startup` are handled by the runner. */
  kind: 'loadgen' | 'idle_rss' | 'startup';
  mode?: 'pub' | 'pubsub' | 'queue' | 'reqrep' | 'conns';
  /** Generator flags other than -n, -p and -x. */
  args: string[];
  /** Messages per publisher (-n) at BENCH_SCALE=1: sized so a Natrium run lasts about 1–3 s. 0: no -n. */
  count: number;
  /** Do an unrecorded run at a tenth of the count first (the server's JIT and buffers warm up). */
  warmup: boolean;
  metrics: Metric[];
}

const published = (label = ''): Metric => ({ label, field: 'pub_msgs_per_s', unit: 'msgs/s', higherIsBetter: true });
const delivered = (label = ''): Metric => ({ label, field: 'delivered_msgs_per_s', unit: 'msgs/s', higherIsBetter: true });

export const CASES: BenchCase[] = [
  { id: 'pub16', title: 'pub 16 B', kind: 'loadgen', mode: 'pub', args: ['-s', '16'], count: 10_000_000, warmup: true, metrics: [published()] },
  { id: 'pub128', title: 'pub 128 B', kind: 'loadgen', mode: 'pub', args: ['-s', '128'], count: 8_000_000, warmup: true, metrics: [published()] },
  { id: 'pub1k', title: 'pub 1 KiB', kind: 'loadgen', mode: 'pub', args: ['-s', '1024'], count: 4_000_000, warmup: true, metrics: [published()] },
  { id: 'ps1_16', title: 'pub→1 sub 16 B', kind: 'loadgen', mode: 'pubsub', args: ['-s', '16', '-k', '1'], count: 6_000_000, warmup: true, metrics: [delivered('delivered')] },
  { id: 'ps4_16', title: 'pub→4 subs 16 B', kind: 'loadgen', mode: 'pubsub', args: ['-s', '16', '-k', '4'], count: 3_000_000, warmup: true, metrics: [delivered('delivered')] },
  { id: 'ps1_1k', title: 'pub→1 sub 1 KiB', kind: 'loadgen', mode: 'pubsub', args: ['-s', '1024', '-k', '1'], count: 2_000_000, warmup: true, metrics: [delivered('delivered')] },
  { id: 'queue4_16', title: 'queue group of 4, 16 B', kind: 'loadgen', mode: 'queue', args: ['-s', '16', '-k', '4'], count: 6_000_000, warmup: true, metrics: [delivered('delivered')] },
  { id: 'ps2p1_16', title: '2 pubs→1 sub 16 B', kind: 'loadgen', mode: 'pubsub', args: ['-s', '16', '-k', '1', '-P', '2'], count: 3_000_000, warmup: true, metrics: [delivered('delivered')] },
  { id: 'pub2p16', title: 'pub 16 B, 2 publishers', kind: 'loadgen', mode: 'pub', args: ['-s', '16', '-P', '2'], count: 6_000_000, warmup: true, metrics: [published()] },
  {
    id: 'reqrep', title: 'request/reply 16 B, sequential', kind: 'loadgen', mode: 'reqrep', args: ['-s', '16', '-w', '100'], count: 10_000, warmup: true,
    metrics: [
      { label: 'p50', field: 'p50_us', unit: 'µs', higherIsBetter: false },
      { label: 'p99', field: 'p99_us', unit: 'µs', higherIsBetter: false },
    ],
  },
  {
    id: 'conns10k', title: '10,000 idle connections', kind: 'loadgen', mode: 'conns', args: ['-c', '10000', '-T', '2', '-H', '1'], count: 0, warmup: false,
    metrics: [{ label: 'RSS per conn', field: 'rss_kb_per_conn', unit: 'KiB', higherIsBetter: false }],
  },
  { id: 'idle_rss', title: 'idle RSS 1 s after start', kind: 'idle_rss', args: [], count: 0, warmup: false, metrics: [{ label: 'VmRSS', field: 'rss_kb', unit: 'MiB', higherIsBetter: false }] },
  { id: 'startup', title: 'start → first INFO', kind: 'startup', args: ['-r', '5'], count: 0, warmup: false, metrics: [{ label: 'median of 5', field: 'median_ms', unit: 'ms', higherIsBetter: false }] },
];

/** The cases named in BENCH_CASES (comma-separated ids), or all. Unknown names are an error. */
export function selectCases(list: string | undefined): BenchCase[] {
  if (!list || list.trim() === '') return CASES;
  const wanted = list.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = wanted.filter((id) => !CASES.some((c) => c.id === id));
  if (unknown.length > 0) throw new Error(`unknown case(s) ${unknown.join(', ')}; known: ${CASES.map((c) => c.id).join(', ')}`);
  return CASES.filter((c) => wanted.includes(c.id));
}

/** -n for a case at a scale; at least 1000 so tiny scales still measure something. */
export function scaledCount(benchCase: BenchCase, scale: number): number {
  return Math.max(1000, Math.round(benchCase.count * scale));
}

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
  /**
   * 'stress' cases get their own table (bench/lib/stress-report.ts), 'js' cases theirs (servers run JetStream in a
   * fresh store directory); the others make the main one.
   */
  group?: 'stress' | 'js';
  /** `loadgen`: one generator run per measurement; `idle_rss` and `startup` are handled by the runner. */
  kind: 'loadgen' | 'idle_rss' | 'startup';
  mode?: 'pub' | 'pubsub' | 'queue' | 'reqrep' | 'conns' | 'slowfast' | 'connsmsgs' | 'jspub' | 'jssync' | 'jsconsume' | 'kv';
  /** Generator flags other than -n, -p and -x. */
  args: string[];
  /** Messages per publisher (-n) at BENCH_SCALE=1: sized so a Natrium run lasts about 1–3 s. 0: no -n. */
  count: number;
  /** The smallest -n a low BENCH_SCALE may give (1000 unless set). */
  minCount?: number;
  /** Do an unrecorded run first (the server's JIT and buffers warm up): a tenth of the count, or `warmupArgs`. */
  warmup: boolean;
  /** Flags that turn the case's own into the warm-up's (they come last and win), instead of a tenth of -n. */
  warmupArgs?: string[];
  /** Warm-up runs, each a new generator with new connections (1 unless set). */
  warmupRuns?: number;
  /** A configuration file both servers start with (`-c`), e.g. a smaller max_pending. */
  config?: string;
  /** Open a monitoring port (`http:`), and poll its reports every this many ms during the recorded run (0: open, not polled). */
  monitorPollMs?: number;
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
    // Warmed up by 3 sessions of 5,000 requests: new connections take code paths V8 compiled without (a SUB, a
    // cache refilling after the last session's subscriptions left), so the first session after one warm-up still
    // deoptimizes and recompiles the hot path, which shows as 1–7 ms requests.
    id: 'reqrep', title: 'request/reply 16 B, sequential', kind: 'loadgen', mode: 'reqrep', args: ['-s', '16', '-w', '100'], count: 10_000,
    warmup: true, warmupArgs: ['-n', '5000'], warmupRuns: 3,
    metrics: [
      { label: 'p50', field: 'p50_us', unit: 'µs', higherIsBetter: false },
      { label: 'p99', field: 'p99_us', unit: 'µs', higherIsBetter: false },
      { label: 'p99.9', field: 'p999_us', unit: 'µs', higherIsBetter: false },
      { label: 'max', field: 'max_us', unit: 'µs', higherIsBetter: false },
    ],
  },
  {
    id: 'conns10k', title: '10,000 idle connections', kind: 'loadgen', mode: 'conns', args: ['-c', '10000', '-T', '2', '-H', '1'], count: 0, warmup: false,
    metrics: [{ label: 'RSS per conn', field: 'rss_kb_per_conn', unit: 'KiB', higherIsBetter: false }],
  },
  // Stress (issue 3: no degradation under stress). A subscriber that stopped reading must not slow down one
  // that reads: the same 10 s run with and without it; max_pending 8 MB so it is cut early.
  {
    id: 'fastalone', title: 'fast subscriber alone, 16 B for 10 s', group: 'stress', kind: 'loadgen', mode: 'slowfast', args: ['-s', '16', '-k', '0', '-D', '10', '-t', '30'],
    count: 0, warmup: true, warmupArgs: ['-D', '1'], config: 'max_pending: 8MB\n', metrics: [delivered('fast subscriber')],
  },
  {
    id: 'slowfast', title: 'fast subscriber beside a stopped one, 16 B for 10 s', group: 'stress', kind: 'loadgen', mode: 'slowfast', args: ['-s', '16', '-k', '1', '-D', '10', '-t', '30'],
    count: 0, warmup: true, warmupArgs: ['-D', '1'], config: 'max_pending: 8MB\n', metrics: [delivered('fast subscriber')],
  },
  // 50 M messages with the server's RSS sampled every second: memory must stay flat.
  {
    id: 'soak', title: 'soak: pub→1 sub 16 B, 50 M msgs', group: 'stress', kind: 'loadgen', mode: 'pubsub', args: ['-s', '16', '-k', '1', '-R', '1000'], count: 50_000_000, warmup: true,
    metrics: [delivered('delivered'), { label: 'RSS end', field: 'rss_kb_end', unit: 'MiB', higherIsBetter: false }],
  },
  // 10,000 connections on one shared subject and each on its own: every one must get every message.
  {
    id: 'conns10k_msgs', title: '10,000 subscribed connections, 16 B', group: 'stress', kind: 'loadgen', mode: 'connsmsgs', args: ['-c', '10000', '-O', '20', '-s', '16'],
    count: 300, minCount: 10, warmup: true, warmupArgs: ['-c', '1000', '-n', '30', '-O', '2'],
    metrics: [{ label: 'shared subject, delivered', field: 'shared_msgs_per_s', unit: 'msgs/s', higherIsBetter: true }],
  },
  // Monitoring under load (issue 6): the same delivery with a monitoring port open, then with its reports
  // (/varz, /connz?subs=1, /subsz?subs=1, /jsz, /healthz, /metrics) polled every 50 ms as a dashboard would.
  {
    id: 'monquiet', title: 'pub→1 sub 16 B, monitoring port open', group: 'stress', kind: 'loadgen', mode: 'pubsub', args: ['-s', '16', '-k', '1'], count: 6_000_000, warmup: true,
    monitorPollMs: 0, metrics: [delivered('delivered')],
  },
  {
    id: 'monpolled', title: 'pub→1 sub 16 B, reports polled every 50 ms', group: 'stress', kind: 'loadgen', mode: 'pubsub', args: ['-s', '16', '-k', '1'], count: 6_000_000, warmup: true,
    monitorPollMs: 50, metrics: [delivered('delivered')],
  },
  // JetStream (group 'js'): both servers with JetStream on and a fresh store directory per run; the stream is
  // created through the JetStream API before the timed part. Sized for about 3 minutes for the group.
  {
    id: 'jspub16_file', title: 'JS async pub 16 B, file', group: 'js', kind: 'loadgen', mode: 'jspub', args: ['-s', '16', '-m', 'file', '-W', '2000'], count: 300_000, warmup: true,
    metrics: [{ label: 'acked', field: 'pub_msgs_per_s', unit: 'msgs/s', higherIsBetter: true }],
  },
  {
    id: 'jspub1k_file', title: 'JS async pub 1 KiB, file', group: 'js', kind: 'loadgen', mode: 'jspub', args: ['-s', '1024', '-m', 'file', '-W', '2000'], count: 150_000, warmup: true,
    metrics: [{ label: 'acked', field: 'pub_msgs_per_s', unit: 'msgs/s', higherIsBetter: true }],
  },
  {
    id: 'jspub16_mem', title: 'JS async pub 16 B, memory', group: 'js', kind: 'loadgen', mode: 'jspub', args: ['-s', '16', '-m', 'memory', '-W', '2000'], count: 300_000, warmup: true,
    metrics: [{ label: 'acked', field: 'pub_msgs_per_s', unit: 'msgs/s', higherIsBetter: true }],
  },
  {
    id: 'jspub1k_mem', title: 'JS async pub 1 KiB, memory', group: 'js', kind: 'loadgen', mode: 'jspub', args: ['-s', '1024', '-m', 'memory', '-W', '2000'], count: 150_000, warmup: true,
    metrics: [{ label: 'acked', field: 'pub_msgs_per_s', unit: 'msgs/s', higherIsBetter: true }],
  },
  {
    id: 'jssync16_file', title: 'JS sync pub 16 B, file, one at a time', group: 'js', kind: 'loadgen', mode: 'jssync', args: ['-s', '16', '-m', 'file', '-w', '500'], count: 5000, warmup: true,
    warmupArgs: ['-n', '2000'],
    metrics: [
      { label: 'p50', field: 'p50_us', unit: 'µs', higherIsBetter: false },
      { label: 'p99', field: 'p99_us', unit: 'µs', higherIsBetter: false },
    ],
  },
  {
    id: 'jsconsume16_file', title: 'JS consume 16 B, file (stream pre-filled)', group: 'js', kind: 'loadgen', mode: 'jsconsume', args: ['-s', '16', '-m', 'file', '-b', '500'], count: 200_000, warmup: true,
    metrics: [
      { label: 'pull fetch, batch 500, ack explicit', field: 'fetch_msgs_per_s', unit: 'msgs/s', higherIsBetter: true },
      { label: 'ordered push replay, flow control', field: 'ordered_msgs_per_s', unit: 'msgs/s', higherIsBetter: true },
    ],
  },
  {
    id: 'kv16_file', title: 'KV 16 B, file, 1,000 keys', group: 'js', kind: 'loadgen', mode: 'kv', args: ['-s', '16', '-m', 'file', '-K', '1000', '-W', '1000'], count: 100_000, warmup: true,
    metrics: [
      { label: 'put (window 1,000)', field: 'put_msgs_per_s', unit: 'msgs/s', higherIsBetter: true },
      { label: 'direct get (window 1,000)', field: 'get_msgs_per_s', unit: 'msgs/s', higherIsBetter: true },
    ],
  },
  { id: 'idle_rss', title: 'idle RSS 1 s after start', kind: 'idle_rss', args: [], count: 0, warmup: false, metrics: [{ label: 'VmRSS', field: 'rss_kb', unit: 'MiB', higherIsBetter: false }] },
  { id: 'startup', title: 'start → first INFO', kind: 'startup', args: ['-r', '5'], count: 0, warmup: false, metrics: [{ label: 'median of 5', field: 'median_ms', unit: 'ms', higherIsBetter: false }] },
];

/**
 * The cases named in BENCH_CASES (comma-separated ids), or all; `only` (core, stress, js) keeps one group.
 * Unknown names are an error.
 */
export function selectCases(list: string | undefined, only?: string): BenchCase[] {
  if (only !== undefined) {
    const groups: Record<string, BenchCase['group'] | 'core'> = { core: 'core', stress: 'stress', js: 'js' };
    if (!(only in groups)) throw new Error(`--only takes core, stress or js, not ${only}`);
    const inGroup = CASES.filter((c) => (c.group ?? 'core') === groups[only]);
    return list && list.trim() !== '' ? selectCases(list).filter((c) => inGroup.includes(c)) : inGroup;
  }
  if (!list || list.trim() === '') return CASES;
  const wanted = list.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = wanted.filter((id) => !CASES.some((c) => c.id === id));
  if (unknown.length > 0) throw new Error(`unknown case(s) ${unknown.join(', ')}; known: ${CASES.map((c) => c.id).join(', ')}`);
  return CASES.filter((c) => wanted.includes(c.id));
}

/** -n for a case at a scale; at least 1000 (or the case's minCount) so tiny scales still measure something. */
export function scaledCount(benchCase: BenchCase, scale: number): number {
  return Math.max(benchCase.minCount ?? 1000, Math.round(benchCase.count * scale));
}

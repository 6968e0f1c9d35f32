// Checks natrium-loadgen against the shared yardstick generator: both drive fresh nats-servers, alternating, same cases.
//
// Usage: node dist/bench/validate-loadgen.js /path/to/yardstick/loadgen [--markdown]
// (build the yardstick with: cp -r /work/shared/bench/loadgen /tmp/yardstick && make -C /tmp/yardstick)
// Environment: BENCH_REPEATS (5), BENCH_SCALE (1), BENCH_QUIET_MAX (30). Raw lines go to bench/results/validate-<date>.jsonl.
import { existsSync } from 'node:fs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLoadgen, runLoadgen, type LoadgenResult } from './lib/loadgen.js';
import { machineInfo, QuietWaiter } from './lib/machine.js';
import { median } from './lib/report.js';
import { startServer, type ServerCommands } from './lib/servers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const log = (text: string) => process.stderr.write(`validate: ${text}\n`);

interface ValidationCase {
  id: string;
  title: string;
  args: string[];
  /** Field of our JSON, and of the yardstick's when it differs. */
  field: string;
  yardstickField?: string;
  unit: string;
  scaled: boolean;
}

const CASES: ValidationCase[] = [
  { id: 'pub16', title: 'pub 16 B', args: ['pub', '-n', '20000000', '-s', '16'], field: 'pub_msgs_per_s', yardstickField: 'msgs_per_s', unit: 'M msgs/s', scaled: true },
  { id: 'ps1_16', title: 'pub→1 sub 16 B', args: ['pubsub', '-n', '10000000', '-s', '16', '-k', '1'], field: 'delivered_msgs_per_s', unit: 'M msgs/s', scaled: true },
  { id: 'ps4_16', title: 'pub→4 subs 16 B', args: ['pubsub', '-n', '5000000', '-s', '16', '-k', '4'], field: 'delivered_msgs_per_s', unit: 'M msgs/s', scaled: true },
  { id: 'reqrep', title: 'req/rep 16 B p50', args: ['reqrep', '-n', '10000', '-w', '100', '-s', '16'], field: 'p50_us', unit: 'µs', scaled: false },
  { id: 'conns10k', title: '10,000 conns, RSS per conn', args: ['conns', '-c', '10000', '-T', '2', '-H', '1'], field: 'rss_kb_per_conn', unit: 'KiB', scaled: false },
];

type Generator = 'yardstick' | 'ours';

function scaleArgs(args: string[], factor: number): string[] {
  const out = [...args];
  const at = out.indexOf('-n');
  if (at >= 0) out[at + 1] = String(Math.max(1000, Math.round(Number(out[at + 1]) * factor)));
  return out;
}

async function main(): Promise<void> {
  const yardstick = process.argv[2];
  if (!yardstick || !existsSync(yardstick)) throw new Error('usage: node dist/bench/validate-loadgen.js /path/to/yardstick/loadgen [--markdown]');
  const natsBin = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((p) => existsSync(p));
  if (!natsBin) throw new Error('nats-server is not installed');
  const ours = buildLoadgen(path.join(root, 'bench', 'loadgen'), path.join(root, 'dist', 'bench', 'natrium-loadgen'), log);
  const repeats = Number(process.env.BENCH_REPEATS ?? 5);
  const scale = Number(process.env.BENCH_SCALE ?? 1);
  const resultsDir = path.join(root, 'bench', 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const machine = machineInfo(root, natsBin);
  const jsonl = path.join(resultsDir, `validate-${machine.date.replace(/:/g, '-')}.jsonl`);
  const commands: ServerCommands = { natriumJs: '', natsBin, cwd: fs.mkdtempSync(path.join(os.tmpdir(), 'natrium-validate-')), logFile: jsonl.replace(/\.jsonl$/, '.server.log') };
  const quietMax = Number(process.env.BENCH_QUIET_MAX ?? 30);
  const quiet = new QuietWaiter({ maxBusy: quietMax, maxWaitS: 30, budgetS: 300 }, log);
  const records: (LoadgenResult & { case: string; generator: Generator; rep: number; bg_busy_pct: number })[] = [];
  for (const c of CASES) {
    const args = c.scaled ? scaleArgs(c.args, scale) : c.args;
    for (let rep = 1; rep <= repeats; rep++) {
      for (const generator of ['yardstick', 'ours'] as Generator[]) {
        const binary = generator === 'ours' ? ours : yardstick;
        for (let attempt = 0; ; attempt++) {
          const server = await startServer('nats', commands);
          let noisy = false;
          try {
            const common = ['-p', String(server.port), '-x', String(server.pid), '-q'];
            if (c.id !== 'conns10k') await runLoadgen(binary, [...scaleArgs(args, 0.1), ...common]);
            const bg = await quiet.wait();
            const result = await runLoadgen(binary, [...args, ...common]);
            // Like npm run bench: a run during which others took more than the quiet threshold is redone.
            noisy = typeof result.other_cpu_pct === 'number' && result.other_cpu_pct > quietMax && attempt < 2;
            const record = { case: c.id, generator, rep, bg_busy_pct: bg, ...result, ...(noisy ? { discarded: 'noisy' } : {}) };
            if (!noisy) records.push(record);
            fs.appendFileSync(jsonl, JSON.stringify(record) + '\n');
            const value = result[generator === 'yardstick' ? (c.yardstickField ?? c.field) : c.field];
            log(`[${c.id} ${rep}/${repeats} ${generator}] ${String(value)}  (client ${String(result.client_cpu_pct)} %, server ${String(result.server_cpu_pct)} %, other ${String(result.other_cpu_pct)} %)${result.ok ? '' : ' INVALID'}${noisy ? ' noisy, again' : ''}`);
          } finally {
            await server.stop();
          }
          if (!noisy) break;
        }
      }
    }
  }
  fs.rmSync(commands.cwd, { recursive: true, force: true });
  const lines = [
    `- ${machine.date}; nats-server ${machine.natsServer}; ${repeats} runs per generator and case, alternating, a fresh nats-server per run; commit ${machine.commit}`,
    '',
    '| case | yardstick median | ours median | ours ÷ yardstick | yardstick min–max | ours min–max | yardstick CPU % | our CPU % | nats-server CPU % (yardstick / ours) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const c of CASES) {
    const pick = (generator: Generator, field: string) =>
      records.filter((r) => r.case === c.id && r.generator === generator && r.ok).map((r) => r[field]).filter((v): v is number => typeof v === 'number');
    const divisor = c.unit.startsWith('M ') ? 1e6 : 1;
    const fmt = (v: number | null) => (v === null ? '—' : (v / divisor).toFixed(divisor > 1 ? 2 : 1));
    const yv = pick('yardstick', c.yardstickField ?? c.field);
    const ov = pick('ours', c.field);
    const ym = median(yv);
    const om = median(ov);
    const range = (v: number[]) => (v.length ? `${fmt(Math.min(...v))}–${fmt(Math.max(...v))}` : '—');
    const cpu = (generator: Generator, field: string) => median(pick(generator, field))?.toFixed(0) ?? '—';
    lines.push(
      `| ${c.title} (${c.unit}) | ${fmt(ym)} | ${fmt(om)} | ${ym && om ? (om / ym).toFixed(2) : '—'} | ${range(yv)} | ${range(ov)} | ${cpu('yardstick', 'client_cpu_pct')} | ${cpu('ours', 'client_cpu_pct')} | ${cpu('yardstick', 'server_cpu_pct')} / ${cpu('ours', 'server_cpu_pct')} |`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
  log(`raw runs in ${path.relative(process.cwd(), jsonl)}`);
}

main().catch((err: unknown) => {
  log((err as Error).message);
  process.exit(2);
});

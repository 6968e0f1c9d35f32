// npm run bench: Natrium beside nats-server, alternating fresh servers per run, measured by natrium-loadgen.
//
// Environment: BENCH_CASES=pub16,ps1_16,... (default all), BENCH_REPEATS (3), BENCH_SCALE (1; multiplies
// message counts), BENCH_QUIET_MAX (30, % of one core: wait before a run while the machine is busier, and redo a
// run during which others took more), BENCH_QUIET_WAIT (30 s per run), BENCH_QUIET_BUDGET (300 s), BENCH_RETRIES (2).
// Flags: --markdown (print the tables as Markdown), --write-results (rewrite bench/RESULTS.md's tables that ran),
// --only core|stress|js (one group of cases), --micro (run the micro-benchmarks instead), --help.
import { existsSync } from 'node:fs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectCases, scaledCount, type BenchCase } from './lib/cases.js';
import { buildLoadgen, runLoadgen, type LoadgenResult } from './lib/loadgen.js';
import { startPoller } from './lib/monitor-poller.js';
import { machineInfo, openFileLimits, QuietWaiter, rssKiB } from './lib/machine.js';
import { formatValue, renderMarkdown, renderText, summarize, type RunRecord, type SuiteInfo } from './lib/report.js';
import { writeSection } from './lib/results-file.js';
import { slowConsumerCuts } from './lib/server-log.js';
import { renderStress } from './lib/stress-report.js';
import { freePort, serverCommand, startServer, type RunningServer, type ServerCommands, type ServerKind } from './lib/servers.js';

const here = path.dirname(fileURLToPath(import.meta.url)); // dist/bench
const root = path.resolve(here, '../..');
const log = (text: string) => process.stderr.write(`bench: ${text}\n`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function envNumber(name: string, fallback: number, zeroAllowed = false): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !zeroAllowed)) throw new Error(`${name} must be a positive number, not ${text}`);
  return value;
}

let current: RunningServer | null = null;

async function withServer<T>(kind: ServerKind, commands: ServerCommands, config: string | undefined, body: (server: RunningServer) => Promise<T>, jetstream = false): Promise<T> {
  const server = await startServer(kind, commands, config, jetstream);
  current = server;
  try {
    return await body(server);
  } finally {
    await server.stop();
    current = null;
  }
}

/** One recorded measurement of a case on a fresh server. */
async function measure(benchCase: BenchCase, kind: ServerKind, ctx: { loadgen: string; commands: ServerCommands; quiet: QuietWaiter; scale: number }): Promise<{ bg: number; result: LoadgenResult }> {
  const { loadgen, commands, quiet } = ctx;
  if (benchCase.kind === 'idle_rss') {
    const bg = await quiet.wait();
    return withServer(kind, commands, benchCase.config, async (server) => {
      await sleep(1000);
      return { bg, result: { mode: 'idle_rss', rss_kb: rssKiB(server.pid), after_s: 1, ok: true } };
    });
  }
  if (benchCase.kind === 'startup') {
    const bg = await quiet.wait();
    const port = await freePort();
    const result = await runLoadgen(loadgen, ['startup', '-p', String(port), ...benchCase.args, '-q', '--', ...serverCommand(kind, port, commands)], { cwd: commands.cwd });
    return { bg, result };
  }
  let logFrom = 0;
  const timeoutMs = 180_000 * Math.max(1, ctx.scale);
  const monitorPort = benchCase.monitorPollMs !== undefined ? await freePort() : 0;
  const config = monitorPort > 0 ? `${benchCase.config ?? ''}http: "127.0.0.1:${monitorPort}"\n` : benchCase.config;
  const outcome = await withServer(kind, commands, config, async (server) => {
    const base = [benchCase.mode!, '-p', String(server.port), '-x', String(server.pid)];
    const count = benchCase.count > 0 ? scaledCount(benchCase, ctx.scale) : 0;
    const warmArgs = benchCase.warmupArgs ? [...benchCase.args, ...benchCase.warmupArgs] : ['-n', String(Math.max(100, Math.round(count / 10))), ...benchCase.args];
    for (let run = 0; benchCase.warmup && run < (benchCase.warmupRuns ?? 1); run++) {
      const warm = await runLoadgen(loadgen, [...base, ...warmArgs, '-q'], { timeoutMs });
      if (!warm.ok) log(`warm-up of ${benchCase.id} on ${kind} was invalid: ${JSON.stringify(warm)}`);
    }
    const bg = await quiet.wait(); // also at least 1 s of idle server after start or warm-up
    logFrom = fs.statSync(commands.logFile).size;
    const poller = benchCase.monitorPollMs ? startPoller(monitorPort, benchCase.monitorPollMs) : null;
    const result = await runLoadgen(loadgen, [...base, ...(count > 0 ? ['-n', String(count)] : []), ...benchCase.args], { timeoutMs });
    if (poller !== null) {
      const polled = await poller.stop();
      result.monitor_requests = polled.requests;
      if (polled.errors > 0) result.monitor_errors = polled.errors;
    }
    if (benchCase.mode === 'conns' || benchCase.mode === 'connsmsgs') result.server_nofile = openFileLimits(server.pid).soft;
    return { bg, result };
  }, benchCase.group === 'js');
  // The server is stopped and its log complete: when did it cut the subscriber that stopped reading, and why?
  if (benchCase.mode === 'slowfast' && typeof outcome.result.start_unix === 'number') {
    const cuts = slowConsumerCuts(commands.logFile, logFrom, outcome.result.start_unix);
    outcome.result.slow_consumer_cuts = cuts.length;
    if (cuts.length > 0) {
      outcome.result.slow_cut_ms = cuts[0].ms;
      outcome.result.slow_cut_reason = cuts[0].reason;
    }
  }
  return outcome;
}

function progress(record: RunRecord, benchCase: BenchCase, repeats: number): string {
  const metric = benchCase.metrics[0];
  const value = typeof record[metric.field] === 'number' ? formatValue(record[metric.field] as number, metric.unit) : '—';
  const cpu = (field: string) => (typeof record[field] === 'number' ? `${(record[field] as number).toFixed(0)} %` : '—');
  const status = record.ok ? '' : `  INVALID ${record.error ?? JSON.stringify(record)}`;
  return `[${benchCase.id} ${record.rep}/${repeats} ${record.server}] ${value} ${metric.unit}  (loadgen ${cpu('client_cpu_pct')}, server ${cpu('server_cpu_pct')}, other ${cpu('other_cpu_pct')}, bg ${record.bg_busy_pct} %)${status}`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    process.stdout.write(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(0, 7).map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n');
    return;
  }
  const markdown = argv.includes('--markdown');
  const writeResults = argv.includes('--write-results');
  if (argv.includes('--micro')) {
    const { runMicro } = await import('./micro/run.js');
    await runMicro({ markdown, writeResults, resultsFile: path.join(root, 'bench', 'RESULTS.md') });
    return;
  }
  const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
  const cases = selectCases(process.env.BENCH_CASES, only);
  const repeats = Math.round(envNumber('BENCH_REPEATS', 3));
  const scale = envNumber('BENCH_SCALE', 1);
  const quietMax = envNumber('BENCH_QUIET_MAX', 30);
  const natsBin = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((p) => existsSync(p));
  const natriumJs = path.join(root, 'dist', 'src', 'cli', 'natrium-server.js');
  if (!existsSync(natriumJs)) throw new Error(`${natriumJs} is missing: build first (npx tsc -p tsconfig.json)`);
  const loadgen = buildLoadgen(path.join(root, 'bench', 'loadgen'), path.join(root, 'dist', 'bench', 'natrium-loadgen'), log);
  const kinds: ServerKind[] = natsBin ? ['nats', 'natrium'] : ['natrium'];
  if (!natsBin) log('nats-server is not installed: measuring Natrium only');

  const resultsDir = path.join(root, 'bench', 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const machine = machineInfo(root, natsBin);
  const stamp = machine.date.replace(/:/g, '-');
  const jsonl = path.join(resultsDir, `${stamp}.jsonl`);
  const commands: ServerCommands = { natriumJs, natsBin, cwd: fs.mkdtempSync(path.join(os.tmpdir(), 'natrium-bench-')), logFile: path.join(resultsDir, `${stamp}.server.log`) };
  const quiet = new QuietWaiter({ maxBusy: quietMax, maxWaitS: envNumber('BENCH_QUIET_WAIT', 30), budgetS: envNumber('BENCH_QUIET_BUDGET', 300) }, log);
  fs.writeFileSync(jsonl, JSON.stringify({ type: 'header', ...machine, repeats, scale, cases: cases.map((c) => c.id) }) + '\n');
  log(`${cases.length} cases × ${repeats} runs × ${kinds.join(' + ')}; raw results in ${path.relative(process.cwd(), jsonl)}`);

  const started = Date.now();
  const records: RunRecord[] = [];
  const retries = Math.round(envNumber('BENCH_RETRIES', 2, true));
  let discarded = 0;
  for (const benchCase of cases) {
    for (let rep = 1; rep <= repeats; rep++) {
      for (const kind of kinds) {
        // A run during which other tenants took more than the quiet threshold is recorded as discarded and redone.
        for (let attempt = 0; ; attempt++) {
          let outcome: { bg: number; result: LoadgenResult };
          try {
            outcome = await measure(benchCase, kind, { loadgen, commands, quiet, scale });
          } catch (err) {
            outcome = { bg: -1, result: { ok: false, error: (err as Error).message } };
          }
          const record: RunRecord = { case: benchCase.id, server: kind, rep, bg_busy_pct: outcome.bg, ...outcome.result, ok: outcome.result.ok === true };
          const other = record.other_cpu_pct;
          const noisy = typeof other === 'number' && other > quietMax && attempt < retries;
          if (noisy) record.discarded = 'noisy';
          fs.appendFileSync(jsonl, JSON.stringify(record) + '\n');
          log(progress(record, benchCase, repeats) + (noisy ? '  -> other load during the run, discarded, again' : ''));
          if (noisy) {
            discarded++;
            continue;
          }
          records.push(record);
          break;
        }
      }
    }
  }
  fs.rmSync(commands.cwd, { recursive: true, force: true });
  const info: SuiteInfo = { machine, repeats, scale, quietMaxPct: quietMax, quietWaitedS: quiet.waitedS, discarded, durationS: (Date.now() - started) / 1000 };
  const mainCases = cases.filter((c) => c.group === undefined);
  const stressCases = cases.filter((c) => c.group === 'stress');
  const jsCases = cases.filter((c) => c.group === 'js');
  const rows = summarize(mainCases, records);
  const jsRows = summarize(jsCases, records);
  const rawNote = `Raw runs: \`bench/results/${stamp}.jsonl\` (not committed).`;
  if (mainCases.length > 0) process.stdout.write(markdown ? renderMarkdown(rows, info) : renderText(rows, info));
  if (stressCases.length > 0) process.stdout.write(`\n${renderStress(stressCases, records, info, markdown)}`);
  if (jsCases.length > 0) process.stdout.write(`\n${markdown ? renderMarkdown(jsRows, info) : renderText(jsRows, info)}`);
  if (writeResults) {
    // Only the sections this run measured are rewritten: a run of a few cases keeps the other table.
    const file = path.join(root, 'bench', 'RESULTS.md');
    if (mainCases.length > 0) writeSection(file, 'e2e', `${renderMarkdown(rows, info)}\n${rawNote}`);
    if (stressCases.length > 0) writeSection(file, 'stress', `${renderStress(stressCases, records, info, true)}\n${rawNote}`);
    if (jsCases.length > 0) writeSection(file, 'jetstream', `${renderMarkdown(jsRows, info)}\n${rawNote}`);
    log(`wrote ${path.relative(process.cwd(), file)}`);
  }
}

const stopCurrent = (signal: NodeJS.Signals) => {
  log(`${signal}: stopping`);
  void (current?.stop() ?? Promise.resolve()).then(() => process.exit(130));
};
process.on('SIGINT', stopCurrent);
process.on('SIGTERM', stopCurrent);

main().catch((err: unknown) => {
  log((err as Error).stack ?? String(err));
  void (current?.stop() ?? Promise.resolve()).then(() => process.exit(2));
});

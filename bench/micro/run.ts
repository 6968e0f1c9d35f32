// Micro-benchmarks (parser, Sublist, outbound encoding): `npm run bench -- --micro` or `node dist/bench/micro/run.js`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSection } from '../lib/results-file.js';
import { outboundBenchmarks } from './outbound.js';
import { parserBenchmarks } from './parser.js';
import { sublistBenchmarks } from './sublist.js';
import type { MicroRow } from './timing.js';
import { gitCommit, QuietWaiter } from '../lib/machine.js';
import os from 'node:os';

const here = path.dirname(fileURLToPath(import.meta.url)); // dist/bench/micro
const root = path.resolve(here, '../../..');

function renderText(rows: MicroRow[]): string {
  const widths = [Math.max(9, ...rows.map((r) => r.name.length)), Math.max(6, ...rows.map((r) => r.figure.length)), Math.max(5, ...rows.map((r) => r.value.length))];
  const line = (a: string, b: string, c: string) => `${a.padEnd(widths[0])}  ${b.padEnd(widths[1])}  ${c.padStart(widths[2])}`;
  return [line('benchmark', 'figure', 'value'), line('-'.repeat(widths[0]), '-'.repeat(widths[1]), '-'.repeat(widths[2])), ...rows.map((r) => line(r.name, r.figure, r.value))].join('\n') + '\n';
}

function renderMarkdown(rows: MicroRow[]): string {
  return ['| benchmark | figure | value |', '| --- | --- | ---: |', ...rows.map((r) => `| ${r.name} | ${r.figure} | ${r.value} |`)].join('\n') + '\n';
}

export async function runMicro(options: { markdown: boolean; writeResults: boolean; resultsFile: string }): Promise<void> {
  const rows: MicroRow[] = [];
  const quiet = new QuietWaiter({ maxBusy: Number(process.env.BENCH_QUIET_MAX ?? 30), maxWaitS: 60, budgetS: 180 }, (text) => process.stderr.write(`bench: ${text}\n`));
  let busiest = 0;
  for (const group of [parserBenchmarks, sublistBenchmarks, outboundBenchmarks]) {
    busiest = Math.max(busiest, await quiet.wait());
    rows.push(...(await group()));
    process.stderr.write(`bench: ${group.name} done\n`);
  }
  const about = `${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}; commit ${gitCommit(root)}; Node ${process.version}; ${os.cpus()[0]?.model.trim() ?? ''}, ${os.cpus().length} cores; machine busy before each group ≤ ${busiest} % of one core`;
  process.stdout.write(options.markdown ? `${about}\n\n${renderMarkdown(rows)}` : `${about}\n\n${renderText(rows)}`);
  if (options.writeResults) {
    writeSection(options.resultsFile, 'micro', `- ${about}\n\n${renderMarkdown(rows)}`);
    process.stderr.write(`bench: wrote ${options.resultsFile}\n`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  await runMicro({ markdown: argv.includes('--markdown'), writeResults: argv.includes('--write-results'), resultsFile: path.join(root, 'bench', 'RESULTS.md') });
}

// What the benchmark ran on (CPU, memory, kernel, versions, commit) and how busy the machine is right now.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

export interface MachineInfo {
  date: string;
  cpuModel: string;
  cores: number;
  ramGiB: number;
  kernel: string;
  os: string;
  node: string;
  natsServer: string;
  commit: string;
  compiler: string;
}

function run(command: string, args: string[], cwd?: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

function osName(): string {
  try {
    const line = fs.readFileSync('/etc/os-release', 'utf8').split('\n').find((l) => l.startsWith('PRETTY_NAME='));
    return line ? line.slice('PRETTY_NAME='.length).replace(/"/g, '') : os.type();
  } catch {
    return os.type();
  }
}

/** `git rev-parse` of the work tree, with `+dirty` when tracked files have changes. */
export function gitCommit(root: string): string {
  const commit = run('git', ['rev-parse', '--short', 'HEAD'], root);
  if (commit === '') return 'unknown';
  const dirty = run('git', ['status', '--porcelain', '--untracked-files=no'], root) !== '';
  return dirty ? `${commit}+dirty` : commit;
}

export function machineInfo(root: string, natsServerBin: string | undefined): MachineInfo {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    ramGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    os: osName(),
    node: process.version,
    natsServer: natsServerBin ? run(natsServerBin, ['--version']).replace(/^nats-server:\s*/, '') || 'unknown' : 'not installed',
    commit: gitCommit(root),
    compiler: run('cc', ['--version']).split('\n')[0] ?? '',
  };
}

interface CpuTimes {
  total: number;
  idle: number;
  steal: number;
}

function readCpuTimes(): CpuTimes {
  const line = fs.readFileSync('/proc/stat', 'latin1').split('\n')[0];
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
  return { total: v.reduce((a, b) => a + b, 0), idle: v[3] + v[4], steal: v[7] };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Busy CPU over `ms`, in % of one core (the machine has cores × 100 %). Steal counts as not ours, not busy. */
export async function machineBusy(ms = 1000): Promise<number> {
  const a = readCpuTimes();
  await sleep(ms);
  const b = readCpuTimes();
  const total = b.total - a.total;
  if (total <= 0) return 0;
  return (100 * os.cpus().length * (total - (b.idle - a.idle) - (b.steal - a.steal))) / total;
}

export interface QuietPolicy {
  /** Wait while other load is above this (% of one core). */
  maxBusy: number;
  /** Longest wait before one run, in seconds. */
  maxWaitS: number;
  /** Longest total wait over the whole suite, in seconds; afterwards we only record the load. */
  budgetS: number;
}

/**
 * Waits until the machine's load (nothing of ours is running: the fresh server is idle) drops below the
 * threshold, within the per-run and whole-suite budgets. Returns the load seen last, to record with the run.
 */
export class QuietWaiter {
  private spentS = 0;
  constructor(private readonly policy: QuietPolicy, private readonly log: (text: string) => void) {}

  get waitedS(): number {
    return this.spentS;
  }

  async wait(): Promise<number> {
    const started = Date.now();
    let busy = await machineBusy();
    while (busy > this.policy.maxBusy) {
      const waited = (Date.now() - started) / 1000;
      if (waited >= this.policy.maxWaitS || this.spentS + waited >= this.policy.budgetS) {
        this.log(`machine still busy (${busy.toFixed(0)} % of ${os.cpus().length * 100} %); measuring anyway`);
        break;
      }
      this.log(`machine busy (${busy.toFixed(0)} %), waiting`);
      await sleep(2000);
      busy = await machineBusy();
    }
    this.spentS += Math.max(0, (Date.now() - started) / 1000 - 1);
    return Math.round(busy);
  }
}

/** The soft and hard limits on open files of a process (`self` or a pid). */
export function openFileLimits(pid: number | 'self'): { soft: number; hard: number } {
  try {
    const line = fs.readFileSync(`/proc/${pid}/limits`, 'latin1').split('\n').find((l) => l.startsWith('Max open files'));
    const [soft, hard] = (line ?? '').replace('Max open files', '').trim().split(/\s+/);
    const value = (text: string) => (text === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(text));
    return { soft: value(soft), hard: value(hard) };
  } catch {
    return { soft: 0, hard: 0 };
  }
}

/** VmRSS of a process in KiB, or -1. */
export function rssKiB(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'latin1'));
    return match ? Number(match[1]) : -1;
  } catch {
    return -1;
  }
}

#!/usr/bin/env node
// natrium-server: the server program, taking nats-server's command-line flags and configuration file.

// First: it must run before the other modules are evaluated.
import { restoreYoungGenerationGrowth } from './startup-heap.js';
import fs from 'node:fs';
import { loadOptions, reloadOptions, diffOptions, usageText, formatConfigErrors, type SignalCommand } from '../config/index.js';
import { NATRIUM_VERSION, NATS_COMPAT_VERSION } from '../core/version.js';
import { runServer } from './server-main.js';

const PROGRAM = 'natrium-server';

function fail(message: string): never {
  process.stderr.write(`${PROGRAM}: ${message}\n`);
  process.exit(1);
}

/** The process signal for each `--signal` command, as nats-server maps them. */
const SIGNALS: Record<SignalCommand, NodeJS.Signals> = {
  ldm: 'SIGUSR2',
  stop: 'SIGKILL',
  quit: 'SIGINT',
  term: 'SIGTERM',
  reopen: 'SIGUSR1',
  reload: 'SIGHUP',
};

/** The pid named on the command line (a number or a pid file), or the only running natrium-server. */
function resolvePid(pidArgument: string | undefined): number {
  if (pidArgument !== undefined) {
    if (/^\d+$/.test(pidArgument)) return Number(pidArgument);
    let text: string;
    try {
      text = fs.readFileSync(pidArgument, 'utf8').trim();
    } catch (err) {
      fail(`could not read pid file ${pidArgument}: ${(err as Error).message}`);
    }
    if (!/^\d+$/.test(text)) fail(`invalid pid file ${pidArgument}`);
    return Number(text);
  }
  const candidates: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'latin1').split('\0');
      if (cmdline.some((part) => part.endsWith('natrium-server') || part.endsWith('natrium-server.js'))) candidates.push(Number(entry));
    } catch {
      // the process went away
    }
  }
  if (candidates.length === 0) fail('no natrium-server process running');
  if (candidates.length > 1) fail(`multiple natrium-server processes running (${candidates.join(', ')}); give a pid: --signal command=PID`);
  return candidates[0];
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const loaded = loadOptions(argv);
  const commandLine = loaded.commandLine;
  if (commandLine.showHelp) {
    process.stdout.write(usageText(PROGRAM));
    return;
  }
  if (commandLine.showVersion) {
    process.stdout.write(`${PROGRAM}: v${NATRIUM_VERSION} (implements nats-server v${NATS_COMPAT_VERSION})\n`);
    return;
  }
  if (loaded.errors.length > 0) fail(formatConfigErrors(loaded.errors));
  if (commandLine.signal) {
    const pid = resolvePid(commandLine.signal.pid);
    try {
      process.kill(pid, SIGNALS[commandLine.signal.command]);
    } catch (err) {
      fail(`could not signal process ${pid}: ${(err as Error).message}`);
    }
    return;
  }
  if (commandLine.checkOnly) {
    // nats-server -t also refuses warnings.
    if (loaded.warnings.length > 0) fail(formatConfigErrors(loaded.warnings));
    process.stdout.write(`${PROGRAM}: configuration file ${commandLine.configFile} is valid\n`);
    return;
  }
  const server = await runServer(loaded.options, {
    reload: commandLine.configFile === undefined ? undefined : () => {
      const next = reloadOptions(commandLine.configFile, commandLine);
      if (next.errors.length > 0) throw new Error(formatConfigErrors(next.errors));
      const diff = diffOptions(server.options, next.options);
      if (diff.notReloadable.length > 0) throw new Error(diff.notReloadable.map((n) => n.reason).join('; '));
      return { options: next.options, changed: diff.changed };
    },
  });
  for (const warning of loaded.warnings) server.logger.warn(warning.message);
  restoreYoungGenerationGrowth();
}

main().catch((err: unknown) => {
  fail(err instanceof Error ? err.message : String(err));
});

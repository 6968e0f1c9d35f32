#!/usr/bin/env node
// `natrium`: the client command-line tool (pub, sub, req, reply on the official NATS client; certs for TLS, passwd for bcrypt hashes).
import { readFileSync } from 'node:fs';
import { UsageError, commonValueFlags, parseCommandArgs, type CommandSpec } from './client/command.js';
import { errorLine } from './client/errors.js';
import { commandHelp, toolHelp } from './client/help.js';
import { pubCommand } from './client/pub.js';
import { subCommand } from './client/sub.js';
import { reqCommand } from './client/req.js';
import { replyCommand } from './client/reply.js';
import { certsCommand } from './certs.js';
import { passwdCommand } from './passwd.js';

const COMMANDS: CommandSpec[] = [pubCommand, subCommand, reqCommand, replyCommand, certsCommand, passwdCommand];

function findCommand(word: string): CommandSpec | undefined {
  return COMMANDS.find((command) => command.name === word || command.aliases.includes(word));
}

/** The version in package.json, from dist/src/cli or src/cli. */
function version(): string {
  for (const relative of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'natrium' && pkg.version) return pkg.version;
    } catch {
      // try the next layout
    }
  }
  return 'unknown';
}

/** Index of the command word, skipping global flags and their values placed before it. */
function commandIndex(argv: string[]): number {
  const valueFlags = commonValueFlags();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return -1;
    if (valueFlags.has(arg)) i++;
    else if (!arg.startsWith('-')) return i;
  }
  return -1;
}

/** Runs the tool; resolves to the exit code. Usage mistakes reject with a UsageError. */
export async function main(argv: string[]): Promise<number> {
  const index = commandIndex(argv);
  if (index < 0) {
    if (argv.includes('--version')) {
      process.stdout.write(`${version()}\n`);
      return 0;
    }
    if (argv.includes('-h') || argv.includes('--help')) {
      process.stdout.write(toolHelp(COMMANDS));
      return 0;
    }
    throw new UsageError('expected a command (pub, sub, req, reply, certs, passwd), try --help');
  }
  const word = argv[index]!;
  if (word === 'help') {
    const topic = argv[index + 1];
    const command = topic === undefined ? undefined : findCommand(topic);
    if (topic !== undefined && !command) throw new UsageError(`unknown command "${topic}", try --help`);
    process.stdout.write(command ? commandHelp(command) : toolHelp(COMMANDS));
    return 0;
  }
  const command = findCommand(word);
  if (!command) throw new UsageError(`unknown command "${word}", try --help`);
  const parsed = parseCommandArgs(command, [...argv.slice(0, index), ...argv.slice(index + 1)]);
  if (parsed.values['help'] === true) {
    process.stdout.write(commandHelp(command));
    return 0;
  }
  return command.run(parsed);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${errorLine(err)}\n`);
    process.exit(1);
  },
);

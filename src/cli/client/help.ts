// Help texts for the tool and for each command, laid out as the nats CLI's (kingpin-style) help.
import { COMMON_OPTIONS, type CommandSpec, type OptionSpec } from './command.js';
import { PROGRAM } from './errors.js';

function flagColumn(name: string, option: OptionSpec): string {
  const long = option.type === 'string' ? `--${name}=${option.placeholder ?? 'VALUE'}` : `--${name}`;
  const repeat = option.multiple ? ' ...' : '';
  return option.short ? `-${option.short}, ${long}${repeat}` : `    ${long}${repeat}`;
}

function flagTable(options: Record<string, OptionSpec>): string[] {
  const rows = Object.entries(options).map(([name, option]) => [flagColumn(name, option), option.description] as const);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return rows.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`);
}

export function toolHelp(commands: CommandSpec[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    `usage: ${PROGRAM} [<flags>] <command> [<args> ...]`,
    '',
    'NATS client utility for Natrium and any NATS server',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Flags:',
    ...flagTable({ ...COMMON_OPTIONS, version: { type: 'boolean', description: 'Show application version' } }),
    '',
    `Run "${PROGRAM} <command> --help" for a command's arguments and flags.`,
    '',
  ].join('\n');
}

export function commandHelp(command: CommandSpec): string {
  const aliases = command.aliases.length > 0 ? ` (alias: ${command.aliases.join(', ')})` : '';
  return [
    `usage: ${PROGRAM} ${command.name} [<flags>] ${command.usage}`,
    '',
    `${command.summary}${aliases}`,
    ...(command.details ? ['', command.details] : []),
    '',
    'Flags:',
    ...flagTable({ ...command.options, ...COMMON_OPTIONS }),
    '',
  ].join('\n');
}

// Shared shape of a `natrium` client command: its options, argument parsing, connection settings.
import { parseArgs } from 'node:util';
import { connect, type NatsConnection, type ConnectionOptions } from '@nats-io/transport-node';

/** A mistake on the command line: printed as one line, exit code 1. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Shown in help after the flag, e.g. `URL`. */
  placeholder?: string;
  description: string;
}

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface ParsedCommand {
  values: OptionValues;
  positionals: string[];
}

export interface CommandSpec {
  name: string;
  aliases: string[];
  summary: string;
  /** Positional arguments as shown in usage, e.g. `<subject> [<body>]`. */
  usage: string;
  /** Longer text appended to the command's help. */
  details?: string;
  options: Record<string, OptionSpec>;
  /** Runs the command; resolves to the process exit code. */
  run(parsed: ParsedCommand): Promise<number>;
}

/** Options every command accepts. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  server: { type: 'string', short: 's', placeholder: 'URL', description: 'NATS server urls, comma separated (env NATS_URL, default nats://127.0.0.1:4222)' },
  user: { type: 'string', placeholder: 'USER', description: 'Username, or token when no password is given (env NATS_USER)' },
  password: { type: 'string', placeholder: 'PASSWORD', description: 'Password (env NATS_PASSWORD)' },
  token: { type: 'string', placeholder: 'TOKEN', description: 'Authentication token' },
  timeout: { type: 'string', placeholder: 'DURATION', description: 'Time to wait for the connection and for responses, e.g. 500ms, 2s (default 5s)' },
  help: { type: 'boolean', short: 'h', description: 'Show help' },
};

export const DEFAULT_SERVER = 'nats://127.0.0.1:4222';
export const DEFAULT_TIMEOUT_MS = 5000;

/** Parses a command's own arguments (the command name already removed). */
export function parseCommandArgs(spec: CommandSpec, args: string[]): ParsedCommand {
  const all = { ...COMMON_OPTIONS, ...spec.options };
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, option] of Object.entries(all)) {
    options[name] = { type: option.type, ...(option.short ? { short: option.short } : {}), ...(option.multiple ? { multiple: true } : {}) };
  }
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as OptionValues, positionals };
  } catch (err) {
    // parseArgs messages carry long hints after the first sentence; keep the first.
    const first = (err as Error).message.split(/\.(?:\s|$)|\n/)[0]!;
    const message = first.charAt(0).toLowerCase() + first.slice(1);
    throw new UsageError(message);
  }
}

/** Names of common options that take a value, for locating the command word among global flags. */
export function commonValueFlags(): Set<string> {
  const flags = new Set<string>();
  for (const [name, option] of Object.entries(COMMON_OPTIONS)) {
    if (option.type !== 'string') continue;
    flags.add(`--${name}`);
    if (option.short) flags.add(`-${option.short}`);
  }
  return flags;
}

export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function listOption(values: OptionValues, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}

/** Positional arguments: `required` names must be present, at most `required + optional` are accepted. */
export function positionalArgs(parsed: ParsedCommand, required: string[], optional: string[] = []): (string | undefined)[] {
  const { positionals } = parsed;
  if (positionals.length < required.length) {
    throw new UsageError(`required argument '${required[positionals.length]}' not provided, try --help`);
  }
  if (positionals.length > required.length + optional.length) {
    throw new UsageError(`unexpected argument '${positionals[required.length + optional.length]}', try --help`);
  }
  return [...required, ...optional].map((_, index) => positionals[index]);
}

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds from a Go-style duration (`1.5s`, `250ms`, `1m30s`); a bare number counts seconds. */
export function parseDuration(text: string, flag: string): number {
  if (text.length === 0) throw new UsageError(`invalid duration '' for --${flag}`);
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const part = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let position = 0;
  while (position < text.length) {
    part.lastIndex = position;
    const match = part.exec(text);
    if (!match) throw new UsageError(`invalid duration '${text}' for --${flag}`);
    total += Number(match[1]) * DURATION_UNITS[match[2]!]!;
    position = part.lastIndex;
  }
  return total;
}

/** A whole number of at least `min` from a flag's text. */
export function parseCount(text: string | undefined, flag: string, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min) {
    throw new UsageError(`invalid value '${text}' for --${flag}: expected a whole number of at least ${min}`);
  }
  return Number(text);
}

export function timeoutOption(values: OptionValues): number {
  const text = stringOption(values, 'timeout');
  if (text === undefined) return DEFAULT_TIMEOUT_MS;
  const ms = parseDuration(text, 'timeout');
  if (ms < 1) throw new UsageError(`--timeout must be at least 1ms`);
  return ms;
}

/** Connection settings from the common options and the NATS_* environment. */
export function connectionOptions(values: OptionValues, env: NodeJS.ProcessEnv = process.env): ConnectionOptions {
  const serverText = stringOption(values, 'server') ?? env['NATS_URL'] ?? DEFAULT_SERVER;
  const servers = serverText.split(',').map((url) => url.trim()).filter((url) => url.length > 0);
  if (servers.length === 0) throw new UsageError('--server needs at least one url');
  const options: ConnectionOptions = { servers, timeout: timeoutOption(values), name: 'NATRIUM CLI' };
  const user = stringOption(values, 'user') ?? env['NATS_USER'];
  const password = stringOption(values, 'password') ?? env['NATS_PASSWORD'];
  const token = stringOption(values, 'token');
  if (token !== undefined) options.token = token;
  if (user !== undefined && password !== undefined) {
    options.user = user;
    options.pass = password;
  } else if (user !== undefined) {
    options.token = user; // as the nats CLI: a user without a password is a token
  } else if (password !== undefined) {
    throw new UsageError('--password needs --user');
  }
  return options;
}

export function connectWith(values: OptionValues): Promise<NatsConnection> {
  return connect(connectionOptions(values));
}

/** Ends a command: drains the connection unless it is already closing, and reports why it closed, if by an error. */
export async function finish(nc: NatsConnection): Promise<void> {
  if (!nc.isClosed() && !nc.isDraining()) await nc.drain();
  const err = await nc.closed();
  if (err) throw err;
}

/** On SIGINT: drain the connection, then exit 0. */
export function drainOnInterrupt(nc: NatsConnection): void {
  process.once('SIGINT', () => {
    nc.drain().catch(() => undefined).finally(() => process.exit(0));
  });
}

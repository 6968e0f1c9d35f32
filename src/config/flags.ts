// Command-line flags compatible with nats-server 2.9, and loading Options from file + flags (start, reload).
//
// Flags are parsed the way Go's `flag` package does: `-name` or `--name`, a value as `-name=value` or
// as the next argument (so `-p -1` works), booleans only as `-name` or `-name=false`, parsing stops at
// `--` or at the first argument that is not a flag. Remaining arguments may only be `version` or
// `help`. As in nats-server, flags override the config file, also when the file is re-read on reload.
import { ConfigError } from './config-error.js';
import { parseConfigFile } from './conf-parser.js';
import { applyConfigTree, finalizeOptions } from './option-table.js';
import { defaultOptions, type Options } from './options.js';
import { applyTlsFlags } from './tls-option.js';

export const SIGNAL_COMMANDS = ['ldm', 'stop', 'quit', 'term', 'reopen', 'reload'] as const;
export type SignalCommand = (typeof SIGNAL_COMMANDS)[number];

/** One flag as given, kept so that it can be applied again over a (re-read) config file. */
export interface ParsedFlag {
  /** The flag name as typed, without dashes (`p`, `port`, `DV`). */
  name: string;
  value: string | number | boolean;
}

export interface CommandLine {
  /** Defaults with the flags applied; no config file read yet (loadOptions does that). */
  options: Options;
  configFile?: string;
  /** `-t`: check the configuration and exit. */
  checkOnly: boolean;
  showHelp: boolean;
  showVersion: boolean;
  /** `-sl command[=pid]`: send a signal to a running server instead of starting one. */
  signal?: { command: SignalCommand; pid?: string };
  /** The flags in the order given. */
  flags: ParsedFlag[];
  errors: ConfigError[];
}

type FlagKind = 'bool' | 'string' | 'int';

interface FlagSpec {
  names: readonly string[];
  kind: FlagKind;
  /** Sets the value; returns a reason when the flag can not be honoured. */
  apply(value: string | number | boolean, options: Options, commandLine: CommandLine): string | undefined;
}

const notSupported = (feature: string) => `${feature} is not supported yet by Natrium`;

/** A flag of a feature Natrium lacks: accepted when it asks for nothing (false, 0, ""). */
function unsupportedFlag(names: readonly string[], kind: FlagKind, feature: string): FlagSpec {
  return { names, kind, apply: (value) => (value === false || value === 0 || value === '' ? undefined : notSupported(feature)) };
}

/** A flag whose effect is computed once all flags are known (the --tls* family: see applyTlsFlags). */
function collectedFlag(names: readonly string[], kind: FlagKind): FlagSpec {
  return { names, kind, apply: () => undefined };
}

function setOption(names: readonly string[], kind: FlagKind, set: (options: Options, value: never) => void): FlagSpec {
  return {
    names, kind,
    apply(value, options) {
      set(options, value as never);
      return undefined;
    },
  };
}

const FLAGS: readonly FlagSpec[] = [
  { names: ['h', 'help'], kind: 'bool', apply: (value, _options, commandLine) => { commandLine.showHelp = value as boolean; return undefined; } },
  { names: ['v', 'version'], kind: 'bool', apply: (value, _options, commandLine) => { commandLine.showVersion = value as boolean; return undefined; } },
  { names: ['c', 'config'], kind: 'string', apply: (value, _options, commandLine) => { commandLine.configFile = (value as string) || undefined; return undefined; } },
  { names: ['t'], kind: 'bool', apply: (value, _options, commandLine) => { commandLine.checkOnly = value as boolean; return undefined; } },
  {
    names: ['sl', 'signal'], kind: 'string',
    apply(value, _options, commandLine) {
      const parts = (value as string).split('=');
      if (parts.length > 2) return `invalid signal parameters: ${parts.slice(2).join(' ')}`;
      const command = (parts[0] ?? '').toLowerCase();
      if (!(SIGNAL_COMMANDS as readonly string[]).includes(command)) {
        return `unknown signal "${parts[0]}" (expected one of ${SIGNAL_COMMANDS.join(', ')})`;
      }
      commandLine.signal = parts[1] === undefined ? { command: command as SignalCommand } : { command: command as SignalCommand, pid: parts[1] };
      return undefined;
    },
  },
  setOption(['p', 'port'], 'int', (options, value: number) => { options.port = value; }),
  setOption(['a', 'addr', 'net'], 'string', (options, value: string) => { options.host = value; }),
  setOption(['n', 'name', 'server_name'], 'string', (options, value: string) => { options.serverName = value; }),
  setOption(['client_advertise'], 'string', (options, value: string) => { options.clientAdvertise = value; }),
  setOption(['P', 'pid'], 'string', (options, value: string) => { options.pidFile = value; }),
  setOption(['ports_file_dir'], 'string', (options, value: string) => { options.portsFileDir = value; }),
  setOption(['m', 'http_port'], 'int', (options, value: number) => {
    options.http = value === 0 ? undefined : { host: options.http?.host ?? '', port: value };
  }),
  setOption(['ms', 'https_port'], 'int', (options, value: number) => {
    options.https = value === 0 ? undefined : { host: options.https?.host ?? '', port: value };
  }),
  setOption(['l', 'log'], 'string', (options, value: string) => { options.logFile = value; }),
  setOption(['log_size_limit'], 'int', (options, value: number) => { options.logSizeLimit = value; }),
  setOption(['max_traced_msg_len'], 'int', (options, value: number) => { options.maxTracedMsgLen = value; }),
  setOption(['T', 'logtime'], 'bool', (options, value: boolean) => { options.logtime = value; }),
  setOption(['D', 'debug'], 'bool', (options, value: boolean) => { options.debug = value; }),
  setOption(['V', 'trace'], 'bool', (options, value: boolean) => { options.trace = value; }),
  setOption(['VV'], 'bool', (options, value: boolean) => { options.trace = value; options.traceVerbose = value; }),
  setOption(['DV'], 'bool', (options, value: boolean) => { options.debug = value; options.trace = value; }),
  setOption(['DVV'], 'bool', (options, value: boolean) => { options.debug = value; options.trace = value; options.traceVerbose = value; }),
  setOption(['user'], 'string', (options, value: string) => { options.authorization.user = value; }),
  setOption(['pass'], 'string', (options, value: string) => { options.authorization.password = value; }),
  setOption(['auth'], 'string', (options, value: string) => { options.authorization.token = value; }),
  setOption(['js', 'jetstream'], 'bool', (options, value: boolean) => { options.jetstream.enabled = value; }),
  setOption(['sd', 'store_dir'], 'string', (options, value: string) => { options.jetstream.storeDir = value; }),
  // Natrium's own: JetStream is on by default here, this turns it off.
  setOption(['no_js'], 'bool', (options, value: boolean) => { if (value) options.jetstream.enabled = false; }),
  collectedFlag(['tls', 'tlsverify'], 'bool'),
  collectedFlag(['tlscert', 'tlskey', 'tlscacert'], 'string'),
  unsupportedFlag(['s', 'syslog'], 'bool', 'syslog'),
  unsupportedFlag(['r', 'remote_syslog'], 'string', 'syslog'),
  unsupportedFlag(['profile'], 'int', 'the profiling port'),
  unsupportedFlag(['help_tls'], 'bool', 'TLS help'),
  unsupportedFlag(['routes', 'cluster', 'cluster_listen', 'cluster_advertise', 'cluster_name'], 'string', 'Clustering (routes)'),
  unsupportedFlag(['no_advertise'], 'bool', 'Clustering (routes)'),
  unsupportedFlag(['connect_retries'], 'int', 'Clustering (routes)'),
];

const FLAG_BY_NAME: ReadonlyMap<string, FlagSpec> = new Map(FLAGS.flatMap((spec) => spec.names.map((name) => [name, spec] as const)));

/** Go's strconv.ParseBool. */
function parseGoBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

/** Go's strconv.ParseInt(text, 0, 64): decimal, 0x hex, 0o / leading-0 octal, 0b binary. */
function parseGoInt(text: string): number | undefined {
  const match = /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!match) return undefined;
  const digits = match[2] ?? '';
  let value: bigint;
  if (/^0[oO]/.test(digits)) value = BigInt('0o' + digits.slice(2));
  else if (/^0[0-7]+$/.test(digits)) value = BigInt('0o' + digits.slice(1));
  else value = BigInt(digits);
  if (match[1] === '-') value = -value;
  if (value > 2n ** 63n - 1n || value < -(2n ** 63n)) return undefined;
  return Number(value);
}

/**
 * Parses nats-server command-line arguments (without the node and script paths, i.e.
 * `process.argv.slice(2)`). Never throws: problems are in `errors` (parsing stops at the first
 * malformed flag, as Go's flag package does; flags of unsupported features are all reported).
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const commandLine: CommandLine = {
    options: defaultOptions(),
    checkOnly: false,
    showHelp: false,
    showVersion: false,
    flags: [],
    errors: [],
  };
  const fail = (reason: string) => commandLine.errors.push(new ConfigError(reason));
  let index = 0;
  for (; index < argv.length; index++) {
    const arg = argv[index] ?? '';
    if (arg.length < 2 || arg[0] !== '-') break;
    const dashes = arg[1] === '-' ? 2 : 1;
    if (arg === '--') {
      index++;
      break;
    }
    let name = arg.slice(dashes);
    if (name === '' || name[0] === '-' || name[0] === '=') {
      fail(`bad flag syntax: ${arg}`);
      return commandLine;
    }
    let text: string | undefined;
    const equals = name.indexOf('=', 1);
    if (equals > 0) {
      text = name.slice(equals + 1);
      name = name.slice(0, equals);
    }
    const spec = FLAG_BY_NAME.get(name);
    if (!spec) {
      fail(`flag provided but not defined: -${name}`);
      return commandLine;
    }
    let value: string | number | boolean;
    if (spec.kind === 'bool') {
      const parsed = text === undefined ? true : parseGoBool(text);
      if (parsed === undefined) {
        fail(`invalid boolean value ${JSON.stringify(text)} for -${name}: parse error`);
        return commandLine;
      }
      value = parsed;
    } else {
      if (text === undefined) {
        if (index + 1 >= argv.length) {
          fail(`flag needs an argument: -${name}`);
          return commandLine;
        }
        text = argv[++index] ?? '';
      }
      if (spec.kind === 'int') {
        const parsed = parseGoInt(text);
        if (parsed === undefined) {
          fail(`invalid value ${JSON.stringify(text)} for flag -${name}: parse error`);
          return commandLine;
        }
        value = parsed;
      } else {
        value = text;
      }
    }
    const problem = spec.apply(value, commandLine.options, commandLine);
    if (problem !== undefined) fail(`flag -${name}: ${problem}`);
    else commandLine.flags.push({ name, value });
  }
  for (const problem of applyTlsFlags(commandLine.flags, commandLine.options)) fail(problem);
  // nats-server accepts the words "version" and "help" after the flags, nothing else.
  for (const word of argv.slice(index)) {
    if (word.toLowerCase() === 'version') commandLine.showVersion = true;
    else if (word.toLowerCase() === 'help') commandLine.showHelp = true;
    else fail(`unrecognized command: ${JSON.stringify(word)}`);
  }
  return commandLine;
}

/**
 * Applies flags (as parsed earlier) over options, e.g. over what a config file set. Problems (a --tls*
 * flag naming an unreadable certificate) are appended to `commandLine.errors`.
 */
export function applyFlags(flags: readonly ParsedFlag[], options: Options, commandLine: CommandLine): void {
  for (const flag of flags) FLAG_BY_NAME.get(flag.name)?.apply(flag.value, options, commandLine);
  for (const problem of applyTlsFlags(flags, options)) commandLine.errors.push(new ConfigError(problem));
}

export interface LoadResult {
  options: Options;
  commandLine: CommandLine;
  /** Problems that must stop a start (or a reload). */
  errors: ConfigError[];
  /** Problems worth logging (e.g. `ping_interval: 5` should be `"5s"`). */
  warnings: ConfigError[];
}

export interface LoaderHooks {
  /** Default process.env; used for `$VARIABLE`s. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Default fs.readFileSync(..., 'utf8'); used for the config file and its includes. */
  readFile?: (file: string) => string;
}

/**
 * Start-up: parse the flags, read the config file given by `-c` (if any), apply it, then apply the
 * flags again so they win, then fill in defaults and check. With -h / -v / a signal nothing is read.
 */
export function loadOptions(argv: readonly string[], hooks: LoaderHooks = {}): LoadResult {
  const commandLine = parseCommandLine(argv);
  if (commandLine.errors.length > 0 || commandLine.showHelp || commandLine.showVersion || commandLine.signal) {
    return { options: commandLine.options, commandLine, errors: [...commandLine.errors], warnings: [] };
  }
  if (commandLine.checkOnly && commandLine.configFile === undefined) {
    const error = new ConfigError('must specify [-c, --config] option to check configuration file syntax');
    return { options: commandLine.options, commandLine, errors: [error], warnings: [] };
  }
  return buildOptions(commandLine.configFile, commandLine, hooks);
}

/** SIGHUP: re-read the config file; the flags given at start still override it. Compare with diffOptions. */
export function reloadOptions(configFile: string | undefined, flagsFromStart: CommandLine, hooks: LoaderHooks = {}): LoadResult {
  return buildOptions(configFile, flagsFromStart, hooks);
}

function buildOptions(configFile: string | undefined, commandLine: CommandLine, hooks: LoaderHooks): LoadResult {
  const problems: ConfigError[] = [];
  const options = defaultOptions();
  if (configFile !== undefined) {
    options.configFile = configFile;
    const parsed = parseConfigFile(configFile, { ...(hooks.env && { env: hooks.env }), ...(hooks.readFile && { readFile: hooks.readFile }) });
    problems.push(...parsed.errors);
    // After a syntax error the tree is partial: applying it would only add confusing follow-up errors.
    if (!parsed.errors.some((error) => error.severity === 'error')) {
      applyConfigTree(parsed.value, options, problems, { file: configFile, ...(hooks.readFile && { readFile: hooks.readFile }) });
    }
  }
  // A throwaway CommandLine, so that re-applying -c / -t / -sl does not disturb the caller's.
  const scratch: CommandLine = { ...commandLine, flags: [], errors: [] };
  applyFlags(commandLine.flags, options, scratch);
  problems.push(...scratch.errors);
  finalizeOptions(options, problems);
  return {
    options,
    commandLine,
    errors: problems.filter((problem) => problem.severity === 'error'),
    warnings: problems.filter((problem) => problem.severity === 'warning'),
  };
}

/** The -h text: nats-server's, plus Natrium's --no_js. */
export function usageText(program = 'natrium-server'): string {
  return `
Usage: ${program} [options]

Server Options:
    -a, --addr, --net <host>         Bind to host address (default: 0.0.0.0)
    -p, --port <port>                Use port for clients (default: 4222)
    -n, --name
        --server_name <server_name>  Server name (default: auto)
    -P, --pid <file>                 File to store PID
    -m, --http_port <port>           Use port for http monitoring
    -ms,--https_port <port>          Use port for https monitoring (with the tls {} settings)
    -c, --config <file>              Configuration file
    -t                               Test configuration and exit
    -sl,--signal <signal>[=<pid>]    Send signal to ${program} process (ldm, stop, quit, term, reopen, reload)
                                     <pid> can be either a PID (e.g. 1) or the path to a PID file
        --client_advertise <string>  Client URL to advertise to other servers
        --ports_file_dir <dir>       Creates a ports file in the specified directory (<executable_name>_<pid>.ports).

Logging Options:
    -l, --log <file>                 File to redirect log output
    -T, --logtime                    Timestamp log entries (default: true)
    -s, --syslog                     Log to syslog (not supported yet)
    -r, --remote_syslog <addr>       Syslog server addr (not supported yet)
    -D, --debug                      Enable debugging output
    -V, --trace                      Trace the raw protocol
    -VV                              Verbose trace (traces system account as well)
    -DV                              Debug and trace
    -DVV                             Debug and verbose trace (traces system account as well)
        --log_size_limit <limit>     Logfile size limit (default: auto)
        --max_traced_msg_len <len>   Maximum printable length for traced messages (default: unlimited)

JetStream Options:
    -js, --jetstream                 Enable JetStream functionality (on by default in Natrium)
    -sd, --store_dir <dir>           Set the storage directory (default: ./data)
        --no_js                      Disable JetStream

Authorization Options:
        --user <user>                User required for connections
        --pass <password>            Password required for connections
        --auth <token>               Authorization token required for connections

TLS Options:
        --tls                        Enable TLS, do not verify clients (default: false)
        --tlscert <file>             Server certificate file
        --tlskey <file>              Private key for server certificate
        --tlsverify                  Enable TLS, verify client certificates
        --tlscacert <file>           Client certificate CA for verification

Cluster Options (not supported yet):
        --routes, --cluster, --cluster_name, --no_advertise, --cluster_advertise, --connect_retries, --cluster_listen

Common Options:
    -h, --help                       Show this message
    -v, --version                    Show version
`;
}

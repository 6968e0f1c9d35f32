// The config module's public surface: options, loading from file + flags, reload diffing, the raw parser.
export { ConfigError, ConfigErrorList, formatConfigErrors, throwIfConfigErrors } from './config-error.js';
export type { ConfigPosition, ConfigSeverity } from './config-error.js';
export { parseConfigFile, parseConfigText } from './conf-parser.js';
export type { ParseOptions, ParseResult } from './conf-parser.js';
export { formatDuration, parseGoDuration, toPlainValue } from './conf-values.js';
export type { ConfEntry, ConfMapNode, ConfNode } from './conf-values.js';
export { cloneOptions, defaultOptions, DEFAULTS } from './options.js';
export type {
  AccountExportOption,
  AccountImportOption,
  AccountJetStreamOption,
  AccountOption,
  AuthorizationOptions,
  AuthUserOption,
  ClusterListenerOptions,
  JetStreamOptions,
  ListenerOptions,
  Options,
  PermissionsSpec,
  ResolverOption,
  UserOption,
  WebsocketListenerOptions,
} from './options.js';
export { applyConfigTree, diffOptions, finalizeOptions, findOption, OPTION_TABLE, UNSUPPORTED_OPTIONS } from './option-table.js';
export type { OptionSpec, OptionsDiff, ReloadRule } from './option-table.js';
export { applyTlsFlags, checkTlsFiles, tlsFilesDigest } from './tls-option.js';
export { applyFlags, loadOptions, parseCommandLine, reloadOptions, SIGNAL_COMMANDS, usageText } from './flags.js';
export type { CommandLine, LoaderHooks, LoadResult, ParsedFlag, SignalCommand } from './flags.js';

// Errors and warnings of configuration loading, each naming file:line:column so a user can find the cause.

/** A place in a configuration file (or in a pseudo-file such as `<command line>`). Line and column start at 1. */
export interface ConfigPosition {
  file: string;
  line: number;
  column: number;
}

export type ConfigSeverity = 'error' | 'warning';

/**
 * One problem found while reading configuration. Problems are collected into arrays, never thrown one
 * at a time; `message` is the full text (`file:line:col: reason`) and `reason` the text without a place.
 */
export class ConfigError extends Error {
  readonly reason: string;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly severity: ConfigSeverity;

  constructor(reason: string, position?: ConfigPosition, severity: ConfigSeverity = 'error') {
    super(position ? `${position.file}:${position.line}:${position.column}: ${reason}` : reason);
    this.name = 'ConfigError';
    this.reason = reason;
    this.file = position?.file;
    this.line = position?.line;
    this.column = position?.column;
    this.severity = severity;
  }

  get position(): ConfigPosition | undefined {
    if (this.file === undefined || this.line === undefined || this.column === undefined) return undefined;
    return { file: this.file, line: this.line, column: this.column };
  }
}

/** Thrown by `throwIfConfigErrors` for callers that prefer an exception; carries every error found. */
export class ConfigErrorList extends Error {
  readonly errors: ConfigError[];

  constructor(errors: ConfigError[]) {
    super(formatConfigErrors(errors));
    this.name = 'ConfigErrorList';
    this.errors = errors;
  }
}

/** One line per problem, in the order found. */
export function formatConfigErrors(errors: readonly ConfigError[]): string {
  return errors.map((error) => (error.severity === 'warning' ? `warning: ${error.message}` : error.message)).join('\n');
}

/** Throws a `ConfigErrorList` when `errors` holds at least one error (warnings alone do not throw). */
export function throwIfConfigErrors(errors: readonly ConfigError[]): void {
  const real = errors.filter((error) => error.severity === 'error');
  if (real.length > 0) throw new ConfigErrorList(real);
}

// The tree the config parser produces (every value with its position) and the unit conversions options use.
import type { ConfigPosition } from './config-error.js';

interface NodeBase {
  /** Where the value starts (for a value reached through `$variable`, where the reference is). */
  position: ConfigPosition;
}

export interface ConfStringNode extends NodeBase {
  kind: 'string';
  value: string;
}

export interface ConfIntegerNode extends NodeBase {
  kind: 'integer';
  /** The value with any size suffix applied (`1MB` -> 1048576). Exact up to 2^53, approximate above. */
  value: number;
  /** The text as written, e.g. `64MB` or `-1`. */
  text: string;
}

export interface ConfFloatNode extends NodeBase {
  kind: 'float';
  value: number;
}

export interface ConfBoolNode extends NodeBase {
  kind: 'bool';
  value: boolean;
}

export interface ConfDateNode extends NodeBase {
  kind: 'datetime';
  value: Date;
}

export interface ConfArrayNode extends NodeBase {
  kind: 'array';
  items: ConfNode[];
}

export interface ConfEntry {
  /** The key exactly as written (option lookup lowercases it, as nats-server does). */
  key: string;
  keyPosition: ConfigPosition;
  value: ConfNode;
  /**
   * True once a `$variable` resolved to this entry. nats-server then tolerates an otherwise unknown
   * key, because it was only a variable definition.
   */
  referenced: boolean;
}

export interface ConfMapNode extends NodeBase {
  kind: 'map';
  /** In file order; a key given twice keeps the last value (moved to the end). */
  entries: Map<string, ConfEntry>;
}

export type ConfNode =
  | ConfStringNode
  | ConfIntegerNode
  | ConfFloatNode
  | ConfBoolNode
  | ConfDateNode
  | ConfArrayNode
  | ConfMapNode;

export type ConfKind = ConfNode['kind'];

/** The same tree as plain JS values (objects, arrays, strings, numbers, booleans, Dates), positions dropped. */
export function toPlainValue(node: ConfNode): unknown {
  switch (node.kind) {
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [key, entry] of node.entries) out[key] = toPlainValue(entry.value);
      return out;
    }
    case 'array':
      return node.items.map(toPlainValue);
    default:
      return node.value;
  }
}

/** A short description of a node for error messages: `string "abc"`, `integer 5`, `map`. */
export function describeNode(node: ConfNode): string {
  switch (node.kind) {
    case 'string':
      return `string ${JSON.stringify(node.value.length > 40 ? node.value.slice(0, 40) + '…' : node.value)}`;
    case 'integer':
      return `integer ${node.text}`;
    case 'float':
      return `float ${node.value}`;
    case 'bool':
      return `boolean ${node.value}`;
    case 'datetime':
      return `datetime ${node.value.toISOString()}`;
    case 'array':
      return 'array';
    case 'map':
      return 'map';
  }
}

// ---------------------------------------------------------------------------------------------------
// Sizes. The lexer accepts a number followed by one of k m g t p e (any case) and then any run of
// b/B/i/I; the parser gives meaning to: X (powers of 1000) and XB, XI, XIB (powers of 1024).

const DECIMAL_POWERS: Record<string, number> = { k: 1, m: 2, g: 3, t: 4, p: 5, e: 6 };

/** The multiplier for a size suffix (`''`, `k`, `KB`, `Mi`, `GiB`...), or undefined if it has no meaning. */
export function sizeSuffixMultiplier(suffix: string): bigint | undefined {
  if (suffix === '') return 1n;
  const lower = suffix.toLowerCase();
  const power = DECIMAL_POWERS[lower[0] ?? ''];
  if (power === undefined) return undefined;
  const rest = lower.slice(1);
  if (rest === '') return 1000n ** BigInt(power);
  if (rest === 'b' || rest === 'i' || rest === 'ib') return 1024n ** BigInt(power);
  return undefined;
}

export const INT64_MAX = 2n ** 63n - 1n;
export const INT64_MIN = -(2n ** 63n);

// ---------------------------------------------------------------------------------------------------
// Durations, in Go's time.ParseDuration syntax ("1h30m", "500ms", "1.5s", "-2m"), as nats-server reads them.

const NANOSECONDS_PER_UNIT: Record<string, number> = {
  ns: 1,
  us: 1e3,
  '\u00b5s': 1e3, // micro sign
  '\u03bcs': 1e3, // Greek small letter mu
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

export type DurationResult = { ok: true; milliseconds: number } | { ok: false; error: string };

/** Parses a Go duration string into milliseconds (fractional below 1 ms). Errors read like Go's. */
export function parseGoDuration(text: string): DurationResult {
  const invalid = (): DurationResult => ({ ok: false, error: `time: invalid duration ${JSON.stringify(text)}` });
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest[0] === '-';
    rest = rest.slice(1);
  }
  if (rest === '0') return { ok: true, milliseconds: 0 };
  if (rest === '') return invalid();
  let totalNanoseconds = 0;
  while (rest !== '') {
    const number = /^(\d*)(?:\.(\d*))?/.exec(rest);
    const whole = number?.[1] ?? '';
    const fraction = number?.[2];
    if (!number || (whole === '' && (fraction === undefined || fraction === ''))) return invalid();
    rest = rest.slice(number[0].length);
    const unitMatch = /^[^\d.]*/.exec(rest);
    const unit = unitMatch ? unitMatch[0] : '';
    if (unit === '') return { ok: false, error: `time: missing unit in duration ${JSON.stringify(text)}` };
    const scale = NANOSECONDS_PER_UNIT[unit];
    if (scale === undefined) {
      return { ok: false, error: `time: unknown unit ${JSON.stringify(unit)} in duration ${JSON.stringify(text)}` };
    }
    rest = rest.slice(unit.length);
    totalNanoseconds += Number(`${whole || '0'}.${fraction || '0'}`) * scale;
    if (totalNanoseconds > 9.223372036854775807e18) return invalid();
  }
  const milliseconds = totalNanoseconds / 1e6;
  return { ok: true, milliseconds: negative ? -milliseconds : milliseconds };
}

/** Milliseconds back into a compact Go-style duration (`2m0s` is written `2m`), for messages. */
export function formatDuration(milliseconds: number): string {
  if (milliseconds === 0) return '0s';
  const sign = milliseconds < 0 ? '-' : '';
  let rest = Math.abs(milliseconds);
  if (rest < 1000) return `${sign}${+rest.toFixed(6)}ms`;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = +(rest / 1000).toFixed(9);
  return `${sign}${hours ? `${hours}h` : ''}${minutes ? `${minutes}m` : ''}${seconds ? `${seconds}s` : ''}`;
}

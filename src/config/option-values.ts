// Turns parsed config values into typed option values; every problem is recorded with file:line:col.
import { ConfigError, type ConfigPosition } from './config-error.js';
import { describeNode, formatDuration, parseGoDuration, type ConfEntry, type ConfMapNode, type ConfNode } from './conf-values.js';

/** Collects errors and warnings while options are applied; `key` names the option in messages. */
export class ApplyContext {
  readonly errors: ConfigError[];
  /** The key being applied, as written (`max_conn`, `jetstream.max_mem`). */
  key = '';
  /** Position of that key, for problems that concern the whole option. */
  keyPosition: ConfigPosition | undefined;
  /** The value may be a secret (a password, a token): messages print [REDACTED] instead of it. */
  secret = false;

  constructor(errors: ConfigError[]) {
    this.errors = errors;
  }

  /** The same collector, for a key inside a block (`authorization.timeout`). */
  nested(entry: ConfEntry): ApplyContext {
    const inner = new ApplyContext(this.errors);
    inner.key = this.key ? `${this.key}.${entry.key}` : entry.key;
    inner.keyPosition = entry.keyPosition;
    inner.secret = this.secret;
    return inner;
  }

  /** The same key, with values kept out of messages. */
  redacted(): ApplyContext {
    const inner = new ApplyContext(this.errors);
    inner.key = this.key;
    inner.keyPosition = this.keyPosition;
    inner.secret = true;
    return inner;
  }

  error(reason: string, position: ConfigPosition | undefined = this.keyPosition): undefined {
    this.errors.push(new ConfigError(reason, position));
    return undefined;
  }

  warn(reason: string, position: ConfigPosition | undefined = this.keyPosition): void {
    this.errors.push(new ConfigError(reason, position, 'warning'));
  }

  /** "`max_payload` expects a size (e.g. 1MB), got string "x"". */
  expected(what: string, node: ConfNode): undefined {
    return this.error(`${this.key} expects ${what}, got ${this.describe(node)}`, node.position);
  }

  /** describeNode, or only the kind of value when it may be a secret. */
  describe(node: ConfNode): string {
    return this.secret ? `${node.kind === 'integer' ? 'integer' : node.kind} [REDACTED]` : describeNode(node);
  }
}

/** "Off" values of a feature we lack need no support: `syslog: false`, `tls: {}`. */
export function isOff(node: ConfNode): boolean {
  switch (node.kind) {
    case 'bool': return !node.value;
    case 'string': return node.value === '';
    case 'array': return node.items.length === 0;
    case 'map': return node.entries.size === 0;
    default: return false;
  }
}

/** A key of a nested block: its names (lowercase) and how it is applied. */
export interface BlockKey {
  names: readonly string[];
  apply(node: ConfNode, context: ApplyContext): void;
}

/** The keys of a nested block: known ones applied, unsupported ones rejected, others unknown. */
export function applyBlock(map: ConfMapNode, context: ApplyContext, keys: readonly BlockKey[], unsupported: readonly string[]): void {
  for (const entry of map.entries.values()) {
    const inner = context.nested(entry);
    const lower = entry.key.toLowerCase();
    const handler = keys.find((candidate) => candidate.names.includes(lower));
    if (handler) handler.apply(entry.value, inner);
    else if (unsupported.includes(lower)) {
      if (!isOff(entry.value)) inner.error(`"${inner.key}" is not supported yet by Natrium`);
    } else if (!entry.referenced) {
      const suggestion = closestName(lower, [...keys.flatMap((candidate) => candidate.names), ...unsupported]);
      inner.error(`unknown field "${entry.key}" in ${context.key}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`);
    }
  }
}

/** Sets `record[key]` as an own property, even for keys such as `__proto__` (names come from the file). */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

export function expectString(node: ConfNode, context: ApplyContext): string | undefined {
  return node.kind === 'string' ? node.value : context.expected('a string', node);
}

export function expectBool(node: ConfNode, context: ApplyContext): boolean | undefined {
  return node.kind === 'bool' ? node.value : context.expected('a boolean (true/false, yes/no, on/off)', node);
}

export function expectInteger(node: ConfNode, context: ApplyContext, minimum?: number, maximum?: number): number | undefined {
  if (node.kind !== 'integer') return context.expected('an integer', node);
  if (minimum !== undefined && node.value < minimum) return context.error(`${context.key} must be at least ${minimum}, got ${node.text}`, node.position);
  if (maximum !== undefined && node.value > maximum) return context.error(`${context.key} value is too big (at most ${maximum}), got ${node.text}`, node.position);
  return node.value;
}

/** A byte count: an integer, with units written as nats-server reads them (1K = 1000, 1KB = 1KiB = 1024). */
export function expectSize(node: ConfNode, context: ApplyContext, maximum?: number): number | undefined {
  if (node.kind !== 'integer') return context.expected('a size such as 1048576, 1MB or 512K', node);
  if (node.value < 0) return context.error(`${context.key} can not be negative, got ${node.text}`, node.position);
  if (maximum !== undefined && node.value > maximum) return context.error(`${context.key} value is too big (at most ${maximum}), got ${node.text}`, node.position);
  return node.value;
}

export function expectStringList(node: ConfNode, context: ApplyContext): string[] | undefined {
  if (node.kind === 'string') return [node.value];
  if (node.kind !== 'array') return context.expected('a string or an array of strings', node);
  const out: string[] = [];
  for (const item of node.items) {
    if (item.kind !== 'string') return context.expected('strings in its array', item);
    out.push(item.value);
  }
  return out;
}

export function expectMap(node: ConfNode, context: ApplyContext): ConfMapNode | undefined {
  return node.kind === 'map' ? node : context.expected('a map { ... }', node);
}

/**
 * A duration in milliseconds from a Go duration string ("2m", "1h30m", "500ms"). With
 * `secondsAllowed`, a plain integer counts as seconds and draws the same warning as in nats-server
 * (which ping_interval and write_deadline accept for backward compatibility).
 */
export function expectDuration(node: ConfNode, context: ApplyContext, secondsAllowed: boolean): number | undefined {
  if (node.kind === 'integer' && secondsAllowed) {
    if (node.value < 0) return context.error(`${context.key} can not be negative, got ${node.text}`, node.position);
    context.warn(`${context.key} should be converted to a duration such as "${node.value}s"`, node.position);
    return node.value * 1000;
  }
  if (node.kind !== 'string') return context.expected('a duration string such as "2m", "30s" or "1h30m"', node);
  const parsed = parseGoDuration(node.value);
  if (!parsed.ok) return context.error(`error parsing ${context.key}: ${parsed.error}`, node.position);
  if (parsed.milliseconds < 0) return context.error(`${context.key} can not be negative, got ${formatDuration(parsed.milliseconds)}`, node.position);
  return parsed.milliseconds;
}

/** Seconds as an integer or float (nats-server's `timeout` fields); we also take a duration string. */
export function expectSecondsOrDuration(node: ConfNode, context: ApplyContext): number | undefined {
  if (node.kind === 'integer' || node.kind === 'float') {
    if (node.value < 0) return context.error(`${context.key} can not be negative`, node.position);
    return node.value * 1000;
  }
  if (node.kind === 'string') return expectDuration(node, context, false);
  return context.expected('a number of seconds such as 2 or 0.5', node);
}

export function checkPort(port: number, context: ApplyContext, position: ConfigPosition): number | undefined {
  if (!Number.isInteger(port) || port < -1 || port > 65535) {
    return context.error(`${context.key}: port ${port} is out of range (0-65535, or -1 for a random port)`, position);
  }
  return port;
}

export function expectPort(node: ConfNode, context: ApplyContext): number | undefined {
  if (node.kind !== 'integer') return context.expected('a port number', node);
  return checkPort(node.value, context, node.position);
}

/** Go's net.SplitHostPort: `host:port`, `[v6]:port`, `:port`. */
export function splitHostPort(text: string): { host: string; port: string } | string {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return 'missing \']\' in address';
    if (text[close + 1] !== ':') return 'missing port in address';
    return { host: text.slice(1, close), port: text.slice(close + 2) };
  }
  const colon = text.lastIndexOf(':');
  if (colon < 0) return 'missing port in address';
  if (text.indexOf(':') !== colon) return 'too many colons in address';
  return { host: text.slice(0, colon), port: text.slice(colon + 1) };
}

/**
 * `listen`-style values: a port number, or "host:port" (port -1 = random). The host is undefined
 * when only a port was given.
 */
export function expectListen(node: ConfNode, context: ApplyContext): { host?: string; port: number } | undefined {
  if (node.kind === 'integer') {
    const port = checkPort(node.value, context, node.position);
    return port === undefined ? undefined : { port };
  }
  if (node.kind !== 'string') return context.expected('a port or "host:port"', node);
  const split = splitHostPort(node.value);
  if (typeof split === 'string') {
    return context.error(`${context.key}: could not parse address string ${JSON.stringify(node.value)} (${split}; expected host:port)`, node.position);
  }
  if (!/^[+-]?\d+$/.test(split.port)) {
    return context.error(`${context.key}: could not parse port ${JSON.stringify(split.port)}`, node.position);
  }
  const port = checkPort(Number(split.port), context, node.position);
  return port === undefined ? undefined : { host: split.host, port };
}

/** For "did you mean": the known name closest to `name`, if it is close enough to be a typo. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 4)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate, bestDistance);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? cap;
}

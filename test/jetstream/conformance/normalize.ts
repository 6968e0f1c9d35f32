// Normalizes JetStream API responses and delivered messages into stable, comparable transcript text.

/** Keys whose values are wall-clock times: shown as "<time>" (the zero time "0001-01-01T00:00:00Z" is kept). */
export const TIME_KEYS = new Set(['created', 'ts', 'first_ts', 'last_ts', 'last_active', 'time', 'now', 'expires']);
/** Keys whose values name or identify the server (random per start): shown as "<server>". */
export const SERVER_KEYS = new Set(['server_id', 'leader', 'server_name']);
/** Keys whose numeric values are elapsed times that depend on timing (mirror/source `active`, ns since last contact): "<ns>". */
export const ELAPSED_KEYS = new Set(['active']);
/** Headers whose values are wall-clock times. */
export const TIME_HEADERS = new Set(['nats-time-stamp']);

const ZERO_TIME = '0001-01-01T00:00:00Z';
const INBOX = /_INBOX\.[A-Za-z0-9_.-]+/g;

/**
 * Per-scenario substitutions: values captured from responses (ephemeral consumer names…) are shown as
 * `<name>` wherever they appear, so two servers that chose different random names give the same transcript.
 */
export class Masks {
  private readonly values = new Map<string, string>();

  add(name: string, value: string): void {
    if (value) this.values.set(value, `<${name}>`);
  }

  text(input: string): string {
    let out = input;
    // Longest values first so a name that contains another one is replaced whole.
    for (const [value, label] of [...this.values].sort((a, b) => b[0].length - a[0].length)) out = out.split(value).join(label);
    out = out.replace(INBOX, '<inbox>');
    // Flow control replies: `$JS.FC.<stream>.<consumer>.<random>`.
    out = out.replace(/(\$JS\.FC\.[^.\s"]+\.[^.\s"]+)\.[^\s"]+/g, '$1.<rand>');
    return maskAckSubject(out);
  }
}

/**
 * `$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<timestamp ns>.<pending>` (2.9, 9 tokens): the
 * timestamp token becomes `<ts>`. Newer servers insert domain and account hash tokens; their timestamp is also the one
 * before the last token (plus a random token at the end), handled the same way.
 */
export function maskAckSubject(subject: string): string {
  return subject.replace(/\$JS\.ACK\.[^\s"]+/g, (whole) => {
    const tokens = whole.split('.');
    if (tokens.length === 9) tokens[7] = '<ts>';
    else if (tokens.length >= 12) tokens[tokens.length - 3] = '<ts>';
    return tokens.join('.');
  });
}

/** A deep copy of a parsed JSON value with volatile values masked; object keys sorted. */
export function normalizeJson(value: unknown, masks: Masks, key?: string): unknown {
  if (Array.isArray(value)) return value.map((item) => normalizeJson(item, masks));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = normalizeJson((value as Record<string, unknown>)[k], masks, k);
    return out;
  }
  if (typeof value === 'number' && key !== undefined && ELAPSED_KEYS.has(key)) return '<ns>';
  if (typeof value === 'string') {
    if (key !== undefined && TIME_KEYS.has(key) && value !== ZERO_TIME && /^\d{4}-\d\d-\d\dT/.test(value)) return '<time>';
    if (key !== undefined && SERVER_KEYS.has(key)) return '<server>';
    return masks.text(value);
  }
  return value;
}

/** One line of canonical JSON (sorted keys) for a parsed, normalized value. */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value);
}

/** The response text as one transcript line: normalized sorted JSON when it parses, else quoted text. */
export function normalizePayload(text: string, masks: Masks): { line: string; json?: unknown } {
  if (text.length === 0) return { line: '<empty>' };
  try {
    const json = normalizeJson(JSON.parse(text), masks);
    return { line: jsonLine(json), json };
  } catch {
    return { line: `text ${JSON.stringify(masks.text(text))}` };
  }
}

/** Raw header block (`NATS/1.0 ...\r\nKey: value\r\n\r\n`) as a readable, normalized single line (`|` between lines). */
export function normalizeHeaders(raw: string, masks: Masks): string {
  const lines = raw.split('\r\n').filter((line) => line.length > 0);
  return lines
    .map((line, index) => {
      if (index === 0) return line;
      const colon = line.indexOf(':');
      const name = colon > 0 ? line.slice(0, colon) : line;
      if (TIME_HEADERS.has(name.toLowerCase())) return `${name}: <time>`;
      return masks.text(line);
    })
    .join(' | ');
}

/** The status part of a header block's first line ("404 No Messages"), or undefined for plain "NATS/1.0". */
export function statusOf(raw: string): string | undefined {
  const first = raw.split('\r\n', 1)[0] ?? '';
  const rest = first.replace(/^NATS\/1\.0/, '').trim();
  return rest.length > 0 ? rest : undefined;
}

/** Does `actual` contain everything in `expected` (objects: listed keys, recursively; arrays and scalars: equal)? */
export function partialMatch(actual: unknown, expected: unknown): boolean {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([k, v]) => (v === undefined ? !(k in actual) : partialMatch((actual as Record<string, unknown>)[k], v)));
  }
  return JSON.stringify(actual) === JSON.stringify(expected);
}

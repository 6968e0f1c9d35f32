// JSON conventions of the JetStream API: Go durations as integer nanoseconds, times as RFC 3339 with nanoseconds.

/** Go's zero time, which nats-server prints for "never". */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** The last whole second formatted, and its text: stored messages' times mostly fall in the same second. */
let lastSecond = Number.NaN;
let lastSecondText = '';

/** RFC 3339 with up to nanosecond precision and trailing zeros trimmed, as Go's time.Time marshals in UTC. */
export function formatTimeNs(epochNs: bigint | number): string {
  const ns = typeof epochNs === 'bigint' ? epochNs : BigInt(Math.trunc(epochNs));
  if (ns === 0n) return ZERO_TIME;
  if (ns < 0n) return formatBeforeEpoch(ns);
  const wholeSeconds = ns / 1_000_000_000n;
  const fraction = Number(ns - wholeSeconds * 1_000_000_000n);
  const second = Number(wholeSeconds);
  if (second !== lastSecond) {
    lastSecond = second;
    lastSecondText = new Date(second * 1000).toISOString().slice(0, 19);
  }
  if (fraction === 0) return `${lastSecondText}Z`;
  const digits = String(fraction).padStart(9, '0');
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 48 /* 0 */) end--;
  return `${lastSecondText}.${digits.slice(0, end)}Z`;
}

function formatBeforeEpoch(ns: bigint): string {
  const fraction = ns % 1_000_000_000n;
  const base = new Date(Number(ns / 1_000_000n)).toISOString().slice(0, 19);
  if (fraction === 0n) return `${base}Z`;
  return `${base}.${fraction.toString().padStart(9, '0').replace(/0+$/, '')}Z`;
}

/** Parses an RFC 3339 time (as clients send in `opt_start_time`) to nanoseconds since the epoch; NaN-free: null if invalid. */
export function parseTimeNs(text: string): bigint | null {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  if (match === null) return null;
  const ms = Date.parse(`${match[1]}${match[3] === 'Z' ? 'Z' : match[3]}`);
  if (Number.isNaN(ms)) return null;
  const fraction = BigInt((match[2] ?? '').padEnd(9, '0') || '0');
  return BigInt(ms) * 1_000_000n + fraction;
}

/** Now, in nanoseconds since the epoch, with the best precision the process has. */
export function nowNs(): bigint {
  return BigInt(Math.floor(performance.timeOrigin * 1000)) * 1000n + process.hrtime.bigint() - HRTIME_AT_ORIGIN;
}
const HRTIME_AT_ORIGIN = process.hrtime.bigint() - BigInt(Math.round(performance.now() * 1e6));

export const NS_PER_MS = 1_000_000;

// Go's text forms that consumers echo: durations ("1.5s", "2m0s"), time.ParseDuration, and RFC 3339 times with their offset.

const NS_PER_SECOND = 1e9;
const NS_PER_MINUTE = 60 * NS_PER_SECOND;
const NS_PER_HOUR = 60 * NS_PER_MINUTE;

/** `value / unit` with the fraction written out and trailing zeros dropped, as Go's Duration.String does. */
function withFraction(value: number, unit: number): string {
  const whole = Math.floor(value / unit);
  const rest = value - whole * unit;
  if (rest === 0) return String(whole);
  const digits = String(unit).length - 1;
  return `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}`;
}

/** A duration in nanoseconds as Go prints it (time.Duration.String): "0s", "500ms", "1.5s", "2m0s", "1h0m0s". */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let rest = Math.abs(Math.trunc(ns));
  if (rest < 1e3) return `${sign}${rest}ns`;
  if (rest < 1e6) return `${sign}${withFraction(rest, 1e3)}µs`;
  if (rest < NS_PER_SECOND) return `${sign}${withFraction(rest, 1e6)}ms`;
  const hours = Math.floor(rest / NS_PER_HOUR);
  rest -= hours * NS_PER_HOUR;
  const minutes = Math.floor(rest / NS_PER_MINUTE);
  rest -= minutes * NS_PER_MINUTE;
  const seconds = `${withFraction(rest, NS_PER_SECOND)}s`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}

const UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: NS_PER_SECOND, m: NS_PER_MINUTE, h: NS_PER_HOUR };

/** Go's time.ParseDuration ("300ms", "1.5h", "2h45m"); null when the text is not a duration. */
export function parseGoDuration(text: string): number | null {
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest[0] === '-' ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return null;
  let total = 0;
  const part = /^(\d*)(?:\.(\d*))?([a-zµμ]+)/;
  while (rest.length > 0) {
    const match = part.exec(rest);
    if (match === null) return null;
    const [whole, integer = '', fraction = '', unitName = ''] = match;
    const unit = UNITS[unitName];
    if (unit === undefined || (integer === '' && fraction === '')) return null;
    total += Number(integer || '0') * unit + (fraction ? Math.round(Number(`0.${fraction}`) * unit) : 0);
    rest = rest.slice(whole.length);
  }
  return sign * total;
}

/** A time as Go's encoding/json reads it (RFC 3339, optional fraction), with its UTC offset kept for echoing. */
export interface GoTime {
  /** Nanoseconds since the Unix epoch. */
  ns: bigint;
  /** Minutes east of UTC; null for "Z". */
  offsetMinutes: number | null;
}

const RFC3339 = /^(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:([Zz])|([+-])(\d\d):(\d\d))$/;

export function parseGoTime(text: string): GoTime | null {
  const m = RFC3339.exec(text);
  if (m === null) return null;
  const [, year, month, day, hour, minute, second, fraction = '', zulu, offsetSign, offsetHours, offsetMins] = m;
  if (Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(day) > 31 || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return null;
  // setUTCFullYear, not Date.UTC: the latter reads years 0-99 as 1900-1999 (Go's zero time is year 1).
  const date = new Date(0);
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  date.setUTCHours(Number(hour), Number(minute), Number(second), 0);
  const ms = date.getTime();
  if (Number.isNaN(ms)) return null;
  const offsetMinutes = zulu ? null : (offsetSign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMins));
  const fractionNs = BigInt((fraction.slice(0, 9) || '0').padEnd(9, '0'));
  const ns = BigInt(ms) * 1_000_000n + fractionNs - BigInt((offsetMinutes ?? 0) * 60) * 1_000_000_000n;
  return { ns, offsetMinutes };
}

/** RFC 3339 with nanoseconds, trailing zeros dropped, in the given offset: Go's time.Time JSON form. */
export function formatGoTime(time: GoTime): string {
  const offset = time.offsetMinutes ?? 0;
  const local = time.ns + BigInt(offset * 60) * 1_000_000_000n;
  const seconds = local / 1_000_000_000n - (local % 1_000_000_000n < 0n ? 1n : 0n);
  const fraction = local - seconds * 1_000_000_000n;
  const iso = new Date(Number(seconds) * 1000).toISOString();
  // Years beyond 9999 come out as "+010000-..."; nats-server never sends those.
  const base = iso.slice(iso.length - 24, iso.length - 5);
  const frac = fraction === 0n ? '' : `.${fraction.toString().padStart(9, '0').replace(/0+$/, '')}`;
  if (time.offsetMinutes === null) return `${base}${frac}Z`;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${base}${frac}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

// How nats-server (Go) prints times and durations in its monitoring JSON, so reports read the same.

/** RFC 3339 in UTC with trailing zeros of the fraction dropped, as Go's time.Time marshals. */
export function goTime(date: Date | number): string {
  const iso = (typeof date === 'number' ? new Date(date) : date).toISOString();
  return iso.replace(/\.?0+Z$/, 'Z');
}

/** nats-server's uptime text: whole seconds as "1y2d3h4m5s", leading zero units left out. */
export function goUptime(ms: number): string {
  const secs = Math.max(0, Math.floor(ms / 1000));
  const mins = Math.floor(secs / 60);
  const hours = Math.floor(mins / 60);
  const days = Math.floor(hours / 24);
  const years = Math.floor(days / 365);
  if (years > 0) return `${years}y${days % 365}d${hours % 24}h${mins % 60}m${secs % 60}s`;
  if (days > 0) return `${days}d${hours % 24}h${mins % 60}m${secs % 60}s`;
  if (hours > 0) return `${hours}h${mins % 60}m${secs % 60}s`;
  if (mins > 0) return `${mins}m${secs % 60}s`;
  return `${secs}s`;
}

/** Go's time.Duration.String() for a duration in nanoseconds: "0s", "728µs", "2.223256ms", "1m2.5s". */
export function goDuration(nanos: number): string {
  let ns = Math.round(nanos);
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  ns = Math.abs(ns);
  if (ns < 1_000) return `${sign}${ns}ns`;
  if (ns < 1_000_000) return `${sign}${fraction(ns, 1_000)}µs`;
  if (ns < 1_000_000_000) return `${sign}${fraction(ns, 1_000_000)}ms`;
  const hours = Math.floor(ns / 3_600_000_000_000);
  const minutes = Math.floor((ns % 3_600_000_000_000) / 60_000_000_000);
  const seconds = fraction(ns % 60_000_000_000, 1_000_000_000);
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

/** `value / unit` printed exactly, without trailing zeros (no floating-point rounding). */
function fraction(value: number, unit: number): string {
  const whole = Math.floor(value / unit);
  const rest = value % unit;
  if (rest === 0) return String(whole);
  const digits = String(unit).length - 1;
  return `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}`;
}

/** A round trip measured in (fractional) milliseconds, as nats-server prints it: truncated to µs below 1 ms. */
export function goRtt(rttMs: number): string {
  let ns = Math.round(rttMs * 1_000_000);
  if (ns > 1_000 && ns < 1_000_000) ns -= ns % 1_000;
  return goDuration(ns);
}

// How nats-server (Go) prints times and durations in its monitoring JSON, so reports read the same.

import { formatGoDuration } from '../jetstream/consumer/go-time.js';

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

/** A round trip measured in (fractional) milliseconds, as nats-server prints it: truncated to µs below 1 ms. */
export function goRtt(rttMs: number): string {
  let ns = Math.round(rttMs * 1_000_000);
  if (ns > 1_000 && ns < 1_000_000) ns -= ns % 1_000;
  return formatGoDuration(ns);
}

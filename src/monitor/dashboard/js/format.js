// Number, byte, rate and duration formatting for the dashboard's tables and cards.

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function bytes(n) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '–';
  let unit = 0;
  while (Math.abs(n) >= 1024 && unit < BYTE_UNITS.length - 1) { n /= 1024; unit++; }
  return `${unit === 0 ? Math.round(n) : n.toFixed(n < 10 ? 2 : 1)} ${BYTE_UNITS[unit]}`;
}

export function count(n) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US');
}

/** Rates keep one decimal below 10/s so a trickle does not look like zero. */
export function rate(n, unit = 'msg/s') {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '–';
  const shown = n >= 10 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
  return `${shown} ${unit}`;
}

export function byteRate(n) {
  return typeof n === 'number' && Number.isFinite(n) ? `${bytes(n)}/s` : '–';
}

/** A Go-style RFC 3339 time -> local "HH:MM:SS" for today, else date and time. */
export function time(value) {
  if (!value || value.startsWith('0001-')) return '–';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  const today = new Date().toDateString() === d.toDateString();
  return today ? d.toLocaleTimeString() : d.toLocaleString();
}

export function duration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.floor(seconds);
  const parts = [[Math.floor(s / 86400), 'd'], [Math.floor((s % 86400) / 3600), 'h'], [Math.floor((s % 3600) / 60), 'm'], [s % 60, 's']];
  const first = parts.findIndex(([v]) => v > 0);
  return first < 0 ? '0s' : parts.slice(first, first + 2).map(([v, u]) => `${v}${u}`).join(' ');
}

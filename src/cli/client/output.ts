// Output helpers in the nats CLI's style: time-stamped log lines on stderr, message bodies on stdout.
import type { MsgHdrs } from '@nats-io/transport-node';

function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Local wall-clock time as HH:MM:SS (Go's log.Ltime). */
export function clock(now = new Date()): string {
  return `${twoDigits(now.getHours())}:${twoDigits(now.getMinutes())}:${twoDigits(now.getSeconds())}`;
}

/** A status line on stderr, prefixed with the time as Go's standard logger does. */
export function log(message: string): void {
  process.stderr.write(`${clock()} ${message}\n`);
}

export function print(text: string): void {
  process.stdout.write(text);
}

/** A string quoted as Go's %q does for printable text. */
export function quote(text: string): string {
  return JSON.stringify(text);
}

/** Header name/value pairs in arrival order, one pair per value. */
export function headerLines(headers: MsgHdrs | undefined): [string, string][] {
  const lines: [string, string][] = [];
  if (!headers) return lines;
  for (const [name, values] of headers) {
    for (const value of values) lines.push([name, value]);
  }
  return lines;
}

/** A body as the nats CLI prints it: the text, a newline, then a blank line; `req` shows an empty one as `nil body`. */
export function printBody(data: Uint8Array, showNil = false): void {
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  if (text.length === 0 && showNil) {
    print('nil body\n\n');
    return;
  }
  print(text.endsWith('\n') ? `${text}\n` : `${text}\n\n`);
}

function trimFraction(value: number, digits: number): string {
  const text = value.toFixed(digits);
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** A duration in milliseconds formatted as Go's time.Duration String() (1.234567ms, 812µs, 1.5s, 2m3s). */
export function goDuration(ms: number): string {
  const ns = Math.round(ms * 1e6);
  if (ns === 0) return '0s';
  if (ns < 1_000) return `${ns}ns`;
  if (ns < 1_000_000) return `${trimFraction(ns / 1e3, 3)}µs`;
  if (ns < 1_000_000_000) return `${trimFraction(ns / 1e6, 6)}ms`;
  const hours = Math.floor(ns / 3.6e12);
  const minutes = Math.floor((ns % 3.6e12) / 6e10);
  const seconds = `${trimFraction((ns % 6e10) / 1e9, 9)}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}

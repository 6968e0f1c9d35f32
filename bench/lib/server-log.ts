// Finds the servers' "Slow Consumer Detected" log lines of one run: when each cut came, and why.
import fs from 'node:fs';

/** Both servers start their lines with `[pid] 2026/11/28 19:14:38.810743 [INF] `, in local time. */
const LINE = /^\[\d+\] (\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{6}) \[\w+\] .*Slow Consumer Detected: (.*)$/;

export interface SlowConsumerCut {
  /** Milliseconds after `startUnix`. */
  ms: number;
  /** What the server said, e.g. "MaxPending of 8388608 Exceeded". */
  reason: string;
}

/** Slow-consumer lines written to `logFile` after byte `from`, timed from `startUnix` (seconds since the epoch). */
export function slowConsumerCuts(logFile: string, from: number, startUnix: number): SlowConsumerCut[] {
  const text = fs.readFileSync(logFile, 'latin1').slice(from);
  const cuts: SlowConsumerCut[] = [];
  for (const line of text.split('\n')) {
    const match = LINE.exec(line);
    if (match === null) continue;
    const [, year, month, day, hour, minute, second, micros, reason] = match;
    const seconds = new Date(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)).getTime() / 1000 + Number(micros) / 1e6;
    cuts.push({ ms: Math.round((seconds - startUnix) * 1000), reason: reason.trim() });
  }
  return cuts;
}

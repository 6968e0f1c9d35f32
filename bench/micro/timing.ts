// Times a synchronous body: grows the batch until it takes long enough, then takes the median of several batches.

export interface MicroRow {
  name: string;
  figure: string;
  value: string;
}

/** Results go here so the optimizer cannot drop the work. */
export let sink = 0;

/**
 * `body(iterations)` does the work `iterations` times and returns a number derived from it.
 * Returns the median nanoseconds per iteration over `samples` batches of at least `minMs` each.
 */
export function nsPerOp(body: (iterations: number) => number, options: { minMs?: number; samples?: number; warmupMs?: number } = {}): number {
  const minMs = options.minMs ?? 200;
  const samples = options.samples ?? 5;
  let iterations = 1;
  // Warm up (JIT) and find a batch size that takes at least minMs.
  const warmupEnd = performance.now() + (options.warmupMs ?? 300);
  for (;;) {
    const t0 = performance.now();
    sink += body(iterations);
    const elapsed = performance.now() - t0;
    if (elapsed >= minMs && performance.now() >= warmupEnd) break;
    iterations = elapsed < minMs / 8 ? iterations * 4 : Math.ceil((iterations * minMs) / Math.max(elapsed, 0.001));
  }
  const times: number[] = [];
  for (let s = 0; s < samples; s++) {
    const t0 = process.hrtime.bigint();
    sink += body(iterations);
    times.push(Number(process.hrtime.bigint() - t0) / iterations);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

export function formatNs(ns: number): string {
  return ns >= 100 ? ns.toFixed(0) : ns.toFixed(1);
}

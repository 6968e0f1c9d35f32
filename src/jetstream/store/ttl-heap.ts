// A binary min-heap of (expiry time, sequence) pairs for per-message TTLs.

export class TtlHeap {
  private times: number[] = [];
  private seqs: number[] = [];

  get size(): number {
    return this.times.length;
  }

  clear(): void {
    this.times = [];
    this.seqs = [];
  }

  /** The earliest expiry time in ms since the epoch, or Infinity. */
  peekTime(): number {
    return this.times.length > 0 ? this.times[0] : Infinity;
  }

  push(expiresAtMs: number, seq: number): void {
    const times = this.times;
    const seqs = this.seqs;
    let i = times.length;
    times.push(expiresAtMs);
    seqs.push(seq);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (times[parent] <= expiresAtMs) break;
      times[i] = times[parent];
      seqs[i] = seqs[parent];
      i = parent;
    }
    times[i] = expiresAtMs;
    seqs[i] = seq;
  }

  /** Removes the earliest pair and returns its sequence. Only call when size > 0. */
  pop(): number {
    const times = this.times;
    const seqs = this.seqs;
    const top = seqs[0];
    const lastTime = times.pop() as number;
    const lastSeq = seqs.pop() as number;
    const n = times.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && times[child + 1] < times[child]) child++;
      if (times[child] >= lastTime) break;
      times[i] = times[child];
      seqs[i] = seqs[child];
      i = child;
    }
    times[i] = lastTime;
    seqs[i] = lastSeq;
    return top;
  }
}

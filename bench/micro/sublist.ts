// Sublist match cost with 10k and 1M subscriptions: repeat subjects (cache hit) and ever-new ones (cache miss).
import v8 from 'node:v8';
import vm from 'node:vm';
import { Sublist, type SublistEntry } from '../../src/subjects/sublist.js';
import { formatNs, nsPerOp, type MicroRow } from './timing.js';

/**
 * Subscription i is `svc.<a>.<b>.evt` with a = i mod 1000 and b = i div 1000, except that one per thousand is
 * `svc.*.<b>.evt` and one per thousand `svc.<b mod 1000>.>`. A literal subject then matches 2 or 3 subscriptions.
 */
function subjectFor(i: number): string {
  const a = i % 1000;
  const b = Math.floor(i / 1000);
  if (a === 500) return `svc.*.${b}.evt`;
  if (a === 250) return `svc.${b % 1000}.>`;
  return `svc.${a}.${b}.evt`;
}

function literal(i: number): string {
  return `svc.${i % 1000}.${Math.floor(i / 1000)}.evt`;
}

function matchCost(sublist: Sublist<SublistEntry>, subjects: string[]): number {
  let at = 0;
  const count = subjects.length;
  return nsPerOp((iterations) => {
    let found = 0;
    for (let n = 0; n < iterations; n++) {
      const result = sublist.match(subjects[at]);
      found += result.plain.length + result.queues.length;
      if (++at === count) at = 0;
    }
    return found;
  });
}

/** A full garbage collection, for heap figures (the flag can be set at run time; vm hands out the function). */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

function benchmarksFor(size: number): MicroRow[] {
  const entries = Array.from({ length: size }, (_, i) => ({ subject: subjectFor(i), queue: '' }));
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  const sublist = new Sublist<SublistEntry>();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < size; i++) sublist.insert(entries[i]);
  const insertNs = Number(process.hrtime.bigint() - t0) / size;
  collectGarbage();
  const heapPerSub = (process.memoryUsage().heapUsed - heapBefore) / size;
  const label = size >= 1e6 ? `${size / 1e6}M` : `${size / 1e3}k`;
  // 100 subjects that stay in the 1024-entry cache, and 65,536 that cycle through it (each one long evicted when it comes back).
  const hot = Array.from({ length: 100 }, (_, k) => literal((k * 7919) % size));
  const cold = Array.from({ length: 65_536 }, (_, k) => literal((k * 104_729) % size));
  const hit = matchCost(sublist, hot);
  const miss = matchCost(sublist, cold);
  const uncached = new Sublist<SublistEntry>(0);
  for (let i = 0; i < size; i++) uncached.insert(entries[i]);
  const walk = matchCost(uncached, cold);
  return [
    { name: `sublist ${label} subs, match, cache hit (2–3 subs per subject)`, figure: 'ns/op', value: formatNs(hit) },
    { name: `sublist ${label} subs, match, cache miss (trie walk; admitted to the full cache on a second miss)`, figure: 'ns/op', value: formatNs(miss) },
    { name: `sublist ${label} subs, match, trie walk alone (cache off)`, figure: 'ns/op', value: formatNs(walk) },
    { name: `sublist ${label} subs, insert (building it)`, figure: 'ns/op', value: formatNs(insertNs) },
    { name: `sublist ${label} subs, trie heap per subscription`, figure: 'bytes', value: heapPerSub.toFixed(0) },
  ];
}

export function sublistBenchmarks(): MicroRow[] {
  return [...benchmarksFor(10_000), ...benchmarksFor(1_000_000)];
}

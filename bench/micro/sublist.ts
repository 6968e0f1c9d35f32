// Sublist match cost with 10k and 1M subscriptions: repeat subjects (cache hit) and ever-new ones (cache miss).
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

function benchmarksFor(size: number): MicroRow[] {
  const sublist = new Sublist<SublistEntry>();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < size; i++) sublist.insert({ subject: subjectFor(i), queue: '' });
  const insertNs = Number(process.hrtime.bigint() - t0) / size;
  const label = size >= 1e6 ? `${size / 1e6}M` : `${size / 1e3}k`;
  // 100 subjects that stay in the 1024-entry cache, and 65,536 that cycle through it (each one long evicted when it comes back).
  const hot = Array.from({ length: 100 }, (_, k) => literal((k * 7919) % size));
  const cold = Array.from({ length: 65_536 }, (_, k) => literal((k * 104_729) % size));
  const hit = matchCost(sublist, hot);
  const miss = matchCost(sublist, cold);
  return [
    { name: `sublist ${label} subs, match, cache hit (2–3 subs per subject)`, figure: 'ns/op', value: formatNs(hit) },
    { name: `sublist ${label} subs, match, cache miss (trie walk + cache insert)`, figure: 'ns/op', value: formatNs(miss) },
    { name: `sublist ${label} subs, insert (building it)`, figure: 'ns/op', value: formatNs(insertNs) },
  ];
}

export function sublistBenchmarks(): MicroRow[] {
  return [...benchmarksFor(10_000), ...benchmarksFor(1_000_000)];
}

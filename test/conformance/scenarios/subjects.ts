// Subjects: wildcards, and invalid subjects in SUB and PUB with and without pedantic.
import { expectClosed, ping, quiet, send, waitFor, type Scenario, type Step } from '../harness.js';
import { connectLine, silentClose } from './common.js';

const QUIET = connectLine({ verbose: false, pedantic: false });
const PEDANTIC = connectLine({ verbose: false, pedantic: true });

/**
 * Odd subjects and what nats-server 2.9.10 does with them: `subOk` = SUB accepted (else -ERR 'Invalid Subject',
 * connection kept, pedantic or not); `delivered` = a PUB reaches `SUB >` (pedantic or not); `pubOk` = no
 * -ERR 'Invalid Publish Subject' under pedantic (non-pedantic never complains). Wildcard characters inside a
 * longer token (`*bar`, `b>r`) are plain characters.
 */
const ODD_SUBJECTS: { subject: string; why: string; subOk: boolean; delivered: boolean; pubOk: boolean }[] = [
  { subject: 'foo..bar', why: 'empty token in the middle', subOk: false, delivered: false, pubOk: false },
  { subject: 'foo.', why: 'trailing dot', subOk: false, delivered: false, pubOk: false },
  { subject: '.foo', why: 'leading dot', subOk: false, delivered: false, pubOk: false },
  { subject: '>.foo', why: 'full wildcard not last', subOk: false, delivered: true, pubOk: false },
  { subject: 'foo.>.bar', why: 'full wildcard in the middle', subOk: false, delivered: true, pubOk: false },
  { subject: 'foo.*bar', why: 'star inside a token', subOk: true, delivered: true, pubOk: true },
  { subject: 'foo.b>r', why: 'gt inside a token', subOk: true, delivered: true, pubOk: true },
  { subject: '.', why: 'a single dot', subOk: false, delivered: false, pubOk: false },
];

function subScenario(subject: string, why: string, pedantic: boolean, subOk: boolean): Scenario {
  return {
    name: `subjects - SUB ${subject} (${why})${pedantic ? ' pedantic' : ''}`,
    steps: [send((pedantic ? PEDANTIC : QUIET) + `SUB ${subject} 1\r\n`), quiet(), ...ping(), send('PUB foo.bar 2\r\nhi\r\n'), quiet(), ...ping()],
    expect: subOk ? ['< a: PONG'] : ["< a: -ERR 'Invalid Subject'", '< a: PONG', '< a: PONG'],
    expectAbsent: subOk ? [/^< a: -ERR/, /^x a:/] : [/^x a:/],
  };
}

function pubScenario(subject: string, why: string, pedantic: boolean, delivered: boolean, pubOk: boolean): Scenario {
  const error = pedantic && !pubOk;
  return {
    name: `subjects - PUB ${subject} (${why})${pedantic ? ' pedantic' : ''}`,
    steps: [send((pedantic ? PEDANTIC : QUIET) + `SUB > 9\r\nPUB ${subject} 2\r\nhi\r\n`), quiet(), ...ping()],
    expect: [...(error ? ["< a: -ERR 'Invalid Publish Subject'"] : []), ...(delivered ? [`< a: MSG ${subject} 9 2`] : []), '< a: PONG'],
    expectAbsent: [...(error ? [] : [/^< a: -ERR/]), ...(delivered ? [] : [/^< a: MSG/]), /^x a:/],
  };
}

function wildcardDelivery(pattern: string, subjects: string[]): Scenario {
  const steps: Step[] = [send(QUIET + `SUB ${pattern} 1\r\n`), ...ping()];
  for (const subject of subjects) steps.push(send(`PUB ${subject} ${subject.length}\r\n${subject}\r\n`));
  steps.push(...ping());
  return { name: `subjects - SUB ${pattern} receives only matching subjects`, steps };
}

export const scenarios: Scenario[] = [
  ...ODD_SUBJECTS.flatMap((odd) => [subScenario(odd.subject, odd.why, false, odd.subOk), subScenario(odd.subject, odd.why, true, odd.subOk)]),
  ...ODD_SUBJECTS.flatMap((odd) => [pubScenario(odd.subject, odd.why, false, odd.delivered, odd.pubOk), pubScenario(odd.subject, odd.why, true, odd.delivered, odd.pubOk)]),
  pubScenario('foo.*', 'wildcard in a publish subject', false, true, false),
  pubScenario('foo.*', 'wildcard in a publish subject', true, true, false),
  pubScenario('foo.>', 'full wildcard in a publish subject', false, true, false),
  pubScenario('foo.>', 'full wildcard in a publish subject', true, true, false),
  pubScenario('*', 'bare star as publish subject', true, true, false),
  {
    name: 'subjects - SUB with an empty subject (two spaces) closes silently',
    steps: [send(QUIET + 'SUB  1\r\nPING\r\n'), expectClosed()],
    ...silentClose(),
  },
  {
    name: 'subjects - SUB with a queue group and an invalid subject',
    steps: [send(QUIET + 'SUB foo..bar q 1\r\n'), quiet(), ...ping()],
  },
  {
    name: 'subjects - SUB with blanks between subject and sid is a plain subscription',
    steps: [send(QUIET + 'SUB foo \t 1\r\n'), quiet(), ...ping()],
  },
  {
    name: 'subjects - SUB with an invalid queue name (contains a dot-star)',
    steps: [send(QUIET + 'SUB foo q.* 1\r\nPUB foo 2\r\nhi\r\n'), quiet(), ...ping()],
  },
  {
    name: 'subjects - UTF-8 and punctuation in subjects',
    steps: [send(QUIET), send(Buffer.from('SUB héllo.wörld.$x-y_z 1\r\nPUB héllo.wörld.$x-y_z 2\r\nhi\r\n', 'utf8')), waitFor('hi'), ...ping()],
  },
  wildcardDelivery('foo.*', ['foo', 'foo.bar', 'foo.bar.baz', 'bar.foo', 'foo.baz']),
  wildcardDelivery('foo.>', ['foo', 'foo.bar', 'foo.bar.baz', 'bar.foo']),
  wildcardDelivery('*.bar', ['foo.bar', 'bar', 'x.bar.y', 'y.bar']),
  wildcardDelivery('*', ['foo', 'foo.bar', 'x']),
  wildcardDelivery('>', ['foo', 'foo.bar', 'a.b.c.d']),
  wildcardDelivery('a.*.c.>', ['a.b.c', 'a.b.c.d', 'a.x.c.d.e', 'a.b.d.e']),
  wildcardDelivery('*.*', ['a', 'a.b', 'a.b.c']),
  {
    name: 'subjects - overlapping wildcard and literal subscriptions each get a copy',
    description: 'Order is nats-server sublist order: full wildcards from the shallowest level first, then the literal, then partial wildcards.',
    steps: [send(QUIET + 'SUB foo.bar 1\r\nSUB foo.* 2\r\nSUB foo.> 3\r\nSUB > 4\r\nPUB foo.bar 2\r\nhi\r\n'), quiet(), ...ping()],
    expect: ['< a: MSG foo.bar 4 2', '< a: hi', '< a: MSG foo.bar 3 2', '< a: hi', '< a: MSG foo.bar 1 2', '< a: hi', '< a: MSG foo.bar 2 2', '< a: hi'],
  },
  {
    name: 'subjects - a long but valid subject',
    steps: [send(QUIET + `SUB ${'t.'.repeat(200)}end 1\r\nPUB ${'t.'.repeat(200)}end 2\r\nhi\r\n`), waitFor('hi'), ...ping()],
  },
];

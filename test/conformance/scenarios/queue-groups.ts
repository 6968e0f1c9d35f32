// Queue groups: one copy per group per message, alongside plain subscribers.
import { ping, quiet, send, waitFor, type Scenario } from '../harness.js';
import { connectLine } from './common.js';

const QUIET = connectLine({ verbose: false, pedantic: false });

/** Which member of a group received a message is random: sids q1/q2 (and r1/r2) are shown as q?/r?. */
const anyMember = (line: string) => line.replace(/^((?:< [\w|]+: )?MSG \S+) ([qr])\d\b/, '$1 $2?');

function publishes(count: number): string {
  return Array.from({ length: count }, (_, i) => `PUB work 2\r\nm${i}\r\n`).join('');
}

export const scenarios: Scenario[] = [
  {
    name: 'queue - two members on one connection: each message delivered once',
    normalize: anyMember,
    steps: [send(QUIET + 'SUB work g q1\r\nSUB work g q2\r\n' + publishes(6)), waitFor('m5'), quiet(), ...ping()],
    expect: [0, 1, 2, 3, 4, 5].flatMap((i) => ['< a: MSG work q? 2', `< a: m${i}`]),
  },
  {
    name: 'queue - two groups and a plain subscriber: one copy per group plus one plain',
    connections: ['a', 'b', 'c', 'p'],
    normalize: anyMember,
    steps: [
      send(QUIET + 'SUB work g1 q1\r\nSUB work g1 q2\r\n'), ...ping(),
      send(QUIET + 'SUB work g2 r1\r\nSUB work g2 r2\r\n', { connection: 'b' }), ...ping('b'),
      send(QUIET + 'SUB work 1\r\n', { connection: 'c' }), ...ping('c'),
      send(QUIET + publishes(4), { connection: 'p' }),
      waitFor('m3'), waitFor('m3', { connection: 'b' }), waitFor('m3', { connection: 'c' }),
      quiet(),
    ],
    expect: ['a', 'b', 'c'].flatMap((connection) => [0, 1, 2, 3].flatMap((i) => [`< ${connection}: MSG work ${connection === 'a' ? 'q?' : connection === 'b' ? 'r?' : '1'} 2`, `< ${connection}: m${i}`])),
  },
  {
    name: 'queue - members on two connections: exactly one of them gets each message',
    connections: ['p', 'a', 'b'],
    normalizeTranscript: (lines) => lines.map((line) => line.replace(/^([<>=x]) [ab]: /, '$1 a|b: ')).map(anyMember),
    steps: [
      send(QUIET + 'SUB work g q1\r\n', { connection: 'a' }), ...ping('a'),
      send(QUIET + 'SUB work g q2\r\n', { connection: 'b' }), ...ping('b'),
      send(QUIET, { connection: 'p' }),
      ...[0, 1, 2, 3].flatMap((i) => [send(`PUB work 2\r\nm${i}\r\n`, { connection: 'p' }), ...ping('p'), quiet(100)]),
    ],
  },
  {
    name: 'queue - unsubscribed member no longer receives',
    normalize: anyMember,
    steps: [send(QUIET + 'SUB work g q1\r\nSUB work g q2\r\nUNSUB q1\r\n' + publishes(3)), waitFor('m2'), quiet(), ...ping()],
  },
  {
    name: 'queue - UNSUB with max on a queue member',
    steps: [send(QUIET + 'SUB work g 1\r\nUNSUB 1 2\r\n' + publishes(4)), quiet(), ...ping()],
  },
  {
    name: 'queue - queue subscription with wildcard subject',
    steps: [send(QUIET + 'SUB work.* g 1\r\nPUB work.a 1\r\na\r\nPUB work.b 1\r\nb\r\nPUB other 1\r\nc\r\n'), quiet(), ...ping()],
  },
  {
    name: 'queue - same sid used for a queue and then plain subscription',
    steps: [send(QUIET + 'SUB work g 1\r\nSUB work 1\r\n' + publishes(1)), quiet(), ...ping()],
  },
  {
    name: 'queue - queue names are case sensitive',
    description: 'Groups g and G each get every message; they sit on separate connections because nats-server orders groups randomly.',
    connections: ['a', 'b'],
    steps: [
      send(QUIET + 'SUB work G r1\r\n', { connection: 'b' }), ...ping('b'),
      send(QUIET + 'SUB work g q1\r\n' + publishes(2)), waitFor('m1'), waitFor('m1', { connection: 'b' }), ...ping(),
    ],
    expect: ['< a: MSG work q1 2', '< a: m0', '< a: MSG work q1 2', '< a: m1', '< b: MSG work r1 2', '< b: m0', '< b: MSG work r1 2', '< b: m1'],
  },
];

// Frames split across TCP writes: byte at a time, at the CRLF, inside payloads, in odd-sized chunks.
import { ping, quiet, send, waitFor, type Scenario } from '../harness.js';
import { connectLine, hpub } from './common.js';

const QUIET = connectLine({ verbose: false, pedantic: false });
const HEADERS = connectLine({ verbose: false, pedantic: false, headers: true });
const FRAME = 'PUB foo.bar r.x 5\r\nhello\r\n';
const HEADER_FRAME = hpub('foo.bar', ['K: v'], 'hey', 'r.x');

export const scenarios: Scenario[] = [
  {
    name: 'split - CONNECT one byte per write',
    steps: [send(connectLine({ verbose: true }), { split: 'bytes' }), waitFor('+OK'), ...ping()],
  },
  {
    name: 'split - PING one byte per write',
    steps: [send(QUIET), send('PING\r\n', { split: 'bytes' }), waitFor('PONG')],
  },
  {
    name: 'split - SUB and PUB with payload one byte per write',
    steps: [send(QUIET), send('SUB foo.bar 1\r\nPUB foo.bar reply 11\r\nhello world\r\n', { split: 'bytes' }), waitFor('hello world'), ...ping()],
  },
  {
    name: 'split - HPUB one byte per write',
    steps: [send(HEADERS), send('SUB h 1\r\n' + hpub('h', ['A: Bb'], 'hello'), { split: 'bytes' }), waitFor('hello'), ...ping()],
  },
  {
    name: 'split - UNSUB with max one byte per write',
    steps: [send(QUIET + 'SUB foo 1\r\n'), send('UNSUB 1 1\r\n', { split: 'bytes' }), send('PUB foo 2\r\nm1\r\nPUB foo 2\r\nm2\r\n'), quiet(), ...ping()],
  },
  {
    name: 'split - between CR and LF of the control line',
    steps: [send(QUIET + 'SUB foo 1\r\nPUB foo 2\r'), send('\nhi\r\n'), waitFor('hi'), ...ping()],
  },
  {
    name: 'split - between CR and LF after the payload',
    steps: [send(QUIET + 'SUB foo 1\r\nPUB foo 2\r\nhi\r'), send('\n'), waitFor('hi'), ...ping()],
  },
  {
    name: 'split - inside the payload',
    steps: [send(QUIET + 'SUB foo 1\r\nPUB foo 10\r\n01234'), send('56789\r\n'), waitFor('0123456789'), ...ping()],
  },
  {
    name: 'split - payload and next op share a write',
    steps: [send(QUIET + 'SUB foo 1\r\nPUB foo 10\r\n0123'), send('456789\r\nPUB foo 2\r\nab\r\nPI'), send('NG\r\n'), waitFor('PONG')],
  },
  {
    name: 'split - many ops in 7-byte chunks',
    steps: [
      send(QUIET),
      send('SUB a 1\r\nSUB b 2\r\nPUB a 3\r\none\r\nPUB b r 3\r\ntwo\r\nUNSUB 1\r\nPUB a 5\r\nthree\r\nPING\r\n', { split: 7 }),
      waitFor('PONG'),
    ],
  },
  {
    name: 'split - many ops in 3-byte chunks',
    steps: [
      send(QUIET),
      send('SUB a 1\r\nSUB b 2\r\nPUB a 3\r\none\r\nPUB b r 3\r\ntwo\r\nUNSUB 1\r\nPUB a 5\r\nthree\r\nPING\r\n', { split: 3 }),
      waitFor('PONG'),
    ],
  },
  {
    name: 'split - large payload in uneven chunks',
    steps: [
      send(QUIET + 'SUB big 1\r\n'),
      send(`PUB big 3000\r\n${'x'.repeat(3000)}\r\n`, { split: [5, 1000, 1, 1500, 7] }),
      waitFor(/x{3000}\r\n/),
      ...ping(),
    ],
  },
  {
    name: 'split - error op split byte at a time',
    steps: [send(QUIET), send('XYZ\r\n', { split: 'bytes' }), quiet()],
  },
  {
    name: 'split - a PUB frame split at every position',
    description: 'The same frame sent again and again, each time cut into two writes at the next byte.',
    steps: [
      send(QUIET + 'SUB foo.bar 1\r\n'),
      ...Array.from({ length: FRAME.length - 1 }, (_, cut) => send(FRAME, { split: [cut + 1] })),
      send('PING\r\n'),
      waitFor('PONG'),
    ],
    expect: [...Array.from({ length: FRAME.length - 1 }, () => ['< a: MSG foo.bar 1 r.x 5', '< a: hello']).flat(), '< a: PONG'],
  },
  {
    name: 'split - an HPUB frame split at every position',
    steps: [
      send(HEADERS + 'SUB foo.bar 1\r\n'),
      ...Array.from({ length: HEADER_FRAME.length - 1 }, (_, cut) => send(HEADER_FRAME, { split: [cut + 1] })),
      send('PING\r\n'),
      waitFor('PONG'),
    ],
    expect: [...Array.from({ length: HEADER_FRAME.length - 1 }, () => ['< a: HMSG foo.bar 1 r.x 18 21', '< a: hey']).flat(), '< a: PONG'],
  },
];

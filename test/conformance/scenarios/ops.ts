// Core operations: PING/PONG, PUB, SUB, UNSUB with every argument count, separators and letter case.
import { expectClosed, ping, quiet, send, waitFor, type Scenario } from '../harness.js';
import { closesWith, connectLine, silentClose } from './common.js';

const QUIET = connectLine({ verbose: false, pedantic: false });

export const scenarios: Scenario[] = [
  {
    name: 'ops - PING answers PONG',
    steps: [send(QUIET), ...ping()],
  },
  {
    name: 'ops - three PINGs in one write answer three PONGs',
    steps: [send(QUIET + 'PING\r\nPING\r\nPING\r\n'), waitFor(/(PONG\r\n){3}/)],
  },
  {
    name: 'ops - ping in lower and mixed case',
    steps: [send(QUIET + 'ping\r\nPiNg\r\n'), waitFor(/(PONG\r\n){2}/)],
  },
  {
    name: 'ops - PING terminated by a bare LF',
    steps: [send(QUIET + 'PING\n'), waitFor('PONG'), ...ping()],
  },
  {
    name: 'ops - PING with trailing spaces and junk before the line end',
    steps: [send(QUIET + 'PING   \r\nPING xyz\r\n'), quiet(), ...ping()],
    expect: ['< a: PONG', '< a: PONG', '< a: PONG'],
  },
  {
    name: 'ops - PONG from the client gets no answer',
    steps: [send(QUIET + 'PONG\r\n'), quiet(), ...ping()],
  },
  {
    name: 'ops - empty line',
    steps: [send(QUIET + '\r\n'), expectClosed()],
    expect: closesWith('Unknown Protocol Operation'),
  },
  {
    name: 'ops - leading space before an op',
    steps: [send(QUIET + ' PING\r\n'), expectClosed()],
    expect: closesWith('Unknown Protocol Operation'),
  },
  {
    name: 'ops - SUB then PUB delivers MSG to self',
    steps: [send(QUIET + 'SUB foo 1\r\nPUB foo 5\r\nhello\r\n'), waitFor('hello'), ...ping()],
  },
  {
    name: 'ops - PUB with reply subject delivers MSG with reply',
    steps: [send(QUIET + 'SUB foo 1\r\nPUB foo bar.baz 5\r\nhello\r\n'), waitFor('hello'), ...ping()],
  },
  {
    name: 'ops - PUB with empty payload',
    steps: [send(QUIET + 'SUB foo 1\r\nPUB foo 0\r\n\r\n'), waitFor('MSG'), ...ping()],
  },
  {
    name: 'ops - payload containing CRLF and binary bytes',
    steps: [send(QUIET + 'SUB foo 1\r\n'), send(Buffer.concat([Buffer.from('PUB foo 8\r\n'), Buffer.from([0x0d, 0x0a, 0x00, 0xff, 0x50, 0x49, 0x0d, 0x0a]), Buffer.from('\r\n')])), waitFor('MSG'), ...ping()],
  },
  {
    name: 'ops - PUB with no subscribers is silent',
    steps: [send(QUIET + 'PUB nobody 2\r\nhi\r\n'), ...ping()],
  },
  {
    name: 'ops - PUB with only a subject',
    steps: [send(QUIET + 'PUB foo\r\nPING\r\n'), expectClosed()],
    ...silentClose(),
  },
  {
    name: 'ops - PUB with four arguments',
    steps: [send(QUIET + 'PUB foo bar baz 2\r\nhi\r\nPING\r\n'), expectClosed()],
    ...silentClose(),
  },
  {
    name: 'ops - PUB with no arguments',
    steps: [send(QUIET + 'PUB\r\n'), expectClosed()],
    expect: closesWith('Unknown Protocol Operation'),
  },
  {
    name: 'ops - PUB with a space and nothing else',
    steps: [send(QUIET + 'PUB \r\nPING\r\n'), expectClosed()],
    ...silentClose(),
  },
  {
    name: 'ops - SUB with only a subject',
    steps: [send(QUIET + 'SUB foo\r\nPING\r\n'), expectClosed()],
    ...silentClose(),
  },
  {
    name: 'ops - SUB with four arguments',
    steps: [send(QUIET + 'SUB foo q 1 extra\r\nPING\r\n'), expectClosed()],
    ...silentClose(),
  },
  {
    name: 'ops - SUB with no arguments',
    steps: [send(QUIET + 'SUB\r\n'), expectClosed()],
    expect: closesWith('Unknown Protocol Operation'),
  },
  {
    name: 'ops - SUB with a non-numeric sid works',
    steps: [send(QUIET + 'SUB foo abc\r\nPUB foo 2\r\nhi\r\n'), waitFor('hi'), ...ping()],
  },
  {
    name: 'ops - SUB reusing a sid for another subject is ignored',
    steps: [send(QUIET + 'SUB foo 1\r\nSUB bar 1\r\nPUB foo 3\r\none\r\nPUB bar 3\r\ntwo\r\n'), quiet(), ...ping()],
  },
  {
    name: 'ops - SUB reusing a sid for the same subject delivers once',
    steps: [send(QUIET + 'SUB foo 1\r\nSUB foo 1\r\nPUB foo 2\r\nhi\r\n'), quiet(), ...ping()],
  },
  {
    name: 'ops - two sids on one subject deliver two MSGs',
    description: 'Subscriptions on the same subject come back in no guaranteed order in nats-server (Go map), so the sids are masked.',
    normalize: (line) => line.replace(/^MSG foo [12] /, 'MSG foo 1|2 '),
    steps: [send(QUIET + 'SUB foo 1\r\nSUB foo 2\r\nPUB foo 2\r\nhi\r\n'), quiet(), ...ping()],
  },
  {
    name: 'ops - tabs and multiple spaces between arguments',
    steps: [send(QUIET + 'SUB\tfoo\t \t7\r\nPUB  \t foo \t  rep \t 3  \r\nabc\r\n'), waitFor('abc'), ...ping()],
  },
  {
    name: 'ops - lower and mixed case op names',
    steps: [send(QUIET + 'sub foo 1\r\npUb foo 2\r\nhi\r\nUnSuB 1\r\npub foo 2\r\nho\r\n'), quiet(), ...ping()],
  },
  {
    name: 'ops - subjects are case sensitive',
    steps: [send(QUIET + 'SUB Foo 1\r\nPUB foo 2\r\nhi\r\nPUB Foo 2\r\nHI\r\n'), quiet(), ...ping()],
  },
  {
    name: 'ops - UNSUB stops delivery',
    steps: [send(QUIET + 'SUB foo 1\r\nUNSUB 1\r\nPUB foo 2\r\nhi\r\n'), ...ping()],
  },
  {
    name: 'ops - UNSUB of an unknown sid is silent',
    steps: [send(QUIET + 'UNSUB 99\r\n'), ...ping()],
  },
  {
    name: 'ops - UNSUB with no arguments',
    steps: [send(QUIET + 'UNSUB\r\n'), expectClosed()],
    expect: closesWith('Unknown Protocol Operation'),
  },
  {
    name: 'ops - UNSUB with three arguments',
    steps: [send(QUIET + 'SUB foo 1\r\nUNSUB 1 2 3\r\nPING\r\n'), expectClosed()],
    ...silentClose(),
  },
  {
    name: 'ops - UNSUB with a non-numeric max unsubscribes at once',
    steps: [send(QUIET + 'SUB foo 1\r\nUNSUB 1 abc\r\nPUB foo 2\r\nhi\r\n'), quiet(), ...ping()],
  },
  {
    name: 'ops - UNSUB with max 2 delivers exactly two',
    steps: [send(QUIET + 'SUB foo 1\r\nUNSUB 1 2\r\n' + 'PUB foo 2\r\nm1\r\nPUB foo 2\r\nm2\r\nPUB foo 2\r\nm3\r\nPUB foo 2\r\nm4\r\n'), quiet(), ...ping()],
  },
  {
    name: 'ops - UNSUB with max 0 unsubscribes at once',
    steps: [send(QUIET + 'SUB foo 1\r\nUNSUB 1 0\r\nPUB foo 2\r\nm1\r\n'), quiet(), ...ping()],
  },
  {
    name: 'ops - UNSUB max below the count already delivered unsubscribes at once',
    steps: [send(QUIET + 'SUB foo 1\r\nPUB foo 2\r\nm1\r\nPUB foo 2\r\nm2\r\n'), waitFor('m2'), send('UNSUB 1 1\r\nPUB foo 2\r\nm3\r\n'), quiet(), ...ping()],
  },
  {
    name: 'ops - UNSUB max counts messages delivered before the UNSUB too',
    steps: [send(QUIET + 'SUB foo 1\r\nPUB foo 2\r\nm1\r\n'), waitFor('m1'), send('UNSUB 1 3\r\nPUB foo 2\r\nm2\r\nPUB foo 2\r\nm3\r\nPUB foo 2\r\nm4\r\n'), quiet(), ...ping()],
  },
  {
    name: 'ops - UNSUB with max then SUB again with the same sid',
    steps: [send(QUIET + 'SUB foo 1\r\nUNSUB 1 1\r\nPUB foo 2\r\nm1\r\nSUB foo 1\r\nPUB foo 2\r\nm2\r\n'), quiet(), ...ping()],
  },
  {
    name: 'ops - MSG to self with reply subject, then the reply goes back',
    steps: [
      send(QUIET + 'SUB service 1\r\nSUB _INBOX.me 2\r\nPUB service _INBOX.me 8\r\nquestion\r\n'),
      waitFor('question'),
      send('PUB _INBOX.me 6\r\nanswer\r\n'),
      waitFor('answer'),
    ],
  },
  {
    name: 'ops - messages keep publish order',
    steps: [send(QUIET + 'SUB foo 1\r\n' + Array.from({ length: 10 }, (_, i) => `PUB foo 2\r\n${String(i).padStart(2, '0')}\r\n`).join('')), waitFor('09'), ...ping()],
  },
  {
    name: 'ops - two connections, publisher and subscriber',
    connections: ['a', 'b'],
    steps: [
      send(QUIET + 'SUB news 1\r\n'), ...ping(),
      send(QUIET + 'PUB news reply.to 4\r\nfrom\r\n', { connection: 'b' }),
      waitFor('from'),
      ...ping('b'),
    ],
  },
  {
    name: 'ops - close after error keeps earlier output',
    steps: [send(QUIET + 'SUB foo 1\r\nPUB foo 2\r\nhi\r\nFOO\r\n'), expectClosed()],
    expect: ['< a: MSG foo 1 2', '< a: hi', ...closesWith('Unknown Protocol Operation')],
  },
  {
    name: 'ops - control lines terminated by a bare LF',
    steps: [send(QUIET + 'SUB foo 1\nPUB foo 2\nhi\r\nPING\n'), waitFor('PONG')],
    expect: ['< a: MSG foo 1 2', '< a: hi', '< a: PONG'],
  },
  {
    name: 'ops - payload size with leading zeros',
    steps: [send(QUIET + 'SUB foo 1\r\nPUB foo 002\r\nhi\r\n'), quiet(), ...ping()],
    knownDifferences: [
      {
        reason: 'nats-server echoes the size digits as the publisher wrote them (MSG foo 1 002); Natrium writes the size in canonical form — clients parse both the same',
        normalize: (line) => line.replace(/^(< a: MSG foo 1 )0+(\d)/, '$1$2'),
      },
    ],
  },
  {
    name: 'ops - trailing space after the payload size',
    steps: [send(QUIET + 'SUB foo 1\r\nPUB foo 2 \r\nhi\r\n'), quiet(), ...ping()],
  },
  {
    name: 'ops - sid with punctuation',
    steps: [send(QUIET + 'SUB foo a.b-c_9\r\nPUB foo 2\r\nhi\r\nUNSUB a.b-c_9\r\nPUB foo 2\r\nho\r\n'), quiet(), ...ping()],
  },
  {
    name: 'ops - many ops in one large write',
    steps: [send(QUIET + 'SUB load 1\r\n' + Array.from({ length: 200 }, (_, i) => `PUB load 3\r\n${String(i).padStart(3, '0')}\r\n`).join('') + 'PING\r\n'), waitFor('PONG')],
  },
];

// verbose (+OK after each op) and pedantic (strict subject checks) modes, and their defaults.
import { expectClosed, ping, quiet, send, waitFor, type Scenario } from '../harness.js';
import { connectLine } from './common.js';

const VERBOSE = connectLine({ verbose: true, pedantic: false, headers: true });
const VERBOSE_PEDANTIC = connectLine({ verbose: true, pedantic: true, headers: true });

export const scenarios: Scenario[] = [
  {
    name: 'verbose - +OK after CONNECT, SUB, PUB, HPUB, UNSUB but not PING or PONG',
    steps: [
      send(VERBOSE), waitFor('+OK'),
      send('SUB foo 1\r\n'), waitFor('+OK'),
      send('PUB bar 2\r\nhi\r\n'), waitFor('+OK'),
      send('HPUB bar 12 14\r\nNATS/1.0\r\n\r\nhi\r\n'), waitFor('+OK'),
      send('UNSUB 1\r\n'), waitFor('+OK'),
      send('PONG\r\n'), quiet(),
      ...ping(),
    ],
    expect: ['< a: +OK', '< a: +OK', '< a: +OK', '< a: +OK', '< a: +OK', '< a: PONG'],
  },
  {
    name: 'verbose - order of +OK and MSG when publishing to self',
    steps: [send(VERBOSE + 'SUB foo 1\r\nPUB foo 2\r\nhi\r\nPING\r\n'), waitFor('PONG')],
    expect: ['< a: +OK', '< a: +OK', '< a: +OK', '< a: MSG foo 1 2', '< a: hi', '< a: PONG'],
  },
  {
    name: 'verbose - +OK for each op in one write',
    steps: [send(VERBOSE + 'SUB a 1\r\nSUB b 2\r\nUNSUB 1\r\nUNSUB 2\r\nPING\r\n'), waitFor('PONG')],
  },
  {
    name: 'verbose - UNSUB of unknown sid still answers +OK',
    steps: [send(VERBOSE + 'UNSUB 42\r\nPING\r\n'), waitFor('PONG')],
  },
  {
    name: 'verbose - defaults: CONNECT {} is verbose',
    steps: [send('CONNECT {}\r\nSUB foo 1\r\nPUB foo 2\r\nhi\r\nPING\r\n'), waitFor('PONG')],
  },
  {
    name: 'verbose - defaults: before CONNECT the server is verbose',
    steps: [send('SUB foo 1\r\nPING\r\n'), waitFor('PONG')],
    expect: ['< a: +OK', '< a: PONG'],
  },
  {
    name: 'verbose - error op gets -ERR and no +OK',
    steps: [send(VERBOSE + 'BOGUS\r\n'), expectClosed()],
    expect: ['< a: +OK', "< a: -ERR 'Unknown Protocol Operation'", 'x a: closed by server'],
  },
  {
    name: 'verbose - max_payload violation with verbose',
    config: 'max_payload: 512\n',
    steps: [send(VERBOSE + 'PUB foo 600\r\n'), expectClosed()],
    expect: ['< a: +OK', "< a: -ERR 'Maximum Payload Violation'", 'x a: closed by server'],
  },
  {
    name: 'pedantic - defaults: CONNECT {} is pedantic',
    steps: [send('CONNECT {"verbose":false}\r\nPUB foo..bar 2\r\nhi\r\nPING\r\n'), waitFor('PONG')],
    expect: ["< a: -ERR 'Invalid Publish Subject'", '< a: PONG'],
  },
  {
    name: 'pedantic - invalid PUB subject with verbose and pedantic',
    steps: [send(VERBOSE_PEDANTIC + 'PUB foo..bar 2\r\nhi\r\nPING\r\n'), quiet(), ...ping()],
    expect: ['< a: +OK', "< a: -ERR 'Invalid Publish Subject'", '< a: +OK', '< a: PONG'],
  },
  {
    name: 'pedantic - invalid SUB subject with verbose and pedantic',
    steps: [send(VERBOSE_PEDANTIC + 'SUB foo..bar 1\r\nPING\r\n'), quiet(), ...ping()],
    expect: ['< a: +OK', "< a: -ERR 'Invalid Subject'", '< a: PONG'], expectAbsent: [/^x a:/],
  },
  {
    name: 'pedantic - wildcard PUB subject with verbose and pedantic',
    steps: [send(VERBOSE_PEDANTIC + 'PUB foo.> 2\r\nhi\r\nPING\r\n'), quiet(), ...ping()],
  },
  {
    name: 'pedantic - valid subjects still work',
    steps: [send(VERBOSE_PEDANTIC + 'SUB foo.* 1\r\nPUB foo.bar 2\r\nhi\r\nPING\r\n'), waitFor('PONG')],
  },
  {
    name: 'pedantic - invalid PUB subject with headers',
    steps: [send(VERBOSE_PEDANTIC + 'HPUB foo..bar 12 14\r\nNATS/1.0\r\n\r\nhi\r\nPING\r\n'), quiet(), ...ping()],
  },
];

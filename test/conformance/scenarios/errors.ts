// Malformed input: unknown ops, garbage, payload size mismatches, bad sizes, server-only ops sent by a client.
import { expectClosed, ping, quiet, send, sleep, waitFor, type Scenario } from '../harness.js';
import { closesWith, connectLine, silentClose } from './common.js';

const QUIET = connectLine({ verbose: false, pedantic: false });
const HEADERS = connectLine({ verbose: false, pedantic: false, headers: true });
const UNKNOWN = closesWith('Unknown Protocol Operation');

export const scenarios: Scenario[] = [
  {
    name: 'errors - unknown op',
    steps: [send(QUIET + 'FOO bar\r\n'), expectClosed()],
    expect: UNKNOWN,
  },
  {
    name: 'errors - unknown op before CONNECT',
    steps: [send('HELLO\r\n'), expectClosed()],
    expect: UNKNOWN,
  },
  {
    name: 'errors - op that shares a prefix with a real one (PUBLISH)',
    steps: [send(QUIET + 'PUBLISH foo 2\r\nhi\r\n'), expectClosed()],
    expect: UNKNOWN,
  },
  {
    name: 'errors - PINGX is a PING: anything after PING up to LF is ignored',
    steps: [send(QUIET + 'PINGX\r\nPONGY\r\n'), waitFor('PONG'), ...ping()],
    expect: ['< a: PONG', '< a: PONG'],
  },
  {
    name: 'errors - op that shares a prefix with a real one (SUBX)',
    steps: [send(QUIET + 'SUBX foo 1\r\n'), expectClosed()],
    expect: UNKNOWN,
  },
  {
    name: 'errors - +OKAY is an +OK: anything after +OK up to LF is ignored',
    steps: [send(QUIET + '+OKAY\r\n'), quiet(), ...ping()],
    expect: ['< a: PONG'],
  },
  {
    name: 'errors - binary garbage',
    steps: [send(QUIET), ...ping(), send(Buffer.from([0x00, 0x01, 0xfe, 0xff, 0x80, 0x0d, 0x0a])), expectClosed()],
    expect: UNKNOWN,
  },
  {
    name: 'errors - HTTP request on the client port',
    steps: [send('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'), expectClosed()],
    expect: UNKNOWN,
  },
  {
    name: 'errors - MSG sent by a client',
    steps: [send(QUIET + 'MSG foo 1 2\r\nhi\r\n'), expectClosed()],
    expect: UNKNOWN,
  },
  {
    name: 'errors - HMSG sent by a client',
    steps: [send(QUIET + 'HMSG foo 1 12 14\r\nNATS/1.0\r\n\r\nhi\r\n'), expectClosed()],
    expect: UNKNOWN,
  },
  {
    name: 'errors - INFO sent by a client is ignored',
    steps: [send(QUIET + 'INFO {"server_id":"x"}\r\n'), quiet(), ...ping()],
    expect: ['< a: PONG'],
  },
  {
    name: 'errors - INFO with bad JSON sent by a client closes silently',
    steps: [send(QUIET + 'INFO {bad\r\nPING\r\n'), expectClosed()],
    ...silentClose(),
  },
  {
    name: 'errors - +OK sent by a client is ignored',
    steps: [send(QUIET + '+OK\r\n'), quiet(), ...ping()],
    expect: ['< a: PONG'],
  },
  {
    name: 'errors - -ERR sent by a client closes silently',
    steps: [send(QUIET + "-ERR 'something'\r\nPING\r\n"), expectClosed()],
    ...silentClose(),
  },
  {
    name: 'errors - route op RS+ sent by a client',
    steps: [send(QUIET + 'RS+ $G foo\r\n'), expectClosed()],
    expect: UNKNOWN,
  },
  {
    name: 'errors - leaf op LS+ sent by a client',
    steps: [send(QUIET + 'LS+ $G foo\r\n'), expectClosed()],
    expect: UNKNOWN,
  },
  {
    name: 'errors - account op A+ sent by a client',
    steps: [send(QUIET + 'A+ foo\r\n'), expectClosed()],
    expect: UNKNOWN,
  },
  {
    name: 'errors - payload shorter than declared swallows the next op',
    steps: [send(QUIET + 'SUB foo 1\r\nPUB foo 5\r\nhi\r\nPING\r\n'), expectClosed()],
    expect: UNKNOWN,
    expectAbsent: ['< a: PONG', '< a: MSG foo 1 5'],
  },
  {
    name: 'errors - payload shorter than declared then more bytes complete it',
    steps: [send(QUIET + 'SUB foo 1\r\nPUB foo 5\r\nhi'), quiet(), send('abc\r\n'), waitFor('hiabc'), ...ping()],
    expect: ['< a: MSG foo 1 5', '< a: hiabc', '< a: PONG'],
  },
  {
    name: 'errors - payload longer than declared',
    steps: [send(QUIET + 'SUB foo 1\r\nPUB foo 2\r\nhello\r\n'), expectClosed()],
    expect: UNKNOWN,
    expectAbsent: ['< a: MSG foo 1 2'],
  },
  {
    name: 'errors - missing CRLF after payload',
    steps: [send(QUIET + 'SUB foo 1\r\nPUB foo 5\r\nhelloPING\r\n'), expectClosed()],
    expect: UNKNOWN,
  },
  {
    name: 'errors - only LF after payload',
    steps: [send(QUIET + 'SUB foo 1\r\nPUB foo 5\r\nhello\nPING\r\n'), expectClosed()],
    expect: UNKNOWN,
  },
  {
    name: 'errors - payload CRLF arriving late after a pause',
    steps: [send(QUIET + 'SUB foo 1\r\nPUB foo 5\r\nhello'), sleep(200), send('\r\n'), waitFor('hello'), ...ping()],
  },
  {
    name: 'errors - negative payload size closes silently',
    steps: [send(QUIET + 'PUB foo -1\r\nPING\r\n'), expectClosed()],
    ...silentClose(),
  },
  {
    name: 'errors - non-numeric payload size closes silently',
    steps: [send(QUIET + 'PUB foo abc\r\nPING\r\n'), expectClosed()],
    ...silentClose(),
  },
  {
    name: 'errors - payload size with a plus sign closes silently',
    steps: [send(QUIET + 'PUB foo +2\r\nhi\r\n'), expectClosed()],
    ...silentClose(),
  },
  {
    name: 'errors - huge payload size overflowing an integer closes silently',
    steps: [send(QUIET + 'PUB foo 99999999999999999999999\r\nPING\r\n'), expectClosed()],
    ...silentClose(),
  },
  {
    name: 'errors - payload size just over max_payload is refused before the payload arrives',
    steps: [send(QUIET + 'PUB foo 1048577\r\n'), expectClosed()],
    expect: closesWith('Maximum Payload Violation'),
  },
  {
    name: 'errors - HPUB with header size greater than total size closes silently',
    steps: [send(HEADERS + 'HPUB foo 20 10\r\nPING\r\n'), expectClosed()],
    ...silentClose(),
  },
  {
    name: 'errors - HPUB with non-numeric header size closes silently',
    steps: [send(HEADERS + 'HPUB foo x 10\r\nPING\r\n'), expectClosed()],
    ...silentClose(),
  },
  {
    name: 'errors - HPUB with one size only closes silently',
    steps: [send(HEADERS + 'HPUB foo 10\r\nPING\r\n'), expectClosed()],
    ...silentClose(),
  },
  {
    name: 'errors - HPUB with five arguments closes silently',
    steps: [send(HEADERS + 'HPUB foo bar baz 12 14\r\nNATS/1.0\r\n\r\nhi\r\n'), expectClosed()],
    ...silentClose(),
  },
  {
    name: 'errors - HPUB with negative total size closes silently',
    steps: [send(HEADERS + 'HPUB foo 12 -1\r\nPING\r\n'), expectClosed()],
    ...silentClose(),
  },
  {
    name: 'errors - error after valid ops in the same write',
    steps: [send(QUIET + 'SUB foo 1\r\nPUB foo 2\r\nok\r\nPING\r\nBAD\r\nPING\r\n'), expectClosed()],
    expect: ['< a: MSG foo 1 2', '< a: ok', '< a: PONG', ...UNKNOWN],
  },
  {
    name: 'errors - stray CR inside an op name',
    steps: [send(QUIET + 'PI\rNG\r\n'), expectClosed()],
    expect: UNKNOWN,
  },
  {
    name: 'errors - half an op waits for the rest',
    steps: [send(QUIET + 'SUB foo 1\r\nPUB foo'), sleep(300), quiet(), send(' 2\r\nhi\r\n'), waitFor('hi'), ...ping()],
    expect: ['< a: MSG foo 1 2', '< a: hi', '< a: PONG'],
  },
  {
    name: 'errors - a message published just before a protocol error is still delivered',
    connections: ['a', 'b'],
    steps: [
      send(QUIET + 'SUB foo 1\r\n'), ...ping(),
      send(QUIET + 'PUB foo 2\r\nhi\r\nNOPE\r\n', { connection: 'b' }),
      expectClosed({ connection: 'b' }),
      waitFor('hi'),
      ...ping(),
    ],
    expect: ['< a: MSG foo 1 2', '< a: hi', ...closesWith('Unknown Protocol Operation', 'b')],
  },
  {
    name: 'errors - a protocol error on one connection leaves the others alone',
    connections: ['a', 'b'],
    steps: [send(QUIET + 'SUB foo 1\r\n'), ...ping(), send('JUNK\r\n', { connection: 'b' }), expectClosed({ connection: 'b' }), send('PUB foo 2\r\nok\r\n'), waitFor('ok'), ...ping()],
  },
];

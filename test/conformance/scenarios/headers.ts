// Headers: HPUB/HMSG framing, headers support on and off, header stripping for header-less subscribers.
import { expectClosed, ping, quiet, send, waitFor, type Scenario } from '../harness.js';
import { connectLine, hpub, silentClose } from './common.js';

const HEADERS = connectLine({ verbose: false, pedantic: false, headers: true });
const NO_HEADERS = connectLine({ verbose: false, pedantic: false, headers: false });

export const scenarios: Scenario[] = [
  {
    name: 'headers - HPUB delivers HMSG with header and total sizes',
    steps: [send(HEADERS + 'SUB h 1\r\n' + hpub('h', ['Key: Value'], 'hello')), waitFor('hello'), ...ping()],
    expect: ['< a: HMSG h 1 24 29', '< a: NATS/1.0', '< a: Key: Value', '< a: (empty line)', '< a: hello', '< a: PONG'],
  },
  {
    name: 'headers - HPUB with reply subject',
    steps: [send(HEADERS + 'SUB h 1\r\n' + hpub('h', ['Key: Value'], 'hello', 'reply.here')), waitFor('hello'), ...ping()],
    expect: ['< a: HMSG h 1 reply.here 24 29'],
  },
  {
    name: 'headers - header keys and values are passed through byte for byte',
    steps: [send(HEADERS + 'SUB h 1\r\n' + hpub('h', ['lower-case: x', 'Multi: 1', 'Multi: 2', 'Spaces:   padded  '], 'p')), waitFor('HMSG'), ...ping()],
  },
  {
    name: 'headers - HPUB with headers only, empty payload',
    steps: [send(HEADERS + 'SUB h 1\r\n' + hpub('h', ['Key: Value'], '')), waitFor('HMSG'), ...ping()],
    expect: ['< a: HMSG h 1 24 24'],
  },
  {
    name: 'headers - HPUB with a status line and description',
    steps: [send(HEADERS + 'SUB h 1\r\n' + hpub('h', [], 'hi', undefined, 'NATS/1.0 408 Request Timeout')), waitFor('hi'), ...ping()],
  },
  {
    name: 'headers - HPUB with zero header size is delivered as a plain MSG',
    steps: [send(HEADERS + 'SUB h 1\r\nHPUB h 0 2\r\nhi\r\n'), waitFor('hi'), ...ping()],
    expect: ['< a: MSG h 1 2', '< a: hi'],
  },
  {
    name: 'headers - HPUB with a header block that is not NATS/1.0 is passed through',
    steps: [send(HEADERS + 'SUB h 1\r\nHPUB h 7 9\r\nabc\r\n\r\nhi\r\n'), waitFor('hi'), ...ping()],
    expect: ['< a: HMSG h 1 7 9'],
  },
  {
    name: 'headers - HPUB when the client declared headers false',
    steps: [send(NO_HEADERS + 'SUB h 1\r\n' + hpub('h', ['Key: Value'], 'hello') + 'PING\r\n'), expectClosed()],
    ...silentClose(),
  },
  {
    name: 'headers - HPUB when CONNECT did not mention headers',
    steps: [send(connectLine({ verbose: false }) + hpub('h', ['Key: Value'], 'hello') + 'PING\r\n'), expectClosed()],
    ...silentClose(),
  },
  {
    name: 'headers - HPUB before CONNECT',
    steps: [send(hpub('h', ['Key: Value'], 'hello') + 'PING\r\n'), expectClosed()],
    ...silentClose(),
  },
  {
    name: 'headers - subscriber without headers support gets MSG with the payload only',
    connections: ['a', 'b'],
    steps: [
      send(NO_HEADERS + 'SUB h 1\r\n'), ...ping(),
      send(HEADERS + hpub('h', ['Key: Value'], 'hello'), { connection: 'b' }),
      waitFor('hello'),
      ...ping('b'),
    ],
    expect: ['< a: MSG h 1 5', '< a: hello'],
  },
  {
    name: 'headers - subscriber with headers support gets PUB as plain MSG',
    connections: ['a', 'b'],
    steps: [
      send(HEADERS + 'SUB h 1\r\n'), ...ping(),
      send(NO_HEADERS + 'PUB h 5\r\nhello\r\n', { connection: 'b' }),
      waitFor('hello'),
    ],
    expect: ['< a: MSG h 1 5', '< a: hello'],
  },
  {
    name: 'headers - header-only message to a header-less subscriber',
    connections: ['a', 'b'],
    steps: [
      send(NO_HEADERS + 'SUB h 1\r\n'), ...ping(),
      send(HEADERS + hpub('h', ['Key: Value'], ''), { connection: 'b' }),
      quiet(),
      ...ping('b'),
    ],
    expect: ['< a: MSG h 1 0', '< a: (empty line)'],
  },
  {
    name: 'headers - header-less subscriber before CONNECT (default headers false) gets MSG',
    connections: ['a', 'b'],
    steps: [
      send('SUB h 1\r\n'), waitFor('+OK'),
      send(HEADERS + hpub('h', ['Key: Value'], 'hello'), { connection: 'b' }),
      waitFor('hello'),
    ],
  },
  {
    name: 'headers - HPUB payload longer than declared',
    steps: [send(HEADERS + 'HPUB h 24 26\r\nNATS/1.0\r\nKey: Value\r\n\r\nhello\r\n'), expectClosed()],
    expect: ["< a: -ERR 'Unknown Protocol Operation'", 'x a: closed by server'],
  },
  {
    name: 'headers - HPUB with header size equal to total and no blank line',
    steps: [send(HEADERS + 'SUB h 1\r\nHPUB h 3 3\r\nabc\r\n'), quiet(), ...ping()],
  },
  {
    name: 'headers - HPUB lower case',
    steps: [send(HEADERS + 'SUB h 1\r\n' + hpub('h', ['Key: Value'], 'hello').replace('HPUB', 'hpub')), waitFor('hello'), ...ping()],
  },
  {
    name: 'headers - HPUB with tabs and extra spaces',
    steps: [send(HEADERS + 'SUB h 1\r\nHPUB\t h  \t12\t 14 \r\nNATS/1.0\r\n\r\nhi\r\n'), waitFor('hi'), ...ping()],
  },
  {
    name: 'headers - HPUB with header size not a number closes silently',
    steps: [send(HEADERS + 'HPUB h 1x 14\r\nPING\r\n'), expectClosed()],
    ...silentClose(),
  },
];

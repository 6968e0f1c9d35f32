// CONNECT variants: minimal, verbose, bad JSON, repeated CONNECT, operations before CONNECT.
import { closeConnection, expectClosed, expectOpen, ping, quiet, send, waitFor, type Scenario } from '../harness.js';
import { closesWith, connectLine, silentClose } from './common.js';

const DEFAULT_INFO = '< a: INFO {"client_id":*,"client_ip":*,"go":*,"headers":true,"host":*,"max_payload":1048576,"port":*,"proto":1,"server_id":*,"server_name":*,"version":*}';

export const scenarios: Scenario[] = [
  {
    name: 'connect - INFO is sent on accept and nothing else',
    steps: [expectOpen({ forMs: 300 })],
    expect: ['= a: connect', DEFAULT_INFO],
    expectAbsent: [/^< a: (?!INFO)/],
  },
  {
    name: 'connect - empty JSON object is verbose by default (+OK)',
    description: 'nats-server defaults verbose and pedantic to true when CONNECT leaves them out.',
    steps: [send('CONNECT {}\r\n'), ...ping()],
    expect: ['< a: +OK', '< a: PONG'],
  },
  {
    name: 'connect - typical client options',
    steps: [send(connectLine({ verbose: false, pedantic: false, tls_required: false, name: 'conformance', lang: 'typescript', version: '0.0.0', protocol: 1, echo: true, headers: true, no_responders: true })), ...ping()],
    expect: ['< a: PONG'],
    expectAbsent: ['< a: +OK'],
  },
  {
    name: 'connect - unknown fields are ignored',
    steps: [send('CONNECT {"verbose":false,"colour":"blue","nested":{"a":[1,2]}}\r\n'), ...ping()],
    expect: ['< a: PONG'],
  },
  {
    name: 'connect - verbose answers +OK to CONNECT',
    steps: [send(connectLine({ verbose: true })), waitFor('+OK'), ...ping()],
    expect: ['< a: +OK', '< a: PONG'],
  },
  {
    name: 'connect - bad JSON closes silently',
    steps: [send('CONNECT {bad json}\r\nPING\r\n'), expectClosed()],
    ...silentClose(),
  },
  {
    name: 'connect - truncated JSON closes silently',
    steps: [send('CONNECT {"verbose":true\r\nPING\r\n'), expectClosed()],
    ...silentClose(),
  },
  {
    name: 'connect - wrong JSON type for verbose closes silently',
    steps: [send('CONNECT {"verbose":"yes"}\r\nPING\r\n'), expectClosed()],
    ...silentClose(),
  },
  {
    name: 'connect - JSON array instead of object closes silently',
    steps: [send('CONNECT [1,2]\r\nPING\r\n'), expectClosed()],
    ...silentClose(),
  },
  {
    name: 'connect - no argument at all closes silently',
    steps: [send('CONNECT\r\nPING\r\n'), expectClosed()],
    ...silentClose(),
  },
  {
    name: 'connect - sent twice, second turns verbose on',
    steps: [send(connectLine({ verbose: false })), ...ping(), send(connectLine({ verbose: true })), waitFor('+OK'), send('SUB foo 1\r\n'), waitFor('+OK'), ...ping()],
    expect: ['< a: PONG', '< a: +OK', '< a: +OK', '< a: PONG'],
  },
  {
    name: 'connect - sent twice, second turns verbose off (and is not answered +OK)',
    steps: [send(connectLine({ verbose: true })), waitFor('+OK'), send(connectLine({ verbose: false })), quiet(), send('SUB foo 1\r\n'), quiet(), ...ping()],
    expect: ['< a: +OK', '< a: PONG'],
  },
  {
    name: 'connect - PING before CONNECT is answered',
    steps: [send('PING\r\n'), waitFor('PONG'), send('CONNECT {}\r\n'), ...ping()],
    expect: ['< a: PONG', '< a: +OK', '< a: PONG'],
  },
  {
    name: 'connect - SUB and PUB before CONNECT work, verbose by default',
    steps: [send('SUB foo 1\r\nPUB foo 2\r\nhi\r\n'), waitFor('hi'), send(connectLine({ verbose: false })), ...ping()],
    expect: ['< a: +OK', '< a: +OK', '< a: MSG foo 1 2', '< a: hi', '< a: PONG'],
  },
  {
    name: 'connect - lower case op name',
    steps: [send('connect {"verbose":false}\r\n'), ...ping()],
    expect: ['< a: PONG'],
  },
  {
    name: 'connect - mixed case op name and tab separator',
    steps: [send('CoNnEcT\t{"verbose":true}\r\n'), waitFor('+OK'), ...ping()],
  },
  {
    name: 'connect - several spaces before the JSON',
    steps: [send('CONNECT    {"verbose":true}\r\n'), waitFor('+OK'), ...ping()],
  },
  {
    name: 'connect - protocol 0 client',
    steps: [send(connectLine({ verbose: false, protocol: 0 })), ...ping()],
    expect: ['< a: PONG'],
  },
  {
    name: 'connect - unknown protocol version 2 is refused',
    steps: [send(connectLine({ verbose: false, protocol: 2 }) + 'PING\r\n'), expectClosed()],
    expect: closesWith('invalid client protocol'),
  },
  {
    name: 'connect - negative protocol version is refused',
    steps: [send(connectLine({ verbose: false, protocol: -1 }) + 'PING\r\n'), expectClosed()],
  },
  {
    name: 'connect - tls_required by a client on a plain server is ignored',
    steps: [send(connectLine({ verbose: false, tls_required: true })), ...ping()],
    expect: ['< a: PONG'],
  },
  {
    name: 'connect - client closing is silent',
    steps: [send(connectLine({ verbose: false })), ...ping(), closeConnection('a')],
  },
  {
    name: 'connect - idle connection stays open',
    steps: [send(connectLine({ verbose: false })), expectOpen({ forMs: 400 })],
  },
  {
    name: 'connect - first PING from the server about 2 s after CONNECT',
    description: 'nats-server sends its first PING to a client after ~2 s (plus jitter), whatever ping_interval says.',
    steps: [send(connectLine({ verbose: false })), ...ping(), waitFor('PING\r\n', { timeoutMs: 3500 }), send('PONG\r\n'), expectOpen({ forMs: 300 })],
    expect: ['< a: PONG', '< a: PING'],
  },
];

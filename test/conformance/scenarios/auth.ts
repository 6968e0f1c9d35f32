// Authorization: user/password, token, missing or wrong credentials, auth timeout.
import { expectClosed, ping, quiet, send, sleep, type Scenario } from '../harness.js';
import { closesWith, connectLine, silentClose } from './common.js';

const USER_PASSWORD = 'authorization {\n  user: a\n  password: b\n}\n';
const TOKEN = 'authorization {\n  token: t\n}\n';
const TIMEOUT = 'authorization {\n  user: a\n  password: b\n  timeout: 0.5\n}\n';

export const scenarios: Scenario[] = [
  {
    name: 'auth - user/password: INFO says auth_required, good credentials pass',
    config: USER_PASSWORD,
    steps: [send(connectLine({ verbose: false, user: 'a', pass: 'b' })), ...ping()],
    expect: ['< a: INFO {"auth_required":true,"client_id":*,"client_ip":*,"go":*,"headers":true,"host":*,"max_payload":1048576,"port":*,"proto":1,"server_id":*,"server_name":*,"version":*}', '< a: PONG'],
  },
  {
    name: 'auth - user/password: verbose good credentials answer +OK',
    config: USER_PASSWORD,
    steps: [send(connectLine({ verbose: true, user: 'a', pass: 'b' })), quiet(), ...ping()],
  },
  {
    name: 'auth - user/password: missing credentials',
    config: USER_PASSWORD,
    steps: [send(connectLine({ verbose: false }) + 'PING\r\n'), expectClosed()],
    expect: closesWith('Authorization Violation'),
  },
  {
    name: 'auth - user/password: wrong password',
    config: USER_PASSWORD,
    steps: [send(connectLine({ verbose: false, user: 'a', pass: 'x' }) + 'PING\r\n'), expectClosed()],
    expect: closesWith('Authorization Violation'),
  },
  {
    name: 'auth - user/password: wrong user',
    config: USER_PASSWORD,
    steps: [send(connectLine({ verbose: false, user: 'z', pass: 'b' }) + 'PING\r\n'), expectClosed()],
    expect: closesWith('Authorization Violation'),
  },
  {
    name: 'auth - user/password: token given instead',
    config: USER_PASSWORD,
    steps: [send(connectLine({ verbose: false, auth_token: 'b' }) + 'PING\r\n'), expectClosed()],
    expect: closesWith('Authorization Violation'),
  },
  {
    name: 'auth - PING before CONNECT on an auth server',
    config: USER_PASSWORD,
    steps: [send('PING\r\n'), expectClosed()],
    expect: closesWith('Authorization Violation'),
  },
  {
    name: 'auth - SUB before CONNECT on an auth server',
    config: USER_PASSWORD,
    steps: [send('SUB foo 1\r\n'), expectClosed()],
    expect: closesWith('Authorization Violation'),
  },
  {
    name: 'auth - bad JSON CONNECT on an auth server',
    config: USER_PASSWORD,
    steps: [send('CONNECT {oops}\r\n'), expectClosed()],
    ...silentClose(),
  },
  {
    name: 'auth - token: good token passes',
    config: TOKEN,
    steps: [send(connectLine({ verbose: false, auth_token: 't' })), ...ping()],
  },
  {
    name: 'auth - token: wrong token',
    config: TOKEN,
    steps: [send(connectLine({ verbose: false, auth_token: 'nope' }) + 'PING\r\n'), expectClosed()],
    expect: closesWith('Authorization Violation'),
  },
  {
    name: 'auth - token: missing token',
    config: TOKEN,
    steps: [send(connectLine({ verbose: false }) + 'PING\r\n'), expectClosed()],
    expect: closesWith('Authorization Violation'),
  },
  {
    name: 'auth - token: token given as user',
    config: TOKEN,
    steps: [send(connectLine({ verbose: false, user: 't' }) + 'PING\r\n'), expectClosed()],
    expect: closesWith('Authorization Violation'),
  },
  {
    name: 'auth - timeout: silent client is closed after the auth timeout',
    config: TIMEOUT,
    steps: [sleep(200), quiet(), expectClosed({ timeoutMs: 2000 })],
    expect: closesWith('Authentication Timeout'),
  },
  {
    name: 'auth - timeout: a late but good CONNECT is too late',
    config: TIMEOUT,
    steps: [sleep(900), send(connectLine({ verbose: false, user: 'a', pass: 'b' }) + 'PING\r\n'), expectClosed()],
    expect: closesWith('Authentication Timeout'),
  },
  {
    name: 'auth - timeout: a timely CONNECT keeps the connection',
    config: TIMEOUT,
    steps: [send(connectLine({ verbose: false, user: 'a', pass: 'b' })), ...ping(), sleep(800), ...ping()],
  },
  {
    name: 'auth - no auth configured: credentials are ignored',
    steps: [send(connectLine({ verbose: false, user: 'a', pass: 'b', auth_token: 't' })), ...ping()],
  },
  {
    name: 'auth - user/password: verbose with a wrong password gets only the -ERR',
    config: USER_PASSWORD,
    steps: [send(connectLine({ verbose: true, user: 'a', pass: 'x' })), expectClosed()],
    expect: closesWith('Authorization Violation'),
    expectAbsent: ['< a: +OK'],
  },
  {
    name: 'auth - a second CONNECT with wrong credentials after a good one',
    config: USER_PASSWORD,
    steps: [send(connectLine({ verbose: false, user: 'a', pass: 'b' })), ...ping(), send(connectLine({ verbose: false, user: 'a', pass: 'x' }) + 'PING\r\n'), quiet(300)],
  },
];

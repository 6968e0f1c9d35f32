// Server limits: max_payload, max_control_line, max_subscriptions, max_connections, large payloads.
import { closeConnection, expectClosed, expectOpen, open, ping, quiet, send, sleep, waitFor, type Scenario } from '../harness.js';
import { closesWith, connectLine, payload } from './common.js';

const QUIET = connectLine({ verbose: false, pedantic: false });
const HEADERS = connectLine({ verbose: false, pedantic: false, headers: true });

export const scenarios: Scenario[] = [
  {
    name: 'limits - max_payload 512 shows in INFO and a 512 byte payload passes',
    config: 'max_payload: 512\n',
    steps: [send(QUIET + `SUB big 1\r\nPUB big 512\r\n${payload(512)}\r\n`), waitFor('MSG'), ...ping()],
    expect: ['< a: INFO {"client_id":*,"client_ip":*,"go":*,"headers":true,"host":*,"max_payload":512,"port":*,"proto":1,"server_id":*,"server_name":*,"version":*}', '< a: MSG big 1 512'],
  },
  {
    name: 'limits - max_payload 512 exceeded by one byte closes the connection',
    config: 'max_payload: 512\n',
    steps: [send(QUIET + `SUB big 1\r\nPUB big 513\r\n${payload(513)}\r\n`), expectClosed()],
    expect: closesWith('Maximum Payload Violation'),
  },
  {
    name: 'limits - max_payload exceeded is detected on the PUB line alone',
    config: 'max_payload: 512\n',
    steps: [send(QUIET + 'PUB big 100000\r\n'), expectClosed()],
    expect: closesWith('Maximum Payload Violation'),
  },
  {
    name: 'limits - max_payload applies to HPUB total size',
    config: 'max_payload: 512\n',
    steps: [send(HEADERS + 'HPUB big 12 513\r\n'), expectClosed()],
    expect: closesWith('Maximum Payload Violation'),
  },
  {
    name: 'limits - HPUB exactly at max_payload passes',
    config: 'max_payload: 512\n',
    steps: [send(HEADERS + `SUB big 1\r\nHPUB big 12 512\r\nNATS/1.0\r\n\r\n${payload(500)}\r\n`), waitFor('HMSG'), ...ping()],
  },
  {
    name: 'limits - payload of exactly the default max_payload (1 MB) passes',
    steps: [send(QUIET + `SUB big 1\r\nPUB big 1048576\r\n${payload(1048576)}\r\n`), waitFor(/MSG big 1 1048576\r\n[a-z]{1048576}\r\n/, { timeoutMs: 5000 }), ...ping()],
  },
  {
    name: 'limits - payload one byte over the default max_payload',
    steps: [send(QUIET + `PUB big 1048577\r\n${payload(1048577)}\r\n`), expectClosed()],
    expect: closesWith('Maximum Payload Violation'),
  },
  {
    name: 'limits - max_control_line exceeded by a very long subject',
    steps: [send(QUIET + `SUB ${'s'.repeat(5000)} 1\r\n`), expectClosed()],
    expect: closesWith('maximum control line exceeded'),
  },
  {
    name: 'limits - max_control_line exceeded by a long line without CRLF yet',
    steps: [send(QUIET + `PUB ${'s'.repeat(5000)}`), expectClosed()],
    expect: closesWith('maximum control line exceeded'),
  },
  {
    name: 'limits - max_control_line 256 configured, 300 byte SUB line',
    config: 'max_control_line: 256\n',
    steps: [send(QUIET), ...ping(), send(`SUB ${'s'.repeat(300)} 1\r\n`), expectClosed()],
    expect: closesWith('maximum control line exceeded'),
  },
  {
    name: 'limits - max_control_line 256 configured, 200 byte subject passes',
    config: 'max_control_line: 256\n',
    steps: [send(QUIET), ...ping(), send(`SUB ${'s'.repeat(200)} 1\r\n`), quiet(), ...ping()],
  },
  {
    name: 'limits - max_control_line 256, long line split across writes',
    config: 'max_control_line: 256\n',
    steps: [send(QUIET), ...ping(), send(`SUB ${'s'.repeat(300)} 1\r\n`, { split: 100 }), expectClosed()],
    expect: closesWith('maximum control line exceeded'),
  },
  {
    name: 'limits - max_subscriptions 2, third SUB is refused',
    config: 'max_subscriptions: 2\n',
    steps: [send(QUIET + 'SUB a 1\r\nSUB b 2\r\nSUB c 3\r\n'), quiet(), ...ping(), send('PUB c 2\r\nhi\r\nPUB a 2\r\nhi\r\n'), quiet(), ...ping()],
    expect: ["< a: -ERR 'maximum subscriptions exceeded'", '< a: PONG', '< a: MSG a 1 2'], expectAbsent: [/^< a: MSG c/, /^x a:/],
  },
  {
    name: 'limits - max_subscriptions 2, UNSUB frees a slot',
    config: 'max_subscriptions: 2\n',
    steps: [send(QUIET + 'SUB a 1\r\nSUB b 2\r\nUNSUB 1\r\nSUB c 3\r\nPUB c 2\r\nhi\r\n'), quiet(), ...ping()],
    expect: ['< a: MSG c 3 2'], expectAbsent: [/-ERR/],
  },
  {
    name: 'limits - max_subscriptions 2 with verbose',
    config: 'max_subscriptions: 2\n',
    steps: [send(connectLine({ verbose: true }) + 'SUB a 1\r\nSUB b 2\r\nSUB c 3\r\n'), quiet(), ...ping()],
  },
  {
    name: 'limits - max_connections 1 refuses the second connection',
    config: 'max_connections: 1\n',
    connections: [],
    steps: [sleep(300), open('a'), send(QUIET, { connection: 'a' }), ...ping('a'), open('b'), expectClosed({ connection: 'b' }), ...ping('a')],
    expect: [...closesWith('maximum connections exceeded', 'b'), '< a: PONG'],
  },
  {
    name: 'limits - max_connections 1 admits a new connection after the first leaves',
    config: 'max_connections: 1\n',
    connections: [],
    steps: [sleep(300), open('a'), send(QUIET), ...ping(), closeConnection('a'), sleep(300), open('b'), send(QUIET, { connection: 'b' }), ...ping('b')],
  },
  {
    name: 'limits - stale connection: client never answers PING',
    config: 'ping_interval: "1s"\nping_max: 1\n',
    steps: [send(QUIET), ...ping(), waitFor('PING', { timeoutMs: 3000 }), expectClosed({ timeoutMs: 4000 })],
    expect: ['< a: PING', ...closesWith('Stale Connection')],
  },
  {
    name: 'limits - ping_interval: answering PONG keeps the connection',
    config: 'ping_interval: "1s"\nping_max: 1\n',
    steps: [
      send(QUIET), ...ping(),
      waitFor('PING\r\n', { timeoutMs: 3000 }), send('PONG\r\n'),
      waitFor('PING\r\n', { timeoutMs: 3000 }), send('PONG\r\n'),
      expectOpen({ forMs: 300 }),
    ],
  },
  {
    name: 'limits - ping_interval: PING from the server also before CONNECT',
    config: 'ping_interval: "1s"\nping_max: 1\n',
    steps: [waitFor('PING', { timeoutMs: 3000 }), expectClosed({ timeoutMs: 4000 })],
    expect: ['< a: PING', ...closesWith('Stale Connection')],
  },
  {
    name: 'limits - max_control_line 256: an argument of exactly 256 bytes passes',
    description: 'The limit applies to the arguments after the op name (here `SUB `), not counting CRLF.',
    config: 'max_control_line: 256\n',
    steps: [send(QUIET), ...ping(), send(`SUB ${'s'.repeat(254)} 1\r\n`), quiet(), ...ping()],
    expectAbsent: [/-ERR/],
  },
  {
    name: 'limits - max_control_line 256: an argument of 257 bytes is refused',
    config: 'max_control_line: 256\n',
    steps: [send(QUIET), ...ping(), send(`SUB ${'s'.repeat(255)} 1\r\n`), expectClosed()],
    expect: closesWith('maximum control line exceeded'),
  },
  {
    name: 'limits - max_control_line 256 also limits CONNECT',
    config: 'max_control_line: 256\n',
    steps: [send(connectLine({ verbose: false, name: 'n'.repeat(300) })), expectClosed()],
    expect: closesWith('maximum control line exceeded'),
  },
  {
    name: 'limits - PING followed by 10 KB of junk is still a PING (no control line limit)',
    steps: [send(QUIET + 'PING' + 'j'.repeat(10000) + '\r\n'), waitFor('PONG'), ...ping()],
    expect: ['< a: PONG', '< a: PONG'],
  },
  {
    name: 'limits - stale connection even while the client keeps publishing',
    description: 'Only PONGs answer the server\'s PINGs; other traffic does not keep a connection alive.',
    config: 'ping_interval: "1s"\nping_max: 1\n',
    steps: [
      send(QUIET), ...ping(),
      ...Array.from({ length: 12 }, () => [send('PUB keepalive 1\r\nx\r\n'), sleep(250)]).flat(),
      expectClosed({ timeoutMs: 3000 }),
    ],
  },
];

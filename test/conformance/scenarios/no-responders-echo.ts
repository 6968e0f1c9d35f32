// no_responders (503 status for requests nobody listens to) and echo (whether a client sees its own messages).
import { expectClosed, ping, quiet, send, waitFor, type Scenario } from '../harness.js';
import { closesWith, connectLine } from './common.js';

const RESPONDERS = connectLine({ verbose: false, pedantic: false, headers: true, no_responders: true });

export const scenarios: Scenario[] = [
  {
    name: 'no_responders - request with no subscribers gets a 503 HMSG',
    steps: [send(RESPONDERS + 'SUB _INBOX.abc 1\r\nPUB nobody _INBOX.abc 3\r\nreq\r\n'), waitFor('503'), ...ping()],
    expect: ['< a: HMSG _INBOX.abc 1 16 16', '< a: NATS/1.0 503', '< a: (empty line)', '< a: (empty line)'],
  },
  {
    name: 'no_responders - 503 via HPUB request',
    steps: [send(RESPONDERS + 'SUB _INBOX.abc 1\r\nHPUB nobody _INBOX.abc 12 15\r\nNATS/1.0\r\n\r\nreq\r\n'), waitFor('503'), ...ping()],
    expect: ['< a: HMSG _INBOX.abc 1 16 16', '< a: NATS/1.0 503', '< a: (empty line)', '< a: (empty line)'],
  },
  {
    name: 'no_responders - 503 goes to a reply subscription matched by wildcard',
    steps: [send(RESPONDERS + 'SUB _INBOX.> 7\r\nPUB nobody _INBOX.x.y 0\r\n\r\n'), waitFor('503'), ...ping()],
    expect: ['< a: HMSG _INBOX.x.y 7 16 16', '< a: NATS/1.0 503', '< a: (empty line)', '< a: (empty line)'],
  },
  {
    name: 'no_responders - no 503 when there is a responder',
    connections: ['a', 'b'],
    steps: [
      send(RESPONDERS + 'SUB service 1\r\n', { connection: 'b' }), ...ping('b'),
      send(RESPONDERS + 'SUB _INBOX.abc 1\r\nPUB service _INBOX.abc 3\r\nreq\r\n'),
      waitFor('req', { connection: 'b' }),
      ...ping(),
    ],
    expectAbsent: [/503/],
  },
  {
    name: 'no_responders - no 503 without a reply subject',
    steps: [send(RESPONDERS + 'PUB nobody 3\r\nreq\r\n'), quiet(), ...ping()],
    expectAbsent: [/503/],
  },
  {
    name: 'no_responders - no 503 for a requester without a reply subscription, none to others',
    connections: ['a', 'b'],
    steps: [send(RESPONDERS + 'SUB _INBOX.abc 1\r\n', { connection: 'b' }), ...ping('b'), send(RESPONDERS + 'PUB nobody _INBOX.abc 3\r\nreq\r\n'), quiet(), ...ping()],
    expectAbsent: [/503/],
  },
  {
    name: 'no_responders - only the requester gets the 503, not other reply subscribers',
    connections: ['a', 'b'],
    steps: [
      send(RESPONDERS + 'SUB _INBOX.abc 1\r\n', { connection: 'b' }), ...ping('b'),
      send(RESPONDERS + 'SUB _INBOX.abc 1\r\nPUB nobody _INBOX.abc 3\r\nreq\r\n'),
      waitFor('503'), quiet(),
    ],
    expectAbsent: [/^< b: HMSG/],
  },
  {
    name: 'no_responders - a responder with echo false on the same connection',
    steps: [send(connectLine({ verbose: false, headers: true, no_responders: true, echo: false }) + 'SUB svc 1\r\nSUB _INBOX.r 2\r\nPUB svc _INBOX.r 1\r\nx\r\n'), quiet(), ...ping()],
    expect: ['< a: HMSG _INBOX.r 2 16 16'],
  },
  {
    name: 'no_responders - without headers is refused',
    steps: [send(connectLine({ verbose: false, no_responders: true }) + 'PING\r\n'), expectClosed()],
    expect: closesWith('no responders requires headers support'),
  },
  {
    name: 'no_responders - with headers false explicitly is refused',
    steps: [send(connectLine({ verbose: false, headers: false, no_responders: true }) + 'PING\r\n'), expectClosed()],
    expect: closesWith('no responders requires headers support'),
  },
  {
    name: 'no_responders - headers true but no_responders off gives no 503',
    steps: [send(connectLine({ verbose: false, headers: true }) + 'SUB _INBOX.abc 1\r\nPUB nobody _INBOX.abc 3\r\nreq\r\n'), quiet(), ...ping()],
    expectAbsent: [/503/],
  },
  {
    name: 'echo - default true: own messages come back',
    steps: [send(connectLine({ verbose: false }) + 'SUB foo 1\r\nPUB foo 2\r\nhi\r\n'), waitFor('hi'), ...ping()],
  },
  {
    name: 'echo - false: own messages do not come back, others get them',
    connections: ['a', 'b'],
    steps: [
      send(connectLine({ verbose: false }) + 'SUB foo 1\r\n', { connection: 'b' }), ...ping('b'),
      send(connectLine({ verbose: false, echo: false }) + 'SUB foo 1\r\nPUB foo 2\r\nhi\r\n'),
      waitFor('hi', { connection: 'b' }), ...ping(),
    ],
    expect: ['< b: MSG foo 1 2'], expectAbsent: [/^< a: MSG/],
  },
  {
    name: 'echo - false: messages from others still arrive',
    connections: ['a', 'b'],
    steps: [
      send(connectLine({ verbose: false, echo: false }) + 'SUB foo 1\r\n'), ...ping(),
      send(connectLine({ verbose: false }) + 'PUB foo 2\r\nhi\r\n', { connection: 'b' }),
      waitFor('hi'),
    ],
  },
  {
    name: 'echo - false with a queue subscription on self',
    steps: [send(connectLine({ verbose: false, echo: false }) + 'SUB foo g 1\r\nPUB foo 2\r\nhi\r\n'), quiet(), ...ping()],
    expectAbsent: [/^< a: MSG/],
  },
  {
    name: 'echo - false on protocol 0 is accepted',
    steps: [send(connectLine({ verbose: false, echo: false, protocol: 0 }) + 'PING\r\n'), quiet(), ...ping()],
    expect: ['< a: PONG'],
  },
  {
    name: 'no_responders - a queue subscriber counts as a responder',
    connections: ['a', 'b'],
    steps: [
      send(RESPONDERS + 'SUB service workers 1\r\n', { connection: 'b' }), ...ping('b'),
      send(RESPONDERS + 'SUB _INBOX.abc 1\r\nPUB service _INBOX.abc 3\r\nreq\r\n'),
      waitFor('req', { connection: 'b' }),
      ...ping(),
    ],
    expectAbsent: [/503/],
  },
];

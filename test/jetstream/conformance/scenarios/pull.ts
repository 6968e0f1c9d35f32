// CONSUMER.MSG.NEXT scenarios: batch, no_wait, expires, max_bytes, heartbeats, limits — with the status replies.
import { api, apiOk, collect, createDurable, createStream, fill, listen, pubWithReply, pull, sleep, type Scenario } from '../harness.js';

const MS = 1_000_000;

export const scenarios: Scenario[] = [
  {
    name: 'pull with no_wait on an empty stream',
    steps: [createStream('S'), createDurable('S', 'D'), pull('S', 'D', { batch: 1, no_wait: true }, 1, { expect: { statuses: ['404 No Messages'] } })],
  },
  {
    name: 'pull with expires on an empty stream',
    steps: [createStream('S'), createDurable('S', 'D'), pull('S', 'D', { batch: 2, expires: 200 * MS }, 1, { expect: { statuses: ['408 Request Timeout'] } }), apiOk('CONSUMER.INFO.S.D')],
  },
  {
    name: 'pull batch smaller, equal and larger than available',
    steps: [
      createStream('S'),
      ...fill('s.a', 3),
      createDurable('S', 'D'),
      pull('S', 'D', { batch: 2 }, 2, { expect: { count: 2 } }),
      apiOk('CONSUMER.INFO.S.D', undefined, { num_ack_pending: 2, num_pending: 1 }),
      pull('S', 'D', { batch: 5, expires: 300 * MS }, 2, { expect: { statuses: ['408 Request Timeout'] } }),
      apiOk('CONSUMER.INFO.S.D', undefined, { num_ack_pending: 3, num_pending: 0 }),
    ],
  },
  {
    name: 'pull batch with no_wait and fewer messages available',
    steps: [createStream('S'), ...fill('s.a', 2), createDurable('S', 'D'), pull('S', 'D', { batch: 5, no_wait: true }, 3), apiOk('CONSUMER.INFO.S.D')],
  },
  {
    name: 'pull with an empty body and with a number body',
    steps: [createStream('S'), ...fill('s.a', 3), createDurable('S', 'D'), pull('S', 'D', undefined, 1, { expect: { count: 1 } }), pull('S', 'D', '2', 2, { expect: { count: 2 } })],
  },
  {
    name: 'pull waiting request is served by a later publish',
    steps: [
      createStream('S'),
      createDurable('S', 'D'),
      listen('waiting', '_INBOX.waiting'),
      pubWithReply('$JS.API.CONSUMER.MSG.NEXT.S.D', { batch: 1, expires: 2000 * MS }, '_INBOX.waiting'),
      apiOk('CONSUMER.INFO.S.D', undefined, { num_waiting: 1 }),
      ...fill('s.a', 1),
      collect('waiting', 1, { expect: { count: 1 } }),
      apiOk('CONSUMER.INFO.S.D', undefined, { num_waiting: 0, num_ack_pending: 1 }),
    ],
  },
  {
    name: 'pull with max_bytes',
    steps: [
      createStream('S'),
      ...fill('s.a', 3),
      createDurable('S', 'D'),
      pull('S', 'D', { batch: 10, max_bytes: 60, expires: 300 * MS }, 3),
      pull('S', 'D', { batch: 1, max_bytes: 5, expires: 300 * MS }, 1),
    ],
  },
  {
    name: 'pull with idle_heartbeat',
    steps: [createStream('S'), createDurable('S', 'D'), pull('S', 'D', { batch: 1, expires: 500 * MS, idle_heartbeat: 200 * MS }, 3, { timeoutMs: 1000 })],
  },
  {
    name: 'pull limits: max_waiting, max_request_batch, max_request_expires',
    steps: [
      createStream('S'),
      createDurable('S', 'W', { max_waiting: 1 }),
      listen('first', '_INBOX.first'),
      pubWithReply('$JS.API.CONSUMER.MSG.NEXT.S.W', { batch: 1, expires: 1000 * MS }, '_INBOX.first'),
      pull('S', 'W', { batch: 1, expires: 1000 * MS }, 1, { timeoutMs: 500 }),
      collect('first', 1, { timeoutMs: 1500 }),
      createDurable('S', 'B', { max_batch: 2, max_expires: 1000 * MS }),
      pull('S', 'B', { batch: 5 }, 1),
      pull('S', 'B', { batch: 1, expires: 5000 * MS }, 1),
      pull('S', 'B', { batch: 1 }, 1, { timeoutMs: 300 }),
    ],
  },
  {
    name: 'pull errors: push consumer, unknown consumer, bad body',
    steps: [
      createStream('S'),
      apiOk('CONSUMER.DURABLE.CREATE.S.P', { stream_name: 'S', config: { durable_name: 'P', deliver_subject: 'push.here', ack_policy: 'explicit' } }),
      pull('S', 'P', { batch: 1, no_wait: true }, 1),
      pull('S', 'NOPE', { batch: 1, no_wait: true }, 1, { timeoutMs: 300 }),
      pull('NOPE', 'NOPE', { batch: 1, no_wait: true }, 1, { timeoutMs: 300 }),
      createDurable('S', 'D'),
      pull('S', 'D', 'not json', 1, { timeoutMs: 500 }),
      pull('S', 'D', { batch: 0, no_wait: true }, 1, { timeoutMs: 500 }),
      pull('S', 'D', { batch: -1, no_wait: true }, 1, { timeoutMs: 500 }),
    ],
  },
  {
    name: 'pull request pending when the consumer is deleted',
    steps: [
      createStream('S'),
      createDurable('S', 'D'),
      listen('pending', '_INBOX.pending'),
      pubWithReply('$JS.API.CONSUMER.MSG.NEXT.S.D', { batch: 1, expires: 3000 * MS }, '_INBOX.pending'),
      sleep(50),
      api('CONSUMER.DELETE.S.D'),
      collect('pending', 1, { timeoutMs: 1000 }),
    ],
  },
  {
    name: 'pull delivers headers_only and filtered messages',
    steps: [
      createStream('S'),
      { kind: 'pub', subject: 's.h', body: 'with headers', headers: { 'X-A': '1', 'Nats-Msg-Id': 'h1' } },
      ...fill('s.b', 1),
      createDurable('S', 'H', { headers_only: true }),
      pull('S', 'H', { batch: 2 }, 2),
      createDurable('S', 'F', { filter_subject: 's.b' }),
      pull('S', 'F', { batch: 2, no_wait: true }, 2),
    ],
  },
];

// Push consumer scenarios: delivery to deliver_subject, idle heartbeats and flow control status messages.
import { ack, apiOk, collect, createStream, fill, listen, note, pub, sleep, type Scenario } from '../harness.js';

const MS = 1_000_000;

export const scenarios: Scenario[] = [
  {
    name: 'push consumer delivers stored and new messages',
    steps: [
      createStream('P'),
      ...fill('p.a', 2),
      listen('push', 'deliver.p'),
      apiOk('CONSUMER.DURABLE.CREATE.P.D', { stream_name: 'P', config: { durable_name: 'D', deliver_subject: 'deliver.p', ack_policy: 'explicit' } }),
      collect('push', 2),
      ...fill('p.b', 1),
      collect('push', 1),
      ack(1),
      ack(2),
      ack(3),
      apiOk('CONSUMER.INFO.P.D', undefined, { num_ack_pending: 0, push_bound: true }),
    ],
  },
  {
    name: 'push consumer idle heartbeats',
    steps: [
      createStream('P'),
      listen('push', 'deliver.hb'),
      apiOk('CONSUMER.DURABLE.CREATE.P.HB', { stream_name: 'P', config: { durable_name: 'HB', deliver_subject: 'deliver.hb', ack_policy: 'explicit', idle_heartbeat: 200 * MS } }),
      collect('push', 1, { timeoutMs: 1000, quietMs: 20 }),
      ...fill('p.a', 1),
      collect('push', 1, { quietMs: 20 }),
      ack(2),
      sleep(150),
      collect('push', 1, { timeoutMs: 1000, quietMs: 20 }),
    ],
  },
  {
    name: 'push consumer flow control',
    steps: [
      createStream('P'),
      pub('p.big', 'x'.repeat(60000), undefined, 24),
      listen('push', 'deliver.fc'),
      apiOk('CONSUMER.DURABLE.CREATE.P.FC', { stream_name: 'P', config: { durable_name: 'FC', deliver_subject: 'deliver.fc', ack_policy: 'none', flow_control: true, idle_heartbeat: 5000 * MS } }),
      collect('push', 25, { timeoutMs: 1500 }),
      note('answer the flow control request: an empty publish to its reply subject (nothing more is pending here)'),
      ack(19, '', 'publish'),
      collect('push', 1, { timeoutMs: 500 }),
    ],
  },
];

// CONSUMER.CREATE scenarios that succeed: durable/ephemeral, every subject form 2.9 has, every config field, updates.
import { api, apiErr, apiOk, createStream, fill, type Scenario } from '../harness.js';

/** Every ConsumerConfig field of nats-server 2.9 that fits a pull consumer. */
const everyPullField = {
  description: 'pull consumer with every field',
  deliver_policy: 'by_start_sequence',
  opt_start_seq: 2,
  ack_policy: 'explicit',
  ack_wait: 5000000000,
  max_deliver: 5,
  backoff: [1000000000, 2000000000],
  filter_subject: 'c.a',
  replay_policy: 'instant',
  sample_freq: '50%',
  max_waiting: 10,
  max_ack_pending: 20,
  headers_only: true,
  max_batch: 5,
  max_expires: 10000000000,
  inactive_threshold: 60000000000,
  num_replicas: 0,
  mem_storage: true,
};

export const scenarios: Scenario[] = [
  {
    name: 'durable pull consumer via CONSUMER.DURABLE.CREATE',
    steps: [
      createStream('C'),
      ...fill('c.a', 2),
      apiOk('CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'explicit' } }, { name: 'D', num_pending: 2, type: 'io.nats.jetstream.api.v1.consumer_create_response' }),
      apiOk('CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'explicit' } }),
      apiOk('CONSUMER.INFO.C.D', undefined, { type: 'io.nats.jetstream.api.v1.consumer_info_response' }),
    ],
  },
  {
    name: 'ephemeral consumer via CONSUMER.CREATE.<stream>',
    steps: [
      createStream('C'),
      ...fill('c.a', 3),
      api('CONSUMER.CREATE.C', { stream_name: 'C', config: { ack_policy: 'explicit' } }, { capture: { eph: 'name' }, expect: { err: 0, json: { num_pending: 3 } } }),
      apiOk('CONSUMER.INFO.C.{{eph}}'),
      apiOk('CONSUMER.NAMES.C'),
    ],
  },
  {
    name: 'named consumer via CONSUMER.CREATE.<stream>.<consumer>',
    steps: [
      createStream('C'),
      apiOk('CONSUMER.CREATE.C.N', { stream_name: 'C', config: { name: 'N', ack_policy: 'explicit' } }, { name: 'N' }),
      apiOk('CONSUMER.CREATE.C.DN', { stream_name: 'C', config: { durable_name: 'DN', ack_policy: 'explicit' } }, { name: 'DN' }),
      apiOk('CONSUMER.CREATE.C.BOTH', { stream_name: 'C', config: { name: 'BOTH', durable_name: 'BOTH', ack_policy: 'explicit' } }),
      apiOk('CONSUMER.LIST.C'),
    ],
  },
  {
    name: 'filtered consumer via CONSUMER.CREATE.<stream>.<consumer>.<filter>',
    steps: [
      createStream('C'),
      ...fill('c.a', 2),
      ...fill('c.b.x', 1),
      apiOk('CONSUMER.CREATE.C.F.c.b.>', { stream_name: 'C', config: { name: 'F', filter_subject: 'c.b.>', ack_policy: 'explicit' } }, { num_pending: 1 }),
      apiOk('CONSUMER.CREATE.C.DF.c.a', { stream_name: 'C', config: { durable_name: 'DF', filter_subject: 'c.a', ack_policy: 'explicit' } }, { num_pending: 2 }),
    ],
  },
  {
    name: 'pull consumer with every field',
    steps: [createStream('C'), ...fill('c.a', 3), apiOk('CONSUMER.DURABLE.CREATE.C.ALL', { stream_name: 'C', config: { durable_name: 'ALL', ...everyPullField } }), apiOk('CONSUMER.INFO.C.ALL')],
  },
  {
    name: 'push consumers: durable with every push field, ephemeral',
    steps: [
      createStream('C'),
      apiOk('CONSUMER.DURABLE.CREATE.C.PUSH', {
        stream_name: 'C',
        config: { durable_name: 'PUSH', deliver_subject: 'deliver.push', deliver_group: 'grp', ack_policy: 'all', deliver_policy: 'new', rate_limit_bps: 1000000, flow_control: true, idle_heartbeat: 5000000000, replay_policy: 'original', max_ack_pending: 10 },
      }),
      api('CONSUMER.CREATE.C', { stream_name: 'C', config: { deliver_subject: 'deliver.eph', ack_policy: 'none', deliver_policy: 'last_per_subject', filter_subject: 'c.>' } }, { capture: { eph: 'name' }, expect: { err: 0 } }),
      apiOk('CONSUMER.INFO.C.{{eph}}'),
    ],
  },
  {
    name: 'deliver policies: last, new, by_start_time, last_per_subject',
    steps: [
      createStream('C'),
      ...fill('c.a', 2),
      ...fill('c.b', 1),
      apiOk('CONSUMER.DURABLE.CREATE.C.LAST', { stream_name: 'C', config: { durable_name: 'LAST', deliver_policy: 'last', ack_policy: 'explicit' } }, { num_pending: 1 }),
      apiOk('CONSUMER.DURABLE.CREATE.C.NEW', { stream_name: 'C', config: { durable_name: 'NEW', deliver_policy: 'new', ack_policy: 'explicit' } }, { num_pending: 0 }),
      apiOk('CONSUMER.DURABLE.CREATE.C.TIME', { stream_name: 'C', config: { durable_name: 'TIME', deliver_policy: 'by_start_time', opt_start_time: '2000-01-01T00:00:00Z', ack_policy: 'explicit' } }, { num_pending: 3 }),
      apiOk('CONSUMER.DURABLE.CREATE.C.LPS', { stream_name: 'C', config: { durable_name: 'LPS', deliver_policy: 'last_per_subject', filter_subject: 'c.>', ack_policy: 'explicit' } }, { num_pending: 2 }),
    ],
  },
  {
    name: 'update a durable: allowed changes (description, limits, filter) and forbidden ones',
    steps: [
      createStream('C'),
      apiOk('CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'explicit' } }),
      apiOk('CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'explicit', description: 'changed', max_ack_pending: 5, ack_wait: 10000000000, max_deliver: 3 } }, { config: { description: 'changed', max_ack_pending: 5 } }),
      apiErr('CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'all' } }, 10012),
      apiErr('CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'explicit', deliver_policy: 'new' } }, 10012),
      apiOk('CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'explicit', filter_subject: 'c.x' } }, { config: { filter_subject: 'c.x' } }),
      apiErr('CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'explicit', deliver_subject: 'now.push' } }, 10012),
    ],
  },
  {
    name: 'workqueue stream consumers',
    steps: [
      apiOk('STREAM.CREATE.WQ', { name: 'WQ', subjects: ['wq.>'], retention: 'workqueue', storage: 'memory' }),
      apiOk('CONSUMER.DURABLE.CREATE.WQ.A', { stream_name: 'WQ', config: { durable_name: 'A', ack_policy: 'explicit', filter_subject: 'wq.a' } }),
      apiOk('CONSUMER.DURABLE.CREATE.WQ.B', { stream_name: 'WQ', config: { durable_name: 'B', ack_policy: 'explicit', filter_subject: 'wq.b' } }),
      apiErr('CONSUMER.DURABLE.CREATE.WQ.C', { stream_name: 'WQ', config: { durable_name: 'C', ack_policy: 'explicit', filter_subject: 'wq.a' } }, 10100),
      apiErr('CONSUMER.DURABLE.CREATE.WQ.U', { stream_name: 'WQ', config: { durable_name: 'U', ack_policy: 'explicit' } }, 10099),
      apiErr('CONSUMER.DURABLE.CREATE.WQ.N', { stream_name: 'WQ', config: { durable_name: 'N', ack_policy: 'none', filter_subject: 'wq.n' } }, 10084),
      apiErr('CONSUMER.DURABLE.CREATE.WQ.PN', { stream_name: 'WQ', config: { durable_name: 'PN', deliver_subject: 'push.wq', ack_policy: 'none', filter_subject: 'wq.p' } }, 10098),
      apiErr('CONSUMER.DURABLE.CREATE.WQ.L', { stream_name: 'WQ', config: { durable_name: 'L', ack_policy: 'explicit', deliver_policy: 'last', filter_subject: 'wq.l' } }, 10101),
    ],
  },
  {
    name: 'workqueue stream: a second unfiltered consumer',
    steps: [
      apiOk('STREAM.CREATE.WQ', { name: 'WQ', subjects: ['wq.>'], retention: 'workqueue', storage: 'memory' }),
      apiOk('CONSUMER.DURABLE.CREATE.WQ.A', { stream_name: 'WQ', config: { durable_name: 'A', ack_policy: 'explicit' } }),
      apiErr('CONSUMER.DURABLE.CREATE.WQ.B', { stream_name: 'WQ', config: { durable_name: 'B', ack_policy: 'explicit' } }, 10099),
    ],
  },
  {
    name: 'interest stream consumers and stream info consumer_count',
    steps: [
      apiOk('STREAM.CREATE.IN', { name: 'IN', subjects: ['in.>'], retention: 'interest', storage: 'memory' }),
      apiOk('CONSUMER.DURABLE.CREATE.IN.A', { stream_name: 'IN', config: { durable_name: 'A', ack_policy: 'explicit' } }),
      apiOk('CONSUMER.DURABLE.CREATE.IN.B', { stream_name: 'IN', config: { durable_name: 'B', ack_policy: 'none' } }),
      apiOk('STREAM.INFO.IN', undefined, { state: { consumer_count: 2 } }),
    ],
  },
];

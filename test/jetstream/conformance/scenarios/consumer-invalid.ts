// CONSUMER.CREATE with questionable configs: subject/body mismatches, bad names, invalid combinations, limits — error or acceptance.
import { api, apiErr, apiOk, createStream, type ReplyExpectation, type Scenario } from '../harness.js';

const cfg = (config: object) => ({ stream_name: 'C', config });
/** One request after creating stream C; `expected` is an err_code (0: nats-server 2.9.10 accepts it) or a full expectation. */
const bad = (name: string, subject: string, body: object | string | undefined, expected: number | ReplyExpectation): Scenario => ({
  name: `consumer config: ${name}`,
  steps: [createStream('C'), api(subject, body, { expect: typeof expected === 'number' ? { err: expected } : expected })],
});
const ACCEPTED = 0;

export const scenarios: Scenario[] = [
  bad('stream does not exist', 'CONSUMER.DURABLE.CREATE.NOPE.D', { stream_name: 'NOPE', config: { durable_name: 'D', ack_policy: 'explicit' } }, 10059),
  bad('stream name in body differs', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'OTHER', config: { durable_name: 'D', ack_policy: 'explicit' } }, 10056),
  bad('config missing on the durable subject', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C' }, 10018),
  bad('config missing on the ephemeral subject (accepted: an ack none ephemeral)', 'CONSUMER.CREATE.C', { stream_name: 'C' }, ACCEPTED),
  bad('config missing on the named subject (accepted)', 'CONSUMER.CREATE.C.N', { stream_name: 'C' }, ACCEPTED),
  bad('only stream_name missing', 'CONSUMER.DURABLE.CREATE.C.D', { config: { durable_name: 'D', ack_policy: 'explicit' } }, 10056),
  bad('empty body', 'CONSUMER.DURABLE.CREATE.C.D', undefined, 10025),
  bad('body not JSON', 'CONSUMER.CREATE.C', 'nope', 10025),
  bad('durable subject without durable_name', 'CONSUMER.DURABLE.CREATE.C.D', cfg({ ack_policy: 'explicit' }), 10018),
  bad('durable name differs from subject', 'CONSUMER.DURABLE.CREATE.C.D', cfg({ durable_name: 'X', ack_policy: 'explicit' }), 10017),
  bad('durable_name on the ephemeral subject', 'CONSUMER.CREATE.C', cfg({ durable_name: 'D', ack_policy: 'explicit' }), 10020),
  bad('name differs from CREATE subject (accepted: the subject name wins)', 'CONSUMER.CREATE.C.N', cfg({ name: 'X', ack_policy: 'explicit' }), ACCEPTED),
  bad('durable_name and name differ', 'CONSUMER.CREATE.C.N', cfg({ name: 'N', durable_name: 'X', ack_policy: 'explicit' }), 10017),
  bad('durable_name and name differ on the ephemeral subject', 'CONSUMER.CREATE.C', cfg({ name: 'N', ack_policy: 'explicit' }), ACCEPTED),
  bad('filter in subject differs from config', 'CONSUMER.CREATE.C.N.c.a', cfg({ name: 'N', filter_subject: 'c.b', ack_policy: 'explicit' }), 10131),
  bad('durable name with a dot on the ephemeral subject', 'CONSUMER.CREATE.C', cfg({ durable_name: 'a.b', ack_policy: 'explicit' }), 10020),
  bad('durable name with a star', 'CONSUMER.DURABLE.CREATE.C.a*', cfg({ durable_name: 'a*', ack_policy: 'explicit' }), 10103),
  bad('name with a path separator', 'CONSUMER.CREATE.C.a\\b', cfg({ name: 'a\\b', ack_policy: 'explicit' }), 10127),
  bad('durable name too long', `CONSUMER.DURABLE.CREATE.C.${'d'.repeat(300)}`, cfg({ durable_name: 'd'.repeat(300), ack_policy: 'explicit' }), 10102),
  bad('description too long', 'CONSUMER.DURABLE.CREATE.C.D', cfg({ durable_name: 'D', description: 'x'.repeat(5000), ack_policy: 'explicit' }), 10107),
  bad('ack_policy unknown', 'CONSUMER.DURABLE.CREATE.C.D', cfg({ durable_name: 'D', ack_policy: 'sometimes' }), 10025),
  bad('deliver_policy unknown', 'CONSUMER.DURABLE.CREATE.C.D', cfg({ durable_name: 'D', deliver_policy: 'whenever' }), 10025),
  bad('deliver subject with wildcards', 'CONSUMER.DURABLE.CREATE.C.D', cfg({ durable_name: 'D', deliver_subject: 'd.*' }), 10079),
  bad('deliver subject invalid', 'CONSUMER.DURABLE.CREATE.C.D', cfg({ durable_name: 'D', deliver_subject: 'a..b' }), 10112),
  bad('deliver subject forms a cycle', 'CONSUMER.DURABLE.CREATE.C.D', cfg({ durable_name: 'D', deliver_subject: 'c.loop' }), 10081),
  bad('push consumer with max_waiting', 'CONSUMER.DURABLE.CREATE.C.D', cfg({ durable_name: 'D', deliver_subject: 'dl', max_waiting: 5 }), 10080),
  bad('max_ack_pending with ack none (accepted)', 'CONSUMER.DURABLE.CREATE.C.D', cfg({ durable_name: 'D', ack_policy: 'none', max_ack_pending: 5 }), ACCEPTED),
  bad('idle heartbeat below 100ms', 'CONSUMER.DURABLE.CREATE.C.D', cfg({ durable_name: 'D', deliver_subject: 'dl', idle_heartbeat: 50000000 }), 10083),
  bad('pull consumer with rate limit', 'CONSUMER.DURABLE.CREATE.C.D', cfg({ durable_name: 'D', ack_policy: 'explicit', rate_limit_bps: 1000 }), 10086),
  bad('max_waiting negative', 'CONSUMER.DURABLE.CREATE.C.D', cfg({ durable_name: 'D', ack_policy: 'explicit', max_waiting: -1 }), 10087),
  bad('pull consumer with idle heartbeat', 'CONSUMER.DURABLE.CREATE.C.D', cfg({ durable_name: 'D', ack_policy: 'explicit', idle_heartbeat: 1000000000 }), 10088),
  bad('pull consumer with flow control', 'CONSUMER.DURABLE.CREATE.C.D', cfg({ durable_name: 'D', ack_policy: 'explicit', flow_control: true }), 10089),
  bad('flow control without heartbeats', 'CONSUMER.DURABLE.CREATE.C.D', cfg({ durable_name: 'D', deliver_subject: 'dl', flow_control: true }), 10108),
  bad('filter subject outside the stream', 'CONSUMER.DURABLE.CREATE.C.D', cfg({ durable_name: 'D', ack_policy: 'explicit', filter_subject: 'other.x' }), 10093),
  bad('by_start_sequence without opt_start_seq', 'CONSUMER.DURABLE.CREATE.C.D', cfg({ durable_name: 'D', ack_policy: 'explicit', deliver_policy: 'by_start_sequence' }), 10094),
  bad('opt_start_seq with deliver all', 'CONSUMER.DURABLE.CREATE.C.D', cfg({ durable_name: 'D', ack_policy: 'explicit', opt_start_seq: 3 }), 10094),
  bad('by_start_time without opt_start_time', 'CONSUMER.DURABLE.CREATE.C.D', cfg({ durable_name: 'D', ack_policy: 'explicit', deliver_policy: 'by_start_time' }), 10094),
  bad('opt_start_time with deliver new', 'CONSUMER.DURABLE.CREATE.C.D', cfg({ durable_name: 'D', ack_policy: 'explicit', deliver_policy: 'new', opt_start_time: '2020-01-01T00:00:00Z' }), 10094),
  bad('last_per_subject without filter_subject', 'CONSUMER.DURABLE.CREATE.C.D', cfg({ durable_name: 'D', ack_policy: 'explicit', deliver_policy: 'last_per_subject' }), 10094),
  bad('sample_freq invalid', 'CONSUMER.DURABLE.CREATE.C.D', cfg({ durable_name: 'D', ack_policy: 'explicit', sample_freq: 'often' }), 10095),
  bad('max_batch negative', 'CONSUMER.DURABLE.CREATE.C.D', cfg({ durable_name: 'D', ack_policy: 'explicit', max_batch: -1 }), 10114),
  bad('max_expires below 1ms', 'CONSUMER.DURABLE.CREATE.C.D', cfg({ durable_name: 'D', ack_policy: 'explicit', max_expires: 1000 }), 10115),
  bad('max_deliver not above backoff length', 'CONSUMER.DURABLE.CREATE.C.D', cfg({ durable_name: 'D', ack_policy: 'explicit', max_deliver: 2, backoff: [1000000000, 2000000000] }), 10116),
  bad('replicas 3 on a standalone server', 'CONSUMER.DURABLE.CREATE.C.D', cfg({ durable_name: 'D', ack_policy: 'explicit', num_replicas: 3 }), 10074),
  bad('replay_policy unknown', 'CONSUMER.DURABLE.CREATE.C.D', cfg({ durable_name: 'D', ack_policy: 'explicit', replay_policy: 'fast' }), 10025),
  {
    name: 'consumer config: max_consumers reached',
    steps: [
      apiOk('STREAM.CREATE.C', { name: 'C', subjects: ['c.>'], max_consumers: 1, storage: 'memory' }),
      apiOk('CONSUMER.DURABLE.CREATE.C.A', cfg({ durable_name: 'A', ack_policy: 'explicit' })),
      apiErr('CONSUMER.DURABLE.CREATE.C.B', cfg({ durable_name: 'B', ack_policy: 'explicit' }), 10026),
    ],
  },
];

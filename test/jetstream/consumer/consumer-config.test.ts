// Consumer config validation through the API: every error nats-server 2.9.10 recorded, defaults, update and workqueue rules.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { consumerApi, TestStream } from './harness.js';
import { formatGoDuration, parseGoDuration, parseGoTime, formatGoTime } from '../../../src/jetstream/consumer/go-time.js';

const LONG = 'd'.repeat(300);
const LONG_DESCRIPTION = 'x'.repeat(4097);

/** [title, subject after $JS.API., body, expected err_code (0 = success)] as in the consumer-invalid transcripts. */
const CASES: [string, string, unknown, number][] = [
  ['stream does not exist', 'CONSUMER.DURABLE.CREATE.NOPE.D', { stream_name: 'NOPE', config: { durable_name: 'D', ack_policy: 'explicit' } }, 10059],
  ['stream name in body differs', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'OTHER', config: { durable_name: 'D', ack_policy: 'explicit' } }, 10056],
  ['config missing on the durable subject', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C' }, 10018],
  ['config missing on the ephemeral subject', 'CONSUMER.CREATE.C', { stream_name: 'C' }, 0],
  ['config missing on the named subject', 'CONSUMER.CREATE.C.N', { stream_name: 'C' }, 0],
  ['only stream_name missing', 'CONSUMER.DURABLE.CREATE.C.D', { config: { durable_name: 'D', ack_policy: 'explicit' } }, 10056],
  ['empty body', 'CONSUMER.DURABLE.CREATE.C.D', undefined, 10025],
  ['body not JSON', 'CONSUMER.CREATE.C', '"nope"', 10025],
  ['truncated JSON', 'CONSUMER.CREATE.C.X', '{"name":', 10025],
  ['durable subject without durable_name', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { ack_policy: 'explicit' } }, 10018],
  ['durable name differs from subject', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'X', ack_policy: 'explicit' } }, 10017],
  ['durable_name on the ephemeral subject', 'CONSUMER.CREATE.C', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'explicit' } }, 10020],
  ['name differs from CREATE subject (subject wins)', 'CONSUMER.CREATE.C.N', { stream_name: 'C', config: { name: 'X', ack_policy: 'explicit' } }, 0],
  ['durable_name and name differ', 'CONSUMER.CREATE.C.N', { stream_name: 'C', config: { name: 'N', durable_name: 'X', ack_policy: 'explicit' } }, 10017],
  ['name on the ephemeral subject', 'CONSUMER.CREATE.C', { stream_name: 'C', config: { name: 'N', ack_policy: 'explicit' } }, 0],
  ['filter in subject differs from config', 'CONSUMER.CREATE.C.N.c.a', { stream_name: 'C', config: { name: 'N', filter_subject: 'c.b', ack_policy: 'explicit' } }, 10131],
  ['durable name with a dot on the ephemeral subject', 'CONSUMER.CREATE.C', { stream_name: 'C', config: { durable_name: 'a.b', ack_policy: 'explicit' } }, 10020],
  ['durable name with a star', 'CONSUMER.DURABLE.CREATE.C.a*', { stream_name: 'C', config: { durable_name: 'a*', ack_policy: 'explicit' } }, 10103],
  ['name with a path separator', 'CONSUMER.CREATE.C.a\\b', { stream_name: 'C', config: { name: 'a\\b', ack_policy: 'explicit' } }, 10127],
  ['durable name too long', `CONSUMER.DURABLE.CREATE.C.${LONG}`, { stream_name: 'C', config: { durable_name: LONG, ack_policy: 'explicit' } }, 10102],
  ['description too long', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', description: LONG_DESCRIPTION, ack_policy: 'explicit' } }, 10107],
  ['ack_policy unknown', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'sometimes' } }, 10025],
  ['deliver_policy unknown', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', deliver_policy: 'whenever' } }, 10025],
  ['replay_policy unknown', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'explicit', replay_policy: 'fast' } }, 10025],
  ['max_deliver as a string', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', max_deliver: '5' } }, 10025],
  ['opt_start_seq negative', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', deliver_policy: 'by_start_sequence', opt_start_seq: -1 } }, 10025],
  ['opt_start_time not a time', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', deliver_policy: 'by_start_time', opt_start_time: 'yesterday' } }, 10025],
  ['deliver subject with wildcards', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', deliver_subject: 'd.*' } }, 10079],
  ['deliver subject invalid', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', deliver_subject: 'a..b' } }, 10112],
  ['deliver subject forms a cycle', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', deliver_subject: 'c.loop' } }, 10081],
  ['push consumer with max_waiting', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', deliver_subject: 'dl', max_waiting: 5 } }, 10080],
  ['push ack none with max_ack_pending', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', deliver_subject: 'dl', ack_policy: 'none', max_ack_pending: 5 } }, 10082],
  ['max_ack_pending with ack none (pull, accepted)', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'none', max_ack_pending: 5 } }, 0],
  ['idle heartbeat below 100ms', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', deliver_subject: 'dl', idle_heartbeat: 50_000_000 } }, 10083],
  ['pull consumer with rate limit', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'explicit', rate_limit_bps: 1000 } }, 10086],
  ['max_waiting negative', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'explicit', max_waiting: -1 } }, 10087],
  ['pull consumer with idle heartbeat', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'explicit', idle_heartbeat: 1_000_000_000 } }, 10088],
  ['pull consumer with flow control', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'explicit', flow_control: true } }, 10089],
  ['flow control without heartbeats', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', deliver_subject: 'dl', flow_control: true } }, 10108],
  ['filter subject outside the stream', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'explicit', filter_subject: 'other.x' } }, 10093],
  ['filter_subject and filter_subjects together', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', filter_subject: 'c.a', filter_subjects: ['c.b'] } }, 10136],
  ['overlapping filter_subjects', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', filter_subjects: ['c.a', 'c.*'] } }, 10138],
  ['by_start_sequence without opt_start_seq', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'explicit', deliver_policy: 'by_start_sequence' } }, 10094],
  ['opt_start_seq with deliver all', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'explicit', opt_start_seq: 3 } }, 10094],
  ['by_start_time without opt_start_time', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'explicit', deliver_policy: 'by_start_time' } }, 10094],
  ['opt_start_time with deliver new', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'explicit', deliver_policy: 'new', opt_start_time: '2020-01-01T00:00:00Z' } }, 10094],
  ['last_per_subject without filter_subject', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'explicit', deliver_policy: 'last_per_subject' } }, 10094],
  ['sample_freq invalid', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'explicit', sample_freq: 'often' } }, 10095],
  ['max_batch negative', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'explicit', max_batch: -1 } }, 10114],
  ['max_expires below 1ms', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'explicit', max_expires: 1000 } }, 10115],
  ['max_deliver not above backoff length', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'explicit', max_deliver: 2, backoff: [1_000_000_000, 2_000_000_000] } }, 10116],
  ['replicas 3 on a standalone server', 'CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'explicit', num_replicas: 3 } }, 10074],
];

for (const [title, subject, body, expected] of CASES) {
  test(`consumer config - ${title}`, () => {
    const stream = new TestStream({ name: 'C' });
    const api = consumerApi(stream);
    const response = api.call(subject, body as object | string | undefined);
    assert.ok(response !== null, 'a response');
    assert.equal(response.type, 'io.nats.jetstream.api.v1.consumer_create_response');
    const error = response.error as { err_code: number } | undefined;
    assert.equal(error?.err_code ?? 0, expected, JSON.stringify(response).slice(0, 300));
    stream.stop();
  });
}

test('consumer config - error texts as nats-server words them', () => {
  const stream = new TestStream({ name: 'C' });
  const api = consumerApi(stream);
  const description = (config: object) => ((api.call('CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'explicit', ...config } })!.error as { description: string }).description);
  assert.equal(description({ sample_freq: 'often' }), 'failed to parse consumer sampling configuration: strconv.Atoi: parsing "often": invalid syntax');
  assert.equal(description({ deliver_policy: 'by_start_sequence' }), 'consumer delivery policy is deliver by start sequence, but optional start sequence is not set');
  assert.equal(description({ opt_start_seq: 3 }), 'consumer delivery policy is deliver all, but optional start sequence is also set');
  assert.equal(description({ deliver_policy: 'by_start_time' }), 'consumer delivery policy is deliver by start time, but optional start time is not set');
  assert.equal(description({ deliver_policy: 'new', opt_start_time: '2020-01-01T00:00:00Z' }), 'consumer delivery policy is deliver new, but optional start time is also set');
  assert.equal(description({ deliver_policy: 'last_per_subject' }), 'consumer delivery policy is deliver last per subject, but optional filter subject is not set');
  assert.equal(description({ description: LONG_DESCRIPTION }), 'consumer description is too long, maximum allowed is 4096');
  stream.stop();
});

test('consumer config - defaults as nats-server 2.9.10 shows them', () => {
  const stream = new TestStream({ name: 'C' });
  const api = consumerApi(stream);
  const pullDurable = api.call('CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'explicit' } })!;
  assert.deepEqual(pullDurable.config, { durable_name: 'D', deliver_policy: 'all', ack_policy: 'explicit', ack_wait: 30_000_000_000, max_deliver: -1, replay_policy: 'instant', max_waiting: 512, max_ack_pending: 1000, num_replicas: 0 });
  const ephemeral = api.call('CONSUMER.CREATE.C', { stream_name: 'C' })!;
  assert.deepEqual(ephemeral.config, { deliver_policy: 'all', ack_policy: 'none', max_deliver: -1, replay_policy: 'instant', max_waiting: 512, inactive_threshold: 5_000_000_000, num_replicas: 0 });
  assert.match(ephemeral.name as string, /^[A-Za-z0-9]{8}$/);
  const withBackoff = api.call('CONSUMER.DURABLE.CREATE.C.B', { stream_name: 'C', config: { durable_name: 'B', ack_policy: 'explicit', ack_wait: 5_000_000_000, max_deliver: 5, backoff: [1_000_000_000, 2_000_000_000] } })!;
  assert.equal((withBackoff.config as { ack_wait: number }).ack_wait, 1_000_000_000);
  const push = api.call('CONSUMER.DURABLE.CREATE.C.P', { stream_name: 'C', config: { durable_name: 'P', deliver_subject: 'deliver.p', ack_policy: 'all', opt_start_time: null } })!;
  assert.deepEqual(push.config, { durable_name: 'P', deliver_policy: 'all', ack_policy: 'all', ack_wait: 30_000_000_000, max_deliver: -1, replay_policy: 'instant', max_ack_pending: 1000, deliver_subject: 'deliver.p', num_replicas: 0 });
  const named = api.call('CONSUMER.CREATE.C.N.c.b.>', { stream_name: 'C', config: { name: 'N', filter_subject: 'c.b.>', ack_policy: 'explicit', opt_start_time: null } })!;
  assert.equal((named.config as { name: string }).name, 'N');
  assert.equal((named.config as { inactive_threshold: number }).inactive_threshold, 5_000_000_000);
  const byTime = api.call('CONSUMER.DURABLE.CREATE.C.T', { stream_name: 'C', config: { durable_name: 'T', deliver_policy: 'by_start_time', opt_start_time: '2000-01-01T00:00:00.000+02:00' } })!;
  assert.equal((byTime.config as { opt_start_time: string }).opt_start_time, '2000-01-01T00:00:00+02:00');
  stream.stop();
});

test('consumer config - updates: allowed changes apply, others are refused with nats-server texts', () => {
  const stream = new TestStream({ name: 'C' });
  const api = consumerApi(stream);
  const create = (config: object) => api.call('CONSUMER.DURABLE.CREATE.C.D', { stream_name: 'C', config: { durable_name: 'D', ack_policy: 'explicit', ...config } })!;
  create({});
  const same = create({});
  assert.equal(same.error, undefined);
  const changed = create({ description: 'changed', max_ack_pending: 5, ack_wait: 10_000_000_000, max_deliver: 3 });
  assert.deepEqual(changed.config, { durable_name: 'D', description: 'changed', deliver_policy: 'all', ack_policy: 'explicit', ack_wait: 10_000_000_000, max_deliver: 3, replay_policy: 'instant', max_waiting: 512, max_ack_pending: 5, num_replicas: 0 });
  assert.deepEqual(create({ ack_policy: 'all' }).error, { code: 500, err_code: 10012, description: 'ack policy can not be updated' });
  assert.deepEqual(create({ deliver_policy: 'new' }).error, { code: 500, err_code: 10012, description: 'deliver policy can not be updated' });
  assert.equal((create({ filter_subject: 'c.x' }).config as { filter_subject: string }).filter_subject, 'c.x');
  assert.deepEqual(create({ deliver_subject: 'now.push' }).error, { code: 500, err_code: 10012, description: 'max waiting can not be updated' });
  assert.equal((create({ replay_policy: 'original' }).error as { description: string }).description, 'replay policy can not be updated');
  stream.stop();
});

test('consumer config - workqueue streams: explicit ack, deliver all, one consumer per subject', () => {
  const stream = new TestStream({ name: 'WQ', retention: 'workqueue' });
  const api = consumerApi(stream);
  const create = (name: string, config: object) => api.call(`CONSUMER.DURABLE.CREATE.WQ.${name}`, { stream_name: 'WQ', config: { durable_name: name, ack_policy: 'explicit', ...config } })!;
  const code = (response: Record<string, unknown>) => (response.error as { err_code: number } | undefined)?.err_code ?? 0;
  assert.equal(code(create('A', { filter_subject: 'wq.a' })), 0);
  assert.equal(code(create('B', { filter_subject: 'wq.b' })), 0);
  assert.equal(code(create('C', { filter_subject: 'wq.a' })), 10100);
  assert.equal(code(create('W', { filter_subject: 'wq.*' })), 10100);
  assert.equal(code(create('U', {})), 10099);
  assert.equal(code(create('N', { ack_policy: 'none', filter_subject: 'wq.n' })), 10084);
  assert.equal(code(create('PN', { deliver_subject: 'push.wq', ack_policy: 'none', filter_subject: 'wq.p' })), 10098);
  assert.equal(code(create('L', { deliver_policy: 'last', filter_subject: 'wq.l' })), 10101);
  // An existing consumer updates in place.
  assert.equal(code(create('A', { filter_subject: 'wq.a', description: 'again' })), 0);
  stream.stop();
});

test('consumer config - max_consumers of the stream', () => {
  const stream = new TestStream({ name: 'C', max_consumers: 1 });
  const api = consumerApi(stream);
  assert.equal(api.call('CONSUMER.DURABLE.CREATE.C.A', { stream_name: 'C', config: { durable_name: 'A', ack_policy: 'explicit' } })!.error, undefined);
  assert.deepEqual(api.call('CONSUMER.DURABLE.CREATE.C.B', { stream_name: 'C', config: { durable_name: 'B', ack_policy: 'explicit' } })!.error, { code: 400, err_code: 10026, description: 'maximum consumers limit reached' });
  stream.stop();
});

test('go time - durations and times as Go prints them', () => {
  assert.equal(formatGoDuration(1_000_000_000), '1s');
  assert.equal(formatGoDuration(1_500_000_000), '1.5s');
  assert.equal(formatGoDuration(120_000_000_000), '2m0s');
  assert.equal(formatGoDuration(3_600_000_000_000), '1h0m0s');
  assert.equal(formatGoDuration(500_000_000), '500ms');
  assert.equal(formatGoDuration(1_500), '1.5µs');
  assert.equal(formatGoDuration(0), '0s');
  assert.equal(parseGoDuration('300ms'), 300_000_000);
  assert.equal(parseGoDuration('1.5h'), 5_400_000_000_000);
  assert.equal(parseGoDuration('2h45m'), 9_900_000_000_000);
  assert.equal(parseGoDuration('fast'), null);
  const time = parseGoTime('2020-01-01T01:02:03.120000000-05:30')!;
  assert.equal(formatGoTime(time), '2020-01-01T01:02:03.12-05:30');
  assert.equal(formatGoTime({ ns: time.ns, offsetMinutes: null }), '2020-01-01T06:32:03.12Z');
  assert.equal(formatGoTime(parseGoTime('0001-01-01T00:00:00Z')!), '0001-01-01T00:00:00Z');
});

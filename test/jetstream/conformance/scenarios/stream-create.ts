// STREAM.CREATE scenarios that succeed: minimal configs, every field, each storage and retention, idempotent re-create.
import { api, apiErr, apiOk, createStream, type Scenario } from '../harness.js';

/** Every StreamConfig field nats-server 2.9 accepts on a standalone server (storage and retention set per scenario). */
const everyField = {
  description: 'every field set',
  subjects: ['all.>', 'other.*'],
  retention: 'limits',
  max_consumers: 10,
  max_msgs: 1000,
  max_bytes: 1048576,
  max_age: 3600000000000,
  max_msgs_per_subject: 5,
  max_msg_size: 4096,
  discard: 'new',
  discard_new_per_subject: true,
  num_replicas: 1,
  no_ack: false,
  duplicate_window: 60000000000,
  allow_rollup_hdrs: true,
  deny_delete: true,
  deny_purge: false,
  allow_direct: true,
  mirror_direct: false,
  sealed: false,
  republish: { src: 'all.>', dest: 'rp.>', headers_only: true },
};

export const scenarios: Scenario[] = [
  {
    name: 'create with name only: subjects default to the name, file storage',
    steps: [apiOk('STREAM.CREATE.ORDERS', { name: 'ORDERS' }, { did_create: true, config: { subjects: ['ORDERS'], storage: 'file' } }), apiOk('STREAM.INFO.ORDERS')],
  },
  {
    name: 'create minimal memory stream',
    steps: [apiOk('STREAM.CREATE.S', { name: 'S', subjects: ['s.>'], storage: 'memory' }, { config: { storage: 'memory' } })],
  },
  {
    name: 'create with every field, memory storage',
    steps: [apiOk('STREAM.CREATE.ALL', { name: 'ALL', storage: 'memory', ...everyField }), apiOk('STREAM.INFO.ALL')],
  },
  {
    name: 'create with every field, file storage',
    steps: [apiOk('STREAM.CREATE.ALLF', { name: 'ALLF', storage: 'file', ...everyField }), apiOk('STREAM.INFO.ALLF')],
  },
  {
    name: 'create interest and workqueue retention streams',
    steps: [
      apiOk('STREAM.CREATE.INT', { name: 'INT', subjects: ['int.>'], retention: 'interest', storage: 'memory' }, { config: { retention: 'interest' } }),
      apiOk('STREAM.CREATE.WQ', { name: 'WQ', subjects: ['wq.>'], retention: 'workqueue', storage: 'file' }, { config: { retention: 'workqueue' } }),
    ],
  },
  {
    name: 'create with max_msgs_per_subject on a workqueue stream',
    steps: [api('STREAM.CREATE.WQP', { name: 'WQP', subjects: ['wqp.>'], retention: 'workqueue', max_msgs_per_subject: 1, storage: 'memory' })],
  },
  {
    name: 'create with zero values and explicit defaults',
    steps: [
      apiOk('STREAM.CREATE.Z', { name: 'Z', subjects: ['z'], max_msgs: 0, max_bytes: 0, max_age: 0, max_msg_size: 0, max_consumers: 0, max_msgs_per_subject: 0, duplicate_window: 0, num_replicas: 0, storage: 'memory' }),
    ],
  },
  {
    name: 'create with duplicate_window defaulted to max_age when shorter',
    steps: [apiOk('STREAM.CREATE.D', { name: 'D', subjects: ['d'], max_age: 10000000000, storage: 'memory' }, { config: { duplicate_window: 10000000000 } })],
  },
  {
    name: 'create is idempotent with the same config',
    steps: [createStream('S'), apiOk('STREAM.CREATE.S', { name: 'S', subjects: ['s.>'], storage: 'memory' }), apiOk('STREAM.NAMES')],
  },
  {
    name: 'create an existing name with another config',
    steps: [createStream('S'), apiErr('STREAM.CREATE.S', { name: 'S', subjects: ['other'], storage: 'memory' }, 10058)],
  },
  {
    name: 'create with a wildcard subject set and unicode description',
    steps: [apiOk('STREAM.CREATE.W', { name: 'W', subjects: ['*', 'a.*.b', 'x.>'], description: 'ünïcødé ✓', storage: 'memory' })],
  },
  {
    name: 'create a mirror and a stream with sources',
    steps: [
      createStream('ORIGIN'),
      apiOk('STREAM.CREATE.M', { name: 'M', mirror: { name: 'ORIGIN' }, storage: 'memory' }),
      apiOk('STREAM.CREATE.AGG', { name: 'AGG', subjects: ['agg'], sources: [{ name: 'ORIGIN', filter_subject: 'origin.a' }], storage: 'memory' }),
      apiOk('STREAM.INFO.M'),
      apiOk('STREAM.INFO.AGG'),
    ],
  },
  {
    name: 'create with name longer than 32 characters and names with dashes and underscores',
    steps: [
      apiOk('STREAM.CREATE.a-very_long-stream_name-0123456789-abcdefghij', { name: 'a-very_long-stream_name-0123456789-abcdefghij', storage: 'memory' }),
      apiOk('STREAM.CREATE.lower', { name: 'lower', subjects: ['lower.x'], storage: 'memory' }),
    ],
  },
];

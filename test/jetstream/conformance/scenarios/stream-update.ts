// STREAM.UPDATE scenarios: allowed changes (limits, subjects, flags, seal) and forbidden ones with their errors.
import { apiErr, apiOk, createStream, fill, streamConfig, type Scenario } from '../harness.js';

const base = (extra: object = {}) => streamConfig('U', ['u.>'], extra);
/** Create, then one update; `errCode` 0 means nats-server 2.9.10 accepts the change. */
const forbidden = (name: string, create: object, update: object, errCode: number): Scenario => ({
  name: `update ${errCode ? 'rejected' : 'accepted'}: ${name}`,
  steps: [apiOk('STREAM.CREATE.U', base(create)), errCode ? apiErr('STREAM.UPDATE.U', base(update), errCode) : apiOk('STREAM.UPDATE.U', base(update)), apiOk('STREAM.INFO.U')],
});

export const scenarios: Scenario[] = [
  {
    name: 'update limits, subjects, description and flags',
    steps: [
      apiOk('STREAM.CREATE.U', base()),
      ...fill('u.a', 5),
      apiOk('STREAM.UPDATE.U', base({ subjects: ['u.>', 'more.*'], max_msgs: 3, max_age: 60000000000, description: 'now described', allow_rollup_hdrs: true, deny_delete: true, allow_direct: true, discard: 'new' }), { type: 'io.nats.jetstream.api.v1.stream_update_response' }),
      apiOk('STREAM.INFO.U', undefined, { state: { messages: 3, first_seq: 3 } }),
    ],
  },
  {
    name: 'update seals a stream, then writes and further updates fail',
    steps: [
      apiOk('STREAM.CREATE.U', base()),
      ...fill('u.a', 2),
      apiOk('STREAM.UPDATE.U', base({ sealed: true }), { config: { sealed: true, deny_delete: true, deny_purge: true, allow_rollup_hdrs: false } }),
      apiErr('STREAM.UPDATE.U', base({ sealed: false }), 10052),
      apiErr('STREAM.PURGE.U', undefined, 10109),
      apiErr('STREAM.MSG.DELETE.U', { seq: 1 }, 10109),
    ],
  },
  {
    name: 'update of a stream that does not exist',
    steps: [apiErr('STREAM.UPDATE.NOPE', streamConfig('NOPE'), 10059)],
  },
  {
    name: 'update with a name mismatch between subject and body',
    steps: [apiOk('STREAM.CREATE.U', base()), apiErr('STREAM.UPDATE.U', streamConfig('OTHER'), 10056)],
  },
  {
    name: 'update with bad JSON and empty body',
    steps: [apiOk('STREAM.CREATE.U', base()), apiErr('STREAM.UPDATE.U', '{"name":', 10025), apiErr('STREAM.UPDATE.U', undefined, 10025)],
  },
  {
    name: 'update subjects onto another stream',
    steps: [createStream('OTHER', ['o.>']), apiOk('STREAM.CREATE.U', base()), apiErr('STREAM.UPDATE.U', base({ subjects: ['u.>', 'o.x'] }), 10065)],
  },
  forbidden('storage type change', {}, { storage: 'file' }, 10052),
  forbidden('retention change', {}, { retention: 'workqueue' }, 10052),
  forbidden('replicas 1 -> 3 on a standalone server (2.9.10 keeps num_replicas 3 in the config)', {}, { num_replicas: 3 }, 0),
  forbidden('disable deny_delete', { deny_delete: true }, { deny_delete: false }, 10052),
  forbidden('disable deny_purge', { deny_purge: true }, { deny_purge: false }, 10052),
  forbidden('max_consumers change', { max_consumers: 5 }, { max_consumers: 10 }, 10052),
  forbidden('template owner', {}, { template_owner: 'T' }, 10052),
  forbidden('add a mirror', {}, { subjects: [], mirror: { name: 'X' } }, 10055),
  forbidden('negative limit below -1', {}, { max_msgs: -3 }, 0),
  forbidden('max_msgs_per_subject and discard changes', {}, { max_msgs_per_subject: 2, discard: 'new', max_bytes: 1000 }, 0),
  forbidden('remove all subjects', {}, { subjects: [] }, 0),
];

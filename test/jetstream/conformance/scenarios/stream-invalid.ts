// STREAM.CREATE with questionable configs: bad names, subjects, limits, combinations, bodies — nats-server's error (or acceptance).
import { api, apiErr, createStream, type ReplyExpectation, type Scenario } from '../harness.js';

/** A one-request scenario; `expected` is an err_code (0: nats-server 2.9.10 accepts it) or a full expectation. */
const bad = (name: string, body: object | string | undefined, expected: number | ReplyExpectation, subjectName = 'S'): Scenario => ({
  name: `create config: ${name}`,
  steps: [api(`STREAM.CREATE.${subjectName}`, body, { expect: typeof expected === 'number' ? { err: expected } : expected })],
});
const ACCEPTED = 0;

export const scenarios: Scenario[] = [
  bad('name with a dot (no reply: the subject has an extra token)', { name: 'a.b', storage: 'memory' }, { timeout: true }, 'a.b'),
  bad('name with a dot in the body only', { name: 'a.b', storage: 'memory' }, 10056),
  bad('name with a star', { name: 'a*', storage: 'memory' }, 10052, 'a*'),
  bad('name with a gt', { name: 'a>', storage: 'memory' }, 10052, 'a>'),
  bad('name with a space in the body only', { name: 'a b', storage: 'memory' }, 10056),
  bad('name with a path separator', { name: 'a/b', storage: 'memory' }, 10128, 'a/b'),
  bad('name in body differs from subject', { name: 'OTHER', subjects: ['x'], storage: 'memory' }, 10056),
  bad('body without a name', { subjects: ['x'], storage: 'memory' }, 10056),
  bad('empty body', undefined, 10025),
  bad('body is not JSON', 'not json', 10025),
  bad('body is a JSON array', '[1,2]', 10025),
  bad('storage type unknown', { name: 'S', storage: 'disk' }, 10025),
  bad('retention unknown', { name: 'S', retention: 'forever', storage: 'memory' }, 10025),
  bad('discard unknown', { name: 'S', discard: 'middle', storage: 'memory' }, 10025),
  bad('max_msgs as a string', { name: 'S', max_msgs: '10', storage: 'memory' }, 10025),
  bad('max_msgs below -1 (accepted as is)', { name: 'S', max_msgs: -2, storage: 'memory' }, ACCEPTED),
  bad('max_bytes below -1 (accepted as is)', { name: 'S', max_bytes: -5, storage: 'memory' }, ACCEPTED),
  bad('max_msg_size below -1 (accepted as is)', { name: 'S', max_msg_size: -2, storage: 'memory' }, ACCEPTED),
  bad('max_consumers below -1 (accepted as is)', { name: 'S', max_consumers: -2, storage: 'memory' }, ACCEPTED),
  bad('max_msgs_per_subject below -1 (accepted as is)', { name: 'S', max_msgs_per_subject: -2, storage: 'memory' }, ACCEPTED),
  bad('duplicate_window negative', { name: 'S', duplicate_window: -1, storage: 'memory' }, 10052),
  bad('duplicate_window larger than max_age', { name: 'S', max_age: 1000000000, duplicate_window: 5000000000, storage: 'memory' }, 10052),
  bad('replicas 3 on a standalone server', { name: 'S', num_replicas: 3, storage: 'memory' }, 10074),
  bad('replicas negative', { name: 'S', num_replicas: -1, storage: 'memory' }, 10133),
  bad('max_msg_size above max_payload (accepted)', { name: 'S', max_msg_size: 2000000, storage: 'memory' }, ACCEPTED),
  bad('invalid subject with empty token', { name: 'S', subjects: ['a..b'], storage: 'memory' }, 10052),
  bad('invalid subject with trailing dot', { name: 'S', subjects: ['a.'], storage: 'memory' }, 10052),
  bad('invalid subject with gt not last', { name: 'S', subjects: ['a.>.b'], storage: 'memory' }, 10052),
  bad('duplicate subjects in one stream', { name: 'S', subjects: ['a', 'a'], storage: 'memory' }, 10052),
  bad('overlapping subjects in one stream', { name: 'S', subjects: ['a.*', 'a.b'], storage: 'memory' }, 10052),
  bad('subject overlapping the JetStream API', { name: 'S', subjects: ['$JS.API.>'], storage: 'memory' }, 10052),
  bad('full wildcard subject (accepted)', { name: 'S', subjects: ['>'], storage: 'memory' }, ACCEPTED),
  bad('allow_rollup_hdrs with deny_purge', { name: 'S', allow_rollup_hdrs: true, deny_purge: true, storage: 'memory' }, 10052),
  bad('max_bytes larger than the server has memory', { name: 'S', max_bytes: 9007199254740991, storage: 'memory' }, 10028),
  bad('unknown field is ignored', { name: 'S', no_such_field: 1, storage: 'memory' }, ACCEPTED),
  bad('subjects empty list', { name: 'S', subjects: [], storage: 'memory' }, ACCEPTED),
  bad('max_age negative', { name: 'S', max_age: -5, storage: 'memory' }, 10052),
  bad('sealed on create', { name: 'S', sealed: true, storage: 'memory' }, 10052),
  bad('discard_new_per_subject without discard new', { name: 'S', discard_new_per_subject: true, max_msgs_per_subject: 1, storage: 'memory' }, 10052),
  bad('discard_new_per_subject without max_msgs_per_subject', { name: 'S', discard: 'new', discard_new_per_subject: true, storage: 'memory' }, 10052),
  bad('mirror with subjects', { name: 'S', subjects: ['x'], mirror: { name: 'O' }, storage: 'memory' }, 10034),
  bad('mirror and sources together', { name: 'S', mirror: { name: 'O' }, sources: [{ name: 'P' }], storage: 'memory' }, 10031),
  bad('republish destination overlapping the stream subjects', { name: 'S', subjects: ['r.>'], republish: { src: 'r.>', dest: 'r.x.>' }, storage: 'memory' }, 10052),
  bad('name too long', { name: 'N'.repeat(300), storage: 'memory' }, 10052, 'N'.repeat(300)),
  {
    name: 'create config: subjects overlapping another stream',
    steps: [createStream('A', ['shared.>']), apiErr('STREAM.CREATE.B', { name: 'B', subjects: ['shared.x'], storage: 'memory' }, 10065), apiErr('STREAM.CREATE.C', { name: 'C', subjects: ['*.x'], storage: 'memory' }, 10065)],
  },
  {
    name: 'create config: the request subject lacks the name or has extra tokens (no reply)',
    steps: [api('STREAM.CREATE', { name: 'S', storage: 'memory' }, { expect: { timeout: true } }), api('STREAM.CREATE.S.extra', { name: 'S', storage: 'memory' }, { expect: { timeout: true } })],
  },
];

// STREAM.MSG.GET (seq, last_by_subj, next_by_subj, errors) and STREAM.MSG.DELETE (erase, no_erase, errors) scenarios.
import { apiErr, apiOk, createStream, fill, pub, streamConfig, type Scenario } from '../harness.js';

const setup = [createStream('G'), pub('g.a', 'a1'), pub('g.b', 'b1', { 'X-Custom': 'v1' }), pub('g.a', 'a2'), pub('g.c.d', 'cd1'), pub('g.b', 'b2')];

export const scenarios: Scenario[] = [
  {
    name: 'msg get by sequence, last_by_subj and next_by_subj',
    steps: [
      ...setup,
      apiOk('STREAM.MSG.GET.G', { seq: 1 }, { message: { subject: 'g.a', seq: 1 }, type: 'io.nats.jetstream.api.v1.stream_msg_get_response' }),
      apiOk('STREAM.MSG.GET.G', { seq: 2 }, { message: { subject: 'g.b', seq: 2 } }),
      apiOk('STREAM.MSG.GET.G', { last_by_subj: 'g.a' }, { message: { seq: 3 } }),
      apiOk('STREAM.MSG.GET.G', { last_by_subj: 'g.>' }, { message: { seq: 5 } }),
      apiOk('STREAM.MSG.GET.G', { next_by_subj: 'g.b' }, { message: { seq: 2 } }),
      apiOk('STREAM.MSG.GET.G', { seq: 3, next_by_subj: 'g.b' }, { message: { seq: 5 } }),
      apiOk('STREAM.MSG.GET.G', { seq: 2, next_by_subj: 'g.*.d' }, { message: { seq: 4 } }),
    ],
  },
  {
    name: 'msg get errors',
    steps: [
      ...setup,
      apiErr('STREAM.MSG.GET.G', { seq: 99 }, 10037),
      apiErr('STREAM.MSG.GET.G', { seq: 0 }, 10003),
      apiErr('STREAM.MSG.GET.G', {}, 10003),
      apiErr('STREAM.MSG.GET.G', { last_by_subj: 'nomatch' }, 10037),
      apiErr('STREAM.MSG.GET.G', { seq: 6, next_by_subj: 'g.a' }, 10037),
      apiErr('STREAM.MSG.GET.G', { seq: 1, last_by_subj: 'g.a' }, 10003),
      apiErr('STREAM.MSG.GET.G', { last_by_subj: 'g.a', next_by_subj: 'g.a' }, 10003),
      apiErr('STREAM.MSG.GET.G', undefined, 10003),
      apiErr('STREAM.MSG.GET.G', 'bad', 10025),
      apiErr('STREAM.MSG.GET.NOPE', { seq: 1 }, 10059),
    ],
  },
  {
    name: 'msg delete with erase and no_erase',
    steps: [
      ...setup,
      apiOk('STREAM.MSG.DELETE.G', { seq: 2 }, { success: true, type: 'io.nats.jetstream.api.v1.stream_msg_delete_response' }),
      apiOk('STREAM.MSG.DELETE.G', { seq: 3, no_erase: true }, { success: true }),
      apiErr('STREAM.MSG.GET.G', { seq: 2 }, 10037),
      apiOk('STREAM.MSG.GET.G', { last_by_subj: 'g.a' }, { message: { seq: 1 } }),
      apiOk('STREAM.INFO.G', { deleted_details: true }),
      apiOk('STREAM.MSG.DELETE.G', { seq: 1 }),
      apiOk('STREAM.INFO.G', { deleted_details: true }, { state: { first_seq: 4 } }),
    ],
  },
  {
    name: 'msg delete errors',
    steps: [
      ...setup,
      apiErr('STREAM.MSG.DELETE.G', { seq: 99 }, 10043),
      apiOk('STREAM.MSG.DELETE.G', { seq: 2 }),
      apiErr('STREAM.MSG.DELETE.G', { seq: 2 }, 10043),
      apiErr('STREAM.MSG.DELETE.G', { seq: 0 }, 10043),
      apiErr('STREAM.MSG.DELETE.G', undefined, 10003),
      apiErr('STREAM.MSG.DELETE.G', 'bad', 10025),
      apiErr('STREAM.MSG.DELETE.NOPE', { seq: 1 }, 10059),
      apiOk('STREAM.CREATE.DD', streamConfig('DD', ['dd'], { deny_delete: true })),
      pub('dd', 'x'),
      apiErr('STREAM.MSG.DELETE.DD', { seq: 1 }, 10057),
    ],
  },
  {
    name: 'msg get on a file store stream after deletes',
    steps: [
      apiOk('STREAM.CREATE.F', streamConfig('F', ['f.>'], { storage: 'file' })),
      ...fill('f.x', 3),
      apiOk('STREAM.MSG.DELETE.F', { seq: 2 }),
      apiOk('STREAM.MSG.GET.F', { seq: 2, next_by_subj: 'f.x' }, { message: { seq: 3 } }),
      apiOk('STREAM.MSG.GET.F', { last_by_subj: 'f.x' }),
    ],
  },
];

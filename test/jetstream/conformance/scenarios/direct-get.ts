// DIRECT.GET scenarios: allow_direct streams, request by body and by subject suffix, reply headers, status errors.
import { api, apiOk, pub, streamConfig, type Scenario } from '../harness.js';

const setup = [
  apiOk('STREAM.CREATE.DG', streamConfig('DG', ['dg.>'], { allow_direct: true })),
  pub('dg.a', 'a1'),
  pub('dg.b', 'b1', { 'X-Custom': 'v1', 'Nats-Msg-Id': 'id-b1' }),
  pub('dg.a', 'a2'),
];

export const scenarios: Scenario[] = [
  {
    name: 'direct get by seq, last_by_subj, next_by_subj',
    steps: [
      ...setup,
      api('DIRECT.GET.DG', { seq: 1 }),
      api('DIRECT.GET.DG', { seq: 2 }),
      api('DIRECT.GET.DG', { last_by_subj: 'dg.a' }),
      api('DIRECT.GET.DG', { next_by_subj: 'dg.a', seq: 2 }),
      api('DIRECT.GET.DG.dg.b'),
      api('DIRECT.GET.DG.dg.>'),
    ],
  },
  {
    name: 'direct get errors as status replies',
    steps: [
      ...setup,
      api('DIRECT.GET.DG', { seq: 99 }, { expect: { status: '404 Message Not Found' } }),
      api('DIRECT.GET.DG', { last_by_subj: 'nomatch' }, { expect: { status: '404 Message Not Found' } }),
      api('DIRECT.GET.DG', undefined, { expect: { status: '408 Empty Request' } }),
      api('DIRECT.GET.DG', 'bad json', { expect: { status: '408 Malformed Request' } }),
      api('DIRECT.GET.DG', { seq: 1, last_by_subj: 'dg.a' }, { expect: { status: '408 Bad Request' } }),
      api('DIRECT.GET.DG.nomatch'),
    ],
  },
  {
    name: 'direct get on a stream without allow_direct (no reply at all)',
    steps: [apiOk('STREAM.CREATE.ND', streamConfig('ND', ['nd'])), pub('nd', 'x'), api('DIRECT.GET.ND', { seq: 1 }, { expect: { timeout: true } }), api('DIRECT.GET.NOPE', { seq: 1 }, { expect: { timeout: true } })],
  },
];

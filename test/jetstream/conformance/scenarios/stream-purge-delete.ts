// STREAM.PURGE (all, filter, seq, keep and combinations) and STREAM.DELETE scenarios.
import { apiErr, apiOk, createStream, fill, pub, streamConfig, STALE_SUBJECT_COUNTS_IN_2_9_10, type Scenario } from '../harness.js';

const setup = [createStream('P'), ...fill('p.a', 4), ...fill('p.b', 3), pub('p.c', 'c1')];

export const scenarios: Scenario[] = [
  {
    name: 'purge everything',
    steps: [...setup, apiOk('STREAM.PURGE.P', undefined, { success: true, purged: 8 }), apiOk('STREAM.INFO.P', undefined, { state: { messages: 0, first_seq: 9, last_seq: 8 } }), pub('p.a', 'after'), apiOk('STREAM.INFO.P')],
  },
  {
    name: 'purge by subject filter',
    steps: [...setup, apiOk('STREAM.PURGE.P', { filter: 'p.a' }, { purged: 4 }), apiOk('STREAM.INFO.P', { subjects_filter: '>' }), apiOk('STREAM.PURGE.P', { filter: 'p.*' }, { purged: 4 })],
  },
  {
    name: 'purge up to a sequence',
    steps: [...setup, apiOk('STREAM.PURGE.P', { seq: 3 }, { purged: 2 }), apiOk('STREAM.INFO.P'), apiOk('STREAM.PURGE.P', { filter: 'p.b', seq: 7 }), apiOk('STREAM.INFO.P', { subjects_filter: '>' })],
    knownDifferences: [STALE_SUBJECT_COUNTS_IN_2_9_10],
  },
  {
    name: 'purge keeping the newest messages',
    steps: [...setup, apiOk('STREAM.PURGE.P', { keep: 3 }, { purged: 5 }), apiOk('STREAM.INFO.P'), apiOk('STREAM.PURGE.P', { filter: 'p.b', keep: 1 }), apiOk('STREAM.INFO.P', { subjects_filter: '>' })],
    knownDifferences: [STALE_SUBJECT_COUNTS_IN_2_9_10],
  },
  {
    name: 'purge errors: seq and keep together, unknown stream, bad JSON, deny_purge',
    steps: [
      ...setup,
      apiErr('STREAM.PURGE.P', { seq: 3, keep: 1 }, 10003),
      apiErr('STREAM.PURGE.NOPE', undefined, 10059),
      apiErr('STREAM.PURGE.P', '{bad', 10025),
      apiOk('STREAM.CREATE.DP', streamConfig('DP', ['dp'], { deny_purge: true })),
      apiErr('STREAM.PURGE.DP', undefined, 10110),
    ],
  },
  {
    name: 'delete a stream',
    steps: [...setup, apiOk('STREAM.DELETE.P', undefined, { success: true, type: 'io.nats.jetstream.api.v1.stream_delete_response' }), apiErr('STREAM.INFO.P', undefined, 10059), apiErr('STREAM.DELETE.P', undefined, 10059), apiOk('STREAM.NAMES')],
  },
  {
    name: 'delete with a body',
    steps: [createStream('P'), apiErr('STREAM.DELETE.P', { name: 'P' }, 10038), apiOk('STREAM.DELETE.P', '')],
  },
];

// STREAM.INFO (subjects_filter, deleted_details), STREAM.NAMES and STREAM.LIST (offset, subject filter) scenarios.
import { api, apiErr, apiOk, createStream, fill, pub, type Scenario } from '../harness.js';

export const scenarios: Scenario[] = [
  {
    name: 'info with subjects_filter and deleted_details',
    steps: [
      createStream('S'),
      ...fill('s.a', 3),
      ...fill('s.b.x', 2),
      pub('s.b.y', 'y'),
      apiOk('STREAM.MSG.DELETE.S', { seq: 2 }),
      apiOk('STREAM.MSG.DELETE.S', { seq: 4 }),
      apiOk('STREAM.INFO.S', undefined, { state: { messages: 4, num_deleted: 2 } }),
      apiOk('STREAM.INFO.S', { deleted_details: true }, { state: { deleted: [2, 4] } }),
      apiOk('STREAM.INFO.S', { subjects_filter: '>' }),
      apiOk('STREAM.INFO.S', { subjects_filter: 's.b.*' }),
      apiOk('STREAM.INFO.S', { subjects_filter: 'nomatch' }),
      apiOk('STREAM.INFO.S', { subjects_filter: 's.a', deleted_details: true }),
      apiOk('STREAM.INFO.S', { subjects_filter: '>', offset: 1 }),
    ],
  },
  {
    name: 'info errors: unknown stream, bad JSON',
    steps: [createStream('S'), apiErr('STREAM.INFO.NOPE', undefined, 10059), apiErr('STREAM.INFO.S', 'nope', 10025), api('STREAM.INFO.S', '{}')],
  },
  {
    name: 'names and list on an empty account',
    steps: [apiOk('STREAM.NAMES', undefined, { total: 0, streams: null }), apiOk('STREAM.LIST', undefined, { total: 0 })],
  },
  {
    name: 'names and list with offset and subject filter',
    steps: [
      createStream('C', ['c.>']),
      createStream('A', ['a.>']),
      createStream('B', ['b.*', 'common.b']),
      pub('a.1', 'one'),
      apiOk('STREAM.NAMES', undefined, { total: 3, offset: 0, limit: 1024, streams: ['A', 'B', 'C'] }),
      apiOk('STREAM.NAMES', { offset: 1 }, { streams: ['B', 'C'] }),
      apiOk('STREAM.NAMES', { offset: 5 }),
      apiOk('STREAM.NAMES', { subject: 'b.x' }, { streams: ['B'] }),
      apiOk('STREAM.NAMES', { subject: '*.>' }),
      apiOk('STREAM.NAMES', { subject: 'none' }),
      apiOk('STREAM.LIST', undefined, { total: 3, limit: 256 }),
      apiOk('STREAM.LIST', { offset: 2 }),
      apiOk('STREAM.LIST', { subject: 'a.1' }),
      apiErr('STREAM.NAMES', 'garbage', 10025),
      apiErr('STREAM.LIST', 'garbage', 10025),
    ],
  },
];

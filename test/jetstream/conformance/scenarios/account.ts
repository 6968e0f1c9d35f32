// $JS.API.INFO (account info) scenarios: empty account, after creating assets, counters of API errors.
import { api, apiErr, apiOk, createDurable, createStream, pub, type Scenario } from '../harness.js';

export const scenarios: Scenario[] = [
  {
    name: 'account info on a fresh server',
    steps: [apiOk('INFO', undefined, { type: 'io.nats.jetstream.api.v1.account_info_response', streams: 0, consumers: 0 })],
  },
  {
    name: 'account info counts streams, consumers, usage and api errors',
    steps: [
      createStream('S'),
      createStream('F', ['f.>'], { storage: 'file' }),
      createDurable('S', 'D'),
      pub('s.a', 'hello'),
      pub('f.a', 'hello'),
      apiErr('STREAM.INFO.NOPE', undefined, 10059),
      apiOk('INFO', undefined, { streams: 2, consumers: 1 }),
      api('INFO', 'not json'),
      api('INFO', { some: 'thing' }),
    ],
  },
];

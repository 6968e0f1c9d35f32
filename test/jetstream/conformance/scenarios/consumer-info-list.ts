// CONSUMER.INFO, CONSUMER.NAMES, CONSUMER.LIST (offset) and CONSUMER.DELETE scenarios.
import { api, apiErr, apiOk, createDurable, createStream, fill, type Scenario } from '../harness.js';

export const scenarios: Scenario[] = [
  {
    name: 'consumer names and list with offset',
    steps: [
      createStream('C'),
      apiOk('CONSUMER.NAMES.C', undefined, { total: 0, consumers: [], type: 'io.nats.jetstream.api.v1.consumer_names_response' }),
      apiOk('CONSUMER.LIST.C', undefined, { total: 0, type: 'io.nats.jetstream.api.v1.consumer_list_response' }),
      ...fill('c.a', 2),
      createDurable('C', 'Z'),
      createDurable('C', 'A', { filter_subject: 'c.a' }),
      createDurable('C', 'M', { deliver_policy: 'new' }),
      apiOk('CONSUMER.NAMES.C', undefined, { total: 3, limit: 1024, offset: 0, consumers: ['A', 'M', 'Z'] }),
      apiOk('CONSUMER.NAMES.C', { offset: 2 }),
      apiOk('CONSUMER.NAMES.C', { offset: 7 }),
      apiOk('CONSUMER.LIST.C', undefined, { total: 3, limit: 256 }),
      apiOk('CONSUMER.LIST.C', { offset: 1 }),
      apiErr('CONSUMER.NAMES.NOPE', undefined, 10059),
      apiErr('CONSUMER.LIST.NOPE', undefined, 10059),
      apiErr('CONSUMER.NAMES.C', 'bad', 10025),
      apiErr('CONSUMER.LIST.C', 'bad', 10025),
    ],
  },
  {
    name: 'consumer info and its errors',
    steps: [
      createStream('C'),
      ...fill('c.a', 3),
      createDurable('C', 'D'),
      apiOk('CONSUMER.INFO.C.D', undefined, { num_pending: 3, num_ack_pending: 0, delivered: { consumer_seq: 0, stream_seq: 0 } }),
      apiErr('CONSUMER.INFO.C.NOPE', undefined, 10014),
      apiErr('CONSUMER.INFO.NOPE.D', undefined, 10059),
      api('CONSUMER.INFO.C.D', { some: 'body' }),
    ],
  },
  {
    name: 'consumer delete',
    steps: [
      createStream('C'),
      createDurable('C', 'D'),
      apiErr('CONSUMER.DELETE.C.D', { body: 1 }, 10038),
      apiOk('CONSUMER.DELETE.C.D', undefined, { success: true, type: 'io.nats.jetstream.api.v1.consumer_delete_response' }),
      apiErr('CONSUMER.DELETE.C.D', undefined, 10014),
      apiErr('CONSUMER.INFO.C.D', undefined, 10014),
      apiErr('CONSUMER.DELETE.NOPE.D', undefined, 10059),
      apiOk('STREAM.INFO.C', undefined, { state: { consumer_count: 0 } }),
    ],
  },
  {
    name: 'deleting a stream deletes its consumers',
    steps: [createStream('C'), createDurable('C', 'D'), apiOk('STREAM.DELETE.C'), createStream('C'), apiErr('CONSUMER.INFO.C.D', undefined, 10014), apiOk('INFO')],
  },
];

// Malformed JSON sent to every JetStream API endpoint that takes a body, and empty bodies where one is required.
import { api, createDurable, createStream, type Scenario } from '../harness.js';

const endpoints = [
  'STREAM.CREATE.B',
  'STREAM.UPDATE.S',
  'STREAM.INFO.S',
  'STREAM.NAMES',
  'STREAM.LIST',
  'STREAM.PURGE.S',
  'STREAM.MSG.GET.S',
  'STREAM.MSG.DELETE.S',
  'CONSUMER.CREATE.S',
  'CONSUMER.CREATE.S.X',
  'CONSUMER.DURABLE.CREATE.S.X',
  'CONSUMER.NAMES.S',
  'CONSUMER.LIST.S',
  'CONSUMER.INFO.S.D',
  'CONSUMER.DELETE.S.D',
  'STREAM.DELETE.S',
  'INFO',
];

export const scenarios: Scenario[] = [
  {
    name: 'truncated JSON to every endpoint',
    steps: [createStream('S'), createDurable('S', 'D'), ...endpoints.map((endpoint) => api(endpoint, '{"name":'))],
  },
  {
    name: 'JSON of the wrong type to every endpoint',
    steps: [createStream('S'), createDurable('S', 'D'), ...endpoints.map((endpoint) => api(endpoint, '"a string"'))],
  },
  {
    name: 'empty body to every endpoint',
    steps: [createStream('S'), createDurable('S', 'D'), ...endpoints.map((endpoint) => api(endpoint, undefined))],
  },
  {
    name: 'unknown API subjects',
    steps: [api('STREAM.BOGUS', undefined, { timeoutMs: 500 }), api('BOGUS', undefined, { timeoutMs: 500 }), api('STREAM.INFO', undefined, { timeoutMs: 500 }), api('CONSUMER.INFO.S', undefined, { timeoutMs: 500 })],
  },
];

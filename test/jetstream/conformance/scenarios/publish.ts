// Publish acks: PubAck JSON, duplicates by Nats-Msg-Id, Nats-Expected-* failures, rollups, republish, limits and discard policies.
import { apiOk, collect, createStream, jsPub, listen, pub, streamConfig, STALE_SUBJECT_COUNTS_IN_2_9_10, type Scenario } from '../harness.js';

const ok = (seq: number, extra: object = {}) => ({ err: 0, json: { seq, ...extra } });
const err = (code: number) => ({ err: code });

export const scenarios: Scenario[] = [
  {
    name: 'publish acks and duplicates',
    steps: [
      createStream('P'),
      jsPub('p.a', 'one', undefined, ok(1, { stream: 'P' })),
      jsPub('p.a', 'two', { 'Nats-Msg-Id': 'id-1' }, ok(2)),
      jsPub('p.a', 'two again', { 'Nats-Msg-Id': 'id-1' }, ok(2, { duplicate: true })),
      jsPub('p.b', 'three', { 'Nats-Msg-Id': 'id-2' }, ok(3)),
      jsPub('p.b', '', undefined, ok(4)),
      apiOk('STREAM.INFO.P', undefined, { state: { messages: 4 } }),
    ],
  },
  {
    name: 'publish expected-* headers',
    steps: [
      createStream('E'),
      jsPub('e.a', 'x', { 'Nats-Expected-Stream': 'E' }, ok(1)),
      jsPub('e.a', 'x', { 'Nats-Expected-Stream': 'OTHER' }, err(10060)),
      jsPub('e.a', 'x', { 'Nats-Expected-Last-Sequence': '1' }, ok(2)),
      jsPub('e.a', 'x', { 'Nats-Expected-Last-Sequence': '1' }, err(10071)),
      jsPub('e.b', 'x', { 'Nats-Expected-Last-Subject-Sequence': '0' }, ok(3)),
      jsPub('e.b', 'x', { 'Nats-Expected-Last-Subject-Sequence': '0' }, err(10071)),
      jsPub('e.b', 'x', { 'Nats-Expected-Last-Subject-Sequence': '3' }, ok(4)),
      jsPub('e.a', 'x', { 'Nats-Msg-Id': 'm1' }, ok(5)),
      jsPub('e.a', 'x', { 'Nats-Expected-Last-Msg-Id': 'm1', 'Nats-Msg-Id': 'm2' }, ok(6)),
      jsPub('e.a', 'x', { 'Nats-Expected-Last-Msg-Id': 'm1' }, err(10070)),
      jsPub('e.a', 'x', { 'Nats-Expected-Last-Sequence': 'abc' }),
      jsPub('e.a', 'x', { 'Nats-Expected-Last-Sequence': '99' }, err(10071)),
    ],
  },
  {
    name: 'publish rollup headers',
    steps: [
      apiOk('STREAM.CREATE.R', streamConfig('R', ['r.>'], { allow_rollup_hdrs: true })),
      jsPub('r.a', '1', undefined, ok(1)),
      jsPub('r.a', '2', undefined, ok(2)),
      jsPub('r.b', '3', undefined, ok(3)),
      jsPub('r.a', '4', { 'Nats-Rollup': 'sub' }, ok(4)),
      apiOk('STREAM.INFO.R', { subjects_filter: '>' }, { state: { messages: 2 } }),
      jsPub('r.c', '5', { 'Nats-Rollup': 'all' }, ok(5)),
      apiOk('STREAM.INFO.R', undefined, { state: { messages: 1 } }),
      jsPub('r.c', '6', { 'Nats-Rollup': 'bogus' }, { timeout: true }),
      createStream('NR', ['nr']),
      jsPub('nr', 'x', { 'Nats-Rollup': 'sub' }),
    ],
    knownDifferences: [STALE_SUBJECT_COUNTS_IN_2_9_10],
  },
  {
    name: 'publish limits: max_msg_size, discard new with max_msgs and max_msgs_per_subject',
    steps: [
      apiOk('STREAM.CREATE.L', streamConfig('L', ['l.>'], { max_msg_size: 10, max_msgs: 2, discard: 'new' })),
      jsPub('l.a', '0123456789', undefined, ok(1)),
      jsPub('l.a', '0123456789A', undefined, err(10054)),
      jsPub('l.a', 'x', undefined, ok(2)),
      jsPub('l.a', 'y', undefined, err(10077)),
      apiOk('STREAM.CREATE.PS', streamConfig('PS', ['ps.>'], { max_msgs_per_subject: 1, discard: 'new', discard_new_per_subject: true })),
      jsPub('ps.a', '1', undefined, ok(1)),
      jsPub('ps.b', '1', undefined, ok(2)),
      jsPub('ps.a', '2', undefined, err(10077)),
    ],
  },
  ...(['memory', 'file'] as const).map((storage): Scenario => ({
    name: `publish with discard new and max_bytes, ${storage} storage`,
    description: 'memory: 2.9.10 accepts both and then drops old messages to fit; file: the second publish is rejected (maximum bytes exceeded)',
    steps: [
      apiOk('STREAM.CREATE.MB', streamConfig('MB', ['mb'], { max_bytes: 40, discard: 'new', storage })),
      jsPub('mb', 'x', undefined, ok(1)),
      jsPub('mb', 'y'.repeat(20), undefined, storage === 'memory' ? ok(2) : err(10077)),
      jsPub('mb', 'z'),
      apiOk('STREAM.INFO.MB'),
    ],
    ...(storage === 'memory' && {
      knownDifferences: [{ reason: "nats-server 2.9.10's memory store ignores discard new for max_bytes (it stores and drops old messages); Natrium rejects, as its file store does", skipComparison: true }],
    }),
  })),
  {
    name: 'republish copies stored messages with stream headers',
    steps: [
      apiOk('STREAM.CREATE.RP', streamConfig('RP', ['rp.>'], { republish: { src: 'rp.>', dest: 'out.>' } })),
      apiOk('STREAM.CREATE.RH', streamConfig('RH', ['rh.>'], { republish: { src: 'rh.a', dest: 'outh', headers_only: true } })),
      listen('out', 'out.>'),
      listen('outh', 'outh'),
      jsPub('rp.a', 'one', { 'X-Custom': 'v' }, ok(1)),
      jsPub('rp.a', 'two', undefined, ok(2)),
      jsPub('rp.b', 'three', undefined, ok(3)),
      collect('out', 3),
      jsPub('rh.a', 'payload', undefined, ok(1)),
      jsPub('rh.b', 'not republished', undefined, ok(2)),
      collect('outh', 1),
    ],
  },
  {
    name: 'publish to a sealed stream',
    steps: [
      createStream('SL', ['sl']),
      jsPub('sl', 'x', undefined, ok(1)),
      apiOk('STREAM.UPDATE.SL', streamConfig('SL', ['sl'], { sealed: true })),
      jsPub('sl', 'y', undefined, err(10109)),
    ],
  },
  {
    name: 'plain publish is stored without ack; publish to no stream',
    steps: [createStream('Q'), pub('q.a', 'no reply'), apiOk('STREAM.INFO.Q', undefined, { state: { messages: 1 } }), jsPub('nothing.here', 'x', undefined, { status: '503' })],
  },
  {
    name: 'publish acks from a file store stream with limits old',
    steps: [
      apiOk('STREAM.CREATE.FL', streamConfig('FL', ['fl'], { storage: 'file', max_msgs: 2 })),
      jsPub('fl', '1', undefined, ok(1)),
      jsPub('fl', '2', undefined, ok(2)),
      jsPub('fl', '3', undefined, ok(3)),
      apiOk('STREAM.INFO.FL', undefined, { state: { messages: 2, first_seq: 2 } }),
    ],
  },
];

// Stream backups: STREAM.SNAPSHOT sends a stream as gzip'd chunks with flow control; STREAM.RESTORE takes them back.
//
// The chunk protocol is nats-server's (chunks to the deliver subject, each with a reply subject
// `$JS.SNAPSHOT.ACK.<stream>.<id>.<size>.<index>` to acknowledge, an empty message at the end; restore chunks
// on `$JS.SNAPSHOT.RESTORE.<stream>.<id>`, each acknowledged with an empty reply, an empty chunk to finish).
// The archive inside is Natrium's own: it is opaque to clients (the `nats` CLI stores and replays it as is),
// so a Natrium backup restores into Natrium, not into nats-server.

import { createGzip, gunzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import type { Subscription } from '../core/subscription.js';
import type { JetStreamAccount } from './js-account.js';
import type { Stream } from './stream.js';
import type { StreamConfig } from './stream-config.js';
import { publishFromJetStream } from './internal-publish.js';

const MAGIC = Buffer.from('NATRIUM-SNAPSHOT-1\n');
const DEFAULT_CHUNK_SIZE = 128 * 1024;
/** Bytes sent but not yet acknowledged before the sender waits (nats-server's window). */
const WINDOW_BYTES = 8 * 1024 * 1024;
const RECORD_HEADER = 4 + 8 + 8 + 2 + 4;

/** The archive's first part: what is needed to recreate the stream. */
interface SnapshotMeta {
  config: StreamConfig;
  created: string;
}

/** Streams a snapshot of `stream` to `deliverSubject`. Resolves when the last chunk is sent. */
export function sendSnapshot(js: JetStreamAccount, stream: Stream, deliverSubject: string, chunkSize = DEFAULT_CHUNK_SIZE): Promise<void> {
  const ackPrefix = `$JS.SNAPSHOT.ACK.${stream.name}.${randomBytes(8).toString('hex')}`;
  let outstanding = 0;
  let index = 0;
  let waiting: (() => void) | null = null;
  const ackSub: Subscription = js.account.subscribeInternal(`${ackPrefix}.>`, (_sub, subject) => {
    const size = Number(subject.split('.')[5]) || 0;
    outstanding = Math.max(0, outstanding - size);
    if (waiting !== null && outstanding < WINDOW_BYTES) {
      const resume = waiting;
      waiting = null;
      resume();
    }
  });
  const send = (chunk: Buffer, withReply: boolean) => {
    index++;
    const reply = withReply ? `${ackPrefix}.${chunk.length}.${index}` : '';
    publishFromJetStream(js.server, js.account, deliverSubject, reply, null, chunk);
    if (withReply) outstanding += chunk.length;
  };
  return new Promise<void>((resolve) => {
    const gzip = createGzip();
    let pending: Buffer = Buffer.alloc(0);
    gzip.on('data', (data: Buffer) => {
      pending = pending.length === 0 ? data : Buffer.concat([pending, data]);
      while (pending.length >= chunkSize) {
        send(pending.subarray(0, chunkSize), true);
        pending = pending.subarray(chunkSize);
      }
      if (outstanding >= WINDOW_BYTES) {
        gzip.pause();
        waiting = () => gzip.resume();
        // A client that stopped acknowledging must not hold the snapshot forever.
        setTimeout(() => waiting?.(), 5000).unref();
      }
    });
    gzip.on('end', () => {
      if (pending.length > 0) send(pending, true);
      publishFromJetStream(js.server, js.account, deliverSubject, '', null, Buffer.alloc(0));
      js.account.unsubscribeInternal(ackSub);
      resolve();
    });
    const meta: SnapshotMeta = { config: stream.config, created: stream.created() };
    const metaJson = Buffer.from(JSON.stringify(meta));
    const lengthPrefix = Buffer.alloc(4);
    lengthPrefix.writeUInt32BE(metaJson.length);
    gzip.write(Buffer.concat([MAGIC, lengthPrefix, metaJson]));
    let seq = 0;
    const writeSome = () => {
      for (let n = 0; n < 1000; n++) {
        const message = stream.store.loadNext('>', seq + 1);
        if (message === null) {
          gzip.end();
          return;
        }
        seq = message.seq;
        gzip.write(encodeRecord(message.seq, message.timestampNs, message.subject, message.headers, message.data));
      }
      setImmediate(writeSome);
    };
    writeSome();
  });
}

function encodeRecord(seq: number, timestampNs: bigint, subject: string, headers: Buffer | null, data: Buffer): Buffer {
  const subjectBytes = Buffer.from(subject, 'latin1');
  const headerLength = headers?.length ?? 0;
  const record = Buffer.allocUnsafe(RECORD_HEADER + subjectBytes.length + headerLength + data.length);
  let at = 0;
  record.writeUInt32BE(record.length - 4, at);
  at += 4;
  record.writeBigUInt64BE(BigInt(seq), at);
  at += 8;
  record.writeBigInt64BE(timestampNs, at);
  at += 8;
  record.writeUInt16BE(subjectBytes.length, at);
  at += 2;
  record.writeUInt32BE(headerLength, at);
  at += 4;
  subjectBytes.copy(record, at);
  at += subjectBytes.length;
  if (headers) headers.copy(record, at);
  at += headerLength;
  data.copy(record, at);
  return record;
}

/** What a restore found in an archive. */
export interface RestoredArchive {
  meta: SnapshotMeta;
  messages: { seq: number; timestampNs: bigint; subject: string; headers: Buffer | null; data: Buffer }[];
}

/** Decodes a whole archive; throws on anything that is not one. */
export function decodeArchive(archive: Buffer): RestoredArchive {
  const raw = gunzipSync(archive);
  if (raw.length < MAGIC.length + 4 || !raw.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a Natrium snapshot');
  let at = MAGIC.length;
  const metaLength = raw.readUInt32BE(at);
  at += 4;
  const meta = JSON.parse(raw.subarray(at, at + metaLength).toString('utf8')) as SnapshotMeta;
  at += metaLength;
  const messages: RestoredArchive['messages'] = [];
  while (at < raw.length) {
    if (at + RECORD_HEADER > raw.length) throw new Error('snapshot truncated');
    const length = raw.readUInt32BE(at);
    const end = at + 4 + length;
    if (end > raw.length) throw new Error('snapshot truncated');
    const seq = Number(raw.readBigUInt64BE(at + 4));
    const timestampNs = raw.readBigInt64BE(at + 12);
    const subjectLength = raw.readUInt16BE(at + 20);
    const headerLength = raw.readUInt32BE(at + 22);
    let cursor = at + RECORD_HEADER;
    const subject = raw.toString('latin1', cursor, cursor + subjectLength);
    cursor += subjectLength;
    const headers = headerLength > 0 ? raw.subarray(cursor, cursor + headerLength) : null;
    cursor += headerLength;
    messages.push({ seq, timestampNs, subject, headers, data: raw.subarray(cursor, end) });
    at = end;
  }
  return { meta, messages };
}

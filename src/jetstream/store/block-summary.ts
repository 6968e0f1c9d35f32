// Block summaries: a block's index written on clean close, so a restart need not read and checksum every record.

import { crc32 } from './record-format.js';

/**
 * Layout (little-endian): magic u32, block file size f64, block mtime ns i64, highest sequence f64 and
 * its time i64, purge floor f64 (-1 none), subject count u32, entry count u32; subjects (u16 length +
 * latin1); entries of 44 bytes (sequence f64, offset f64, record length u32, accounted size u32,
 * timestamp i64, TTL f64, subject number u32); CRC-32 of everything before it.
 * A summary is trusted only if its checksum holds and the block's size and mtime are the ones it recorded.
 */
const MAGIC = 0x314d534e; // "NSM1"
const HEADER = 4 + 8 + 8 + 8 + 8 + 8 + 4 + 4;
const ENTRY = 44;

export interface SummaryHeader {
  fileSize: number;
  mtimeNs: bigint;
  maxSeq: number;
  maxSeqTimeNs: bigint;
  /** -1 when the block holds no purge floor. */
  floorSeq: number;
}

export interface SummaryEntry {
  seq: number;
  offset: number;
  recordLength: number;
  size: number;
  timestampNs: bigint;
  ttlMs: number;
  subject: string;
}

export type SummaryVisitor = (
  seq: number,
  offset: number,
  recordLength: number,
  size: number,
  timestampNs: bigint,
  ttlMs: number,
  subject: string,
) => void;

export function encodeSummary(header: SummaryHeader, entries: readonly SummaryEntry[]): Buffer {
  const subjectNumbers = new Map<string, number>();
  const subjects: string[] = [];
  let subjectBytes = 0;
  for (const entry of entries) {
    if (!subjectNumbers.has(entry.subject)) {
      subjectNumbers.set(entry.subject, subjects.length);
      subjects.push(entry.subject);
      subjectBytes += 2 + entry.subject.length;
    }
  }
  const buf = Buffer.alloc(HEADER + subjectBytes + entries.length * ENTRY + 4);
  let at = buf.writeUInt32LE(MAGIC, 0);
  at = buf.writeDoubleLE(header.fileSize, at);
  at = buf.writeBigInt64LE(header.mtimeNs, at);
  at = buf.writeDoubleLE(header.maxSeq, at);
  at = buf.writeBigInt64LE(header.maxSeqTimeNs, at);
  at = buf.writeDoubleLE(header.floorSeq, at);
  at = buf.writeUInt32LE(subjects.length, at);
  at = buf.writeUInt32LE(entries.length, at);
  for (const subject of subjects) {
    at = buf.writeUInt16LE(subject.length, at);
    at += buf.write(subject, at, 'latin1');
  }
  for (const entry of entries) {
    at = buf.writeDoubleLE(entry.seq, at);
    at = buf.writeDoubleLE(entry.offset, at);
    at = buf.writeUInt32LE(entry.recordLength, at);
    at = buf.writeUInt32LE(entry.size, at);
    at = buf.writeBigInt64LE(entry.timestampNs, at);
    at = buf.writeDoubleLE(entry.ttlMs, at);
    at = buf.writeUInt32LE(subjectNumbers.get(entry.subject) as number, at);
  }
  buf.writeUInt32LE(crc32(buf.subarray(0, at)), at);
  return buf;
}

/** Checks the summary and, if accept() agrees with its header, visits its entries in order; else null (and no visits). */
export function decodeSummary(buf: Buffer, accept: (header: SummaryHeader) => boolean, visit: SummaryVisitor): SummaryHeader | null {
  if (buf.length < HEADER + 4 || buf.readUInt32LE(0) !== MAGIC) return null;
  if (crc32(buf.subarray(0, buf.length - 4)) !== buf.readUInt32LE(buf.length - 4)) return null;
  const header: SummaryHeader = {
    fileSize: buf.readDoubleLE(4),
    mtimeNs: buf.readBigInt64LE(12),
    maxSeq: buf.readDoubleLE(20),
    maxSeqTimeNs: buf.readBigInt64LE(28),
    floorSeq: buf.readDoubleLE(36),
  };
  if (!accept(header)) return null;
  const subjectCount = buf.readUInt32LE(44);
  const entryCount = buf.readUInt32LE(48);
  let at = HEADER;
  const subjects: string[] = new Array(subjectCount);
  for (let i = 0; i < subjectCount; i++) {
    if (at + 2 > buf.length - 4) return null;
    const length = buf.readUInt16LE(at);
    subjects[i] = buf.toString('latin1', at + 2, at + 2 + length);
    at += 2 + length;
  }
  if (at + entryCount * ENTRY !== buf.length - 4) return null;
  for (let i = 0; i < entryCount; i++) if (buf.readUInt32LE(at + i * ENTRY + 40) >= subjectCount) return null;
  for (let i = 0; i < entryCount; i++, at += ENTRY) {
    const subject = subjects[buf.readUInt32LE(at + 40)];
    visit(
      buf.readDoubleLE(at),
      buf.readDoubleLE(at + 8),
      buf.readUInt32LE(at + 16),
      buf.readUInt32LE(at + 20),
      buf.readBigInt64LE(at + 24),
      buf.readDoubleLE(at + 32),
      subject,
    );
  }
  return header;
}

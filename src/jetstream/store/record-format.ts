// Block file records: the byte layout, encoding, CRC-32 checksums and the recovery scan that resynchronizes.

import { crc32Range } from './crc32.js';

/**
 * Record layout (little-endian), RECORD_OVERHEAD bytes plus subject, headers and data:
 *    0  u8   kind
 *    1  u32  record length (every byte, kind to checksum)
 *    5  u16  subject length
 *    7  u32  headers length
 *   11  u64  sequence (two u32 halves)
 *   19  i64  timestamp, ns since the epoch
 *   27  f64  TTL in ms (0 none, < 0 never)
 *   35  subject (latin1), headers, data
 *  end-4 u32 CRC-32 of bytes [1, end-4): everything but the kind byte and the checksum.
 * The kind byte is outside the checksum so that a delete is one atomic 1-byte write in place; the kinds are
 * chosen far apart (message and deleted are bit complements) so a flipped bit makes an unknown kind.
 */
export const RecordKind = {
  /** A live message (unless a later purge floor covers it). */
  message: 0x5a,
  /** A removed message, or a sequence marker with an empty subject (keeps the last sequence after a truncate). */
  deleted: 0xa5,
  /** Every message with a sequence <= this record's sequence, here and in earlier blocks, is gone. */
  floor: 0x3c,
} as const;

export const RECORD_HEADER = 35;
export const RECORD_OVERHEAD = RECORD_HEADER + 4;
export const MAX_RECORD_LENGTH = 0x40000000;
const TWO_32 = 0x100000000;

export { crc32 } from './crc32.js';

/** The fields of one record, as read from its header. */
export class RecordView {
  kind = 0;
  offset = 0;
  length = 0;
  subjectLength = 0;
  headersLength = 0;
  seq = 0;
  timestampNs = 0n;
  ttlMs = 0;

  get dataLength(): number {
    return this.length - RECORD_OVERHEAD - this.subjectLength - this.headersLength;
  }
}

/** The length of a record with these parts; throws when the file store cannot hold it. */
export function recordLength(subjectLength: number, headersLength: number, dataLength: number): number {
  if (subjectLength > 0xffff) throw new Error('subject too long for the file store');
  const length = RECORD_OVERHEAD + subjectLength + headersLength + dataLength;
  if (length > MAX_RECORD_LENGTH) throw new Error('message too large for the file store');
  return length;
}

export function encodeRecord(
  kind: number,
  seq: number,
  timestampNs: bigint,
  ttlMs: number,
  subject: string,
  headers: Buffer | null,
  data: Buffer | null,
): Buffer {
  const length = recordLength(subject.length, headers ? headers.length : 0, data ? data.length : 0);
  const buf = Buffer.allocUnsafe(length);
  encodeRecordInto(buf, 0, length, kind, seq, timestampNs, ttlMs, subject, headers, data);
  return buf;
}

/**
 * Writes a record of `length` bytes (from recordLength) at offset, checksum included: the file store's write
 * buffer takes records this way, without a Buffer of their own.
 */
export function encodeRecordInto(
  buf: Buffer,
  offset: number,
  length: number,
  kind: number,
  seq: number,
  timestampNs: bigint,
  ttlMs: number,
  subject: string,
  headers: Buffer | null,
  data: Buffer | null,
): void {
  const subjectLength = subject.length;
  buf[offset] = kind;
  buf.writeUInt32LE(length, offset + 1);
  buf.writeUInt16LE(subjectLength, offset + 5);
  buf.writeUInt32LE(headers ? headers.length : 0, offset + 7);
  buf.writeUInt32LE(seq % TWO_32, offset + 11);
  buf.writeUInt32LE(Math.floor(seq / TWO_32), offset + 15);
  buf.writeBigInt64LE(timestampNs, offset + 19);
  buf.writeDoubleLE(ttlMs, offset + 27);
  let at = offset + RECORD_HEADER;
  if (subjectLength > 0) at += buf.write(subject, at, 'latin1');
  if (headers) at += headers.copy(buf, at);
  if (data) data.copy(buf, at);
  sealRecord(buf, offset, length);
}

/** Writes the checksum of the record at offset. */
export function sealRecord(buf: Buffer, offset: number, length: number): void {
  buf.writeUInt32LE(crc32Range(buf, offset + 1, offset + length - 4), offset + length - 4);
}

/** Reads the header at offset into view if it is plausible (known kind, consistent lengths, within end). */
export function readHeader(buf: Buffer, offset: number, end: number, view: RecordView): boolean {
  if (end - offset < RECORD_OVERHEAD) return false;
  const kind = buf[offset];
  if (kind !== RecordKind.message && kind !== RecordKind.deleted && kind !== RecordKind.floor) return false;
  const length = buf.readUInt32LE(offset + 1);
  if (length < RECORD_OVERHEAD || length > end - offset || length > MAX_RECORD_LENGTH) return false;
  const subjectLength = buf.readUInt16LE(offset + 5);
  const headersLength = buf.readUInt32LE(offset + 7);
  if (RECORD_OVERHEAD + subjectLength + headersLength > length) return false;
  view.kind = kind;
  view.offset = offset;
  view.length = length;
  view.subjectLength = subjectLength;
  view.headersLength = headersLength;
  view.seq = buf.readUInt32LE(offset + 11) + buf.readUInt32LE(offset + 15) * TWO_32;
  view.timestampNs = buf.readBigInt64LE(offset + 19);
  view.ttlMs = buf.readDoubleLE(offset + 27);
  return Number.isSafeInteger(view.seq) && !Number.isNaN(view.ttlMs);
}

export function checksumMatches(buf: Buffer, offset: number, length: number): boolean {
  return crc32Range(buf, offset + 1, offset + length - 4) === buf.readUInt32LE(offset + length - 4);
}

/**
 * Whether the bytes at offset are an intact message record of this length and sequence (its parts fit, the
 * checksum matches): the check of a record read for serving, without decoding the rest of its header.
 */
export function isIntactMessage(buf: Buffer, offset: number, length: number, seq: number): boolean {
  return (
    length >= RECORD_OVERHEAD &&
    offset + length <= buf.length &&
    buf[offset] === RecordKind.message &&
    buf.readUInt32LE(offset + 1) === length &&
    RECORD_OVERHEAD + buf.readUInt16LE(offset + 5) + buf.readUInt32LE(offset + 7) <= length &&
    buf.readUInt32LE(offset + 11) + buf.readUInt32LE(offset + 15) * TWO_32 === seq &&
    checksumMatches(buf, offset, length)
  );
}

/** A plausible header and a matching checksum. */
export function readRecord(buf: Buffer, offset: number, end: number, view: RecordView): boolean {
  return readHeader(buf, offset, end, view) && checksumMatches(buf, offset, view.length);
}

export interface ScanResult {
  /** Where the last valid record ends: bytes after it are a torn tail (or garbage) to cut off. */
  validEnd: number;
  /** Invalid stretches skipped between valid records. */
  corrupt: number;
}

/**
 * Visits every valid record of a block in order. An invalid record followed by a valid one is corrupt:
 * it is skipped (by its declared length if a valid record starts there, else by searching byte by byte)
 * and reported. An invalid stretch with no valid record after it is the torn tail.
 */
export function scanRecords(
  buf: Buffer,
  visit: (view: RecordView) => void,
  onCorrupt: (offset: number, skipped: number) => void,
): ScanResult {
  const view = new RecordView();
  const end = buf.length;
  let offset = 0;
  let validEnd = 0;
  let corrupt = 0;
  while (offset < end) {
    if (readRecord(buf, offset, end, view)) {
      visit(view);
      offset += view.length;
      validEnd = offset;
      continue;
    }
    const next = findNextRecord(buf, offset, view);
    if (next < 0) break;
    corrupt++;
    onCorrupt(offset, next - offset);
    offset = next;
  }
  return { validEnd, corrupt };
}

function findNextRecord(buf: Buffer, offset: number, view: RecordView): number {
  const end = buf.length;
  if (offset + 5 <= end) {
    const declared = buf.readUInt32LE(offset + 1);
    const candidate = offset + declared;
    if (declared >= RECORD_OVERHEAD && candidate < end && readRecord(buf, candidate, end, view)) return candidate;
  }
  for (let candidate = offset + 1; candidate + RECORD_OVERHEAD <= end; candidate++) {
    if (readRecord(buf, candidate, end, view)) return candidate;
  }
  return -1;
}

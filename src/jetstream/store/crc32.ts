// IEEE CRC-32 for block records: zlib's for long stretches, a slicing-by-4 table in JS for short ones.

import zlib from 'node:zlib';

/** Below this many bytes the JS loop beats a call into zlib (its fixed cost and a subarray): ~50 vs ~180 ns at 60 bytes. */
const SHORT_BYTES = 256;

/** TABLES[k][n]: the CRC of byte n followed by k zero bytes (slicing-by-4). */
const TABLES = (() => {
  const tables = [new Int32Array(256), new Int32Array(256), new Int32Array(256), new Int32Array(256)] as const;
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    tables[0][n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = tables[0][n]!;
    for (let k = 1; k < 4; k++) {
      c = tables[0][c & 0xff]! ^ (c >>> 8);
      tables[k][n] = c;
    }
  }
  return tables;
})();
const [T0, T1, T2, T3] = TABLES;

export function tableCrc32(data: Uint8Array, value = 0): number {
  return tableCrc32Range(data, 0, data.length, value);
}

/** The CRC-32 of data[start, end), continuing from `value`, four bytes a step. */
function tableCrc32Range(data: Uint8Array, start: number, end: number, value = 0): number {
  let crc = ~value;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    crc ^= data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    crc = T3[crc & 0xff]! ^ T2[(crc >>> 8) & 0xff]! ^ T1[(crc >>> 16) & 0xff]! ^ T0[crc >>> 24]!;
  }
  for (; i < end; i++) crc = T0[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

/** zlib's CRC-32 where Node has it (20.15+), our table otherwise; both compute the same IEEE CRC-32. */
export const crc32: (data: Uint8Array, value?: number) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? zlib.crc32 : tableCrc32;

/** The CRC-32 of buf[start, end). */
export function crc32Range(buf: Buffer, start: number, end: number): number {
  return end - start < SHORT_BYTES ? tableCrc32Range(buf, start, end) : crc32(buf.subarray(start, end));
}

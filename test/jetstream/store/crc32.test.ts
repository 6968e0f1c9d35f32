// The block records' CRC-32: the JS slicing-by-4 path and zlib's agree on every length and alignment.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { crc32Range, tableCrc32 } from '../../../src/jetstream/store/crc32.js';
import { Random, testSeed } from '../../helpers/random.js';

test('crc32Range equals zlib.crc32 for every length up to 600 at several offsets', () => {
  const random = new Random(testSeed());
  const buf = Buffer.alloc(1024);
  for (let i = 0; i < buf.length; i++) buf[i] = random.int(256);
  for (let start = 0; start < 5; start++) {
    for (let length = 0; length <= 600; length++) {
      const want = zlib.crc32(buf.subarray(start, start + length));
      assert.equal(crc32Range(buf, start, start + length), want, `seed ${random.seed}, start ${start}, length ${length}`);
      assert.equal(tableCrc32(buf.subarray(start, start + length)), want);
    }
  }
  assert.equal(tableCrc32(Buffer.from('123456789')), 0xcbf43926, 'the check value of CRC-32/ISO-HDLC');
});

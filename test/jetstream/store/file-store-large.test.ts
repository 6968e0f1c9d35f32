// FileStore start-up with a large store: from block summaries after a clean close, and by scanning after a crash.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { FileStore } from '../../../src/jetstream/store/index.js';
import { tempDirectory } from './store-suite.js';

const COUNT = 200_000;

test('file store - a large store reopens quickly', async (t) => {
  const directory = tempDirectory();
  const store = new FileStore({ directory });
  const payload = Buffer.from('0123456789abcdef');
  let started = performance.now();
  for (let i = 0; i < COUNT; i++) store.store(`large.${i % 1000}`, null, payload);
  t.diagnostic(`stored ${COUNT} messages in ${(performance.now() - started).toFixed(0)} ms`);
  for (let seq = 1; seq <= COUNT; seq += 10) store.remove(seq);
  const expected = store.state();
  started = performance.now();
  await store.close();
  t.diagnostic(`closed (summaries written) in ${(performance.now() - started).toFixed(0)} ms`);

  const fromSummaries = new FileStore({ directory });
  t.diagnostic(`reopened from summaries in ${fromSummaries.recovery.durationMs.toFixed(0)} ms (${fromSummaries.recovery.blocks} blocks)`);
  assert.deepEqual(fromSummaries.state(), expected);
  assert.equal(fromSummaries.recovery.summarized, fromSummaries.recovery.blocks);
  assert.equal(fromSummaries.load(COUNT)?.data.toString(), '0123456789abcdef');
  await fromSummaries.close();

  for (const name of fs.readdirSync(path.join(directory, 'msgs'))) if (name.endsWith('.sum')) fs.rmSync(path.join(directory, 'msgs', name));
  const scanned = new FileStore({ directory });
  t.diagnostic(`reopened by scanning in ${scanned.recovery.durationMs.toFixed(0)} ms`);
  assert.deepEqual(scanned.state(), expected);
  assert.equal(scanned.recovery.summarized, 0);
  await scanned.delete();
});

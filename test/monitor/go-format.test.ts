// Times and durations printed the way nats-server (Go) prints them in monitoring JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goRtt, goTime, goUptime } from '../../src/monitor/go-format.js';
import { formatGoDuration as goDuration } from '../../src/jetstream/consumer/go-time.js';

test('durations read like Go time.Duration.String()', () => {
  assert.equal(goDuration(0), '0s');
  assert.equal(goDuration(999), '999ns');
  assert.equal(goDuration(728_000), '728µs');
  assert.equal(goDuration(2_223_256), '2.223256ms');
  assert.equal(goDuration(1_500_000_000), '1.5s');
  assert.equal(goDuration(62_000_000_000), '1m2s');
  assert.equal(goDuration(3_600_000_000_000), '1h0m0s');
});

test('round trips below a millisecond are truncated to microseconds', () => {
  assert.equal(goRtt(0.7281234), '728µs');
  assert.equal(goRtt(2.5), '2.5ms');
  assert.equal(goRtt(0), '0s');
});

test('uptime is whole seconds with days and years', () => {
  assert.equal(goUptime(999), '0s');
  assert.equal(goUptime(62_000), '1m2s');
  assert.equal(goUptime(90_061_000), '1d1h1m1s');
  assert.equal(goUptime(366 * 86_400_000), '1y1d0h0m0s');
});

test('times are RFC 3339 in UTC without trailing zeros', () => {
  assert.equal(goTime(new Date('2024-01-02T03:04:05.120Z')), '2024-01-02T03:04:05.12Z');
  assert.equal(goTime(new Date('2024-01-02T03:04:05.000Z')), '2024-01-02T03:04:05Z');
});

// Tests for user connect restrictions: CIDR source networks, time windows with zones, connection types.

import test from 'node:test';
import assert from 'node:assert/strict';
import { checkTimes, connectionTypeAllowed, convertConnectionTypes, isValidCidr, isValidTimeOfDay, isValidTimeZone, sourceAllowed } from '../../src/auth/user-limits.js';

test('user limits - CIDRs parse like Go net.ParseCIDR and match IPv4, IPv6 and mapped addresses', () => {
  for (const good of ['10.0.0.0/8', '10.1.2.3/32', '0.0.0.0/0', '2001:db8::/32', '::1/128']) assert.equal(isValidCidr(good), true, good);
  for (const bad of ['10.0.0.0', '10.0.0.0/33', '300.0.0.0/8', '10.0.0.0/-1', 'abc/8', '::1/129', '', '10.0.0.0/8/1']) assert.equal(isValidCidr(bad), false, bad);
  const list = ['10.1.2.3/16', '2001:db8::/32'];
  assert.equal(sourceAllowed(list, '10.1.200.7'), true, 'host bits in the network address are ignored');
  assert.equal(sourceAllowed(list, '::ffff:10.1.0.1'), true);
  assert.equal(sourceAllowed(list, '10.2.0.1'), false);
  assert.equal(sourceAllowed(list, '2001:db8:1::5'), true);
  assert.equal(sourceAllowed(list, 'fe80::1%eth0'), false, 'zones are not IPs to Go either');
  assert.equal(sourceAllowed([], undefined), true, 'no list allows everyone');
  assert.equal(sourceAllowed(list, ''), false);
  assert.equal(sourceAllowed(['bad'], '10.1.0.1'), false, 'an invalid list refuses');
});

test('user limits - time windows: strict inside, end of window returned, zones honoured', () => {
  const at = (h: number, m = 0) => Date.UTC(2024, 5, 1, h, m, 0);
  const office = [{ start: '09:00:00', end: '17:00:00' }];
  assert.deepEqual(checkTimes(office, 'UTC', at(9, 30)), { allowed: true, validForMs: 7.5 * 3600_000 });
  assert.equal(checkTimes(office, 'UTC', at(9)).allowed, false, 'start is exclusive');
  assert.equal(checkTimes(office, 'UTC', at(17)).allowed, false);
  assert.equal(checkTimes(office, 'America/New_York', at(14)).allowed, true, '10:00 in New York (EDT)');
  assert.equal(checkTimes(office, 'America/New_York', at(22)).allowed, false);
  assert.equal(checkTimes([{ start: '20:00:00', end: '04:00:00' }], 'UTC', at(21)).validForMs, 7 * 3600_000);
  assert.equal(checkTimes([], 'Nowhere/Zone', at(1)).allowed, true);
  assert.equal(checkTimes(office, 'Nowhere/Zone', at(10)).allowed, false);
  const local = new Date(2024, 5, 1, 12, 0, 0).getTime();
  assert.equal(checkTimes([{ start: '11:00:00', end: '13:00:00' }], '', local).allowed, true, 'no zone = the server local time');
  assert.equal(isValidTimeOfDay('7:05:09'), true);
  for (const bad of ['24:00:00', '12:60:00', '12:00', '12:00:00Z', '']) assert.equal(isValidTimeOfDay(bad), false, bad);
  assert.equal(isValidTimeZone('Europe/Paris'), true);
  assert.equal(isValidTimeZone('Local'), true);
  assert.equal(isValidTimeZone('Mars/Base'), false);
});

test('user limits - connection types are upper-cased; unknown ones are reported', () => {
  const { allowed, unknown } = convertConnectionTypes(['websocket', 'MQTT', 'pigeon']);
  assert.deepEqual([...allowed], ['WEBSOCKET', 'MQTT']);
  assert.deepEqual(unknown, ['PIGEON']);
  assert.equal(connectionTypeAllowed(allowed, 'WEBSOCKET'), true);
  assert.equal(connectionTypeAllowed(allowed, 'STANDARD'), false);
  assert.equal(connectionTypeAllowed(new Set(), 'STANDARD'), true);
  assert.equal(connectionTypeAllowed(null, 'LEAFNODE'), true);
});

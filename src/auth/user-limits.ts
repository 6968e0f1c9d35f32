// User connect restrictions: source networks (CIDR), time-of-day windows with a zone, connection types.

import net from 'node:net';

// ---- connection types ----

/** nats-io/jwt connection types; what the core reports for each connection. */
export const ConnectionType = {
  Standard: 'STANDARD',
  Websocket: 'WEBSOCKET',
  Leafnode: 'LEAFNODE',
  LeafnodeWs: 'LEAFNODE_WS',
  Mqtt: 'MQTT',
  MqttWs: 'MQTT_WS',
} as const;
export type ConnectionType = (typeof ConnectionType)[keyof typeof ConnectionType];

const KNOWN_TYPES = new Set<string>(Object.values(ConnectionType));

/**
 * Upper-cases and splits a list of allowed connection types into known ones and unknown names
 * (nats-server convertAllowedConnectionTypes). An empty `allowed` set means every type is allowed.
 */
export function convertConnectionTypes(list: readonly string[]): { allowed: Set<string>; unknown: string[] } {
  const allowed = new Set<string>();
  const unknown: string[] = [];
  for (const item of list) {
    const upper = String(item).toUpperCase();
    if (KNOWN_TYPES.has(upper)) allowed.add(upper);
    else unknown.push(upper);
  }
  return { allowed, unknown };
}

export function connectionTypeAllowed(allowed: ReadonlySet<string> | null | undefined, type: string): boolean {
  return allowed === null || allowed === undefined || allowed.size === 0 || allowed.has(type);
}

// ---- source networks ----

function splitCidr(cidr: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const slash = cidr.indexOf('/');
  if (slash < 0) return null;
  const address = cidr.slice(0, slash);
  const prefixText = cidr.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  const version = net.isIP(address);
  if (version === 0) return null;
  const prefix = Number(prefixText);
  if (prefix > (version === 4 ? 32 : 128)) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** Go's net.ParseCIDR acceptance: "address/prefix" with an IPv4 or IPv6 address. */
export function isValidCidr(cidr: string): boolean {
  return typeof cidr === 'string' && splitCidr(cidr) !== null;
}

const blockLists = new Map<string, net.BlockList | null>();

function blockListFor(cidrs: readonly string[]): net.BlockList | null {
  const key = cidrs.join(',');
  let list = blockLists.get(key);
  if (list !== undefined) return list;
  list = new net.BlockList();
  for (const cidr of cidrs) {
    const parts = splitCidr(cidr);
    if (parts === null) {
      list = null; // an invalid entry refuses everything, as nats-server's validateSrc does
      break;
    }
    list.addSubnet(parts.address, parts.prefix, parts.family);
  }
  if (blockLists.size > 1024) blockLists.clear();
  blockLists.set(key, list);
  return list;
}

/** nats-server validateSrc: no list allows all; otherwise the client IP must be in one of the networks. */
export function sourceAllowed(cidrs: readonly string[], remoteAddress: string | undefined): boolean {
  if (cidrs.length === 0) return true;
  if (typeof remoteAddress !== 'string' || remoteAddress === '') return false;
  const version = net.isIP(remoteAddress);
  if (version === 0) return false;
  const list = blockListFor(cidrs);
  if (list === null) return false;
  try {
    return list.check(remoteAddress, version === 4 ? 'ipv4' : 'ipv6');
  } catch {
    return false;
  }
}

// ---- time windows ----

const TIME_OF_DAY = /^(\d{1,2}):(\d{2}):(\d{2})$/;

function secondsOfDay(text: string): number | null {
  const m = TIME_OF_DAY.exec(text);
  if (m === null) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  const s = Number(m[3]);
  if (h > 23 || min > 59 || s > 59) return null;
  return h * 3600 + min * 60 + s;
}

/** Go's time.Parse("15:04:05", text) acceptance. */
export function isValidTimeOfDay(text: string): boolean {
  return typeof text === 'string' && secondsOfDay(text) !== null;
}

const zoneFormats = new Map<string, Intl.DateTimeFormat | null>();

function zoneFormat(zone: string): Intl.DateTimeFormat | null {
  let format = zoneFormats.get(zone);
  if (format !== undefined) return format;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  } catch {
    format = null;
  }
  if (zoneFormats.size > 256) zoneFormats.clear();
  zoneFormats.set(zone, format);
  return format;
}

/** Whether Go's time.LoadLocation would accept the zone name ('' and "Local" are the server's zone). */
export function isValidTimeZone(zone: string): boolean {
  return zone === '' || zone === 'Local' || zoneFormat(zone) !== null;
}

/** Seconds since midnight of `nowMs` in the zone ('' / "Local" = the process's local time). */
function localSecondsOfDay(nowMs: number, zone: string): number | null {
  const date = new Date(nowMs);
  if (zone === '' || zone === 'Local') return date.getHours() * 3600 + date.getMinutes() * 60 + date.getSeconds();
  const format = zoneFormat(zone);
  if (format === null) return null;
  let h = 0;
  let m = 0;
  let s = 0;
  for (const part of format.formatToParts(date)) {
    if (part.type === 'hour') h = Number(part.value);
    else if (part.type === 'minute') m = Number(part.value);
    else if (part.type === 'second') s = Number(part.value);
  }
  return h * 3600 + m * 60 + s;
}

export interface TimeCheck {
  allowed: boolean;
  /** How long the connection may stay (ms) when allowed inside a window; 0 = no limit. */
  validForMs: number;
}

/**
 * nats-server validateTimes: each range is today's start to today's end (or tomorrow's, when end is
 * before start); allowed when now is strictly inside one. Like nats-server, an overnight range only
 * counts from its start today (e.g. 22:00-02:00 refuses at 01:00).
 */
export function checkTimes(ranges: readonly { start: string; end: string }[], zone: string, nowMs = Date.now()): TimeCheck {
  if (ranges.length === 0) return { allowed: true, validForMs: 0 };
  const now = localSecondsOfDay(nowMs, zone);
  if (now === null) return { allowed: false, validForMs: 0 };
  const fraction = nowMs - Math.floor(nowMs / 1000) * 1000;
  const nowPrecise = now + fraction / 1000;
  for (const range of ranges) {
    const start = secondsOfDay(range.start);
    const end = secondsOfDay(range.end);
    if (start === null || end === null) return { allowed: false, validForMs: 0 };
    const endAbsolute = start > end ? end + 86_400 : end;
    if (start < nowPrecise && endAbsolute > nowPrecise) return { allowed: true, validForMs: Math.round((endAbsolute - nowPrecise) * 1000) };
  }
  return { allowed: false, validForMs: 0 };
}

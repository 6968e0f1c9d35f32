// NATS message headers for the dashboard API: builds a `NATS/1.0` block from JSON and parses one back.

import { HttpError } from './http-body.js';

const HEADER_NAME = /^[!-9;-~]+$/;

/** `{"Key": "v" | ["v1","v2"]}` -> the header block, or null when there are none. Rejects names/values that would break framing. */
export function encodeHeaders(input: unknown): Buffer | null {
  if (input === undefined || input === null) return null;
  if (typeof input !== 'object' || Array.isArray(input)) throw new HttpError(400, 'headers must be an object of strings');
  let block = 'NATS/1.0\r\n';
  let count = 0;
  for (const [name, raw] of Object.entries(input as Record<string, unknown>)) {
    if (!HEADER_NAME.test(name)) throw new HttpError(400, `bad header name ${JSON.stringify(name)}`);
    const values = Array.isArray(raw) ? raw : [raw];
    for (const value of values) {
      if (typeof value !== 'string' || /[\r\n]/.test(value)) throw new HttpError(400, `bad value for header ${name}`);
      block += `${name}: ${value}\r\n`;
      count++;
    }
  }
  return count === 0 ? null : Buffer.from(`${block}\r\n`, 'utf8');
}

export interface ParsedHeaders {
  /** The status code on the first line (503 no responders, 404 no messages…), if any. */
  status?: number;
  description?: string;
  headers: Record<string, string[]>;
}

export function decodeHeaders(block: Buffer): ParsedHeaders {
  const lines = block.toString('utf8').split('\r\n');
  const first = /^NATS\/1\.0(?:\s+(\d{3})(?:\s+(.*))?)?$/.exec(lines[0] ?? '');
  const parsed: ParsedHeaders = { headers: {} };
  if (first?.[1] !== undefined) parsed.status = Number(first[1]);
  if (first?.[2]) parsed.description = first[2];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    (parsed.headers[line.slice(0, colon).trim()] ??= []).push(line.slice(colon + 1).trim());
  }
  return parsed;
}

// NATS message headers for the dashboard API: builds a `NATS/1.0` block from JSON and parses one back.

import { encodeHeaders as encodeProtocolHeaders, parseHeaders } from '../protocol/headers.js';
import { HttpError } from './http-body.js';

const HEADER_NAME = /^[!-9;-~]+$/;

/** `{"Key": "v" | ["v1","v2"]}` -> the header block, or null when there are none. Rejects names/values that would break framing. */
export function encodeHeaders(input: unknown): Buffer | null {
  if (input === undefined || input === null) return null;
  if (typeof input !== 'object' || Array.isArray(input)) throw new HttpError(400, 'headers must be an object of strings');
  const entries: [string, string][] = [];
  for (const [name, raw] of Object.entries(input as Record<string, unknown>)) {
    if (!HEADER_NAME.test(name)) throw new HttpError(400, `bad header name ${JSON.stringify(name)}`);
    const values = Array.isArray(raw) ? raw : [raw];
    for (const value of values) {
      if (typeof value !== 'string' || /[\r\n]/.test(value)) throw new HttpError(400, `bad value for header ${name}`);
      entries.push([name, value]);
    }
  }
  return entries.length === 0 ? null : encodeProtocolHeaders(entries);
}

export interface ParsedHeaders {
  /** The status code on the first line (503 no responders, 404 no messages…), if any. */
  status?: number;
  description?: string;
  headers: Record<string, string[]>;
}

export function decodeHeaders(block: Buffer): ParsedHeaders {
  const { status, description, entries } = parseHeaders(block);
  const parsed: ParsedHeaders = { headers: {} };
  if (status > 0) parsed.status = status;
  if (description !== '') parsed.description = description;
  for (const [name, value] of entries) (parsed.headers[name.trim()] ??= []).push(value);
  return parsed;
}

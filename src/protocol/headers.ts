// NATS message headers (`NATS/1.0 [status [description]]\r\nKey: Value\r\n...\r\n\r\n`): reading and writing.

const HEADER_LINE = 'NATS/1.0';
const CRLF = '\r\n';

/** The value of the first header named `key` (case-sensitive, as nats-server looks them up), or undefined. */
export function getHeader(block: Buffer | null, key: string): string | undefined {
  if (block === null || block.length === 0) return undefined;
  const text = block.toString('latin1');
  let at = text.indexOf(CRLF);
  while (at >= 0 && at < text.length) {
    const lineStart = at + 2;
    const lineEnd = text.indexOf(CRLF, lineStart);
    if (lineEnd < 0 || lineEnd === lineStart) return undefined;
    const colon = text.indexOf(':', lineStart);
    if (colon > lineStart && colon < lineEnd && colon - lineStart === key.length && text.startsWith(key, lineStart)) {
      return Buffer.from(text.slice(colon + 1, lineEnd).trim(), 'latin1').toString('utf8');
    }
    at = lineEnd;
  }
  return undefined;
}

/** Every header as [key, value] pairs in order, plus the status line's code and description if any. */
export function parseHeaders(block: Buffer | null): { status: number; description: string; entries: [string, string][] } {
  const entries: [string, string][] = [];
  if (block === null || block.length === 0) return { status: 0, description: '', entries };
  const lines = block.toString('utf8').split(CRLF);
  const first = lines[0] ?? '';
  let status = 0;
  let description = '';
  if (first.startsWith(HEADER_LINE)) {
    const rest = first.slice(HEADER_LINE.length).trim();
    if (rest !== '') {
      const space = rest.indexOf(' ');
      status = Number(space < 0 ? rest : rest.slice(0, space)) || 0;
      description = space < 0 ? '' : rest.slice(space + 1);
    }
  }
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    entries.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return { status, description, entries };
}

/** Builds a header block; `status` adds a status line such as `NATS/1.0 404 No Messages`. */
export function encodeHeaders(entries: Iterable<[string, string]>, status?: number, description?: string): Buffer {
  let text = HEADER_LINE;
  if (status !== undefined && status > 0) text += ` ${status}${description ? ' ' + description : ''}`;
  text += CRLF;
  for (const [key, value] of entries) text += `${key}: ${value}${CRLF}`;
  text += CRLF;
  return Buffer.from(text, 'utf8');
}

/** A copy of a header block with `key` set to `value` (replacing any existing values), or a new block. */
export function setHeader(block: Buffer | null, key: string, value: string): Buffer {
  const parsed = parseHeaders(block);
  const entries = parsed.entries.filter(([k]) => k !== key);
  entries.push([key, value]);
  return encodeHeaders(entries, parsed.status || undefined, parsed.description || undefined);
}

/** A copy without the named headers; null when nothing but the header line would remain. */
export function removeHeaders(block: Buffer | null, keys: readonly string[]): Buffer | null {
  if (block === null) return null;
  const parsed = parseHeaders(block);
  const entries = parsed.entries.filter(([k]) => !keys.includes(k));
  if (entries.length === parsed.entries.length) return block;
  if (entries.length === 0 && parsed.status === 0) return null;
  return encodeHeaders(entries, parsed.status || undefined, parsed.description || undefined);
}

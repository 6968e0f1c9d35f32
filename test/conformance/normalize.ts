// Normalization and display rules for conformance transcripts: what may differ between servers and how lines are shown.

/**
 * INFO rules. An INFO line is rewritten as `INFO {...}` with its keys sorted, so the SET of keys is compared.
 * Keys in INFO_VOLATILE_KEYS keep their place but their value becomes "*": they name this process, this
 * build or this connection and legitimately differ. Every other key's value is compared as is
 * (proto, headers, max_payload, auth_required, tls_required, tls_available, ldm, ...).
 * Keys in INFO_IGNORED_KEYS are dropped entirely, each for the reason given.
 */
export const INFO_VOLATILE_KEYS: ReadonlySet<string> = new Set([
  'server_id', 'server_name', 'version', 'go', 'git_commit', 'host', 'port',
  'client_id', 'client_ip', 'nonce', 'connect_urls', 'ws_connect_urls', 'ip', 'cluster', 'domain', 'xkey',
]);

export const INFO_IGNORED_KEYS: ReadonlyMap<string, string> = new Map([
  ['jetstream', 'Natrium enables JetStream by default (DESIGN.md); nats-server only with -js, so the key and its value are not compared'],
  ['natrium_version', "Natrium's own release, sent beside `version` (the nats-server level it implements) by design"],
]);

/** Rewrites a received line so that server-specific values do not show. Non-INFO lines pass unchanged. */
export function normalizeReceivedLine(line: string): string {
  if (!/^INFO[ \t]/i.test(line)) return line;
  const json = line.slice(5).trim();
  let info: Record<string, unknown>;
  try {
    info = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return `INFO <unparsable JSON> ${json}`;
  }
  const keys = Object.keys(info).filter((key) => !INFO_IGNORED_KEYS.has(key)).sort();
  const parts = keys.map((key) => `"${key}":${INFO_VOLATILE_KEYS.has(key) ? '*' : JSON.stringify(info[key])}`);
  return `INFO {${parts.join(',')}}`;
}

const LONG_LINE = 300;

/** FNV-1a, enough to tell long lines apart in a transcript. */
function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** Escapes control and non-ASCII bytes as \xNN, marks empty lines, abbreviates long lines with a fingerprint. */
export function displayLine(line: string): string {
  if (line === '') return '(empty line)';
  let shown = '';
  for (let i = 0; i < line.length; i++) {
    const code = line.charCodeAt(i);
    shown += code < 0x20 || code >= 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : line[i];
  }
  if (shown.length > LONG_LINE) {
    return `${shown.slice(0, 48)}…[${line.length} bytes, fnv ${fingerprint(line)}]`;
  }
  return shown;
}

/** Sent bytes as display lines (one per CRLF-terminated line; a trailing fragment is marked). */
export function displaySent(data: Buffer): string[] {
  const lines = data.toString('latin1').split('\r\n');
  const partial = lines.pop()!;
  const shown = lines.map(displayLine);
  if (partial !== '') shown.push(`${displayLine(partial)} (no CRLF)`);
  return shown;
}

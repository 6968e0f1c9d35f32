// Talks to the server that serves the page: monitoring JSON (GET) and the publish/request API (POST).

/** URLs are relative to the page, so the dashboard works under any http_base_path. */
export async function getJson(path) {
  const response = await fetch(path, { cache: 'no-store', headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

/** Resolves with {ok, status, body}: API errors ({error}) are results to show, not exceptions. */
export async function postJson(path, body) {
  const response = await fetch(path, { method: 'POST', cache: 'no-store', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  let parsed;
  try { parsed = await response.json(); } catch { parsed = { error: `HTTP ${response.status}` }; }
  return { ok: response.ok, status: response.status, body: parsed };
}

/** A request through the server; throws with the API's message when it fails. */
export async function request(subject, payload, { account, timeoutMs = 3000, headers } = {}) {
  const result = await postJson('api/request', { subject, payload, account, timeout_ms: timeoutMs, headers });
  if (!result.ok) throw new Error(result.body.error ?? `HTTP ${result.status}`);
  return result.body;
}

/** Base64 payload (binary) or text, as the request API returns it. */
export function payloadText(reply) {
  if (reply.payload_encoding !== 'base64') return reply.payload;
  try { return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(atob(reply.payload), (c) => c.charCodeAt(0))); } catch { return `(binary, base64) ${reply.payload}`; }
}

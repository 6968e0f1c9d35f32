// Reads a bounded JSON request body for the dashboard's write API (the MonitorServer hands handlers only the raw request).

import type http from 'node:http';

/** A request the API refuses, with the HTTP status to answer. */
export class HttpError extends Error {
  /** `closeConnection`: answer with `Connection: close`, so an unread (oversize) body is never read on. */
  constructor(readonly status: number, message: string, readonly closeConnection = false) {
    super(message);
  }
}

/**
 * Collects the body up to `limit` bytes and parses it as a JSON object. Reading stops as soon as the limit is
 * passed and the 413 is sent with `Connection: close`, so the socket goes away and a huge upload costs nothing more.
 */
export function readJsonBody(request: http.IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(new HttpError(413, `body larger than ${limit} bytes`, true));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (err: HttpError) => {
      if (settled) return;
      settled = true;
      request.removeAllListeners('data');
      request.pause();
      reject(err);
    };
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return fail(new HttpError(413, `body larger than ${limit} bytes`, true));
      chunks.push(chunk);
    });
    request.on('error', () => fail(new HttpError(400, 'request body could not be read', true)));
    request.on('end', () => {
      if (settled) return;
      settled = true;
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reject(new HttpError(400, 'body is not valid JSON'));
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return reject(new HttpError(400, 'body must be a JSON object'));
      resolve(parsed as Record<string, unknown>);
    });
  });
}

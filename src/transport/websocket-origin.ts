// The websocket origin checks (same_origin, allowed_origins), with nats-server's rules for hosts and default ports.

import type { IncomingHttpHeaders } from 'node:http';

interface AllowedOrigin {
  scheme: string;
  port: string;
}

/** host:port split as Go's net.SplitHostPort does; a missing port is the scheme's default (80, or 443 with TLS). */
function hostAndPort(hostport: string, secure: boolean): { host: string; port: string } | null {
  let host = hostport;
  let port = '';
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0) return null;
    host = hostport.slice(1, end);
    const rest = hostport.slice(end + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return null;
      port = rest.slice(1);
    }
  } else {
    const colon = hostport.lastIndexOf(':');
    if (colon >= 0) {
      if (hostport.indexOf(':') !== colon) return null; // "too many colons": an IPv6 address needs brackets
      host = hostport.slice(0, colon);
      port = hostport.slice(colon + 1);
    }
  }
  if (port === '') port = secure ? '443' : '80';
  return { host: host.toLowerCase(), port };
}

function parseOrigin(text: string): URL | null {
  try {
    const url = new URL(text);
    return url.host === '' ? null : url;
  } catch {
    return null;
  }
}

/**
 * Decides whether an upgrade request's Origin may connect. Requests without an Origin header always
 * may: only browsers send one, and other clients can claim any origin anyway (RFC 6455 section 1.6).
 */
export class OriginPolicy {
  private readonly allowed = new Map<string, AllowedOrigin>();

  constructor(private readonly sameOrigin: boolean, allowedOrigins: readonly string[]) {
    for (const text of allowedOrigins) {
      const url = parseOrigin(text);
      if (url === null) continue;
      const scheme = url.protocol.slice(0, -1);
      const split = hostAndPort(url.host, scheme === 'https');
      // Keyed by host, as nats-server does: a later entry for the same host replaces an earlier one.
      if (split !== null) this.allowed.set(split.host, { scheme, port: split.port });
    }
  }

  get active(): boolean {
    return this.sameOrigin || this.allowed.size > 0;
  }

  /** null when allowed, else why not (for the log). `secure`: the request came over TLS. */
  check(headers: IncomingHttpHeaders, secure: boolean): string | null {
    if (!this.active) return null;
    const header = headers.origin ?? headers['sec-websocket-origin'];
    const originText = Array.isArray(header) ? header[0] ?? '' : header ?? '';
    if (originText === '') return null;
    const url = parseOrigin(originText);
    if (url === null) return `parse ${JSON.stringify(originText)}: invalid URI for request`;
    const scheme = url.protocol.slice(0, -1);
    const origin = hostAndPort(url.host, scheme === 'https');
    if (origin === null) return `invalid origin host ${JSON.stringify(url.host)}`;
    if (this.sameOrigin) {
      const request = hostAndPort(headers.host ?? '', secure);
      if (request === null) return `invalid host ${JSON.stringify(headers.host ?? '')}`;
      if (origin.host !== request.host || origin.port !== request.port) return 'not same origin';
    }
    if (this.allowed.size > 0) {
      const entry = this.allowed.get(origin.host);
      if (entry === undefined || entry.scheme !== scheme || entry.port !== origin.port) return 'not in the allowed list';
    }
    return null;
  }
}

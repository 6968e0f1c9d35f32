// Decides whether the dashboard's write API (publish, request) may be used on this monitoring listener.

import { timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import type { Options } from '../config/options.js';

const LOOPBACK_HOSTS = new Set(['localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** 'host:port' or '[v6]:port' -> host (brackets kept, as isLoopbackHost accepts them). */
function hostnameOf(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  const colon = hostHeader.lastIndexOf(':');
  return colon < 0 ? hostHeader : hostHeader.slice(0, colon);
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether the request carries the monitoring credentials (`Authorization: Bearer <token>` or Basic user:password). */
function hasCredentials(request: http.IncomingMessage, auth: NonNullable<Options['httpAuth']>): boolean {
  const header = request.headers.authorization ?? '';
  const [scheme = '', value = ''] = header.split(' ', 2);
  if (auth.token !== undefined && scheme.toLowerCase() === 'bearer') return sameSecret(value, auth.token);
  if (auth.user !== undefined && scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    // Both compared, always: an early return would tell a timing observer which half was wrong.
    const userOk = sameSecret(decoded.slice(0, colon), auth.user);
    const passOk = sameSecret(decoded.slice(colon + 1), auth.password ?? '');
    return userOk && passOk;
  }
  return false;
}

/**
 * Publishing into the server from HTTP is a write path into every account, so it is open only where the
 * operator already controls who reaches the port: a loopback-bound listener, or one with monitoring auth.
 * Returns the reason for refusing, or null when allowed.
 */
export function writeAccessDenied(options: Options, request: http.IncomingMessage): string | null {
  const auth = options.httpAuth;
  const authConfigured = auth !== undefined && (auth.token !== undefined || auth.user !== undefined);
  if (authConfigured) {
    // Checked here too (not only by the listener) so this API never depends on another module's order of checks.
    if (!hasCredentials(request, auth)) return 'monitoring credentials required';
  } else {
    if (!isLoopbackHost(options.http?.host ?? '')) return 'the publish/request API is only available when monitoring listens on a loopback address or requires auth';
    // DNS rebinding: a hostile name resolving to 127.0.0.1 would look same-origin, but its Host header gives it away.
    if (!isLoopbackHost(hostnameOf(request.headers.host ?? ''))) return 'the Host header must name a loopback address';
  }
  // A page from another origin could POST here from a user's browser (CSRF): only same-origin callers are served.
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== 'null') {
    let originHost = '';
    try {
      originHost = new URL(origin).host;
    } catch {
      return 'bad Origin header';
    }
    if (originHost !== request.headers.host) return 'cross-origin requests are not allowed';
  } else if (origin === 'null') {
    return 'cross-origin requests are not allowed';
  }
  return null;
}

// Decides whether the dashboard's write API (publish, request) may be used on this monitoring listener.

import type http from 'node:http';
import type { Options } from '../config/options.js';

const LOOPBACK_HOSTS = new Set(['localhost', '::1', '[::1]']);

function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** 'host:port' or '[v6]:port' -> host (brackets kept, as isLoopbackHost accepts them). */
function hostnameOf(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  const colon = hostHeader.lastIndexOf(':');
  return colon < 0 ? hostHeader : hostHeader.slice(0, colon);
}

/**
 * Publishing into the server from HTTP is a write path into every account, so it is open only where the
 * operator already controls who reaches the port: a loopback-bound listener, or one with monitoring auth.
 * Returns the reason for refusing, or null when allowed.
 */
export function writeAccessDenied(options: Options, request: http.IncomingMessage): string | null {
  const auth = options.httpAuth;
  const authConfigured = auth !== undefined && (auth.token !== undefined || auth.user !== undefined);
  // With http_auth, the MonitorServer has already checked the credentials (bcrypt included) before any handler runs.
  if (!authConfigured) {
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

// Monitoring port authentication (`http_auth`, a Natrium extension): a bearer token, or HTTP basic user and password.

import { createHash, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { checkSecretAsync, secretEquals } from '../auth/credentials.js';

export interface HttpAuthOptions {
  token?: string;
  user?: string;
  password?: string;
}

/** Decides whether one request may see the monitoring endpoints. */
export interface MonitorAuth {
  /** The `WWW-Authenticate` challenge sent with a 401. */
  readonly challenge: string;
  allows(request: http.IncomingMessage): boolean | Promise<boolean>;
}

const REALM = 'natrium monitoring';

export function createMonitorAuth(options: HttpAuthOptions): MonitorAuth {
  if (options.token !== undefined) return new TokenAuth(options.token);
  return new BasicAuth(options.user ?? '', options.password ?? '');
}

/** `Authorization: Bearer <token>`. */
class TokenAuth implements MonitorAuth {
  readonly challenge = `Bearer realm="${REALM}"`;
  private readonly accepted = new AcceptedCredential();

  constructor(private readonly token: string) {}

  allows(request: http.IncomingMessage): boolean | Promise<boolean> {
    const presented = credentialsOf(request, 'bearer');
    if (presented === null) return false;
    return this.accepted.check(presented, () => checkSecretAsync(this.token, presented));
  }
}

/** `Authorization: Basic base64(user:password)`; the password may be a bcrypt hash in the config. */
class BasicAuth implements MonitorAuth {
  readonly challenge = `Basic realm="${REALM}", charset="UTF-8"`;
  private readonly accepted = new AcceptedCredential();

  constructor(private readonly user: string, private readonly password: string) {}

  allows(request: http.IncomingMessage): boolean | Promise<boolean> {
    const encoded = credentialsOf(request, 'basic');
    if (encoded === null) return false;
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    // Both parts are always compared, so the time taken does not tell a wrong user from a wrong password.
    const userMatches = secretEquals(user, this.user);
    return this.accepted.check(encoded, async () => (await checkSecretAsync(this.password, password)) && userMatches);
  }
}

/** The credentials after `<scheme> ` in the Authorization header, or null. */
function credentialsOf(request: http.IncomingMessage, scheme: 'bearer' | 'basic'): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(0, space).toLowerCase() !== scheme) return null;
  const value = header.slice(space + 1).trim();
  return value === '' ? null : value;
}

/**
 * Remembers the digest of the last credential that passed, so that a scraper polling every few seconds does
 * not pay a bcrypt comparison (tens of milliseconds) on every request. Plain secrets are cheap to compare
 * and are checked every time.
 */
class AcceptedCredential {
  private digest: Buffer | null = null;

  check(presented: string, verify: () => Promise<boolean>): boolean | Promise<boolean> {
    const digest = createHash('sha256').update(presented, 'utf8').digest();
    if (this.digest !== null && timingSafeEqual(digest, this.digest)) return true;
    return verify().then((ok) => {
      if (ok) this.digest = digest;
      return ok;
    });
  }
}


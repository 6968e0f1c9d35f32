// Simple authentication: one token, one user/password, or a list of users; secrets compared in constant time.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { AuthorizationOptions } from '../config/options.js';

/** The credentials a client presented in CONNECT. */
export interface PresentedCredentials {
  user: string;
  pass: string;
  authToken: string;
}

export interface Authenticator {
  /** Returns the user name ('' for a token) when accepted, or null. */
  check(credentials: PresentedCredentials): string | null;
}

/** Builds the authenticator the options ask for, or null when no authentication is configured. */
export function buildAuthenticator(authorization: AuthorizationOptions, noAuthUser?: string): Authenticator | null {
  const { token, user, password, users } = authorization;
  if (token !== undefined && token !== '') {
    return { check: (c) => (secretEquals(c.authToken, token) ? '' : null) };
  }
  const table = new Map<string, string>();
  if (user !== undefined && user !== '') table.set(user, password ?? '');
  for (const entry of users ?? []) table.set(entry.user, entry.password);
  if (table.size === 0) return null;
  return {
    check(c) {
      if (c.user === '' && c.pass === '' && c.authToken === '' && noAuthUser !== undefined && table.has(noAuthUser)) {
        return noAuthUser;
      }
      const expected = table.get(c.user);
      // Compare even for an unknown user, so timing does not tell which users exist.
      const ok = secretEquals(c.pass, expected ?? '\u0000unknown-user');
      return ok && expected !== undefined ? c.user : null;
    },
  };
}

/** Constant-time comparison of two secrets of any length. */
export function secretEquals(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

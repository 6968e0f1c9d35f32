// Operator trust: which keys may sign account JWTs, and the checks an account JWT must pass.

import { isPublicKey } from './credentials.js';
import { decodeAccountJwt, isBlocking, validateClaims, type AccountClaims, type OperatorClaims } from './jwt.js';

/** The result of checking one account JWT. */
export type AccountJwtCheck = { ok: true; claims: AccountClaims } | { ok: false; reason: string };

/**
 * The trusted keys of operator mode: every trusted operator's identity key (unless it asks for
 * strict signing key usage) and its signing keys, or the `trusted_keys` list.
 */
export class OperatorTrust {
  readonly keys: ReadonlySet<string>;
  /** Operator signing keys of strict operators: accounts they issue may not sign users with their own key. */
  readonly strictIssuers: ReadonlySet<string>;
  /** Identity keys of strict operators (they may not sign accounts at all). */
  readonly strictIdentities: ReadonlySet<string>;

  constructor(readonly operators: readonly OperatorClaims[] = [], trustedKeys: readonly string[] = []) {
    const keys = new Set<string>(trustedKeys);
    const strictIssuers = new Set<string>();
    const strictIdentities = new Set<string>();
    for (const operator of operators) {
      if (operator.strictSigningKeyUsage) {
        strictIdentities.add(operator.sub);
        for (const key of operator.signingKeys) strictIssuers.add(key);
      } else {
        keys.add(operator.sub);
      }
      for (const key of operator.signingKeys) keys.add(key);
    }
    this.keys = keys;
    this.strictIssuers = strictIssuers;
    this.strictIdentities = strictIdentities;
  }

  /** Problems nats-server reports at startup (invalid trusted keys). */
  validate(): string[] {
    const errors: string[] = [];
    for (const key of this.keys) if (!isPublicKey(key, 'operator')) errors.push(`trusted Keys "${key}" are required to be a valid public operator nkey`);
    return errors;
  }

  isTrusted(issuer: string): boolean {
    return this.keys.has(issuer);
  }

  /** The system account named by the first operator that names one ('' if none). */
  get systemAccount(): string {
    for (const operator of this.operators) if (operator.systemAccount !== '') return operator.systemAccount;
    return '';
  }

  /**
   * Decodes and checks an account JWT: signature, `account` type, expected subject, trusted issuer, and
   * blocking validation issues (time issues too when `includeTime`, as at connect; not when storing).
   */
  checkAccountJwt(token: string, expectedAccount?: string, includeTime = true, nowSeconds?: number): AccountJwtCheck {
    const decoded = decodeAccountJwt(token);
    if (!decoded.ok) return { ok: false, reason: decoded.error.message };
    const claims = decoded.claims;
    if (expectedAccount !== undefined && claims.sub !== expectedAccount) return { ok: false, reason: 'subject does not match jwt content' };
    if (!isPublicKey(claims.sub, 'account')) return { ok: false, reason: 'subject is not an account public key' };
    if (this.strictIdentities.has(claims.iss)) return { ok: false, reason: 'operator requires issuer to be a signing key' };
    if (!this.isTrusted(claims.iss)) return { ok: false, reason: 'not trusted' };
    const issues = validateClaims(claims, nowSeconds);
    if (isBlocking(issues, includeTime)) return { ok: false, reason: `validation errors: ${issues.map((i) => i.message).join(', ')}` };
    return { ok: true, claims };
  }

  /**
   * The keys that may sign this account's users: its signing keys, plus its own key unless the account
   * was issued by a signing key of a strict operator (nats-server updateAccountClaims).
   */
  userSigners(account: AccountClaims): Set<string> {
    const signers = new Set<string>(account.signingKeys.keys());
    if (!this.strictIssuers.has(account.iss)) signers.add(account.sub);
    return signers;
  }
}

/** nats-server isRevoked: revoked when the entry (or "*") is at or after the JWT's issue time. */
export function isRevoked(revocations: ReadonlyMap<string, number>, publicKey: string, issuedAt: number): boolean {
  if (revocations.size === 0) return false;
  const direct = revocations.get(publicKey);
  if (direct !== undefined && direct >= issuedAt) return true;
  const all = revocations.get('*');
  return all !== undefined && all >= issuedAt;
}

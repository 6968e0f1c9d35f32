// TLS certificate to user mapping (`verify_and_map`): emails, DNS and URI SANs, then the subject DN.

import type { X509Certificate } from 'node:crypto';

/** One attribute of a distinguished name, e.g. ["CN", "alice"]. */
export type DnAttribute = [type: string, value: string];

/** What the authenticator needs from a client certificate. */
export interface TlsPeerIdentity {
  /** Subject RDNs in certificate order (most general first, e.g. C before CN); an RDN may hold several attributes. */
  subject: DnAttribute[][];
  emails: string[];
  dnsNames: string[];
  uris: string[];
}

/** Reads the identity from a node certificate (`tlsSocket.getPeerX509Certificate()`). */
export function tlsIdentityFromCertificate(cert: X509Certificate): TlsPeerIdentity {
  const subject: DnAttribute[][] = [];
  for (const line of (cert.subject ?? '').split('\n')) {
    if (line === '') continue;
    const rdn: DnAttribute[] = [];
    for (const part of line.split(' + ')) {
      const eq = part.indexOf('=');
      if (eq > 0) rdn.push([part.slice(0, eq), unescapeDnValue(part.slice(eq + 1))]);
    }
    if (rdn.length > 0) subject.push(rdn);
  }
  const identity: TlsPeerIdentity = { subject, emails: [], dnsNames: [], uris: [] };
  for (const entry of splitAltNames(cert.subjectAltName ?? '')) {
    const colon = entry.indexOf(':');
    if (colon < 0) continue;
    const kind = entry.slice(0, colon);
    let value = entry.slice(colon + 1);
    if (value.startsWith('"')) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        continue;
      }
    }
    if (kind === 'email') identity.emails.push(value);
    else if (kind === 'DNS') identity.dnsNames.push(value);
    else if (kind === 'URI') identity.uris.push(value);
  }
  return identity;
}

/** Splits node's "DNS:a, email:b" list, keeping JSON-quoted values (which may hold ", ") whole. */
function splitAltNames(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' && text[i - 1] !== '\\') quoted = !quoted;
    if (!quoted && c === ',' && text[i + 1] === ' ') {
      out.push(current);
      current = '';
      i++;
      continue;
    }
    current += c;
  }
  if (current !== '') out.push(current);
  return out;
}

function unescapeDnValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c !== '\\' || i + 1 >= value.length) {
      out += c;
      continue;
    }
    const hex = value.slice(i + 1, i + 3);
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      out += String.fromCharCode(parseInt(hex, 16));
      i += 2;
    } else {
      out += value[i + 1];
      i++;
    }
  }
  return out;
}

/** Parses an RFC 4514 DN ("CN=alice,OU=a+OU=b,O=Acme") into RDNs in written order; null if malformed. */
export function parseDn(text: string): DnAttribute[][] | null {
  const rdns: DnAttribute[][] = [];
  let rdn: DnAttribute[] = [];
  let type = '';
  let buffer = '';
  let inValue = false;
  const finishAttribute = (): boolean => {
    if (!inValue) return false;
    const t = type.trim();
    if (!/^([A-Za-z][A-Za-z0-9-]*|\d+(\.\d+)*)$/.test(t)) return false;
    rdn.push([t, unescapeDnValue(buffer.trim())]);
    type = '';
    buffer = '';
    inValue = false;
    return true;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      buffer += c + text[i + 1];
      i++;
    } else if (!inValue && c === '=') {
      type = buffer;
      buffer = '';
      inValue = true;
    } else if (inValue && c === '+') {
      if (!finishAttribute()) return null;
    } else if (inValue && (c === ',' || c === ';')) {
      if (!finishAttribute()) return null;
      rdns.push(rdn);
      rdn = [];
    } else {
      buffer += c;
    }
  }
  if (text.trim() === '') return null;
  if (!finishAttribute()) return null;
  rdns.push(rdn);
  return rdns;
}

const TYPE_ALIASES: Record<string, string> = { E: 'EMAILADDRESS', S: 'ST', SN: 'SERIALNUMBER', STREETADDRESS: 'STREET' };

function normalizeType(type: string): string {
  const upper = type.toUpperCase();
  return TYPE_ALIASES[upper] ?? upper;
}

function rdnEqual(a: DnAttribute[], b: DnAttribute[]): boolean {
  if (a.length !== b.length) return false;
  const has = (list: DnAttribute[], [t, v]: DnAttribute) => list.some(([t2, v2]) => normalizeType(t2) === normalizeType(t) && v2 === v);
  return a.every((attr) => has(b, attr)) && b.every((attr) => has(a, attr));
}

/** go-ldap DN.Equal: the same RDNs in the same order. */
export function dnEqual(a: DnAttribute[][], b: DnAttribute[][]): boolean {
  return a.length === b.length && a.every((rdn, i) => rdnEqual(rdn, b[i]));
}

/** go-ldap DN.RDNsMatch: the same RDNs in any order. */
export function dnRdnsMatch(a: DnAttribute[][], b: DnAttribute[][]): boolean {
  return a.length === b.length && a.every((rdn) => b.some((other) => rdnEqual(rdn, other))) && b.every((rdn) => a.some((other) => rdnEqual(rdn, other)));
}

/** Go's pkix attribute order in ToRDNSequence, with the names RDNSequence.String prints. */
const PKIX_ORDER = ['C', 'ST', 'L', 'STREET', 'POSTALCODE', 'O', 'OU', 'CN', 'SERIALNUMBER'];

function escapePkix(value: string): string {
  let out = '';
  for (let k = 0; k < value.length; k++) {
    const c = value[k];
    const escape = ',+"\\<>;'.includes(c) || (c === ' ' && (k === 0 || k === value.length - 1)) || (c === '#' && k === 0);
    out += escape ? `\\${c}` : c;
  }
  return out;
}

/** `cert.Subject.ToRDNSequence().String()`: the standard attributes only, CN-first, as nats-server prints. */
export function pkixSubjectString(subject: DnAttribute[][]): string {
  const rdns: string[] = [];
  for (const type of PKIX_ORDER) {
    const values = subject.flat().filter(([t]) => normalizeType(t) === type).map(([, v]) => `${type}=${escapePkix(v)}`);
    if (values.length > 0) rdns.push(values.join('+'));
  }
  return rdns.reverse().join(',');
}

/**
 * Finds the configured user a certificate maps to, in nats-server's order: email SANs, DNS SANs, URI
 * SANs (exact user names), then the subject as a DN (exact, then in any order), then the subject string
 * with its domain components, then without. `eligible` filters users (connection types).
 */
export function findTlsMappedUser<T>(identity: TlsPeerIdentity, users: ReadonlyMap<string, T>, eligible: (user: T) => boolean = () => true): { name: string; user: T } | null {
  const lookup = (name: string): { name: string; user: T } | null => {
    const user = users.get(name);
    return user !== undefined && eligible(user) ? { name, user } : null;
  };
  for (const name of [...identity.emails, ...identity.dnsNames, ...identity.uris]) {
    const found = lookup(name);
    if (found !== null) return found;
  }
  if (identity.subject.length === 0) return null;
  const certDn = identity.subject.slice().reverse();
  const parsed: { name: string; user: T; dn: DnAttribute[][] }[] = [];
  for (const [name, user] of users) {
    if (!eligible(user)) continue;
    const dn = parseDn(name);
    if (dn === null) continue;
    if (dnEqual(dn, certDn)) return { name, user };
    parsed.push({ name, user, dn });
  }
  for (const entry of parsed) if (dnRdnsMatch(entry.dn, certDn)) return { name: entry.name, user: entry.user };
  const rdn = pkixSubjectString(identity.subject);
  const dcs = identity.subject.flat().filter(([t]) => normalizeType(t) === 'DC').map(([, v]) => `DC=${v}`);
  if (dcs.length > 0) {
    const found = lookup(`${rdn},${dcs.join(',')}`);
    if (found !== null) return found;
  }
  return lookup(rdn);
}

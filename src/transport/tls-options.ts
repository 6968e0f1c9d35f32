// The `tls {}` block as Node TLS settings, nats-server's TLS wire behaviour, and peer-certificate fields for verify_and_map.

import { readFileSync } from 'node:fs';
import crypto from 'node:crypto';
import tls from 'node:tls';

/**
 * nats-server 2.9.10 on a client port with `tls {}`, as observed (test/tls/nats-tls-behaviour.test.ts):
 * - INFO goes out in plain text first; the client then starts TLS. INFO carries `tls_required: true`,
 *   plus `tls_verify: true` with verify/verify_and_map, in the order headers, auth_required, tls_required,
 *   tls_verify, tls_available, max_payload. With `allow_non_tls: true` there is no tls_required but
 *   `tls_available: true` (and tls_verify if set), and a plain-text client is served.
 * - A plain-text client (CONNECT/PING after INFO) gets no -ERR: its bytes fail the handshake and the socket
 *   closes at once. One that sends nothing is closed when the TLS timeout fires, also without -ERR.
 * - No client certificate with verify on, or one from another CA: the handshake fails with alert 42
 *   (bad_certificate), in TLS 1.3 after the client saw the handshake complete; no -ERR, socket closed.
 * - A verified certificate that verify_and_map cannot map to a user: -ERR 'Authorization Violation', closed.
 * - A client starting TLS before INFO (handshake_first, 2.10+) fails: 2.9.10 always sends INFO first.
 */
export const TLS_WIRE = {
  /** Default handshake timeout (`tls { timeout }` is in seconds; /varz tls_timeout 2). */
  defaultTimeoutMs: 2000,
  /** With TLS and no auth_timeout set, the auth timeout is the TLS timeout + 1 s (/varz auth_timeout 3). */
  authTimeoutExtraMs: 1000,
  /** Close reason (/connz, debug log `Client connection closed: TLS Handshake Failure`). */
  closedReason: 'TLS Handshake Failure',
  /**
   * Queued by nats-server's handshake timer on the not-yet-secure TLS connection, so no client reads it:
   * not a text to send in plain text.
   */
  secureConnectionRequired: 'Secure Connection - TLS Required',
  /** The -ERR for a verified certificate verify_and_map does not map to a user. */
  mappedUserNotFound: 'Authorization Violation',
  /** The TLS alert Go sends for a missing or untrusted client certificate (OpenSSL: 116, 40 or 48). */
  badCertificateAlert: 42,
} as const;

/** nats-server's log lines (`[ERR] ip:port - cid:N - ...`) for failed handshakes. */
export const TLS_HANDSHAKE_LOG = {
  prefix: 'TLS handshake error: ',
  plainText: 'tls: first record does not look like a TLS handshake',
  noCertificate: "tls: client didn't provide a certificate",
  unknownAuthority: 'tls: failed to verify client certificate: x509: certificate signed by unknown authority',
  /** Followed by `read tcp <server>-><client>: i/o timeout` in the error line. */
  timeout: 'TLS handshake timeout',
  clientGaveUp: 'EOF',
} as const;

/** nats-server's TLS 1.2 cipher names (Go's) to OpenSSL's. TLS 1.3 suites are always on, as in Go. */
export const CIPHER_SUITES: Readonly<Record<string, string>> = {
  TLS_RSA_WITH_3DES_EDE_CBC_SHA: 'DES-CBC3-SHA', TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA', TLS_RSA_WITH_AES_128_CBC_SHA256: 'AES128-SHA256',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256', TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA', TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA: 'ECDHE-RSA-DES-CBC3-SHA', TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA', TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256: 'ECDHE-ECDSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: 'ECDHE-RSA-AES128-SHA256', TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256', TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384', TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305: 'ECDHE-ECDSA-CHACHA20-POLY1305',
};

/** Go names nats-server knows but OpenSSL 3 no longer offers. */
const UNSUPPORTED_CIPHERS = new Set(['TLS_RSA_WITH_RC4_128_SHA', 'TLS_ECDHE_ECDSA_WITH_RC4_128_SHA', 'TLS_ECDHE_RSA_WITH_RC4_128_SHA']);
/** TLS 1.3 suites: Go does not let them be chosen; listed anyway, they are accepted and change nothing. */
const TLS13_SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];

/** nats-server's defaults when `cipher_suites` is not given (server/ciphersuites.go). */
export const DEFAULT_CIPHER_SUITES = [
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
] as const;

/** Go curve names to OpenSSL's (`curve_preferences`). */
export const CURVES: Readonly<Record<string, string>> = { X25519: 'X25519', CurveP256: 'P-256', CurveP384: 'P-384', CurveP521: 'P-521' };
export const DEFAULT_CURVE_PREFERENCES = ['X25519', 'CurveP256', 'CurveP384', 'CurveP521'] as const;

export type TlsMinVersion = '1.2' | '1.3';

/** The `tls {}` block, typed. Paths as written (relative ones resolve against the process's cwd, as nats-server). */
export interface TlsConfig {
  certFile: string;
  keyFile: string;
  caFile?: string;
  /** Require and verify a client certificate. */
  verify: boolean;
  /** verify, and name the user by the certificate (implies verify). */
  verifyAndMap: boolean;
  /** Handshake timeout; default TLS_WIRE.defaultTimeoutMs. */
  timeoutMs?: number;
  minVersion?: TlsMinVersion;
  /** Go names (TLS_ECDHE_...); default DEFAULT_CIPHER_SUITES. */
  cipherSuites?: string[];
  /** Go names (X25519, CurveP256, ...); default DEFAULT_CURVE_PREFERENCES. */
  curvePreferences?: string[];
  /** 2.10+: TLS handshake before INFO; a number = ms to wait for a client hello before falling back to INFO first. */
  handshakeFirst?: boolean | number;
  /** A client-side option; ignored on a server with a warning. */
  insecure?: boolean;
}

/** A problem in the TLS settings; `problems` lists every one found. */
export class TlsConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'TlsConfigError';
  }
}

export interface TlsContext {
  secureContext: tls.SecureContext;
  /** What `secureContext` was made from (no key material is logged from it). */
  secureContextOptions: tls.SecureContextOptions;
  requestCert: boolean;
  rejectUnauthorized: boolean;
  timeoutMs: number;
  handshakeFirst: boolean;
  /** With handshake_first: ms to wait for a client hello before sending INFO in plain text; 0 = never fall back. */
  handshakeFirstFallbackMs: number;
  minVersion: tls.SecureVersion;
  verifyAndMap: boolean;
  warnings: string[];
}

/** Parses a `timeout` value: seconds as a number, or a Go duration string (`2s`, `500ms`). */
function timeoutFrom(value: unknown, problems: string[]): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value * 1000;
  if (typeof value !== 'string') {
    problems.push("error parsing tls config, 'timeout' wrong type");
    return undefined;
  }
  const ms = parseDurationMs(value);
  if (ms === undefined) problems.push(`error parsing tls config, 'timeout' time: invalid duration ${JSON.stringify(value)}`);
  return ms;
}

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function parseDurationMs(text: string): number | undefined {
  const part = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let position = 0;
  if (text.length === 0) return undefined;
  while (position < text.length) {
    part.lastIndex = position;
    const match = part.exec(text);
    if (!match) return undefined;
    total += Number(match[1]) * DURATION_UNITS[match[2]!]!;
    position = part.lastIndex;
  }
  return total;
}

function stringList(key: string, value: unknown, problems: string[]): string[] | undefined {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.some((item) => typeof item !== 'string')) {
    problems.push(`error parsing tls config, expected '${key}' to be an array of strings`);
    return undefined;
  }
  if (list.length === 0) {
    problems.push(`error parsing tls config, '${key}' cannot be empty`);
    return undefined;
  }
  return list as string[];
}

/**
 * The `tls {}` block from plain values (strings, numbers, booleans, arrays) into a TlsConfig, with
 * nats-server's wording for its problems. Checks names and types only; files are read by buildTlsContext.
 */
export function tlsConfigFromBlock(block: Record<string, unknown>): { config: TlsConfig; problems: string[]; warnings: string[] } {
  const config: TlsConfig = { certFile: '', keyFile: '', verify: false, verifyAndMap: false };
  const problems: string[] = [];
  const expectString = (key: string, value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    problems.push(`error parsing tls config, expected '${key}' to be filename`);
    return undefined;
  };
  const expectBool = (key: string, value: unknown): boolean | undefined => {
    if (typeof value === 'boolean') return value;
    problems.push(`error parsing tls config, expected '${key}' to be a boolean`);
    return undefined;
  };
  for (const [rawKey, value] of Object.entries(block)) {
    const key = rawKey.toLowerCase();
    switch (key) {
      case 'cert_file': config.certFile = expectString(key, value) ?? config.certFile; break;
      case 'key_file': config.keyFile = expectString(key, value) ?? config.keyFile; break;
      case 'ca_file': { const file = expectString(key, value); if (file !== undefined) config.caFile = file; break; }
      case 'verify': config.verify = expectBool(key, value) ?? config.verify; break;
      case 'verify_and_map': {
        const map = expectBool(key, value);
        if (map !== undefined) { config.verifyAndMap = map; config.verify = map || config.verify; }
        break;
      }
      case 'insecure': config.insecure = expectBool(key, value) ?? false; break;
      case 'timeout': { const ms = timeoutFrom(value, problems); if (ms !== undefined) config.timeoutMs = ms; break; }
      case 'cipher_suites': { const list = stringList(key, value, problems); if (list) config.cipherSuites = list; break; }
      case 'curve_preferences': { const list = stringList(key, value, problems); if (list) config.curvePreferences = list; break; }
      case 'min_version': { // 2.10+; unknown to 2.9.10
        if (value === '1.2' || value === '1.3') config.minVersion = value;
        else if (value === '1.0' || value === '1.1') problems.push(`error parsing tls config: unsupported TLS version: TLS ${value}`);
        else if (typeof value === 'string') problems.push(`error parsing tls config: unknown version: ${value}`);
        else problems.push(`error parsing tls config: 'min_version' wrong type: ${String(value)}`);
        break;
      }
      case 'handshake_first': case 'first': case 'immediate': { // 2.10.4+; unknown to 2.9.10
        const fallback = typeof value === 'string' ? (value === 'auto' || value === 'auto_fallback' ? 50 : parseDurationMs(value)) : undefined;
        if (typeof value === 'boolean') config.handshakeFirst = value;
        else if (fallback !== undefined) config.handshakeFirst = fallback;
        else problems.push(`error parsing tls config, field "${rawKey}" should be a boolean or a duration, got ${JSON.stringify(value)}`);
        break;
      }
      default:
        if (NOT_YET_SUPPORTED.has(key)) problems.push(`"${rawKey}" in tls {} is not supported yet by Natrium`);
        else problems.push(`error parsing tls config, unknown field ["${rawKey}"]`);
    }
  }
  checkNames(config, problems);
  // nats-server 2.9.10 accepts it silently; it only means something for connections a server makes.
  const warnings = config.insecure ? ['tls "insecure" only applies to connections this server makes; ignored for the client listener'] : [];
  return { config, problems, warnings };
}

/** Keys nats-server (2.9 or later) accepts that Natrium does not implement yet. */
const NOT_YET_SUPPORTED = new Set(['pinned_certs', 'verify_cert_and_check_known_urls', 'cert_store', 'cert_match_by', 'cert_match',
  'cert_match_skip_invalid', 'ca_certs_match', 'ocsp_peer', 'certs', 'connection_rate_limit']);

/** Cipher and curve names must be ones nats-server knows and OpenSSL offers. */
function checkNames(config: TlsConfig, problems: string[]): void {
  for (const name of config.cipherSuites ?? []) {
    if (UNSUPPORTED_CIPHERS.has(name)) problems.push(`cipher suite ${name} is not supported by Natrium (no RC4 in OpenSSL 3)`);
    else if (!(name in CIPHER_SUITES) && !TLS13_SUITES.includes(name)) problems.push(`unrecognized cipher ${name}`);
  }
  for (const name of config.curvePreferences ?? []) {
    if (!(name in CURVES)) problems.push(`unrecognized curve preference ${name}`);
  }
}

/** Reads a file, or records why not in Go's words (`open f: no such file or directory`). */
function readText(file: string, problems: string[], prefix: string): string | undefined {
  try {
    return readFileSync(file, 'latin1');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? `open ${file}: no such file or directory`
      : code === 'EACCES' ? `open ${file}: permission denied`
        : code === 'EISDIR' ? `read ${file}: is a directory` : `${file}: ${(err as Error).message}`;
    problems.push(prefix + reason);
    return undefined;
  }
}

const PAIR = 'error parsing X509 certificate/key pair: ';
const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The certificates of a PEM bundle (an empty list when there is none or one does not parse). */
function certificatesIn(pem: string): crypto.X509Certificate[] {
  try {
    return (pem.match(CERTIFICATE_BLOCK) ?? []).map((block) => new crypto.X509Certificate(block));
  } catch {
    return [];
  }
}

/** Go cipher names into an OpenSSL cipher string, TLS 1.3 suites first (always enabled, as in Go). */
export function opensslCipherList(goNames: readonly string[]): string {
  const tls12 = [...new Set(goNames.filter((name) => name in CIPHER_SUITES).map((name) => CIPHER_SUITES[name]!))];
  return [...TLS13_SUITES, ...tls12].join(':');
}

/** Reads and checks cert_file/key_file/ca_file in nats-server's wording, naming the file where Go does not. */
function readFiles(config: TlsConfig, problems: string[]): { cert?: string; key?: string; ca?: string } {
  if (config.certFile === '') problems.push("missing 'cert_file' in TLS configuration");
  if (config.keyFile === '') problems.push("missing 'key_file' in TLS configuration");
  const cert = config.certFile === '' ? undefined : readText(config.certFile, problems, PAIR);
  const key = config.keyFile === '' ? undefined : readText(config.keyFile, problems, PAIR);
  const ca = config.caFile ? readText(config.caFile, problems, '') : undefined;
  const leaf = cert === undefined ? undefined : certificatesIn(cert)[0];
  if (cert !== undefined && leaf === undefined) {
    problems.push(`${PAIR}tls: failed to find any PEM data in certificate input (cert_file ${config.certFile})`);
  }
  let privateKey: crypto.KeyObject | undefined;
  if (key !== undefined) {
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key)) {
      const found = key.includes('-----BEGIN CERTIFICATE-----') ? 'found a certificate rather than a key in the PEM for the private key' : 'failed to find any PEM data in key input';
      problems.push(`${PAIR}tls: ${found} (key_file ${config.keyFile})`);
    } else {
      try {
        privateKey = crypto.createPrivateKey(key);
      } catch (err) {
        problems.push(`${PAIR}tls: failed to parse private key (key_file ${config.keyFile}): ${(err as Error).message}`);
      }
    }
  }
  if (leaf !== undefined && privateKey !== undefined && !leaf.checkPrivateKey(privateKey)) {
    problems.push(`${PAIR}tls: private key does not match public key (cert_file ${config.certFile}, key_file ${config.keyFile})`);
  }
  if (ca !== undefined && certificatesIn(ca).length === 0) problems.push(`failed to parse root ca certificate (ca_file ${config.caFile})`);
  return { cert, key, ca };
}

/** Reads the files and builds the client listener's TLS context and flags. Throws a TlsConfigError listing every problem. */
export function buildTlsContext(config: TlsConfig): TlsContext {
  const problems: string[] = [];
  const warnings: string[] = [];
  checkNames(config, problems);
  const files = readFiles(config, problems);
  if (config.timeoutMs !== undefined && !(config.timeoutMs >= 0)) problems.push('tls timeout must not be negative');
  if (problems.length > 0) throw new TlsConfigError(problems);
  const verify = config.verify || config.verifyAndMap;
  if (verify && files.ca === undefined) warnings.push('tls verify without ca_file: client certificates are checked against the system root CAs');

  const minVersion: tls.SecureVersion = config.minVersion === '1.3' ? 'TLSv1.3' : 'TLSv1.2';
  const secureContextOptions: tls.SecureContextOptions = {
    cert: files.cert!,
    key: files.key!,
    minVersion,
    ciphers: opensslCipherList(config.cipherSuites ?? DEFAULT_CIPHER_SUITES),
    ecdhCurve: (config.curvePreferences ?? DEFAULT_CURVE_PREFERENCES).map((name) => CURVES[name]!).join(':'),
    honorCipherOrder: true,
  };
  if (files.ca !== undefined) secureContextOptions.ca = files.ca;
  let secureContext: tls.SecureContext;
  try {
    secureContext = tls.createSecureContext(secureContextOptions);
  } catch (err) {
    throw new TlsConfigError([`tls config: ${(err as Error).message}`]);
  }
  return {
    secureContext,
    secureContextOptions,
    requestCert: verify,
    rejectUnauthorized: verify,
    timeoutMs: config.timeoutMs === undefined || config.timeoutMs === 0 ? TLS_WIRE.defaultTimeoutMs : config.timeoutMs,
    handshakeFirst: config.handshakeFirst !== undefined && config.handshakeFirst !== false,
    handshakeFirstFallbackMs: typeof config.handshakeFirst === 'number' ? config.handshakeFirst : 0,
    minVersion,
    verifyAndMap: config.verifyAndMap,
    warnings,
  };
}

/**
 * Options for the `tls.Server` a client listener upgrades its sockets with: after the plain-text INFO, hand
 * the socket to it with `tlsServer.emit('connection', socket)` and take the client from 'secureConnection'
 * (failures and the handshake timeout arrive as 'tlsClientError'). A bare `new tls.TLSSocket(socket,
 * { isServer: true, rejectUnauthorized: true })` would NOT refuse an unverified client certificate:
 * Node enforces rejectUnauthorized in tls.Server only.
 */
export function tlsServerOptions(context: TlsContext): tls.TlsOptions {
  return { ...context.secureContextOptions, requestCert: context.requestCert, rejectUnauthorized: context.rejectUnauthorized, handshakeTimeout: context.timeoutMs };
}

// ---- peer certificates, for verify_and_map ----

/** One attribute of a distinguished name: `type` is CN/O/OU/C/L/ST/STREET/POSTALCODE/SERIALNUMBER/DC or the dotted OID. */
export interface NameAttribute {
  type: string;
  oid: string;
  value: string;
}

export interface PeerCertificateNames {
  /** The subject as nats-server prints and maps it: Go's `Subject.ToRDNSequence().String()`, e.g. `CN=alice,O=Acme`. */
  subject: string;
  /** `subject` followed by `,DC=...` for each domain component, when the subject has any (nats-server tries it first). */
  subjectWithDomainComponents?: string;
  /** The (last) common name, as Go keeps it. */
  commonName: string;
  /** Subject alternative names in certificate order: rfc822Name, dNSName, URI, iPAddress. */
  emails: string[];
  dnsNames: string[];
  uris: string[];
  ipAddresses: string[];
  /** The subject's RDNs in certificate (DER) order, for RFC 4514 DN matching (reverse them for the string order). */
  rdns: NameAttribute[][];
}

const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN', '2.5.4.5': 'SERIALNUMBER', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.9': 'STREET',
  '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.17': 'POSTALCODE', '0.9.2342.19200300.100.1.25': 'DC',
};
/** The order of Go's Name.ToRDNSequence (only these attributes appear in the subject string). */
const GO_RDN_ORDER = ['C', 'ST', 'L', 'STREET', 'POSTALCODE', 'O', 'OU', 'CN', 'SERIALNUMBER'];

interface Tlv { tag: number; start: number; end: number; next: number }

/** One DER tag-length-value at `offset`: content is [start, end). */
function readTlv(der: Buffer, offset: number): Tlv {
  const tag = der[offset]!;
  let length = der[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4) throw new Error('unsupported DER length');
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[start + i]!;
    start += bytes;
  }
  if (start + length > der.length) throw new Error('truncated DER');
  return { tag, start, end: start + length, next: start + length };
}

function children(der: Buffer, parent: Tlv): Tlv[] {
  const list: Tlv[] = [];
  for (let offset = parent.start; offset < parent.end; offset = list[list.length - 1]!.next) list.push(readTlv(der, offset));
  return list;
}

function decodeOid(bytes: Buffer): string {
  const parts: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      if (parts.length === 0) parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

function decodeString(tag: number, bytes: Buffer): string {
  if (tag === 0x1e) return Buffer.from(bytes).swap16().toString('utf16le'); // BMPString
  if (tag === 0x14) return bytes.toString('latin1'); // T61String
  if (tag === 0x1c) { // UniversalString
    let text = '';
    for (let i = 0; i + 3 < bytes.length; i += 4) text += String.fromCodePoint(bytes.readUInt32BE(i));
    return text;
  }
  return bytes.toString('utf8');
}

/** Go's RDNSequence value escaping (crypto/x509/pkix). */
function escapeValue(value: string): string {
  let out = '';
  const chars = [...value];
  chars.forEach((c, index) => {
    const escape = ',+"\\<>;'.includes(c) || (c === ' ' && (index === 0 || index === chars.length - 1)) || (c === '#' && index === 0);
    out += escape ? `\\${c}` : c;
  });
  return out;
}

/** Accepts what a TLS socket or the crypto module gives: a peer certificate object, an X509Certificate, DER or PEM. */
function certificateDer(cert: tls.PeerCertificate | crypto.X509Certificate | Buffer | string): Buffer {
  if (typeof cert === 'string') return new crypto.X509Certificate(cert).raw;
  if (Buffer.isBuffer(cert)) return cert;
  // getPeerCertificate() gives {} when the peer sent no certificate.
  if (!Buffer.isBuffer(cert.raw)) throw new Error('no peer certificate');
  return cert.raw;
}

/** The names verify_and_map can map a user from, as nats-server reads them from the client's certificate. Throws on malformed DER. */
export function describePeerCertificate(cert: tls.PeerCertificate | crypto.X509Certificate | Buffer | string): PeerCertificateNames {
  const der = certificateDer(cert);
  const tbs = children(der, readTlv(der, 0))[0]!;
  const fields = children(der, tbs);
  const base = fields[0]!.tag === 0xa0 ? 1 : 0; // [0] version is optional
  const subject = fields[base + 4]!;
  const rdns: NameAttribute[][] = children(der, subject).map((set) => children(der, set).map((pair) => {
    const [oidTlv, valueTlv] = children(der, pair);
    const oid = decodeOid(der.subarray(oidTlv!.start, oidTlv!.end));
    return { type: ATTRIBUTE_NAMES[oid] ?? oid, oid, value: decodeString(valueTlv!.tag, der.subarray(valueTlv!.start, valueTlv!.end)) };
  }));
  const names: PeerCertificateNames = { subject: '', commonName: '', emails: [], dnsNames: [], uris: [], ipAddresses: [], rdns };
  // Go keeps every value of C/ST/L/STREET/POSTALCODE/O/OU, but only the last CN and SERIALNUMBER.
  const byType = new Map<string, string[]>();
  for (const attribute of rdns.flat()) {
    if (attribute.type === 'CN' || attribute.type === 'SERIALNUMBER') byType.set(attribute.type, [attribute.value]);
    else if (GO_RDN_ORDER.includes(attribute.type)) byType.set(attribute.type, [...(byType.get(attribute.type) ?? []), attribute.value]);
  }
  names.commonName = byType.get('CN')?.[0] ?? '';
  const sequence = GO_RDN_ORDER.filter((type) => byType.has(type)).map((type) => byType.get(type)!.map((value) => `${type}=${escapeValue(value)}`).join('+'));
  names.subject = sequence.reverse().join(',');
  const domainComponents = rdns.flat().filter((attribute) => attribute.type === 'DC').map((attribute) => `DC=${attribute.value}`);
  if (domainComponents.length > 0) names.subjectWithDomainComponents = [names.subject, ...domainComponents].join(',');
  const extensionsField = fields.find((field) => field.tag === 0xa3);
  if (extensionsField !== undefined) {
    for (const extension of children(der, children(der, extensionsField)[0]!)) {
      const parts = children(der, extension);
      if (decodeOid(der.subarray(parts[0]!.start, parts[0]!.end)) !== '2.5.29.17') continue;
      const octets = parts[parts.length - 1]!;
      for (const name of children(der, readTlv(der, octets.start))) {
        const bytes = der.subarray(name.start, name.end);
        if (name.tag === 0x81) names.emails.push(bytes.toString('latin1'));
        else if (name.tag === 0x82) names.dnsNames.push(bytes.toString('latin1'));
        else if (name.tag === 0x86) names.uris.push(bytes.toString('latin1'));
        else if (name.tag === 0x87) names.ipAddresses.push(formatIp(bytes));
      }
    }
  }
  return names;
}

/** An iPAddress SAN as Go prints it (IPv6 compressed: `::1`). */
function formatIp(bytes: Buffer): string {
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.length !== 16) return bytes.toString('hex');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

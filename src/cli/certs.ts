// `natrium certs`: a development CA, a server certificate and client certificates (mTLS) as PEM files.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
import { describePeerCertificate } from '../transport/tls-options.js';
import { UsageError, listOption, parseCount, stringOption, type CommandSpec } from './client/command.js';

/** ECDSA P-256 with SHA-256: accepted by Node's tls, Go's crypto/tls (nats-server) and every NATS client. */
const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const ORGANIZATION = 'Natrium Development';
const CA_SUBJECT = `O=${ORGANIZATION}, CN=Natrium Development CA`;
/** The CA outlives the certificates it signs, so a new server or client certificate can reuse it. */
const CA_MIN_DAYS = 3650;
const DEFAULT_DAYS = 365;
const DEFAULT_HOSTS = ['localhost', '127.0.0.1', '::1'];
const DEFAULT_CLIENT = 'client';
const DAY_MS = 86_400_000;

export interface CertsOptions {
  /** Folder for the PEM files; created if missing. */
  dir: string;
  /** Extra server names and addresses (SANs) besides localhost, 127.0.0.1 and ::1. */
  hosts: string[];
  /** A client certificate per name: CN=<name>; a name with '@' is also its email SAN. */
  clients: string[];
  /** Validity of the server and client certificates. */
  days: number;
  /** A new CA even when ca.pem and ca-key.pem exist. */
  newCa?: boolean;
  now?: Date;
}

export interface IssuedFiles {
  name: string;
  certFile: string;
  keyFile: string;
  /** The subject as nats-server prints it and as a `verify_and_map` user names it. */
  subject: string;
  /** Subject alternative names, e.g. `DNS:localhost`, `IP:127.0.0.1`, `email:a@example.com`. */
  altNames: string[];
}

export interface CertsResult {
  dir: string;
  caFile: string;
  caKeyFile: string;
  /** False when an existing CA in `dir` signed the new certificates. */
  caCreated: boolean;
  server: IssuedFiles;
  clients: IssuedFiles[];
}

type X509Module = typeof X509;
/** WebCrypto types as @peculiar/x509 declares them (the DOM ones are not in this project's lib). */
type PeculiarCrypto = Parameters<typeof X509.cryptoProvider.set>[0];
type SigningKey = X509.X509CertificateCreateWithKeyParams['signingKey'];
type KeyPair = X509.X509CertificateCreateSelfSignedParams['keys'];
let x509Module: Promise<X509Module> | undefined;

/**
 * @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata API of a
 * polyfill; this is the small part of that API it uses, installed before the library loads.
 */
function installReflectMetadata(): void {
  const reflect = Reflect as unknown as Record<string, unknown>;
  if (typeof reflect['getMetadata'] === 'function') return;
  const store = new WeakMap<object, Map<unknown, Map<unknown, unknown>>>();
  const own = (target: object, property: unknown, create: boolean): Map<unknown, unknown> | undefined => {
    let byProperty = store.get(target);
    if (byProperty === undefined) {
      if (!create) return undefined;
      store.set(target, (byProperty = new Map()));
    }
    let entries = byProperty.get(property);
    if (entries === undefined && create) byProperty.set(property, (entries = new Map()));
    return entries;
  };
  const define = (key: unknown, value: unknown, target: object, property?: unknown) => { own(target, property, true)!.set(key, value); };
  const get = (key: unknown, target: object, property?: unknown) => {
    for (let object: object | null = target; object !== null; object = Object.getPrototypeOf(object) as object | null) {
      const entries = own(object, property, false);
      if (entries?.has(key)) return entries.get(key);
    }
    return undefined;
  };
  reflect['defineMetadata'] = define;
  reflect['getMetadata'] = get;
  reflect['getOwnMetadata'] = (key: unknown, target: object, property?: unknown) => own(target, property, false)?.get(key);
  reflect['hasMetadata'] = (key: unknown, target: object, property?: unknown) => get(key, target, property) !== undefined;
  reflect['metadata'] = (key: unknown, value: unknown) => (target: object, property?: unknown) => define(key, value, target, property);
}

function loadX509(): Promise<X509Module> {
  x509Module ??= (async () => {
    installReflectMetadata();
    const module = await import('@peculiar/x509');
    module.cryptoProvider.set(webcrypto as unknown as PeculiarCrypto);
    return module;
  })();
  return x509Module;
}

/** A positive 128-bit serial number (Go rejects negative ones), as hex. */
function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return Buffer.from(bytes).toString('hex');
}

function privateKeyPem(pkcs8: ArrayBuffer): string {
  const base64 = Buffer.from(pkcs8).toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN PRIVATE KEY-----\n${base64}-----END PRIVATE KEY-----\n`;
}

/** Certificates are public (0644); keys are readable by their owner only (0600), also when overwritten. */
function writePem(file: string, text: string, secret: boolean): void {
  const mode = secret ? 0o600 : 0o644;
  writeFileSync(file, text, { mode });
  chmodSync(file, mode);
}

/** A client name as a file name and a CN: letters, digits and `._@-`; not one of the tool's own files. */
function checkClientName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/.test(name)) {
    throw new UsageError(`invalid client name "${name}": use letters, digits and . _ @ - (at most 64)`);
  }
  if (['ca', 'ca-key', 'server', 'server-key'].includes(name) || name.endsWith('-key')) {
    throw new UsageError(`invalid client name "${name}": it would overwrite another file`);
  }
}

function altNameText(name: { type: string; value: string }): string {
  return `${name.type === 'ip' ? 'IP' : name.type === 'dns' ? 'DNS' : name.type}:${name.value}`;
}

interface Issuer {
  certificate: X509.X509Certificate;
  privateKey: SigningKey;
}

/** Reads ca.pem and ca-key.pem, or creates them. */
async function loadOrCreateCa(x509: X509Module, caFile: string, caKeyFile: string, options: CertsOptions, now: Date): Promise<Issuer & { created: boolean }> {
  if (!options.newCa && existsSync(caFile) && existsSync(caKeyFile)) {
    try {
      const certificate = new x509.X509Certificate(readFileSync(caFile, 'utf8'));
      const keyDer = x509.PemConverter.decodeFirst(readFileSync(caKeyFile, 'utf8'));
      const privateKey = await webcrypto.subtle.importKey('pkcs8', keyDer, KEY_ALGORITHM, true, ['sign']) as unknown as SigningKey;
      return { certificate, privateKey, created: false };
    } catch (err) {
      throw new UsageError(`cannot reuse the CA in ${path.dirname(caFile)} (an ECDSA P-256 PKCS#8 key is needed): ${(err as Error).message}; use --new-ca`);
    }
  }
  const keys = await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']) as unknown as KeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: CA_SUBJECT,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + Math.max(options.days, CA_MIN_DAYS) * DAY_MS),
    keys,
    signingAlgorithm: KEY_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  writePem(caKeyFile, privateKeyPem(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as unknown as webcrypto.CryptoKey)), true);
  writePem(caFile, certificate.toString('pem') + '\n', false);
  return { certificate, privateKey: keys.privateKey, created: true };
}

/** Issues one leaf certificate signed by the CA and writes `<base>.pem` and `<base>-key.pem`. */
async function issue(
  x509: X509Module, ca: Issuer, dir: string, base: string, subject: string,
  altNames: X509.JsonGeneralName[], usages: string[], options: CertsOptions, now: Date,
): Promise<IssuedFiles> {
  const keys = await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']) as unknown as KeyPair;
  const extensions: X509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
    new x509.ExtendedKeyUsageExtension(usages),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(ca.certificate.publicKey),
  ];
  if (altNames.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(altNames));
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject,
    issuer: ca.certificate.subjectName,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + options.days * DAY_MS),
    publicKey: keys.publicKey,
    signingKey: ca.privateKey,
    signingAlgorithm: KEY_ALGORITHM,
    extensions,
  });
  const certFile = path.join(dir, `${base}.pem`);
  const keyFile = path.join(dir, `${base}-key.pem`);
  writePem(keyFile, privateKeyPem(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as unknown as webcrypto.CryptoKey)), true);
  writePem(certFile, certificate.toString('pem') + '\n', false);
  const described = describePeerCertificate(Buffer.from(certificate.rawData));
  return { name: base, certFile, keyFile, subject: described.subject, altNames: altNames.map(altNameText) };
}

/** Creates (or reuses) the CA, then the server certificate and one certificate per client. */
export async function createDevelopmentCertificates(options: CertsOptions): Promise<CertsResult> {
  if (!Number.isInteger(options.days) || options.days < 1) throw new UsageError('--days must be a whole number of at least 1');
  const clients = options.clients.length > 0 ? [...new Set(options.clients)] : [DEFAULT_CLIENT];
  clients.forEach(checkClientName);
  const hosts = [...new Set([...DEFAULT_HOSTS, ...options.hosts.map((host) => host.trim()).filter((host) => host.length > 0)])];
  for (const host of hosts) {
    if (isIP(host) === 0 && !/^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(host)) {
      throw new UsageError(`invalid host "${host}": expected a DNS name or an IP address`);
    }
  }
  const dir = path.resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  const x509 = await loadX509();
  const now = options.now ?? new Date();
  const caFile = path.join(dir, 'ca.pem');
  const caKeyFile = path.join(dir, 'ca-key.pem');
  const ca = await loadOrCreateCa(x509, caFile, caKeyFile, options, now);
  const serverNames: X509.JsonGeneralName[] = hosts.map((host) => ({ type: isIP(host) ? 'ip' : 'dns', value: host }));
  const firstName = hosts.find((host) => isIP(host) === 0 && host !== 'localhost') ?? 'localhost';
  // serverAuth for clients; clientAuth too, so the same certificate can dial routes and leaf nodes with mTLS.
  const server = await issue(x509, ca, dir, 'server', `O=${ORGANIZATION}, CN=${firstName}`, serverNames,
    [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth], options, now);
  const issued: IssuedFiles[] = [];
  for (const name of clients) {
    const emails: X509.JsonGeneralName[] = name.includes('@') ? [{ type: 'email', value: name }] : [];
    issued.push(await issue(x509, ca, dir, name, `O=${ORGANIZATION}, CN=${name}`, emails, [x509.ExtendedKeyUsage.clientAuth], options, now));
  }
  return { dir, caFile, caKeyFile, caCreated: ca.created, server, clients: issued };
}

function quoted(file: string): string {
  return JSON.stringify(file);
}

/** The server's `tls {}` block for these files, and how to map client certificates to users. */
export function configSnippet(result: CertsResult): string {
  const first = result.clients[0]!;
  const mapped = first.altNames.find((name) => name.startsWith('email:'))?.slice('email:'.length) ?? first.subject;
  return [
    'tls {',
    `  cert_file: ${quoted(result.server.certFile)}`,
    `  key_file: ${quoted(result.server.keyFile)}`,
    `  ca_file: ${quoted(result.caFile)}`,
    '  verify: true',
    '}',
    '',
    '# To name users by their certificate, use `verify_and_map: true` instead of `verify: true`, and:',
    `# authorization { users = [ { user: ${quoted(mapped)} } ] }`,
  ].join('\n');
}

/** What the command prints: each file written, the config snippet, and a client connect example. */
export function certsReport(result: CertsResult): string {
  const lines: string[] = [];
  lines.push(result.caCreated ? `Created CA        ${result.caFile}` : `Using existing CA ${result.caFile}`);
  if (result.caCreated) lines.push(`  CA key (0600)   ${result.caKeyFile}`);
  lines.push(`Server cert       ${result.server.certFile}  (${result.server.altNames.join(', ')})`);
  lines.push(`  key (0600)      ${result.server.keyFile}`);
  for (const client of result.clients) {
    const names = client.altNames.length > 0 ? `, ${client.altNames.join(', ')}` : '';
    lines.push(`Client cert       ${client.certFile}  (${client.subject}${names})`);
    lines.push(`  key (0600)      ${client.keyFile}`);
  }
  const first = result.clients[0]!;
  lines.push('', 'Server configuration:', '', configSnippet(result), '');
  lines.push('Client (nats CLI):', `  nats --tlsca ${quoted(result.caFile)} --tlscert ${quoted(first.certFile)} --tlskey ${quoted(first.keyFile)} -s tls://localhost:4222 pub demo hello`, '');
  return lines.join('\n');
}

export const certsCommand: CommandSpec = {
  name: 'certs',
  aliases: [],
  summary: 'Creates a development CA, server and client certificates for TLS and mTLS',
  usage: '',
  details: [
    'Writes ca.pem/ca-key.pem (reused when present, unless --new-ca), server.pem/server-key.pem for',
    'localhost, 127.0.0.1, ::1 and any --host, and NAME.pem/NAME-key.pem per --client (default "client").',
    'Keys are ECDSA P-256, written with mode 0600. For development only.',
    '',
    '   natrium certs --dir ./certs --host nats.local --client alice --client bob@example.com',
  ].join('\n'),
  options: {
    dir: { type: 'string', placeholder: 'DIR', description: 'Where to write the files (default ./certs)' },
    host: { type: 'string', multiple: true, placeholder: 'NAMES', description: 'Extra server host names or IPs, comma separated' },
    client: { type: 'string', multiple: true, placeholder: 'NAME', description: 'A client certificate with CN=NAME (an email NAME is also its SAN)' },
    days: { type: 'string', placeholder: 'N', description: `Days the server and client certificates are valid (default ${DEFAULT_DAYS})` },
    'new-ca': { type: 'boolean', description: 'Create a new CA even if ca.pem and ca-key.pem exist' },
  },
  async run(parsed) {
    if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument '${parsed.positionals[0]}', try --help`);
    const { values } = parsed;
    const split = (name: string) => listOption(values, name).flatMap((value) => value.split(',')).map((value) => value.trim()).filter((value) => value.length > 0);
    const result = await createDevelopmentCertificates({
      dir: stringOption(values, 'dir') ?? 'certs',
      hosts: split('host'),
      clients: split('client'),
      days: parseCount(stringOption(values, 'days'), 'days', DEFAULT_DAYS, 1),
      newCa: values['new-ca'] === true,
    });
    process.stdout.write(certsReport(result));
    return 0;
  },
};

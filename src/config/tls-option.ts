// The client `tls {}` block and the --tls* flags as Options.tls, its files checked at load time as nats-server does.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { buildTlsContext, tlsConfigFromBlock, TlsConfigError, type TlsConfig } from '../transport/tls-options.js';
import type { ConfigPosition } from './config-error.js';
import { toPlainValue, type ConfMapNode, type ConfNode } from './conf-values.js';
import type { ApplyContext } from './option-values.js';
import type { Options } from './options.js';

/** The flags nats-server reads for client TLS; any of them (unless -tls=false) replaces the file's tls {}. */
export const TLS_FLAG_NAMES = ['tls', 'tlscert', 'tlskey', 'tlsverify', 'tlscacert'] as const;

/**
 * Reads the certificate, key and CA files (buildTlsContext) so that a broken file fails the load, as
 * nats-server's GenTLSConfig does; returns the problems. The context itself is built again by the server.
 */
export function checkTlsFiles(config: TlsConfig): string[] {
  try {
    buildTlsContext(config);
    return [];
  } catch (error) {
    return error instanceof TlsConfigError ? error.problems : [(error as Error).message];
  }
}

/** SHA-256 of the TLS files' contents, so that a certificate replaced under the same name is a change for reload. */
export function tlsFilesDigest(config: TlsConfig): string {
  const hash = createHash('sha256');
  for (const file of [config.certFile, config.keyFile, config.caFile ?? '']) {
    hash.update(file).update('\0');
    if (file === '') continue;
    try {
      hash.update(readFileSync(file));
    } catch {
      hash.update('unreadable');
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** Where in the block a problem of tlsConfigFromBlock points: the key it names, else the block. */
export function problemPosition(map: ConfMapNode, problem: string, fallback: ConfigPosition | undefined): ConfigPosition | undefined {
  const lower = problem.toLowerCase();
  for (const entry of map.entries.values()) {
    const key = entry.key.toLowerCase();
    if (lower.includes(`'${key}'`) || lower.includes(`"${key}"`) || lower.includes(`[${key}]`)) return entry.keyPosition;
  }
  return fallback;
}

/**
 * A `tls {}` block read and its files checked: the config, null for `tls {}` (off), undefined after
 * reporting problems. Shared by the client block and the websocket block.
 */
export function parseTlsBlock(node: ConfNode, context: ApplyContext): TlsConfig | null | undefined {
  if (node.kind !== 'map') return context.error(`Expected map to define tls, got ${node.kind}`, node.position);
  if (node.entries.size === 0) return null;
  const parsed: { config: TlsConfig; problems: string[]; warnings?: string[] } = tlsConfigFromBlock(toPlainValue(node) as Record<string, unknown>);
  const { config, problems } = parsed;
  for (const problem of problems) context.error(problem, problemPosition(node, problem, context.keyPosition));
  for (const warning of parsed.warnings ?? []) context.warn(warning, problemPosition(node, warning, context.keyPosition));
  if (problems.length > 0) return undefined;
  const fileProblems = checkTlsFiles(config);
  for (const problem of fileProblems) context.error(problem, problemPosition(node, problem, context.keyPosition));
  return fileProblems.length > 0 ? undefined : config;
}

/** `tls { cert_file, key_file, ca_file, verify, verify_and_map, timeout, cipher_suites, curve_preferences }`; `tls {}` = off. */
export function applyTlsBlock(node: ConfNode, options: Options, context: ApplyContext): void {
  const config = parseTlsBlock(node, context);
  if (config === undefined) return;
  if (config === null) {
    delete options.tls;
    delete options.tlsFilesDigest;
    options.tlsMap = false;
    return;
  }
  options.tls = config;
  options.tlsMap = config.verifyAndMap;
  options.tlsFilesDigest = tlsFilesDigest(config);
}

/**
 * nats-server's handling of -tls, -tlscert, -tlskey, -tlsverify, -tlscacert: `-tls=false` turns TLS off;
 * any other of them builds the client TLS from the flags alone (certificate and key required; the file's
 * timeout and verify_and_map stay). Returns the problems.
 */
export function applyTlsFlags(flags: readonly { name: string; value: string | number | boolean }[], options: Options): string[] {
  const given = new Map<string, string | number | boolean>();
  for (const flag of flags) if ((TLS_FLAG_NAMES as readonly string[]).includes(flag.name)) given.set(flag.name, flag.value);
  if (given.size === 0) return [];
  if (given.get('tls') === false) {
    delete options.tls;
    delete options.tlsFilesDigest;
    return [];
  }
  const certFile = String(given.get('tlscert') ?? '');
  const keyFile = String(given.get('tlskey') ?? '');
  if (certFile === '') return ['TLS Server certificate must be present and valid'];
  if (keyFile === '') return ['TLS Server private key must be present and valid'];
  const config: TlsConfig = { certFile, keyFile, verify: given.get('tlsverify') === true, verifyAndMap: false };
  const caFile = String(given.get('tlscacert') ?? '');
  if (caFile !== '') config.caFile = caFile;
  if (options.tls?.timeoutMs !== undefined) config.timeoutMs = options.tls.timeoutMs;
  const problems = checkTlsFiles(config);
  if (problems.length > 0) return problems;
  options.tls = config;
  options.tlsFilesDigest = tlsFilesDigest(config);
  return [];
}

// Builds the server's accounts from the options: configured accounts, the system account, and their exports/imports.

import type { Options } from '../config/options.js';
import { subjectMatches } from '../subjects/subject.js';
import type { Account } from './account.js';
import { AccountLinks, type ResponseType } from './account-links.js';
import { decodeJwt } from '../auth/jwt.js';
import type { AccountClaims } from '../auth/jwt-claims.js';
import type { Server } from './server.js';

/** nats-server's default system account name, created even when not configured. */
export const SYSTEM_ACCOUNT = '$SYS';
/** How long a service response route lives when the export does not say (nats-server: 2 minutes). */
const DEFAULT_RESPONSE_THRESHOLD_MS = 120_000;

/** Creates the accounts the options name (existing ones are kept, so reload does not move clients). */
export function ensureAccounts(server: Server, options: Options): void {
  for (const name of Object.keys(options.accounts ?? {})) server.registerAccount(name);
  if (!options.noSystemAccount) server.registerAccount(options.systemAccount ?? SYSTEM_ACCOUNT);
}

/** Rebuilds every export/import link between accounts from the options. */
export function linkAccounts(server: Server, links: AccountLinks, options: Options): void {
  links.clear();
  for (const [name, account] of Object.entries(options.accounts ?? {})) {
    const importer = server.registerAccount(name);
    for (const entry of account.imports ?? []) {
      if (entry.stream) {
        const exporter = server.accounts.get(entry.stream.account);
        if (exporter === undefined || exporter === importer) continue;
        const exported = entry.stream.subject;
        const to = entry.to ?? (entry.prefix ? `${entry.prefix}.${exported}` : exported);
        links.addStreamImport(exporter, importer, exported, to);
      } else if (entry.service) {
        const exporter = server.accounts.get(entry.service.account);
        if (exporter === undefined || exporter === importer) continue;
        const exported = entry.service.subject;
        const local = entry.to ?? exported;
        const serviceExport = findServiceExport(options, entry.service.account, exported);
        links.addServiceImport(
          exporter,
          importer,
          exported,
          local,
          (serviceExport?.response_type ?? 'Singleton') as ResponseType,
          serviceExport?.response_threshold ?? DEFAULT_RESPONSE_THRESHOLD_MS,
        );
      }
    }
  }
}

function findServiceExport(options: Options, accountName: string, subject: string) {
  const exports = options.accounts?.[accountName]?.exports ?? [];
  return exports.find((e) => e.service !== undefined && (e.service === subject || subjectMatches(e.service, subject)));
}

/** The account a user of the authenticator's result belongs to (JWT accounts are created on first use). */
export function accountFor(server: Server, name: string): Account {
  return server.accounts.get(name) ?? server.registerAccount(name);
}

/**
 * Operator mode: an account JWT's imports, linked like configured ones. An import is honoured only when the
 * exporting account's JWT (from the resolver) exports a matching subject of the same kind without requiring
 * an activation token.
 */
export function linkJwtAccount(server: Server, links: AccountLinks, importer: Account, claims: AccountClaims): void {
  const resolver = server.accountResolver;
  for (const entry of claims.imports) {
    const exporterJwt = resolver?.peek(entry.account);
    if (exporterJwt === undefined) continue;
    const decoded = decodeJwt(exporterJwt);
    if (!decoded.ok || decoded.claims.type !== 'account') continue;
    const exporterClaims = decoded.claims as AccountClaims;
    const exported = exporterClaims.exports.find((e) => e.type === entry.type && (e.subject === entry.subject || subjectMatches(e.subject, entry.subject)));
    if (exported === undefined || exported.tokenReq) {
      server.logger.warn(`Account ${importer.name}: import of ${entry.type} "${entry.subject}" from ${entry.account} is not exported to it`);
      continue;
    }
    const exporter = accountFor(server, entry.account);
    if (exporter === importer) continue;
    if (entry.type === 'stream') {
      const to = entry.localSubject || (entry.to ? `${entry.to}.${entry.subject}` : entry.subject);
      links.addStreamImport(exporter, importer, entry.subject, to);
    } else {
      const local = entry.localSubject || entry.to || entry.subject;
      const thresholdMs = exported.responseThreshold > 0 ? Math.ceil(exported.responseThreshold / 1_000_000) : DEFAULT_RESPONSE_THRESHOLD_MS;
      links.addServiceImport(exporter, importer, entry.subject, local, (exported.responseType || 'Singleton') as ResponseType, thresholdMs);
    }
  }
}

// `accounts {}`: users, permissions, exports, imports and JetStream limits per account, with nats-server's checks.
import { isPublicKey } from '../auth/credentials.js';
import { isSubsetMatch } from '../auth/pattern-set.js';
import { isValidSubject, subjectsCollide } from '../subjects/subject.js';
import type { ConfigPosition } from './config-error.js';
import type { ConfMapNode, ConfNode } from './conf-values.js';
import { parseGoDuration } from './conf-values.js';
import type { AccountExportOption, AccountImportOption, AccountJetStreamOption, AccountOption } from './options.js';
import { ApplyContext, applyBlock, expectBool, expectString, expectStringList, setOwn } from './option-values.js';
import { parsePermissions, parseUsers } from './security-values.js';

/** The global account's name; nats-server reserves it. */
export const GLOBAL_ACCOUNT = '$G';
const ACCOUNT_UNSUPPORTED = ['mappings', 'maps', 'limits'];
const EXPORT_UNSUPPORTED = ['latency', 'account_token_position'];
/** nats-server MaxAccountCycleSearchDepth. */
const CYCLE_SEARCH_DEPTH = 1024;

/** A user or nkey seen in `users: [...]` (authorization or an account), for the duplicate check across blocks. */
export interface UserPlacement {
  name: string;
  nkey: boolean;
  position: ConfigPosition;
}

interface Placed<T> {
  account: string;
  value: T;
  position: ConfigPosition;
}

/** Records where users were written; `applyAccounts` and the authorization block both add to it. */
export function placeUsers(users: readonly { user?: string; nkey?: string }[], positions: readonly ConfigPosition[], placements: UserPlacement[]): void {
  users.forEach((user, index) => {
    const position = positions[index];
    if (position === undefined) return;
    if (user.nkey !== undefined && user.nkey !== '') placements.push({ name: user.nkey, nkey: true, position });
    else if (user.user !== undefined) placements.push({ name: user.user, nkey: false, position });
  });
}

/** nats-server: a user name (or nkey) may appear once across authorization {} and every account. */
export function checkDuplicateUsers(placements: readonly UserPlacement[], context: ApplyContext): void {
  const seen = new Set<string>();
  for (const placement of placements) {
    if (seen.has(placement.name)) {
      context.error(`Duplicate ${placement.nkey ? 'nkey' : 'user'} ${JSON.stringify(placement.name)} detected`, placement.position);
    }
    seen.add(placement.name);
  }
}

/** `jetstream` of an account: true/"enabled" = no limits, false/"disabled" = off, or a map of limits. */
function parseAccountJetStream(node: ConfNode, context: ApplyContext): AccountJetStreamOption | null | undefined {
  const unlimited = (): AccountJetStreamOption => ({ maxMemory: -1, maxStore: -1, maxStreams: -1, maxConsumers: -1, maxBytesRequired: false });
  if (node.kind === 'bool') return node.value ? unlimited() : null;
  if (node.kind === 'string') {
    const word = node.value.toLowerCase();
    if (word === 'enabled' || word === 'enable') return unlimited();
    if (word === 'disabled' || word === 'disable') return null;
    return context.error(`Expected 'enabled' or 'disabled' for string value, got '${node.value}'`, node.position);
  }
  if (node.kind !== 'map') return context.error(`Expected map, bool or string to define JetStream, got ${node.kind}`, node.position);
  const limits = unlimited();
  const size = (field: 'maxMemory' | 'maxStore' | 'maxStreams' | 'maxConsumers') => (value: ConfNode, inner: ApplyContext) => {
    if (value.kind === 'integer') limits[field] = value.value;
    else inner.error(`Expected a parseable size for ${JSON.stringify(inner.key.split('.').pop())}, got ${inner.describe(value)}`, value.position);
  };
  applyBlock(node, context, [
    { names: ['max_memory', 'max_mem', 'mem', 'memory'], apply: size('maxMemory') },
    { names: ['max_store', 'max_file', 'max_disk', 'store', 'disk'], apply: size('maxStore') },
    { names: ['max_streams', 'streams'], apply: size('maxStreams') },
    { names: ['max_consumers', 'consumers'], apply: size('maxConsumers') },
    { names: ['max_bytes_required', 'max_stream_bytes', 'max_bytes'], apply: (value, inner) => { limits.maxBytesRequired = expectBool(value, inner) ?? limits.maxBytesRequired; } },
  ], []);
  return limits;
}

const RESPONSE_TYPES: Readonly<Record<string, AccountExportOption['response_type']>> = {
  single: 'Singleton', singleton: 'Singleton', stream: 'Stream', chunk: 'Chunked', chunked: 'Chunked',
};

/** One `exports` entry: `{ stream }` or `{ service, response_type, response_threshold }`, with `accounts`. */
function parseExport(item: ConfNode, context: ApplyContext): AccountExportOption | undefined {
  if (item.kind !== 'map') return context.error(`Export Items should be a map with type entry, got ${item.kind}`, item.position);
  const result: AccountExportOption = {};
  let responsePosition: ConfigPosition | undefined;
  let thresholdSeen = false;
  const errorCount = context.errors.length;
  applyBlock(item, context, [
    {
      names: ['stream'],
      apply: (value, inner) => {
        if (value.kind !== 'string') return inner.error(`Expected stream name to be string, got ${value.kind}`, value.position);
        if (result.service !== undefined) return inner.error(`Detected stream ${JSON.stringify(value.value)} but already saw a service`);
        result.stream = value.value;
        return undefined;
      },
    },
    {
      names: ['service'],
      apply: (value, inner) => {
        if (value.kind !== 'string') return inner.error(`Expected service name to be string, got ${value.kind}`, value.position);
        if (result.stream !== undefined) return inner.error(`Detected service ${JSON.stringify(value.value)} but already saw a stream`);
        result.service = value.value;
        return undefined;
      },
    },
    {
      names: ['response', 'response_type'],
      apply: (value, inner) => {
        if (responsePosition !== undefined) return inner.error('Duplicate response type definition');
        responsePosition = inner.keyPosition;
        if (value.kind !== 'string') return inner.error(`Expected response type to be string, got ${value.kind}`, value.position);
        const type = RESPONSE_TYPES[value.value.toLowerCase()];
        if (type === undefined) return inner.error(`Unknown response type: ${JSON.stringify(value.value)}`, value.position);
        result.response_type = type;
        return undefined;
      },
    },
    {
      names: ['threshold', 'response_threshold', 'response_max_time', 'response_time'],
      apply: (value, inner) => {
        if (thresholdSeen) return inner.error('Duplicate response threshold detected');
        thresholdSeen = true;
        responsePosition ??= inner.keyPosition;
        const parsed = value.kind === 'string' ? parseGoDuration(value.value) : undefined;
        if (parsed === undefined || !parsed.ok) {
          const got = value.kind === 'string' ? JSON.stringify(value.value) : value.kind;
          return inner.error(`Expected response threshold to be a parseable time duration, got ${got}`, value.position);
        }
        result.response_threshold = parsed.milliseconds;
        return undefined;
      },
    },
    { names: ['accounts'], apply: (value, inner) => { result.accounts = expectStringList(value, inner) ?? result.accounts; } },
  ], EXPORT_UNSUPPORTED);
  if (result.stream !== undefined && responsePosition !== undefined) context.error('Detected response directive on non-service', responsePosition);
  if (result.stream === undefined && result.service === undefined && context.errors.length === errorCount) {
    context.error('An export needs a "stream" or a "service"', item.position);
  }
  return context.errors.length === errorCount ? result : undefined;
}

/** `{ account, subject }` inside an import. */
function parseImportSource(node: ConfNode, context: ApplyContext, kind: 'Stream' | 'Service'): { account: string; subject: string } | undefined {
  if (node.kind !== 'map') return context.error(`${kind} entry should be an account map, got ${node.kind}`, node.position);
  let account = '';
  let subject = '';
  applyBlock(node, context, [
    { names: ['account'], apply: (value, inner) => { account = expectString(value, inner) ?? account; } },
    { names: ['subject'], apply: (value, inner) => { subject = expectString(value, inner) ?? subject; } },
  ], []);
  if (account === '' || subject === '') return context.error('Expect an account name and a subject', node.position);
  return { account, subject };
}

/** One `imports` entry: `{ stream: {account, subject}, prefix | to }` or `{ service: {account, subject}, to, share }`. */
function parseImport(item: ConfNode, context: ApplyContext): AccountImportOption | undefined {
  if (item.kind !== 'map') return context.error(`Import Items should be a map with type entry, got ${item.kind}`, item.position);
  const result: AccountImportOption = {};
  const positions: Partial<Record<'prefix' | 'to', ConfigPosition>> = {};
  const errorCount = context.errors.length;
  applyBlock(item, context, [
    {
      names: ['stream'],
      apply: (value, inner) => {
        if (result.service !== undefined) return inner.error('Detected stream but already saw a service');
        result.stream = parseImportSource(value, inner, 'Stream') ?? result.stream;
        return undefined;
      },
    },
    {
      names: ['service'],
      apply: (value, inner) => {
        if (result.stream !== undefined) return inner.error('Detected service but already saw a stream');
        result.service = parseImportSource(value, inner, 'Service') ?? result.service;
        return undefined;
      },
    },
    { names: ['prefix'], apply: (value, inner) => { result.prefix = expectString(value, inner) ?? result.prefix; positions.prefix = inner.keyPosition; } },
    { names: ['to'], apply: (value, inner) => { result.to = expectString(value, inner) ?? result.to; positions.to = inner.keyPosition; } },
    { names: ['share'], apply: (value, inner) => { result.share = expectBool(value, inner) ?? result.share; } },
  ], []);
  if (context.errors.length > errorCount) return undefined;
  if (result.stream !== undefined && result.prefix && result.to) {
    return context.error("Stream import can not have a 'prefix' and a 'to' property", positions.to);
  }
  // nats-server 2.9 silently ignores a prefix on a service import; Natrium refuses it so it cannot be mistaken for working.
  if (result.service !== undefined && result.prefix !== undefined) {
    return context.error("Service import can not have a 'prefix' property (use 'to')", positions.prefix);
  }
  if (result.stream === undefined && result.service === undefined) return context.error('An import needs a "stream" or a "service"', item.position);
  return result;
}

function parseList<T>(node: ConfNode, context: ApplyContext, what: 'Exports' | 'Imports', parse: (item: ConfNode, context: ApplyContext) => T | undefined): Placed<T>[] {
  if (node.kind !== 'array') {
    context.error(`${what} should be an array, got ${node.kind}`, node.position);
    return [];
  }
  const out: Placed<T>[] = [];
  for (const item of node.items) {
    const value = parse(item, context);
    if (value !== undefined) out.push({ account: '', value, position: item.position });
  }
  return out;
}

/**
 * `accounts { NAME: { users, default_permissions, exports, imports, jetstream, nkey } }` or
 * `accounts: [A, B]`. Users are appended to `placements` (for the duplicate check). Exports and imports
 * are checked against each other once every account is known, as nats-server does.
 */
export function parseAccounts(node: ConfNode, context: ApplyContext, placements: UserPlacement[]): Record<string, AccountOption> | undefined {
  const accounts: Record<string, AccountOption> = {};
  if (node.kind === 'array') {
    for (const item of node.items) {
      if (item.kind !== 'string') {
        context.expected('account names (strings) in its array', item);
        continue;
      }
      if (item.value === GLOBAL_ACCOUNT) context.error(`"${GLOBAL_ACCOUNT}" is a Reserved Account`, item.position);
      else if (Object.hasOwn(accounts, item.value)) context.error(`Duplicate Account Entry: ${item.value}`, item.position);
      else setOwn(accounts, item.value, {});
    }
    return accounts;
  }
  if (node.kind !== 'map') return context.expected('a map { NAME: { ... } } or an array of account names', node);
  const exports: Placed<AccountExportOption>[] = [];
  const imports: Placed<AccountImportOption>[] = [];
  const errorCount = context.errors.length;
  for (const entry of node.entries.values()) {
    if (entry.referenced) continue; // a variable defined inside the block
    const inner = context.nested(entry);
    if (entry.value.kind !== 'map') {
      inner.error('Expected map entries for accounts');
      continue;
    }
    if (entry.key === GLOBAL_ACCOUNT) {
      inner.error(`"${GLOBAL_ACCOUNT}" is a Reserved Account`);
      continue;
    }
    const name = entry.key;
    setOwn(accounts, name, applyAccount(entry.value, inner, name, placements, exports, imports));
  }
  if (context.errors.length === errorCount) checkExportsAndImports(accounts, exports, imports, context);
  return accounts;
}

function applyAccount(
  map: ConfMapNode, context: ApplyContext, name: string, placements: UserPlacement[],
  exports: Placed<AccountExportOption>[], imports: Placed<AccountImportOption>[],
): AccountOption {
  const account: AccountOption = {};
  applyBlock(map, context, [
    {
      names: ['nkey'],
      apply: (value, inner) => {
        if (value.kind === 'string' && isPublicKey(value.value, 'account')) account.nkey = value.value;
        else inner.error(`Not a valid public nkey for an account: ${value.kind === 'string' ? JSON.stringify(value.value) : value.kind}`, value.position);
      },
    },
    {
      names: ['users'],
      apply: (value, inner) => {
        const { users, positions } = parseUsers(value, inner);
        account.users = users;
        placeUsers(users, positions, placements);
      },
    },
    {
      names: ['default_permissions'],
      apply: (value, inner) => {
        const permissions = parsePermissions(value, inner);
        if (permissions) account.defaultPermissions = permissions;
      },
    },
    {
      names: ['exports'],
      apply: (value, inner) => {
        const list = parseList(value, inner, 'Exports', parseExport).map((placed) => ({ ...placed, account: name }));
        account.exports = list.map((placed) => placed.value);
        exports.push(...list);
      },
    },
    {
      names: ['imports'],
      apply: (value, inner) => {
        const list = parseList(value, inner, 'Imports', parseImport).map((placed) => ({ ...placed, account: name }));
        const services = new Map<string, AccountImportOption>();
        for (const placed of list) {
          const service = placed.value.service;
          if (service === undefined) continue;
          const local = placed.value.to ?? service.subject;
          const previous = services.get(local);
          if (previous?.service !== undefined) {
            inner.error(`Duplicate service import subject ${JSON.stringify(local)}, previously used in import for account ${JSON.stringify(previous.service.account)}, subject ${JSON.stringify(previous.service.subject)}`, placed.position);
          }
          services.set(local, placed.value);
        }
        account.imports = list.map((placed) => placed.value);
        imports.push(...list);
      },
    },
    {
      names: ['jetstream'],
      apply: (value, inner) => {
        const limits = parseAccountJetStream(value, inner);
        if (limits === null) delete account.jetstream;
        else if (limits !== undefined) account.jetstream = limits;
      },
    },
  ], ACCOUNT_UNSUPPORTED);
  return account;
}

/** nats-server checkStreamExportApproved / checkServiceExportApproved: an exact export first, then wider ones. */
function importAuthorized(exports: readonly AccountExportOption[], kind: 'stream' | 'service', importer: string, subject: string): boolean {
  if (!isValidSubject(subject)) return false;
  const approves = (entry: AccountExportOption) => entry.accounts === undefined || entry.accounts.length === 0 || entry.accounts.includes(importer);
  const candidates = exports.filter((entry) => entry[kind] !== undefined);
  const exact = candidates.filter((entry) => entry[kind] === subject);
  if (exact.length > 0) return exact.some(approves);
  return candidates.some((entry) => isSubsetMatch(subject, entry[kind] as string) && approves(entry));
}

interface RegisteredServiceImport {
  /** The exporting account. */
  account: string;
  /** The importer's local subject. */
  from: string;
  /** The exporter's subject. */
  to: string;
}

/** nats-server checkServiceImportsForCycles. */
function formsCycle(registry: ReadonlyMap<string, RegisteredServiceImport[]>, account: string, from: string, visited: Set<string>): boolean {
  if (visited.size >= CYCLE_SEARCH_DEPTH) return true;
  for (const entry of registry.get(account) ?? []) {
    if (!subjectsCollide(from, entry.to)) continue;
    if (visited.has(entry.account)) return true;
    visited.add(account);
    const next = isSubsetMatch(entry.from, from) ? entry.from : from;
    if (formsCycle(registry, entry.account, next, visited)) return true;
  }
  return false;
}

/** The checks nats-server makes once every account is parsed: names exist, imports match exports, no cycles. */
function checkExportsAndImports(
  accounts: Record<string, AccountOption>, exports: readonly Placed<AccountExportOption>[], imports: readonly Placed<AccountImportOption>[], context: ApplyContext,
): void {
  const exists = (name: string) => Object.hasOwn(accounts, name);
  for (const kind of ['stream', 'service'] as const) {
    for (const placed of exports) {
      if (placed.value[kind] === undefined) continue;
      for (const name of placed.value.accounts ?? []) {
        if (!exists(name)) context.error(`${JSON.stringify(name)} account not defined for ${kind} export`, placed.position);
      }
    }
  }
  const registry = new Map<string, RegisteredServiceImport[]>();
  for (const kind of ['stream', 'service'] as const) {
    for (const placed of imports) {
      const source = placed.value[kind];
      if (source === undefined) continue;
      if (!exists(source.account)) {
        context.error(`${JSON.stringify(source.account)} account not defined for ${kind} import`, placed.position);
        continue;
      }
      const label = `Error adding ${kind} import ${JSON.stringify(source.subject)}`;
      if (!importAuthorized(accounts[source.account]?.exports ?? [], kind, placed.account, source.subject)) {
        context.error(`${label}: ${kind} import not authorized`, placed.position);
        continue;
      }
      if (kind === 'stream') continue;
      const from = placed.value.to ?? source.subject;
      if (formsCycle(registry, source.account, from, new Set([placed.account]))) {
        context.error(`${label}: import forms a cycle`, placed.position);
        continue;
      }
      const list = registry.get(placed.account) ?? [];
      list.push({ account: source.account, from, to: source.subject });
      registry.set(placed.account, list);
    }
  }
}

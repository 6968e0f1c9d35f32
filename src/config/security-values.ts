// `users: [...]` entries and `permissions` blocks (authorization {} and accounts {}), parsed as nats-server does.
import { isPublicKey } from '../auth/credentials.js';
import { GLOBAL_ACCOUNT_NAME, type AuthCalloutOption, type AuthUserOption } from '../auth/auth-config.js';
import type { PermissionsSpec, SubjectPermissionSpec } from '../auth/permissions.js';
import { convertConnectionTypes } from '../auth/user-limits.js';
import { isValidSubject } from '../subjects/subject.js';
import type { ConfNode } from './conf-values.js';
import { parseGoDuration } from './conf-values.js';
import { ApplyContext, applyBlock, expectString } from './option-values.js';

/** nats-server DEFAULT_ALLOW_RESPONSE_MAX_MSGS / DEFAULT_ALLOW_RESPONSE_EXPIRATION. */
const DEFAULT_RESPONSE_MAX_MSGS = 1;
const DEFAULT_RESPONSE_EXPIRES_MS = 2 * 60_000;

/** Keys nats-server accepts in a user entry that Natrium does not implement (none today). */
const USER_UNSUPPORTED: readonly string[] = [];

/** A string value that may be a secret: its value never appears in a message. */
function secretString(node: ConfNode, context: ApplyContext): string | undefined {
  return expectString(node, context.redacted());
}

/**
 * nats-server checkPermSubjectArray: each entry is a valid subject, or "subject queue" (a subscription
 * with a queue group). A string or an array of strings.
 */
function parsePermissionSubjects(node: ConfNode, context: ApplyContext): string[] | undefined {
  let subjects: string[];
  if (node.kind === 'string') subjects = [node.value];
  else if (node.kind === 'array') {
    subjects = [];
    for (const item of node.items) {
      if (item.kind !== 'string') return context.error('Subject in permissions array cannot be cast to string', item.position);
      subjects.push(item.value);
    }
  } else {
    return context.error(`Expected subject permissions to be a subject, or array of subjects, got ${context.describe(node)}`, node.position);
  }
  for (const subject of subjects) {
    if (isValidSubject(subject)) continue;
    const fields = subject.split(/\s+/).filter((field) => field !== '');
    if (fields.length !== 2) return context.error(`subject ${JSON.stringify(subject)} is not a valid subject`, node.position);
    if (!isValidSubject(fields[0] ?? '')) return context.error(`subject ${JSON.stringify(fields[0])} is not a valid subject`, node.position);
  }
  return subjects;
}

/** `publish`/`subscribe`: a subject, a list (= allow), or { allow, deny }; an empty map sets nothing. */
function parseSubjectPermission(node: ConfNode, context: ApplyContext): SubjectPermissionSpec | null | undefined {
  if (node.kind !== 'map') {
    const allow = parsePermissionSubjects(node, context);
    return allow === undefined ? undefined : { allow };
  }
  if (node.entries.size === 0) return null;
  const permission: { allow?: string[]; deny?: string[] } = {};
  for (const entry of node.entries.values()) {
    const inner = context.nested(entry);
    const key = entry.key.toLowerCase();
    if (key === 'allow' || key === 'deny') {
      const subjects = parsePermissionSubjects(entry.value, inner);
      if (subjects !== undefined) permission[key] = subjects;
    } else if (!entry.referenced) {
      inner.error(`Unknown field name "${entry.key}" parsing subject permissions, only 'allow' or 'deny' are permitted`);
    }
  }
  return permission;
}

/** `allow_responses`: true, or { max, expires } (0 = the default; negative = unlimited). */
function parseAllowResponses(node: ConfNode, context: ApplyContext): PermissionsSpec['response'] | null | undefined {
  if (node.kind === 'bool') return node.value ? { maxMsgs: DEFAULT_RESPONSE_MAX_MSGS, expiresMs: DEFAULT_RESPONSE_EXPIRES_MS } : null;
  if (node.kind !== 'map') return context.error('error parsing response permissions, expected a boolean or a map', node.position);
  const response = { maxMsgs: DEFAULT_RESPONSE_MAX_MSGS, expiresMs: DEFAULT_RESPONSE_EXPIRES_MS };
  let ok = true;
  for (const entry of node.entries.values()) {
    const inner = context.nested(entry);
    const key = entry.key.toLowerCase();
    const value = entry.value;
    if (['max', 'max_msgs', 'max_messages', 'max_responses'].includes(key)) {
      if (value.kind !== 'integer') ok = inner.expected('an integer', value) ?? false;
      else if (value.value !== 0) response.maxMsgs = value.value;
    } else if (['expires', 'expiration', 'ttl'].includes(key)) {
      if (value.kind !== 'string') {
        ok = inner.error('error parsing expires, not a duration string', value.position) ?? false;
        continue;
      }
      const parsed = parseGoDuration(value.value);
      if (!parsed.ok) ok = inner.error(`error parsing expires: ${parsed.error}`, value.position) ?? false;
      else if (parsed.milliseconds !== 0) response.expiresMs = parsed.milliseconds;
    } else if (!entry.referenced) {
      ok = inner.error(`Unknown field "${entry.key}" parsing permissions`) ?? false;
    }
  }
  return ok ? response : undefined;
}

/** A `permissions` (or `default_permissions`) map: publish, subscribe, allow_responses. */
export function parsePermissions(node: ConfNode, context: ApplyContext): PermissionsSpec | undefined {
  if (node.kind !== 'map') return context.error(`Expected permissions to be a map/struct, got ${context.describe(node)}`, node.position);
  const spec: PermissionsSpec = {};
  for (const entry of node.entries.values()) {
    const inner = context.nested(entry);
    const key = entry.key.toLowerCase();
    if (key === 'pub' || key === 'publish' || key === 'import') {
      const permission = parseSubjectPermission(entry.value, inner);
      if (permission) spec.publish = permission;
    } else if (key === 'sub' || key === 'subscribe' || key === 'export') {
      const permission = parseSubjectPermission(entry.value, inner);
      if (permission) spec.subscribe = permission;
    } else if (key === 'allow_responses' || key === 'publish_allow_responses') {
      const response = parseAllowResponses(entry.value, inner);
      if (response) spec.response = response;
    } else if (!entry.referenced) {
      inner.error(`Unknown field "${entry.key}" parsing permissions`);
    }
  }
  // nats-server: responses are then the only publishes allowed beyond an explicit allow list.
  if (spec.response !== undefined && spec.publish?.allow === undefined) spec.publish = { ...spec.publish, allow: [] };
  return spec;
}

/** `allowed_connection_types`: a string or a list of STANDARD, WEBSOCKET, LEAFNODE, LEAFNODE_WS, MQTT, MQTT_WS. */
function parseConnectionTypes(node: ConfNode, context: ApplyContext): string[] | undefined {
  let names: string[];
  if (node.kind === 'string') names = [node.value];
  else if (node.kind === 'array') {
    names = [];
    for (const item of node.items) {
      if (item.kind !== 'string') return context.error(`error parsing allowed connection types: unsupported type in array ${item.kind}`, item.position);
      names.push(item.value);
    }
  } else {
    return context.error(`error parsing allowed connection types: unsupported type ${node.kind}`, node.position);
  }
  const { unknown } = convertConnectionTypes(names);
  if (unknown.length > 0) return context.error(`invalid connection types ${JSON.stringify(unknown)}`, node.position);
  return names.map((name) => name.toUpperCase());
}

/**
 * `users: [ { user, password, nkey, permissions, allowed_connection_types } ]`. nats-server's rules: a
 * user or an nkey is required, an nkey user has no user name or password, a user without a password is
 * allowed. Duplicates are checked by the caller (they span accounts).
 */
export function parseUsers(node: ConfNode, context: ApplyContext): { users: AuthUserOption[]; positions: ConfNode['position'][] } {
  const users: AuthUserOption[] = [];
  const positions: ConfNode['position'][] = [];
  if (node.kind !== 'array') {
    context.error(`Expected users field to be an array, got ${context.redacted().describe(node)}`, node.position);
    return { users, positions };
  }
  for (const item of node.items) {
    if (item.kind !== 'map') {
      context.error(`Expected user entry to be a map/struct, got ${context.redacted().describe(item)}`, item.position);
      continue;
    }
    const user: AuthUserOption = {};
    const errorCount = context.errors.length;
    applyBlock(item, context, [
      { names: ['user', 'username'], apply: (value, inner) => { user.user = expectString(value, inner) ?? user.user; } },
      { names: ['pass', 'password'], apply: (value, inner) => { user.password = secretString(value, inner) ?? user.password; } },
      { names: ['nkey'], apply: (value, inner) => { user.nkey = expectString(value, inner) ?? user.nkey; } },
      {
        names: ['permission', 'permissions', 'authorization'],
        apply: (value, inner) => {
          const permissions = parsePermissions(value, inner);
          if (permissions) user.permissions = permissions;
        },
      },
      {
        names: ['allowed_connection_types', 'connection_types', 'clients'],
        apply: (value, inner) => {
          const types = parseConnectionTypes(value, inner);
          if (types) user.allowedConnectionTypes = types;
        },
      },
    ], USER_UNSUPPORTED);
    const failed = context.errors.length > errorCount;
    const nkey = user.nkey ?? '';
    if (nkey === '' && (user.user ?? '') === '') {
      context.error('User entry requires a user', item.position);
    } else if (nkey !== '') {
      if (!isPublicKey(nkey, 'user')) context.error('Not a valid public nkey for a user', item.position);
      else if ((user.user ?? '') !== '' || (user.password ?? '') !== '') context.error('Nkey users do not take usernames or passwords', item.position);
      else if (!failed) {
        users.push(user);
        positions.push(item.position);
      }
    } else if (!failed) {
      users.push(user);
      positions.push(item.position);
    }
  }
  return { users, positions };
}

/** Keys of `auth_callout` that later nats-server releases accept and Natrium does not implement yet. */
const CALLOUT_UNSUPPORTED: readonly string[] = ['allowed_accounts'];

function realErrors(context: ApplyContext): number {
  return context.errors.filter((error) => error.severity === 'error').length;
}

/**
 * `authorization { auth_callout { issuer, auth_users, account, xkey } }` as nats-server 2.10 parses it:
 * the issuer is an account public key, the xkey a curve public key, issuer and auth_users are required,
 * the account defaults to $G. Whether the users and the account exist is checked once the file is read.
 */
export function parseAuthCallout(node: ConfNode, context: ApplyContext): AuthCalloutOption | undefined {
  if (node.kind !== 'map') return context.error(`Expected authorization callout to be a map/struct, got ${context.describe(node)}`, node.position);
  const before = realErrors(context);
  const callout: AuthCalloutOption = { issuer: '', authUsers: [], account: '' };
  applyBlock(node, context, [
    {
      names: ['issuer'],
      apply: (value, inner) => {
        const issuer = expectString(value, inner);
        if (issuer === undefined) return;
        if (isPublicKey(issuer, 'account')) callout.issuer = issuer;
        else inner.error(`Expected callout user to be a valid public account nkey, got ${JSON.stringify(issuer)}`, value.position);
      },
    },
    { names: ['account', 'acc'], apply: (value, inner) => { callout.account = expectString(value, inner) ?? callout.account; } },
    {
      names: ['auth_users', 'users'],
      apply: (value, inner) => {
        if (value.kind !== 'array') return inner.error(`Expected auth_users field to be an array, got ${inner.describe(value)}`, value.position);
        for (const item of value.items) {
          if (item.kind === 'string') callout.authUsers.push(item.value);
          else inner.error(`Expected auth_users entries to be strings, got ${inner.describe(item)}`, item.position);
        }
        return undefined;
      },
    },
    {
      names: ['xkey', 'key'],
      apply: (value, inner) => {
        const xkey = expectString(value, inner);
        if (xkey === undefined) return;
        if (isPublicKey(xkey, 'curve')) callout.xkey = xkey;
        else inner.error(`Expected callout xkey to be a valid public xkey, got ${JSON.stringify(xkey)}`, value.position);
      },
    },
  ], CALLOUT_UNSUPPORTED);
  if (realErrors(context) > before) return undefined;
  if (callout.account === '') callout.account = GLOBAL_ACCOUNT_NAME;
  if (callout.issuer === '') return context.error('Authorization callouts require an issuer to be specified', node.position);
  if (callout.authUsers.length === 0) return context.error('Authorization callouts require authorized users to be specified', node.position);
  return callout;
}

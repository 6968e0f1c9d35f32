// NATS JWT v2 claim types (operator, account, user, activation) and their strict reading from decoded JSON.

/** Fields every claim has (seconds since the epoch for times; 0 = not set). */
export interface ClaimsData {
  jti: string;
  iat: number;
  iss: string;
  sub: string;
  name: string;
  aud: string;
  exp: number;
  nbf: number;
  /** `nats.type`. */
  type: string;
  /** `nats.version` (2 for v2 JWTs). */
  version: number;
  tags: string[];
  /** The decoded `nats` object as sent, for fields this module does not model. */
  raw: Record<string, unknown>;
}

export interface PermissionClaim {
  allow: string[];
  deny: string[];
}

/** Wire `resp`: `max` responses per request, within `ttl` nanoseconds (Go time.Duration). */
export interface ResponsePermissionClaim {
  max: number;
  ttl: number;
}

/** Wire `pub`, `sub`, `resp` (renamed: `sub` is also the JWT subject). */
export interface PermissionsClaim {
  publish: PermissionClaim;
  subscribe: PermissionClaim;
  response?: ResponsePermissionClaim;
}

export interface TimeRange {
  start: string;
  end: string;
}

/** A user's permissions and limits (also the template of a scoped signing key). */
export interface UserPermissionLimits extends PermissionsClaim {
  src: string[];
  times: TimeRange[];
  /** `times_location`: an IANA zone name; '' = the server's local time. */
  timesLocation: string;
  /** -1 = unlimited. */
  subs: number;
  data: number;
  payload: number;
  bearerToken: boolean;
  allowedConnectionTypes: string[];
}

export interface UserClaims extends ClaimsData, UserPermissionLimits {
  type: 'user';
  /** Set when a signing key of this account issued the JWT. */
  issuerAccount: string;
}

export interface UserScope {
  kind: 'user_template';
  key: string;
  role: string;
  template: UserPermissionLimits;
}

export interface ExportClaim {
  name: string;
  subject: string;
  type: 'stream' | 'service';
  tokenReq: boolean;
  revocations: Map<string, number>;
  /** 'Singleton' | 'Stream' | 'Chunked' ('' = Singleton) for services. */
  responseType: string;
  /** Nanoseconds. */
  responseThreshold: number;
  latency?: { sampling: number; results: string };
  accountTokenPosition: number;
  advertise: boolean;
}

export interface ImportClaim {
  name: string;
  subject: string;
  account: string;
  token: string;
  /** Deprecated `to`. */
  to: string;
  localSubject: string;
  type: 'stream' | 'service';
  share: boolean;
}

export interface AccountLimitsClaim {
  subs: number;
  data: number;
  payload: number;
  imports: number;
  exports: number;
  wildcards: boolean;
  disallowBearer: boolean;
  conn: number;
  leaf: number;
  memStorage: number;
  diskStorage: number;
  streams: number;
  consumer: number;
  maxAckPending: number;
  memMaxStreamBytes: number;
  diskMaxStreamBytes: number;
  maxBytesRequired: boolean;
  /** Tier name -> the raw JetStream limits object. */
  tieredLimits: Record<string, Record<string, unknown>>;
}

export interface WeightedMapping {
  subject: string;
  weight: number;
  cluster: string;
}

export interface AccountClaims extends ClaimsData {
  type: 'account';
  imports: ImportClaim[];
  exports: ExportClaim[];
  limits: AccountLimitsClaim;
  /** Signing key -> its scope, or null for an unscoped key. */
  signingKeys: Map<string, UserScope | null>;
  /** Public key (or "*") -> revoke everything issued at or before this time (seconds). */
  revocations: Map<string, number>;
  defaultPermissions: PermissionsClaim;
  mappings: Record<string, WeightedMapping[]>;
  description: string;
  infoUrl: string;
}

export interface OperatorClaims extends ClaimsData {
  type: 'operator';
  signingKeys: string[];
  accountServerUrl: string;
  operatorServiceUrls: string[];
  systemAccount: string;
  assertServerVersion: string;
  strictSigningKeyUsage: boolean;
}

export interface ActivationClaims extends ClaimsData {
  type: 'activation';
  subject: string;
  kind: string;
  issuerAccount: string;
}

export interface GenericClaims extends ClaimsData {
  type: string;
}

export type AnyClaims = UserClaims | AccountClaims | OperatorClaims | ActivationClaims | GenericClaims;

/**
 * Reads fields of one JSON object strictly, like Go's decoder: a wrong type is an error, null is absent.
 * Errors collect in `errors`; the reader returns zero values so reading continues.
 */
export class FieldReader {
  constructor(readonly errors: string[], readonly path = '') {}

  object(value: unknown, key: string): Record<string, unknown> {
    const v = isObject(value) ? value[key] : undefined;
    if (v === undefined || v === null) return {};
    if (isObject(v)) return v;
    this.errors.push(`${this.path}${key}: expected an object`);
    return {};
  }

  string(source: Record<string, unknown>, key: string): string {
    const v = source[key];
    if (v === undefined || v === null) return '';
    if (typeof v === 'string') return v;
    this.errors.push(`${this.path}${key}: expected a string`);
    return '';
  }

  integer(source: Record<string, unknown>, key: string, absent = 0): number {
    const v = source[key];
    if (v === undefined || v === null) return absent;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    this.errors.push(`${this.path}${key}: expected an integer`);
    return absent;
  }

  boolean(source: Record<string, unknown>, key: string): boolean {
    const v = source[key];
    if (v === undefined || v === null) return false;
    if (typeof v === 'boolean') return v;
    this.errors.push(`${this.path}${key}: expected a boolean`);
    return false;
  }

  strings(source: Record<string, unknown>, key: string): string[] {
    const v = source[key];
    if (v === undefined || v === null) return [];
    if (Array.isArray(v) && v.every((item) => typeof item === 'string')) return v.slice() as string[];
    this.errors.push(`${this.path}${key}: expected an array of strings`);
    return [];
  }

  array(source: Record<string, unknown>, key: string): Record<string, unknown>[] {
    const v = source[key];
    if (v === undefined || v === null) return [];
    if (Array.isArray(v) && v.every((item) => item === null || isObject(item))) return v.map((item) => (item ?? {}) as Record<string, unknown>);
    this.errors.push(`${this.path}${key}: expected an array of objects`);
    return [];
  }

  /** A map of string -> integer (revocations). */
  integerMap(source: Record<string, unknown>, key: string): Map<string, number> {
    const result = new Map<string, number>();
    const v = source[key];
    if (v === undefined || v === null) return result;
    if (!isObject(v)) {
      this.errors.push(`${this.path}${key}: expected an object`);
      return result;
    }
    for (const [name, value] of Object.entries(v)) {
      if (typeof value === 'number' && Number.isInteger(value)) result.set(name, value);
      else this.errors.push(`${this.path}${key}.${name}: expected an integer`);
    }
    return result;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readClaimsData(payload: Record<string, unknown>, nats: Record<string, unknown>, reader: FieldReader): ClaimsData {
  return {
    jti: reader.string(payload, 'jti'),
    iat: reader.integer(payload, 'iat'),
    iss: reader.string(payload, 'iss'),
    sub: reader.string(payload, 'sub'),
    name: reader.string(payload, 'name'),
    aud: reader.string(payload, 'aud'),
    exp: reader.integer(payload, 'exp'),
    nbf: reader.integer(payload, 'nbf'),
    type: reader.string(nats, 'type'),
    version: reader.integer(nats, 'version'),
    tags: reader.strings(nats, 'tags'),
    raw: nats,
  };
}

function readPermission(source: Record<string, unknown>, key: string, reader: FieldReader): PermissionClaim {
  const p = reader.object(source, key);
  return { allow: reader.strings(p, 'allow'), deny: reader.strings(p, 'deny') };
}

export function readPermissions(source: Record<string, unknown>, reader: FieldReader): PermissionsClaim {
  const result: PermissionsClaim = { publish: readPermission(source, 'pub', reader), subscribe: readPermission(source, 'sub', reader) };
  const resp = source.resp;
  if (resp !== undefined && resp !== null) {
    const r = reader.object(source, 'resp');
    result.response = { max: reader.integer(r, 'max'), ttl: reader.integer(r, 'ttl') };
  }
  return result;
}

/** `src` is a JSON array of CIDRs or one comma-separated string (both accepted by nats-io/jwt). */
function readCidrList(source: Record<string, unknown>, reader: FieldReader): string[] {
  const v = source.src;
  if (typeof v === 'string') return v.toLowerCase().split(',').map((s) => s.trim()).filter((s) => s !== '');
  return reader.strings(source, 'src');
}

export function readUserPermissionLimits(source: Record<string, unknown>, reader: FieldReader): UserPermissionLimits {
  return {
    ...readPermissions(source, reader),
    src: readCidrList(source, reader),
    times: reader.array(source, 'times').map((t) => ({ start: reader.string(t, 'start'), end: reader.string(t, 'end') })),
    timesLocation: reader.string(source, 'times_location'),
    subs: reader.integer(source, 'subs'),
    data: reader.integer(source, 'data'),
    payload: reader.integer(source, 'payload'),
    bearerToken: reader.boolean(source, 'bearer_token'),
    allowedConnectionTypes: reader.strings(source, 'allowed_connection_types'),
  };
}

function readExportType(source: Record<string, unknown>, reader: FieldReader): 'stream' | 'service' {
  const type = reader.string(source, 'type');
  if (type === 'stream' || type === 'service') return type;
  reader.errors.push(`unknown export type "${type}"`);
  return 'stream';
}

export function readAccountLimits(source: Record<string, unknown>, reader: FieldReader): AccountLimitsClaim {
  const tiered: Record<string, Record<string, unknown>> = {};
  for (const [tier, value] of Object.entries(reader.object(source, 'tiered_limits'))) {
    if (isObject(value)) tiered[tier] = value;
    else reader.errors.push(`tiered_limits.${tier}: expected an object`);
  }
  return {
    subs: reader.integer(source, 'subs'),
    data: reader.integer(source, 'data'),
    payload: reader.integer(source, 'payload'),
    imports: reader.integer(source, 'imports'),
    exports: reader.integer(source, 'exports'),
    wildcards: reader.boolean(source, 'wildcards'),
    disallowBearer: reader.boolean(source, 'disallow_bearer'),
    conn: reader.integer(source, 'conn'),
    leaf: reader.integer(source, 'leaf'),
    memStorage: reader.integer(source, 'mem_storage'),
    diskStorage: reader.integer(source, 'disk_storage'),
    streams: reader.integer(source, 'streams'),
    consumer: reader.integer(source, 'consumer'),
    maxAckPending: reader.integer(source, 'max_ack_pending'),
    memMaxStreamBytes: reader.integer(source, 'mem_max_stream_bytes'),
    diskMaxStreamBytes: reader.integer(source, 'disk_max_stream_bytes'),
    maxBytesRequired: reader.boolean(source, 'max_bytes_required'),
    tieredLimits: tiered,
  };
}

function readSigningKeys(nats: Record<string, unknown>, reader: FieldReader): Map<string, UserScope | null> {
  const keys = new Map<string, UserScope | null>();
  const v = nats.signing_keys;
  if (v === undefined || v === null) return keys;
  if (!Array.isArray(v)) {
    reader.errors.push('signing_keys: expected an array');
    return keys;
  }
  for (const item of v) {
    if (typeof item === 'string') {
      keys.set(item, null);
    } else if (isObject(item) && item.kind === 'user_template') {
      const key = reader.string(item, 'key');
      keys.set(key, { kind: 'user_template', key, role: reader.string(item, 'role'), template: readUserPermissionLimits(reader.object(item, 'template'), reader) });
    } else {
      reader.errors.push('signing_keys: unknown signing key scope');
    }
  }
  return keys;
}

export function readAccountClaims(data: ClaimsData, nats: Record<string, unknown>, reader: FieldReader): AccountClaims {
  const mappings: Record<string, WeightedMapping[]> = {};
  for (const [from, list] of Object.entries(reader.object(nats, 'mappings'))) {
    if (!Array.isArray(list) || !list.every(isObject)) {
      reader.errors.push(`mappings.${from}: expected an array of objects`);
      continue;
    }
    mappings[from] = (list as Record<string, unknown>[]).map((m) => ({ subject: reader.string(m, 'subject'), weight: reader.integer(m, 'weight'), cluster: reader.string(m, 'cluster') }));
  }
  return {
    ...data,
    type: 'account',
    imports: reader.array(nats, 'imports').map((i) => ({
      name: reader.string(i, 'name'),
      subject: reader.string(i, 'subject'),
      account: reader.string(i, 'account'),
      token: reader.string(i, 'token'),
      to: reader.string(i, 'to'),
      localSubject: reader.string(i, 'local_subject'),
      type: readExportType(i, reader),
      share: reader.boolean(i, 'share'),
    })),
    exports: reader.array(nats, 'exports').map((e) => {
      const latency = e.service_latency === undefined || e.service_latency === null ? undefined : reader.object(e, 'service_latency');
      return {
        name: reader.string(e, 'name'),
        subject: reader.string(e, 'subject'),
        type: readExportType(e, reader),
        tokenReq: reader.boolean(e, 'token_req'),
        revocations: reader.integerMap(e, 'revocations'),
        responseType: reader.string(e, 'response_type'),
        responseThreshold: reader.integer(e, 'response_threshold'),
        latency: latency === undefined ? undefined : { sampling: reader.integer(latency, 'sampling'), results: reader.string(latency, 'results') },
        accountTokenPosition: reader.integer(e, 'account_token_position'),
        advertise: reader.boolean(e, 'advertise'),
      };
    }),
    limits: readAccountLimits(reader.object(nats, 'limits'), reader),
    signingKeys: readSigningKeys(nats, reader),
    revocations: reader.integerMap(nats, 'revocations'),
    defaultPermissions: readPermissions(reader.object(nats, 'default_permissions'), reader),
    mappings,
    description: reader.string(nats, 'description'),
    infoUrl: reader.string(nats, 'info_url'),
  };
}

export function readOperatorClaims(data: ClaimsData, nats: Record<string, unknown>, reader: FieldReader): OperatorClaims {
  return {
    ...data,
    type: 'operator',
    signingKeys: reader.strings(nats, 'signing_keys'),
    accountServerUrl: reader.string(nats, 'account_server_url'),
    operatorServiceUrls: reader.strings(nats, 'operator_service_urls'),
    systemAccount: reader.string(nats, 'system_account'),
    assertServerVersion: reader.string(nats, 'assert_server_version'),
    strictSigningKeyUsage: reader.boolean(nats, 'strict_signing_key_usage'),
  };
}

export function readUserClaims(data: ClaimsData, nats: Record<string, unknown>, reader: FieldReader): UserClaims {
  return { ...data, ...readUserPermissionLimits(nats, reader), type: 'user', issuerAccount: reader.string(nats, 'issuer_account') };
}

export function readActivationClaims(data: ClaimsData, nats: Record<string, unknown>, reader: FieldReader): ActivationClaims {
  return { ...data, type: 'activation', subject: reader.string(nats, 'subject'), kind: reader.string(nats, 'kind'), issuerAccount: reader.string(nats, 'issuer_account') };
}

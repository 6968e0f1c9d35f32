// The CONNECT JSON a client sends: parsed and type-checked the way nats-server's JSON decoding accepts it.

export interface ConnectOptions {
  verbose: boolean;
  pedantic: boolean;
  tls_required: boolean;
  echo: boolean;
  headers: boolean;
  noResponders: boolean;
  name: string;
  lang: string;
  version: string;
  protocol: number;
  user: string;
  pass: string;
  authToken: string;
  nkey: string;
  sig: string;
  jwt: string;
}

type FieldKind = 'boolean' | 'string' | 'integer';

/** JSON field -> [our field, type]. Unknown fields are ignored, as Go's decoder does. */
const FIELDS: Record<string, [keyof ConnectOptions, FieldKind]> = {
  verbose: ['verbose', 'boolean'],
  pedantic: ['pedantic', 'boolean'],
  tls_required: ['tls_required', 'boolean'],
  echo: ['echo', 'boolean'],
  headers: ['headers', 'boolean'],
  no_responders: ['noResponders', 'boolean'],
  name: ['name', 'string'],
  lang: ['lang', 'string'],
  version: ['version', 'string'],
  protocol: ['protocol', 'integer'],
  user: ['user', 'string'],
  pass: ['pass', 'string'],
  auth_token: ['authToken', 'string'],
  nkey: ['nkey', 'string'],
  sig: ['sig', 'string'],
  jwt: ['jwt', 'string'],
};

/** nats-server's defaults before the client's JSON is applied: verbose and pedantic are on unless turned off. */
function defaults(): ConnectOptions {
  return {
    verbose: true, pedantic: true, tls_required: false, echo: true, headers: false, noResponders: false,
    name: '', lang: '', version: '', protocol: 0, user: '', pass: '', authToken: '', nkey: '', sig: '', jwt: '',
  };
}

/** Returns the options, or a string saying why the JSON was refused. */
export function parseConnectOptions(json: string): ConnectOptions | string {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    return `invalid JSON: ${(err as Error).message}`;
  }
  const options = defaults();
  if (raw === null) return options; // Go decodes `null` into an untouched struct
  if (typeof raw !== 'object' || Array.isArray(raw)) return 'CONNECT is not a JSON object';
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    // Go's JSON decoding matches field names case-insensitively. Own properties only: a client may send
    // keys such as "__proto__" or "constructor".
    const field = Object.hasOwn(FIELDS, key) ? FIELDS[key] : Object.hasOwn(FIELDS, key.toLowerCase()) ? FIELDS[key.toLowerCase()] : undefined;
    if (field === undefined || value === null) continue;
    const [name, kind] = field;
    if (kind === 'boolean') {
      if (typeof value !== 'boolean') return `field ${key} must be a boolean`;
      (options[name] as boolean) = value;
    } else if (kind === 'string') {
      if (typeof value !== 'string') return `field ${key} must be a string`;
      (options[name] as string) = value;
    } else {
      if (typeof value !== 'number' || !Number.isInteger(value)) return `field ${key} must be an integer`;
      (options[name] as number) = value;
    }
  }
  return options;
}

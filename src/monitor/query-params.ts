// Reading monitoring query parameters with nats-server's rules and its exact error texts (Go's strconv).

/** A request nats-server refuses with 400 and a plain-text reason. */
export class MonitorRequestError extends Error {
  constructor(message: string, readonly status = 400) {
    super(message);
  }
}

const TRUE_WORDS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_WORDS = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
const UINT64_MAX = 18446744073709551615n;

export function queryBool(query: URLSearchParams, name: string): boolean {
  const text = query.get(name) ?? '';
  if (text === '') return false;
  if (TRUE_WORDS.has(text)) return true;
  if (FALSE_WORDS.has(text)) return false;
  throw new MonitorRequestError(`Error decoding boolean for '${name}': strconv.ParseBool: parsing ${goQuote(text)}: invalid syntax`);
}

export function queryInt(query: URLSearchParams, name: string): number {
  const text = query.get(name) ?? '';
  if (text === '') return 0;
  if (!/^[+-]?\d+$/.test(text)) throw new MonitorRequestError(`Error decoding int for '${name}': strconv.Atoi: parsing ${goQuote(text)}: invalid syntax`);
  const value = BigInt(text);
  if (value > INT64_MAX || value < INT64_MIN) throw new MonitorRequestError(`Error decoding int for '${name}': strconv.Atoi: parsing ${goQuote(text)}: value out of range`);
  return Number(value);
}

export function queryUint(query: URLSearchParams, name: string): number {
  const text = query.get(name) ?? '';
  if (text === '') return 0;
  if (!/^\d+$/.test(text)) throw new MonitorRequestError(`Error decoding uint64 for '${name}': strconv.ParseUint: parsing ${goQuote(text)}: invalid syntax`);
  if (BigInt(text) > UINT64_MAX) throw new MonitorRequestError(`Error decoding uint64 for '${name}': strconv.ParseUint: parsing ${goQuote(text)}: value out of range`);
  return Number(text);
}

/** Go's %q for the plain ASCII a query usually holds; JSON's quoting is the same for it. */
function goQuote(text: string): string {
  return JSON.stringify(text);
}

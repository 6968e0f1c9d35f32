// Query parameters decoded as nats-server decodes them (Go's strconv), with its 400 error texts.

/** A bad query value; its message is nats-server's whole response body. */
export class QueryError extends Error {}

const TRUE_WORDS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_WORDS = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** A boolean parameter: absent or empty is false, else one of strconv.ParseBool's words. */
export function queryBool(query: URLSearchParams, name: string): boolean {
  const text = query.get(name) ?? '';
  if (text === '' || FALSE_WORDS.has(text)) return false;
  if (TRUE_WORDS.has(text)) return true;
  throw new QueryError(`Error decoding boolean for '${name}': strconv.ParseBool: parsing ${JSON.stringify(text)}: invalid syntax`);
}

/** An integer parameter: absent or empty is 0, else a decimal as strconv.Atoi reads it. */
export function queryInt(query: URLSearchParams, name: string): number {
  const text = query.get(name) ?? '';
  if (text === '') return 0;
  if (!/^[+-]?\d+$/.test(text)) throw new QueryError(`Error decoding int for '${name}': strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new QueryError(`Error decoding int for '${name}': strconv.Atoi: parsing ${JSON.stringify(text)}: value out of range`);
  return value;
}

/**
 * JSON indented like nats-server's, where bigint values are written with all their digits (uint64 fields
 * such as an unlimited reservation, 18446744073709551615, which a JS number would round).
 */
export function jsonWithBigInts(value: unknown, indent: number | undefined = 2): string {
  const marker = '\u0000bigint:';
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${marker}${v.toString()}` : v), indent);
  return text.replace(/"\\u0000bigint:(-?\d+)"/g, '$1');
}

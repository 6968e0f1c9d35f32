// A strict parser for the Prometheus text exposition format 0.0.4: it throws on anything a scraper would reject.

export type PrometheusType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

export interface PrometheusFamily {
  name: string;
  type: PrometheusType;
  help?: string;
  samples: PrometheusSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set<PrometheusType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export class PrometheusParseError extends Error {
  constructor(line: number, reason: string) {
    super(`line ${line}: ${reason}`);
  }
}

/** The families by name. Rules: newline-terminated, one HELP and TYPE per family before its samples, contiguous families, no duplicate series. */
export function parsePrometheusText(text: string): Map<string, PrometheusFamily> {
  if (text.length > 0 && !text.endsWith('\n')) throw new PrometheusParseError(0, 'the exposition must end with a newline');
  const families = new Map<string, PrometheusFamily>();
  const seriesSeen = new Set<string>();
  let current: PrometheusFamily | null = null;
  const closed = new Set<string>();
  const lines = text.split('\n');
  lines.pop();
  const familyFor = (name: string, lineNo: number): PrometheusFamily => {
    let family = families.get(name);
    if (family === undefined) {
      family = { name, type: 'untyped', samples: [] };
      families.set(name, family);
    }
    if (current !== family) {
      if (closed.has(name)) throw new PrometheusParseError(lineNo, `metric family ${name} is not contiguous`);
      if (current !== null) closed.add(current.name);
      current = family;
    }
    return family;
  };
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const match = /^#\s*(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
      if (match === null) return; // a plain comment
      const [, keyword, name, rest = ''] = match as unknown as [string, string, string, string?];
      if (!NAME.test(name)) throw new PrometheusParseError(lineNo, `invalid metric name ${JSON.stringify(name)}`);
      const family = familyFor(name, lineNo);
      if (keyword === 'HELP') {
        if (family.help !== undefined) throw new PrometheusParseError(lineNo, `second HELP for ${name}`);
        family.help = unescape(rest, false, lineNo);
      } else {
        if (!TYPES.has(rest as PrometheusType)) throw new PrometheusParseError(lineNo, `unknown type ${JSON.stringify(rest)}`);
        if (family.samples.length > 0) throw new PrometheusParseError(lineNo, `TYPE for ${name} after its samples`);
        if (family.type !== 'untyped' || (family as { typed?: boolean }).typed) throw new PrometheusParseError(lineNo, `second TYPE for ${name}`);
        family.type = rest as PrometheusType;
        (family as { typed?: boolean }).typed = true;
      }
      return;
    }
    const sample = parseSampleLine(line, lineNo);
    const family = familyFor(familyName(sample.name, families), lineNo);
    const series = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seriesSeen.has(series)) throw new PrometheusParseError(lineNo, `duplicate series ${series}`);
    seriesSeen.add(series);
    family.samples.push(sample);
  });
  for (const family of families.values()) delete (family as { typed?: boolean }).typed;
  return families;
}

/** Histogram and summary samples (`_bucket`, `_sum`, `_count`) belong to their family's name. */
function familyName(sampleName: string, families: Map<string, PrometheusFamily>): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!sampleName.endsWith(suffix)) continue;
    const base = families.get(sampleName.slice(0, -suffix.length));
    if (base !== undefined && (base.type === 'histogram' || base.type === 'summary')) return base.name;
  }
  return sampleName;
}

function parseSampleLine(line: string, lineNo: number): PrometheusSample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (nameMatch === null) throw new PrometheusParseError(lineNo, `no metric name in ${JSON.stringify(line)}`);
  const name = nameMatch[0];
  let at = name.length;
  const labels: Record<string, string> = {};
  if (line[at] === '{') {
    at++;
    while (line[at] !== '}') {
      const labelMatch = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(at));
      if (labelMatch === null || !LABEL_NAME.test(labelMatch[0])) throw new PrometheusParseError(lineNo, `bad label name at column ${at + 1}`);
      const labelName = labelMatch[0];
      at += labelName.length;
      if (line.slice(at, at + 2) !== '="') throw new PrometheusParseError(lineNo, `expected =" after label ${labelName}`);
      at += 2;
      let raw = '';
      while (at < line.length && line[at] !== '"') {
        if (line[at] === '\\') {
          raw += line.slice(at, at + 2);
          at += 2;
        } else {
          raw += line[at++];
        }
      }
      if (line[at] !== '"') throw new PrometheusParseError(lineNo, `unterminated value of label ${labelName}`);
      at++;
      if (Object.hasOwn(labels, labelName)) throw new PrometheusParseError(lineNo, `label ${labelName} repeated`);
      labels[labelName] = unescape(raw, true, lineNo);
      if (line[at] === ',') {
        at++;
        if (line[at] === '}') throw new PrometheusParseError(lineNo, 'trailing comma in labels');
      } else if (line[at] !== '}') {
        throw new PrometheusParseError(lineNo, `expected , or } at column ${at + 1}`);
      }
    }
    at++;
  }
  const rest = line.slice(at);
  const valueMatch = /^ (\S+)(?: (-?\d+))?$/.exec(rest);
  if (valueMatch === null) throw new PrometheusParseError(lineNo, `bad value part ${JSON.stringify(rest)}`);
  const value = parseValue(valueMatch[1]!, lineNo);
  const sample: PrometheusSample = { name, labels, value };
  if (valueMatch[2] !== undefined) sample.timestampMs = Number(valueMatch[2]);
  return sample;
}

function parseValue(text: string, lineNo: number): number {
  if (text === 'NaN') return NaN;
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new PrometheusParseError(lineNo, `bad sample value ${JSON.stringify(text)}`);
  return Number(text);
}

/** HELP allows \\ and \n; label values also \". Any other escape, or a raw newline, is an error. */
function unescape(raw: string, labelValue: boolean, lineNo: number): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = raw[++i];
    if (next === '\\') out += '\\';
    else if (next === 'n') out += '\n';
    else if (next === '"' && labelValue) out += '"';
    else if (!labelValue) out += `\\${next ?? ''}`; // HELP keeps unknown escapes literally, as Prometheus does
    else throw new PrometheusParseError(lineNo, `invalid escape \\${next ?? ''}`);
  }
  return out;
}

/** The value of the one sample of `name` whose labels include `labels`; throws when there is not exactly one. */
export function sampleValue(families: Map<string, PrometheusFamily>, name: string, labels: Record<string, string> = {}): number {
  const family = families.get(name);
  if (family === undefined) throw new Error(`no metric ${name}`);
  const matches = family.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (matches.length !== 1) throw new Error(`${matches.length} samples of ${name} with ${JSON.stringify(labels)}`);
  return matches[0]!.value;
}

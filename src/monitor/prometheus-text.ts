// A writer for the Prometheus text exposition format 0.0.4: metric families with HELP, TYPE and escaped labels.

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type MetricType = 'counter' | 'gauge';
export type Labels = Readonly<Record<string, string>>;

/** One sample of a family: its labels (none for a single-value family) and value. */
export interface Sample {
  labels?: Labels;
  value: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Collects families in the order they are added; `text()` is the whole exposition. */
export class PrometheusText {
  private readonly parts: string[] = [];
  private readonly names = new Set<string>();

  /**
   * Adds a family. Counters must end in `_total`, as the naming conventions ask, and a name may appear
   * once: mistakes here would only show up as a scraper rejecting the page, so they throw at once.
   */
  add(name: string, type: MetricType, help: string, samples: readonly Sample[] | number): this {
    if (!METRIC_NAME.test(name)) throw new Error(`invalid metric name ${name}`);
    if (type === 'counter' && !name.endsWith('_total')) throw new Error(`counter ${name} must end in _total`);
    if (this.names.has(name)) throw new Error(`metric ${name} added twice`);
    this.names.add(name);
    this.parts.push(`# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`);
    const list = typeof samples === 'number' ? [{ value: samples }] : samples;
    for (const sample of list) this.parts.push(`${name}${formatLabels(sample.labels)} ${formatValue(sample.value)}\n`);
    return this;
  }

  text(): string {
    return this.parts.join('');
  }
}

function formatLabels(labels: Labels | undefined): string {
  if (labels === undefined) return '';
  const pairs = Object.entries(labels);
  if (pairs.length === 0) return '';
  return `{${pairs.map(([key, value]) => {
    if (!LABEL_NAME.test(key) || key.startsWith('__')) throw new Error(`invalid label name ${key}`);
    return `${key}="${escapeLabelValue(value)}"`;
  }).join(',')}}`;
}

/** HELP text: backslash and newline are escaped. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Label values: backslash, double quote and newline are escaped. */
function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

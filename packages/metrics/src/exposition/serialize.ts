import type { Registry } from 'prom-client';

/** The two exposition formats the `/metrics` handler speaks. */
export type ExpositionFormat = 'prometheus' | 'openmetrics';

/** Content types of {@link ExpositionFormat}s. */
export const CONTENT_TYPES: Readonly<Record<ExpositionFormat, string>> = {
  prometheus: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
};

/** Options of {@link serializeRegistry}. */
export interface SerializeOptions {
  /**
   * Longest stretch of synchronous serialisation before yielding to the event
   * loop, so a big scrape never stalls updates in flight.
   * @default 2
   */
  readonly sliceMs?: number;
}

interface Sample {
  readonly labels?: Readonly<Record<string, string | number>>;
  /** Labels prom-client histograms share across a series' buckets. */
  readonly sharedLabels?: Readonly<Record<string, string | number>>;
  readonly value: number;
  readonly metricName?: string;
}

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: string;
  readonly values?: readonly Sample[];
}

interface Collectable {
  readonly name: string;
  get(): Promise<Family> | Family;
  getForPromString?: () => Promise<Family>;
}

/**
 * Serialises every metric of `registry` as Prometheus text 0.0.4 or
 * OpenMetrics 1.0, yielding to the event loop between metric families once a
 * slice of work has run. prom-client's own OpenMetrics output renames counters
 * in place, so Portcullis writes both formats itself.
 */
export async function serializeRegistry(
  registry: Registry,
  format: ExpositionFormat,
  options: SerializeOptions = {},
): Promise<string> {
  const sliceMs = options.sliceMs ?? 2;
  const defaults = defaultLabelsOf(registry);
  const defaultsText = defaults === undefined ? '' : formatLabels(defaults, undefined);
  const open = format === 'openmetrics';
  const lines: string[] = [];
  let sliceStart = performance.now();
  const maybeYield = async (): Promise<void> => {
    if (performance.now() - sliceStart < sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    sliceStart = performance.now();
  };
  for (const metric of registry.getMetricsAsArray() as unknown as Collectable[]) {
    const family = await (metric.getForPromString?.() ?? metric.get());
    const isCounter = open && family.type === 'counter';
    const base = isCounter ? family.name.replace(/_total$/, '') : family.name;
    const type = open && family.type === 'untyped' ? 'unknown' : family.type;
    if (!open && lines.length > 0) lines.push('');
    lines.push(`# HELP ${base} ${escapeHelp(family.help, open)}`, `# TYPE ${base} ${type}`);
    const samples = family.values ?? [];
    for (let i = 0; i < samples.length; i++) {
      const sample = samples[i]!;
      const name = isCounter ? `${base}_total` : (sample.metricName ?? family.name);
      lines.push(sampleLine(name, sample, defaults, defaultsText));
      // Big families (a histogram with many series) are split across slices too.
      if ((i & 255) === 255) await maybeYield();
    }
    await maybeYield();
  }
  lines.push(open ? '# EOF\n' : '');
  return lines.join('\n');
}

type Labels = Readonly<Record<string, string | number>>;

function sampleLine(
  name: string,
  sample: Sample,
  defaults: Labels | undefined,
  defaultsText: string,
): string {
  const shared = sample.sharedLabels;
  if (defaults !== undefined && shared === undefined && !sharesKey(sample.labels, defaults)) {
    // The common case with default labels: the series' own labels stay cached
    // and the defaults, formatted once per scrape, follow them.
    const own = sample.labels === undefined ? '' : cachedLabels(sample.labels);
    const text = own === '' ? defaultsText : `${own},${defaultsText}`;
    return `${name}{${text}} ${formatValue(sample.value)}`;
  }
  // Ordered as prom-client merges them: the series' labels, then defaults it lacks.
  const own =
    defaults === undefined ? sample.labels : { ...sample.labels, ...defaults, ...sample.labels };
  let text =
    own === undefined ? '' : shared === undefined ? cachedLabels(own) : formatLabels(own, shared);
  if (shared !== undefined) {
    const flat = flattenShared(shared);
    if (flat !== '') text = text === '' ? flat : `${text},${flat}`;
  }
  return `${name}${text === '' ? '' : `{${text}}`} ${formatValue(sample.value)}`;
}

function sharesKey(labels: Labels | undefined, defaults: Labels): boolean {
  if (labels === undefined) return false;
  for (const key in defaults) if (Object.hasOwn(labels, key)) return true;
  return false;
}

function formatLabels(labels: Labels, exclude: Labels | undefined): string {
  let text = '';
  for (const key in labels) {
    const value = labels[key];
    if (value === undefined || (exclude !== undefined && Object.hasOwn(exclude, key))) continue;
    text += `${text === '' ? '' : ','}${key}="${escapeLabel(String(value))}"`;
  }
  return text;
}

// Label objects are never mutated once a series exists (ours and prom-client's),
// so each one is formatted once and reused across scrapes.
const labelCache = new WeakMap<Labels, string>();

function cachedLabels(labels: Labels): string {
  let text = labelCache.get(labels);
  if (text === undefined) {
    text = formatLabels(labels, undefined);
    labelCache.set(labels, text);
  }
  return text;
}

function flattenShared(shared: Labels): string {
  return cachedLabels(shared);
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

function escapeHelp(help: string, quotes: boolean): string {
  const escaped = help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return quotes ? escaped.replace(/"/g, '\\"') : escaped;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

// prom-client keeps registry default labels in a field it does not expose.
function defaultLabelsOf(registry: Registry): Labels | undefined {
  const labels = (registry as unknown as { _defaultLabels?: Labels })._defaultLabels;
  return labels !== undefined && Object.keys(labels).length > 0 ? labels : undefined;
}

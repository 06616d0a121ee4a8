/**
 * The series a Portcullis gateway exposes, derived from the metrics catalog.
 * Every rule and dashboard names metrics through {@link MetricSchema.metric},
 * which fails on a name the catalog does not define: metric names and the
 * prefix are never typed twice by hand.
 */

/** The shape of one catalog label (mirrors `@portcullis/metrics`). */
export interface CatalogLabel {
  readonly name: string;
  readonly description: string;
  readonly values?: readonly string[];
}

/** The shape of one catalog entry (mirrors `@portcullis/metrics`). */
export interface CatalogMetric {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly help: string;
  readonly labels: readonly CatalogLabel[];
  readonly group: string;
}

/** Labels Prometheus attaches to every scraped series. */
export const TARGET_LABELS = ['job', 'instance'] as const;

/** One series name Prometheus can hold, with the labels it may carry. */
export interface SeriesInfo {
  readonly name: string;
  readonly labels: ReadonlySet<string>;
  /** The documented values of labels whose values the catalog lists. */
  readonly values: ReadonlyMap<string, ReadonlySet<string>>;
  /** Where the series comes from. */
  readonly source: 'catalog' | 'process' | 'prometheus' | 'recording-rule';
}

/** A catalog metric, resolved to its exposed name(s) and checked labels. */
export interface MetricRef {
  /** The exposed name, prefix included (for a histogram: the family name). */
  readonly name: string;
  readonly type: CatalogMetric['type'];
  /** `<name>_bucket`; throws unless the metric is a histogram. */
  readonly bucket: string;
  /** `<name>_sum`; throws unless the metric is a histogram. */
  readonly sum: string;
  /** `<name>_count`; throws unless the metric is a histogram. */
  readonly count: string;
  /** Returns `label` after checking the metric carries it. */
  label(label: string): string;
  /** Returns `value` after checking `label` is documented to take it (when its values are listed). */
  value(label: string, value: string): string;
}

/** What {@link createSchema} needs. */
export interface SchemaOptions {
  readonly catalog: readonly CatalogMetric[];
  /** The metric prefix of the catalog metrics. */
  readonly prefix: string;
  /** prom-client's default process metrics, as exposed. */
  readonly processMetricNames: readonly string[];
}

/** Lookup of every series the gateway and Prometheus expose. */
export interface MetricSchema {
  readonly prefix: string;
  /** The catalog metric named `name` (without prefix); throws if the catalog lacks it. */
  metric(name: string): MetricRef;
  /** A prom-client process metric (as exposed); throws if it is not one. */
  process(name: string): string;
  /** Every known series by exposed name. */
  readonly series: ReadonlyMap<string, SeriesInfo>;
  /** Adds the output of a recording rule so later expressions may use it. */
  addRecorded(name: string, labels: Iterable<string>): void;
}

/** Thrown when a rule or dashboard names a metric or label the catalog does not define. */
export class CatalogMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CatalogMismatchError';
  }
}

const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'] as const;

/** Builds the {@link MetricSchema} of a catalog. */
export function createSchema(options: SchemaOptions): MetricSchema {
  const { catalog, prefix, processMetricNames } = options;
  const series = new Map<string, SeriesInfo>();
  const byName = new Map<string, CatalogMetric>();
  const add = (
    name: string,
    labels: Iterable<string>,
    source: SeriesInfo['source'],
    values: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
  ) => {
    series.set(name, { name, labels: new Set([...labels, ...TARGET_LABELS]), values, source });
  };
  for (const entry of catalog) {
    byName.set(entry.name, entry);
    const full = `${prefix}${entry.name}`;
    const labels = entry.labels.map((label) => label.name);
    const values = new Map(
      entry.labels.flatMap((label) =>
        label.values === undefined ? [] : [[label.name, new Set(label.values)] as const],
      ),
    );
    if (entry.type === 'histogram') {
      add(`${full}_bucket`, [...labels, 'le'], 'catalog', values);
      add(`${full}_sum`, labels, 'catalog', values);
      add(`${full}_count`, labels, 'catalog', values);
    } else {
      add(full, labels, 'catalog', values);
    }
  }
  const process = new Set(processMetricNames);
  for (const name of processMetricNames) add(name, [], 'process');
  add('up', [], 'prometheus');

  return {
    prefix,
    series,
    metric(name) {
      const entry = byName.get(name);
      if (entry === undefined) {
        throw new CatalogMismatchError(
          `Expected \`${name}\` to be a metric of the catalog, but the catalog has no such metric`,
        );
      }
      return metricRef(entry, `${prefix}${entry.name}`);
    },
    process(name) {
      const base = HISTOGRAM_SUFFIXES.reduce(
        (current, suffix) =>
          current.endsWith(suffix) && process.has(current.slice(0, -suffix.length))
            ? current.slice(0, -suffix.length)
            : current,
        name,
      );
      if (!process.has(base)) {
        throw new CatalogMismatchError(
          `Expected \`${name}\` to be a prom-client default metric, but it is not one`,
        );
      }
      if (base !== name) add(name, name.endsWith('_bucket') ? ['le'] : [], 'process');
      return name;
    },
    addRecorded(name, labels) {
      add(name, labels, 'recording-rule');
    },
  };
}

function metricRef(entry: CatalogMetric, full: string): MetricRef {
  const histogramPart = (suffix: string): string => {
    if (entry.type !== 'histogram') {
      throw new CatalogMismatchError(
        `Expected \`${entry.name}\` to be a histogram to use ${suffix}, but it is a ${entry.type}`,
      );
    }
    return `${full}${suffix}`;
  };
  const findLabel = (label: string): CatalogLabel => {
    const found = entry.labels.find((candidate) => candidate.name === label);
    if (found === undefined) {
      throw new CatalogMismatchError(
        `Expected \`${entry.name}\` to carry label \`${label}\`, but its labels are [${entry.labels.map((l) => l.name).join(', ')}]`,
      );
    }
    return found;
  };
  return {
    name: full,
    type: entry.type,
    get bucket() {
      return histogramPart('_bucket');
    },
    get sum() {
      return histogramPart('_sum');
    },
    get count() {
      return histogramPart('_count');
    },
    label(label) {
      return findLabel(label).name;
    },
    value(label, value) {
      const found = findLabel(label);
      if (found.values !== undefined && !found.values.includes(value)) {
        throw new CatalogMismatchError(
          `Expected \`${value}\` to be a value of \`${entry.name}{${label}}\`, but its values are [${found.values.join(', ')}]`,
        );
      }
      return value;
    },
  };
}

import type { MetricDefinition, MetricType } from '../catalog/types';
import type { LabelGuard, LabelValues } from './label-guard';

const BRAND = Symbol.for('portcullis.catalog-metric');

/** One exposed sample, in the shape prom-client's `Registry` serialises. */
export interface MetricSample {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
  readonly metricName?: string;
}

/** What `get()` returns, as prom-client's `Registry` expects from a metric. */
export interface MetricSnapshot {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly values: MetricSample[];
  readonly aggregator: 'sum';
}

interface Series {
  readonly labels: Readonly<Record<string, string>>;
  value: number;
}

interface HistogramSeries {
  readonly labels: Readonly<Record<string, string>>;
  /** Non-cumulative counts per bucket; the last slot is +Inf. */
  readonly counts: Float64Array;
  /** `{ le, ...labels }` per bucket, built once per series. */
  readonly bucketLabels: readonly Readonly<Record<string, string | number>>[];
  sum: number;
  count: number;
}

/**
 * A catalog metric registered on a prom-client `Registry`. Unlike prom-client's
 * own classes it keys series by bounded label values once, so recording costs
 * a map lookup and an addition instead of hashing and validating labels.
 */
export class CatalogMetric {
  readonly [BRAND] = true;
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly aggregator = 'sum' as const;
  readonly definition: MetricDefinition;
  readonly #guard: LabelGuard;
  // Series are found through one nested map per label, so a hit allocates nothing.
  #tree = new Map<string, unknown>();
  #flat: Series | HistogramSeries | undefined;
  readonly #series: Series[] = [];
  readonly #histograms: HistogramSeries[] = [];
  readonly #bounds: readonly number[];

  constructor(name: string, definition: MetricDefinition, guard: LabelGuard) {
    this.name = name;
    this.help = definition.help;
    this.type = definition.type;
    this.definition = definition;
    this.#guard = guard;
    this.#bounds = definition.buckets ?? [];
    this.#initialise();
  }

  // Like prom-client, a metric without labels shows its zero value from the start.
  #initialise(): void {
    if (this.definition.labels.length > 0) return;
    if (this.type === 'histogram') this.observeNothing();
    else this.add(undefined, 0);
  }

  /** Creates the series of `labels` without recording anything (histograms). */
  observeNothing(labels?: LabelValues): void {
    this.#guard.bound(labels);
    this.#find(this.#newHistogram);
  }

  /** Adds `value` to the series of `labels` (counters: never negative). */
  add(labels: LabelValues | undefined, value: number): void {
    if (!Number.isFinite(value)) return;
    if (this.type === 'counter' && value < 0) return;
    this.#seriesOf(labels).value += value;
  }

  /** Sets the series of `labels` (gauges). */
  set(labels: LabelValues | undefined, value: number): void {
    this.#seriesOf(labels).value = value;
  }

  /** Records one observation (histograms). */
  observe(labels: LabelValues | undefined, value: number): void {
    if (Number.isNaN(value)) return;
    this.#guard.bound(labels);
    const series = this.#find(this.#newHistogram);
    const bounds = this.#bounds;
    let index = 0;
    while (index < bounds.length && value > bounds[index]!) index++;
    series.counts[index]!++;
    series.sum += value;
    series.count++;
  }

  /** The current samples, as prom-client's `Registry` reads them. */
  get(): MetricSnapshot {
    const values: MetricSample[] = [];
    if (this.type === 'histogram') {
      for (const series of this.#histograms) this.#histogramSamples(series, values);
    } else {
      for (const series of this.#series) {
        values.push({ labels: series.labels, value: series.value });
      }
    }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      values,
      aggregator: this.aggregator,
    };
  }

  /** Forgets every series (prom-client's `registry.resetMetrics()` calls this). */
  reset(): void {
    this.#tree = new Map();
    this.#flat = undefined;
    this.#series.length = 0;
    this.#histograms.length = 0;
    this.#initialise();
  }

  #seriesOf(labels: LabelValues | undefined): Series {
    this.#guard.bound(labels);
    return this.#find(this.#newSeries);
  }

  #find<S extends Series | HistogramSeries>(create: () => S): S {
    const values = this.#guard.last;
    const last = values.length - 1;
    if (last < 0) {
      this.#flat ??= create();
      return this.#flat as S;
    }
    let node = this.#tree;
    for (let i = 0; i < last; i++) {
      let next = node.get(values[i]!) as Map<string, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(values[i]!, next);
      }
      node = next;
    }
    let leaf = node.get(values[last]!) as S | undefined;
    if (leaf === undefined) {
      leaf = create();
      node.set(values[last]!, leaf);
    }
    return leaf;
  }

  readonly #newSeries = (): Series => {
    const series: Series = { labels: this.#guard.lastLabels(), value: 0 };
    this.#series.push(series);
    return series;
  };

  readonly #newHistogram = (): HistogramSeries => {
    const labels = this.#guard.lastLabels();
    const series: HistogramSeries = {
      labels,
      counts: new Float64Array(this.#bounds.length + 1),
      bucketLabels: [...this.#bounds, '+Inf'].map((le) => ({ le, ...labels })),
      sum: 0,
      count: 0,
    };
    this.#histograms.push(series);
    return series;
  };

  #histogramSamples(series: HistogramSeries, into: MetricSample[]): void {
    const bucketName = `${this.name}_bucket`;
    let cumulative = 0;
    for (let i = 0; i < series.counts.length; i++) {
      cumulative += series.counts[i]!;
      into.push({ labels: series.bucketLabels[i]!, value: cumulative, metricName: bucketName });
    }
    into.push({ labels: series.labels, value: series.sum, metricName: `${this.name}_sum` });
    into.push({ labels: series.labels, value: series.count, metricName: `${this.name}_count` });
  }
}

/** Whether `value` is a {@link CatalogMetric} (also across duplicate installs). */
export function isCatalogMetric(value: unknown): value is CatalogMetric {
  return (
    typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true
  );
}

import type { MetricObjectWithValues, MetricValueWithName } from 'prom-client';
import type { MetricDefinition, MetricType } from '../catalog/types';
import {
  type BoundMetric,
  type HistogramSeries,
  isWithExemplar,
  type MetricSample,
  type MetricSnapshot,
  type PositionalRecorder,
  type Series,
  type WithExemplar,
} from './catalog-metric-types';
import type { LabelGuard, LabelValues } from './label-guard';

export type {
  BoundMetric,
  MetricSample,
  MetricSnapshot,
  PositionalRecorder,
} from './catalog-metric-types';

const BRAND = Symbol.for('portcullis.catalog-metric');

/** A recorder's remembered series for one first label value. */
interface Memo {
  readonly b: string | undefined;
  readonly c: string | undefined;
  readonly d: string | undefined;
  readonly series: Series | HistogramSeries;
  readonly epoch: number;
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
  /** Bumped whenever series are dropped, so recorders forget the series they hold. */
  #epoch = 0;
  readonly #series: Series[] = [];
  readonly #histograms: HistogramSeries[] = [];
  readonly #bounds: readonly number[];
  readonly #collectors = new Set<() => void>();

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

  /** Adds `value` to the series of `labels` (counters: never negative). Internal fast path. */
  add(labels: LabelValues | undefined, value: number): void {
    if (!Number.isFinite(value)) return;
    if (this.type === 'counter' && value < 0) return;
    this.#seriesOf(labels).value += value;
  }

  /** Sets the series of `labels` (gauges). Internal fast path. */
  assign(labels: LabelValues | undefined, value: number): void {
    this.#seriesOf(labels).value = value;
  }

  /** Records one observation (histograms). Internal fast path. */
  record(labels: LabelValues | undefined, value: number): void {
    if (Number.isNaN(value)) return;
    this.#guard.bound(labels);
    this.#observe(this.#find(this.#newHistogram), value);
  }

  #observe(series: HistogramSeries, value: number): void {
    const bounds = this.#bounds;
    let index = 0;
    while (index < bounds.length && value > bounds[index]!) index++;
    series.counts[index]!++;
    series.sum += value;
    series.count++;
  }

  /**
   * A recorder for the hot path: label values passed positionally in the
   * order of `labelNames` (checked against the catalog once, here), so a
   * call builds no labels object. Adds to counters and gauges, observes
   * histograms. Internal fast path.
   */
  recorder(labelNames: readonly string[]): PositionalRecorder {
    const positions = this.#guard.positionsOf(labelNames);
    const guard = this.#guard;
    // The series of recent values, one per first value (consecutive events of
    // a channel often differ only there: middleware names, route names), so a
    // repeat costs one map read. Values that overflowed to `other` are not
    // kept, so every such recording is still counted as an overflow; only
    // values recorded as themselves are, so the memo holds at most as many
    // entries as the label allows values.
    const memo = new Map<string | undefined, Memo>();
    const seriesOf = <S extends Series | HistogramSeries>(
      create: () => S,
      a: string | undefined,
      b: string | undefined,
      c: string | undefined,
      d: string | undefined,
    ): S => {
      const hit = memo.get(a);
      if (
        hit !== undefined &&
        hit.epoch === this.#epoch &&
        hit.b === b &&
        hit.c === c &&
        hit.d === d
      )
        return hit.series as S;
      const overflows = guard.overflows;
      guard.boundAt(positions, a, b, c, d);
      const series = this.#find(create);
      if (guard.overflows === overflows) memo.set(a, { b, c, d, series, epoch: this.#epoch });
      return series;
    };
    if (this.type === 'histogram') {
      return (value, a, b, c, d) => {
        if (Number.isNaN(value)) return;
        this.#observe(seriesOf(this.#newHistogram, a, b, c, d), value);
      };
    }
    const counter = this.type === 'counter';
    return (value, a, b, c, d) => {
      if (!Number.isFinite(value) || (counter && value < 0)) return;
      seriesOf(this.#newSeries, a, b, c, d).value += value;
    };
  }

  /**
   * Runs `collect` before every read of the samples (each scrape), for values
   * worked out only when asked for, like prom-client's `collect()`. Returns
   * the function that removes it.
   */
  onCollect(collect: () => void): () => void {
    this.#collectors.add(collect);
    return () => {
      this.#collectors.delete(collect);
    };
  }

  /** The current samples, synchronously. */
  snapshot(): MetricSnapshot {
    for (const collect of this.#collectors) collect();
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

  // prom-client compatible surface, so code written for prom-client objects
  // (and `registry.resetMetrics()`) keeps working with catalog metrics.

  /** The current samples, as prom-client's `Registry` reads them. */
  get(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    return Promise.resolve(
      this.snapshot() as unknown as MetricObjectWithValues<MetricValueWithName<string>>,
    );
  }

  /** Increments (counters, gauges): `inc()`, `inc(value)`, `inc(labels, value?)`. */
  inc(value?: number): void;
  inc(labels: LabelValues, value?: number): void;
  inc(data: WithExemplar): void;
  inc(labels?: LabelValues | WithExemplar | number, value?: number): void {
    if (typeof labels === 'number') this.add(undefined, labels);
    else if (isWithExemplar(labels)) this.add(labels.labels, labels.value ?? 1);
    else this.add(labels, value ?? 1);
  }

  /** Decrements a gauge: `dec()`, `dec(value)`, `dec(labels, value?)`. */
  dec(value?: number): void;
  dec(labels: LabelValues, value?: number): void;
  dec(labels?: LabelValues | number, value?: number): void {
    if (typeof labels === 'number') this.add(undefined, -labels);
    else this.add(labels, -(value ?? 1));
  }

  /** Sets a gauge: `set(value)` or `set(labels, value)`. */
  set(value: number): void;
  set(labels: LabelValues | undefined, value: number): void;
  set(labels: LabelValues | number | undefined, value?: number): void {
    if (typeof labels === 'number') this.assign(undefined, labels);
    else this.assign(labels, value ?? 0);
  }

  /** Sets a gauge to the current Unix time in seconds. */
  setToCurrentTime(labels?: LabelValues): void {
    this.assign(labels, Date.now() / 1000);
  }

  /** Observes a histogram: `observe(value)` or `observe(labels, value)`. */
  observe(value: number): void;
  observe(labels: LabelValues | undefined, value: number): void;
  observe(data: WithExemplar): void;
  observe(labels: LabelValues | WithExemplar | number | undefined, value?: number): void {
    if (typeof labels === 'number') this.record(undefined, labels);
    else if (isWithExemplar(labels)) this.record(labels.labels, labels.value ?? Number.NaN);
    else this.record(labels, value ?? Number.NaN);
  }

  /** Starts a timer; calling the result records the elapsed seconds and returns them. */
  startTimer(labels?: LabelValues): (endLabels?: LabelValues) => number {
    const started = performance.now();
    return (endLabels) => {
      const seconds = (performance.now() - started) / 1000;
      const all = endLabels === undefined ? labels : { ...labels, ...endLabels };
      if (this.type === 'histogram') this.record(all, seconds);
      else this.assign(all, seconds);
      return seconds;
    };
  }

  /** Creates the series of `labels` at zero. */
  zero(labels: LabelValues): void {
    if (this.type === 'histogram') this.observeNothing(labels);
    else this.add(labels, 0);
  }

  /** The recording methods bound to one label set (by object or by values in label order). */
  labels(...values: (string | number | LabelValues)[]): BoundMetric {
    const labels = this.#labelsFrom(values);
    return {
      inc: (value?: number) => this.add(labels, value ?? 1),
      dec: (value?: number) => this.add(labels, -(value ?? 1)),
      set: (value: number) => this.assign(labels, value),
      setToCurrentTime: () => this.setToCurrentTime(labels),
      observe: (value: number) => this.record(labels, value),
      startTimer: () => this.startTimer(labels),
    };
  }

  /**
   * Removes the series of one label set: the series those values would
   * record into (`other` for values that would overflow). Records nothing,
   * so it neither counts overflows nor takes an open-label slot.
   */
  remove(...values: (string | number | LabelValues)[]): void {
    this.#guard.peek(this.#labelsFrom(values));
    const key = this.#guard.last;
    const keep = <S extends Series | HistogramSeries>(list: S[]) => {
      const index = list.findIndex((series) =>
        this.#guard.names.every((name, i) => series.labels[name] === key[i]),
      );
      if (index !== -1) list.splice(index, 1);
    };
    keep(this.#series);
    keep(this.#histograms);
    this.#rebuildTree();
  }

  #labelsFrom(values: readonly (string | number | LabelValues)[]): LabelValues {
    const [first] = values;
    if (typeof first === 'object') return first;
    const labels: Record<string, string | number> = {};
    this.#guard.names.forEach((name, i) => {
      const value = values[i];
      if (value !== undefined) labels[name] = value as string | number;
    });
    return labels;
  }

  #rebuildTree(): void {
    this.#epoch++;
    const series = [...this.#series];
    const histograms = [...this.#histograms];
    this.#tree = new Map();
    this.#flat = undefined;
    for (const one of [...series, ...histograms]) {
      this.#guard.restore(one.labels);
      this.#find(() => one);
    }
  }

  /** Forgets every series (prom-client's `registry.resetMetrics()` calls this). */
  reset(): void {
    this.#epoch++;
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

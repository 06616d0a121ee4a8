import type { MetricType } from '../catalog/types';
import type { LabelValues } from './label-guard';

// The shapes CatalogMetric reads, writes and returns, apart from its logic.

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

/** One counter or gauge series: its bounded labels and value. */
export interface Series {
  readonly labels: Readonly<Record<string, string>>;
  value: number;
}

/** One histogram series: its bounded labels, bucket counts, sum and count. */
export interface HistogramSeries {
  readonly labels: Readonly<Record<string, string>>;
  /** Non-cumulative counts per bucket; the last slot is +Inf. */
  readonly counts: Float64Array;
  /** `{ le, ...labels }` per bucket, built once per series. */
  readonly bucketLabels: readonly Readonly<Record<string, string | number>>[];
  sum: number;
  count: number;
}

/** prom-client's exemplar call shape; exemplars themselves are not kept. */
export interface WithExemplar {
  readonly labels?: LabelValues;
  readonly value?: number;
  readonly exemplarLabels?: LabelValues;
}

export function isWithExemplar(value: unknown): value is WithExemplar {
  return typeof value === 'object' && value !== null && 'exemplarLabels' in value;
}

/**
 * Records `value` for label values given positionally (see
 * `CatalogMetric.recorder`); unused trailing values are `undefined`.
 */
export type PositionalRecorder = (
  value: number,
  a?: string,
  b?: string,
  c?: string,
  d?: string,
) => void;

/** Recording methods bound to one label set, as prom-client's `labels()` returns. */
export interface BoundMetric {
  inc(value?: number): void;
  dec(value?: number): void;
  set(value: number): void;
  setToCurrentTime(): void;
  observe(value: number): void;
  startTimer(): (endLabels?: LabelValues) => number;
}

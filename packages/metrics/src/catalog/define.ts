import type { LabelDefinition, MetricDefinition } from './types';

/** Histogram buckets (seconds) shared by several metrics. */
export const BUCKETS = {
  /** Update handling and backend calls: 5 ms … 30 s. */
  request: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  /** Redis round trips and limiter checks: 0.5 ms … 1 s. */
  fast: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  /** In-process work such as a middleware or a signature: 0.1 ms … 5 s. */
  local: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
  /** Queue waits and retry delays: 10 ms … 60 s. */
  wait: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  /** Telegram `retry_after`: 1 s … 1 h. */
  retryAfter: [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
} as const;

type Extra = Pick<MetricDefinition, 'unit' | 'buckets'>;

/** Builds a counter definition (the name must end in `_total`). */
export function counter(
  group: string,
  name: string,
  help: string,
  labels: readonly LabelDefinition[],
): MetricDefinition {
  return { name, type: 'counter', help, labels, group };
}

/** Builds a gauge definition. */
export function gauge(
  group: string,
  name: string,
  help: string,
  labels: readonly LabelDefinition[],
  extra: Extra = {},
): MetricDefinition {
  return { name, type: 'gauge', help, labels, group, ...extra };
}

/** Builds a histogram definition in seconds. */
export function seconds(
  group: string,
  name: string,
  help: string,
  labels: readonly LabelDefinition[],
  buckets: readonly number[],
): MetricDefinition {
  return { name, type: 'histogram', help, unit: 'seconds', labels, buckets, group };
}

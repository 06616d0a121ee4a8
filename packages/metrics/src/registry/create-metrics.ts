import { invalidOption } from '@portcullis/core';
import type { Registry } from 'prom-client';
import * as promClient from 'prom-client';
import { DEFAULT_METRIC_PREFIX, METRIC_CATALOG, PROCESS_METRIC_NAMES } from '../catalog/catalog';
import type { MetricDefinition } from '../catalog/types';
import { VERSION } from '../version';
import { CatalogMetric, isCatalogMetric } from './catalog-metrics';
import { LabelGuard, type LabelValues } from './label-guard';

/** Options of {@link createMetrics}. */
export interface CreateMetricsOptions {
  /**
   * The prom-client registry to register on. Registering the catalog twice on
   * one registry reuses the metrics already there.
   * @default a new `Registry`
   */
  readonly registry?: Registry;
  /**
   * Prefix of every catalog metric name (`[a-z_][a-z0-9_]*`, may be empty).
   * @default 'portcullis_'
   */
  readonly prefix?: string;
  /**
   * Also register prom-client's default process metrics (CPU, memory,
   * event-loop lag, GC), unless the registry already has them.
   * @default true
   */
  readonly collectDefaultMetrics?: boolean;
  /**
   * Distinct values an open label (command, service, route…) may take per
   * metric before further values are recorded as `other`.
   * @default 100
   */
  readonly maxLabelValues?: number;
}

/** The catalog registered on a registry, with bounded-label recording helpers. */
export interface PortcullisMetrics {
  /** The registry the catalog lives on. */
  readonly registry: Registry;
  /** The prefix of every catalog metric name. */
  readonly prefix: string;
  /** Adds `value` (default 1) to a catalog counter or gauge. */
  inc(name: string, labels?: LabelValues, value?: number): void;
  /** Subtracts `value` (default 1) from a catalog gauge. */
  dec(name: string, labels?: LabelValues, value?: number): void;
  /** Sets a catalog gauge. */
  set(name: string, labels: LabelValues | undefined, value: number): void;
  /** Records one observation (in the metric's base unit) on a catalog histogram. */
  observe(name: string, labels: LabelValues | undefined, value: number): void;
  /** The registered object of a catalog metric (name without prefix). */
  metric(name: string): CatalogMetric;
}

const PREFIX_PATTERN = /^([a-zA-Z_][a-zA-Z0-9_]*)?$/;

/**
 * Registers the {@link METRIC_CATALOG} on a prom-client registry (plus the
 * default process metrics, never twice) and returns bounded-label helpers.
 *
 * @example
 * ```ts
 * const metrics = createMetrics();
 * metrics.inc('updates_received_total', { update_type: 'message', source: 'webhook' });
 * console.log(await metrics.registry.metrics());
 * ```
 */
export function createMetrics(options: CreateMetricsOptions = {}): PortcullisMetrics {
  const registry = options.registry ?? new promClient.Registry();
  const prefix = options.prefix ?? DEFAULT_METRIC_PREFIX;
  if (typeof prefix !== 'string' || !PREFIX_PATTERN.test(prefix)) {
    throw invalidOption('prefix', 'a metric name prefix matching [a-zA-Z_][a-zA-Z0-9_]*', prefix);
  }
  const maxLabelValues = options.maxLabelValues ?? 100;
  if (!Number.isInteger(maxLabelValues) || maxLabelValues < 1) {
    throw invalidOption('maxLabelValues', 'a positive integer', maxLabelValues);
  }
  if (options.collectDefaultMetrics ?? true) registerProcessMetrics(registry);

  const entries = new Map<string, CatalogMetric>();
  let overflow: (name: string) => void = () => {};
  for (const definition of METRIC_CATALOG) {
    const guard = new LabelGuard(definition, maxLabelValues, () => overflow(definition.name));
    entries.set(definition.name, registerOne(registry, prefix, definition, guard));
  }
  const overflowMetric = entries.get('metrics_label_overflow_total')!;
  overflow = (name) => overflowMetric.add({ metric: name }, 1);

  const entry = (name: string, type?: MetricDefinition['type']): CatalogMetric => {
    const found = entries.get(name);
    if (found === undefined || (type !== undefined && found.type !== type)) {
      throw invalidOption('name', `a catalog ${type ?? 'metric'} name`, name);
    }
    return found;
  };

  preZero(entries);
  entry('build_info').assign({ version: VERSION, nodejs_version: process.version }, 1);

  return {
    registry,
    prefix,
    inc(name, labels, value = 1) {
      const metric = entry(name);
      if (metric.type === 'histogram') throw invalidOption('name', 'a counter or gauge', name);
      metric.add(labels, value);
    },
    dec(name, labels, value = 1) {
      entry(name, 'gauge').add(labels, -value);
    },
    set(name, labels, value) {
      entry(name, 'gauge').assign(labels, value);
    },
    observe(name, labels, value) {
      entry(name, 'histogram').record(labels, value);
    },
    metric: (name) => entry(name),
  };
}

function registerProcessMetrics(registry: Registry): void {
  if (PROCESS_METRIC_NAMES.some((name) => registry.getSingleMetric(name) !== undefined)) return;
  promClient.collectDefaultMetrics({ register: registry });
}

function registerOne(
  registry: Registry,
  prefix: string,
  definition: MetricDefinition,
  guard: LabelGuard,
): CatalogMetric {
  const name = prefix + definition.name;
  const existing: unknown = registry.getSingleMetric(name);
  if (existing !== undefined) {
    if (!isCatalogMetric(existing) || existing.type !== definition.type) {
      throw invalidOption(
        'registry',
        `a registry where \`${name}\` is free or the Portcullis ${definition.type}`,
        (existing as { type?: string }).type,
      );
    }
    return existing;
  }
  const metric = new CatalogMetric(name, definition, guard);
  registry.registerMetric(metric as unknown as promClient.Metric);
  return metric;
}

/** Counters and gauges whose labels are all enumerated and few get explicit zeros, so rate() and alerts see them from the first scrape. */
const PRE_ZERO_MAX_SERIES = 16;

function preZero(entries: ReadonlyMap<string, CatalogMetric>): void {
  for (const metric of entries.values()) {
    const definition = metric.definition;
    if (definition.type === 'histogram' || definition.labels.length === 0) continue;
    if (definition.name === 'circuit_breaker_state') continue;
    if (definition.labels.some((l) => l.values === undefined)) continue;
    let combinations: Record<string, string>[] = [{}];
    for (const l of definition.labels) {
      combinations = combinations.flatMap((c) => l.values!.map((v) => ({ ...c, [l.name]: v })));
    }
    if (combinations.length > PRE_ZERO_MAX_SERIES) continue;
    for (const labels of combinations) metric.add(labels, 0);
  }
}

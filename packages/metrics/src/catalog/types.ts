/** The Prometheus metric types the catalog uses. */
export type MetricType = 'counter' | 'gauge' | 'histogram';

/** One label of a catalog metric, with the values it may take. */
export interface LabelDefinition {
  /** The label name, snake_case. */
  readonly name: string;
  /** What the label means, for docs. */
  readonly description: string;
  /**
   * Allowed values; omitted = bounded by what the app registers (command
   * names, service names, policies, route templates). Values outside the list
   * are recorded as `other`.
   */
  readonly values?: readonly string[];
}

/** One metric of the catalog: everything needed to register and document it. */
export interface MetricDefinition {
  /** The name without prefix, e.g. `updates_received_total`. */
  readonly name: string;
  /** Counter, gauge or histogram. */
  readonly type: MetricType;
  /** The help text exposed in `# HELP`. */
  readonly help: string;
  /** The base unit of the value, when it has one. */
  readonly unit?: 'seconds' | 'bytes' | 'ratio';
  /** The labels, in exposition order. */
  readonly labels: readonly LabelDefinition[];
  /** Histogram bucket upper bounds, in the metric's unit. */
  readonly buckets?: readonly number[];
  /** The documentation group: `updates`, `services`, `telegram`… */
  readonly group: string;
}

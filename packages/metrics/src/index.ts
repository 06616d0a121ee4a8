/**
 * `@portcullis/metrics`: the Portcullis metric catalog on prom-client, the
 * subscribers that turn instrumentation events into metrics and
 * OpenTelemetry spans, and a `/metrics` handler for node:http.
 *
 * @module
 */

// Catalog
export { DEFAULT_METRIC_PREFIX, METRIC_CATALOG, PROCESS_METRIC_NAMES } from './catalog/catalog';
export type { LabelDefinition, MetricDefinition, MetricType } from './catalog/types';

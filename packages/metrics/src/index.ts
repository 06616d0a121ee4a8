/**
 * `@portcullis/metrics`: the Portcullis metric catalog on prom-client, the
 * subscribers that turn instrumentation events into metrics and
 * OpenTelemetry spans, and a `/metrics` handler for node:http.
 *
 * @example
 * ```ts
 * import http from 'node:http';
 * import { instrument, metricsHandler } from '@portcullis/metrics';
 *
 * const { metrics } = instrument({ breakers: ['users'] });
 * http.createServer(metricsHandler(metrics.registry)).listen(9464, '127.0.0.1');
 * ```
 *
 * @module
 */

// Catalog
export { DEFAULT_METRIC_PREFIX, METRIC_CATALOG, PROCESS_METRIC_NAMES } from './catalog/catalog';
export type { LabelDefinition, MetricDefinition, MetricType } from './catalog/types';
// Docs
export {
  CATALOG_TABLE_END,
  CATALOG_TABLE_START,
  renderCatalogTable,
  updateReadmeCatalog,
} from './docs/catalog-table';
// Exposition
export type { MetricsHandlerOptions, MetricsRequestHandler } from './exposition/handler';
export { metricsHandler, negotiateFormat } from './exposition/handler';
export type { ExpositionFormat, SerializeOptions } from './exposition/serialize';
export { CONTENT_TYPES, serializeRegistry } from './exposition/serialize';
// Instrumentation
export type { Instrumentation, InstrumentOptions } from './instrument/instrument';
export { instrument } from './instrument/instrument';
// Registry
export type { MetricSample, MetricSnapshot } from './registry/catalog-metrics';
export { CatalogMetric, isCatalogMetric } from './registry/catalog-metrics';
export type { CreateMetricsOptions, PortcullisMetrics } from './registry/create-metrics';
export { createMetrics } from './registry/create-metrics';
export type { LabelValues } from './registry/label-guard';
export { MISSING_LABEL_VALUE, OVERFLOW_LABEL_VALUE } from './registry/label-guard';
// Tracing
export type { TracingOptions } from './tracing/instrument-tracing';
export { instrumentTracing } from './tracing/instrument-tracing';
export { TRACER_NAME } from './tracing/tracer';
export type { UpdateSpanInfo, UpdateSpanOptions } from './tracing/update-span';
export { withUpdateSpan } from './tracing/update-span';

import { BUCKETS, counter, gauge, seconds } from './define';
import { label } from './labels';
import type { MetricDefinition } from './types';

/** Metrics about Portcullis itself and about the metrics pipeline. */
export const META_METRICS: readonly MetricDefinition[] = [
  gauge('meta', 'build_info', 'Always 1; labels say which versions run.', [
    label('version', 'Version of @portcullis/metrics'),
    label('nodejs_version', 'Node.js version'),
  ]),
  seconds(
    'meta',
    'metrics_scrape_duration_seconds',
    'Time the /metrics handler spent serialising the registry.',
    [],
    BUCKETS.fast,
  ),
  counter(
    'meta',
    'metrics_label_overflow_total',
    'Label values recorded as `other` because they were not allowed or over the limit.',
    [label('metric', 'Catalog metric name, without prefix')],
  ),
  counter(
    'meta',
    'instrumentation_listener_errors_total',
    'Instrumentation events a listener could not record (bad payload).',
    [label('channel', 'Diagnostics channel name')],
  ),
];

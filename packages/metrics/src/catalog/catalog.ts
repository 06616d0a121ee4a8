import {
  RATELIMIT_METRICS,
  REDIS_METRICS,
  RESILIENCE_METRICS,
  SERVICE_METRICS,
  SIGNING_METRICS,
} from './backends';
import {
  BUSINESS_METRICS,
  FSM_METRICS,
  PIPELINE_METRICS,
  ROUTING_METRICS,
  UPDATE_METRICS,
} from './gateway';
import { META_METRICS } from './meta';
import { OUTBOUND_METRICS, TELEGRAM_METRICS, WEBHOOK_METRICS } from './telegram';
import type { MetricDefinition } from './types';

/** The prefix every catalog metric gets unless `createMetrics({ prefix })` says otherwise. */
export const DEFAULT_METRIC_PREFIX = 'portcullis_';

/**
 * Every metric Portcullis emits: the one source of truth for registration,
 * the README table and the names dashboards and alerts may use.
 */
export const METRIC_CATALOG: readonly MetricDefinition[] = Object.freeze([
  ...UPDATE_METRICS,
  ...ROUTING_METRICS,
  ...FSM_METRICS,
  ...PIPELINE_METRICS,
  ...RATELIMIT_METRICS,
  ...SERVICE_METRICS,
  ...RESILIENCE_METRICS,
  ...REDIS_METRICS,
  ...TELEGRAM_METRICS,
  ...OUTBOUND_METRICS,
  ...WEBHOOK_METRICS,
  ...SIGNING_METRICS,
  ...BUSINESS_METRICS,
  ...META_METRICS,
]);

/**
 * Names of prom-client default process metrics we reuse (unprefixed, as
 * prom-client registers them). Portcullis never registers its own copies.
 */
export const PROCESS_METRIC_NAMES: readonly string[] = Object.freeze([
  'process_cpu_user_seconds_total',
  'process_cpu_system_seconds_total',
  'process_cpu_seconds_total',
  'process_start_time_seconds',
  'process_resident_memory_bytes',
  'process_virtual_memory_bytes',
  'process_heap_bytes',
  'process_open_fds',
  'process_max_fds',
  'nodejs_eventloop_lag_seconds',
  'nodejs_eventloop_lag_min_seconds',
  'nodejs_eventloop_lag_max_seconds',
  'nodejs_eventloop_lag_mean_seconds',
  'nodejs_eventloop_lag_stddev_seconds',
  'nodejs_eventloop_lag_p50_seconds',
  'nodejs_eventloop_lag_p90_seconds',
  'nodejs_eventloop_lag_p99_seconds',
  'nodejs_active_resources',
  'nodejs_active_resources_total',
  'nodejs_active_handles',
  'nodejs_active_handles_total',
  'nodejs_active_requests',
  'nodejs_active_requests_total',
  'nodejs_heap_size_total_bytes',
  'nodejs_heap_size_used_bytes',
  'nodejs_external_memory_bytes',
  'nodejs_heap_space_size_total_bytes',
  'nodejs_heap_space_size_used_bytes',
  'nodejs_heap_space_size_available_bytes',
  'nodejs_version_info',
  'nodejs_gc_duration_seconds',
]);

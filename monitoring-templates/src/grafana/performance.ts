/** The Performance & resources dashboard: runtime, Redis, outbound queue, Telegram 429s. */
import type { MetricSchema } from '../schema';
import type { DashboardSpec } from './builder';
import { JOB_VARIABLE, jobOnly as j, quantiles, RATE } from './queries';

/** Stable uid of the Performance & resources dashboard. */
export const PERFORMANCE_UID = 'portcullis-performance';

/** The Performance & resources dashboard. */
export function performanceDashboard(schema: MetricSchema): DashboardSpec {
  const lagP50 = schema.process('nodejs_eventloop_lag_p50_seconds');
  const lagP99 = schema.process('nodejs_eventloop_lag_p99_seconds');
  const rss = schema.process('process_resident_memory_bytes');
  const heapUsed = schema.process('nodejs_heap_size_used_bytes');
  const heapTotal = schema.process('nodejs_heap_size_total_bytes');
  const external = schema.process('nodejs_external_memory_bytes');
  const cpu = schema.process('process_cpu_seconds_total');
  const gcSum = schema.process('nodejs_gc_duration_seconds_sum');
  const gcCount = schema.process('nodejs_gc_duration_seconds_count');
  const redis = schema.metric('redis_command_duration_seconds');
  const redisErrors = schema.metric('redis_command_errors_total');
  const queue = schema.metric('outbound_queue_depth');
  const wait = schema.metric('outbound_queue_wait_seconds');
  const floodWaits = schema.metric('telegram_api_rate_limited_total');
  const cooldowns = schema.metric('outbound_cooldowns_total');
  const telegram = schema.metric('telegram_api_request_duration_seconds');
  const limiter = schema.metric('ratelimit_check_duration_seconds');
  const apiCalls = schema.metric('telegram_api_requests_total');
  const apiErrors = schema.metric('telegram_api_errors_total');
  const retryAfter = schema.metric('telegram_api_retry_after_seconds');
  const outbound = schema.metric('outbound_messages_total');
  const verify = schema.metric('signing_verification_duration_seconds');
  const sign = schema.metric('signing_sign_duration_seconds');
  const middleware = schema.metric('middleware_duration_seconds');
  const scrape = schema.metric('metrics_scrape_duration_seconds');
  const overflow = schema.metric('metrics_label_overflow_total');
  const listenerErrors = schema.metric('instrumentation_listener_errors_total');
  const buildInfo = schema.metric('build_info');
  const operation = redis.label('operation');
  const lane = queue.label('lane');
  return {
    uid: PERFORMANCE_UID,
    title: 'Portcullis / Performance & resources',
    description:
      'Event-loop lag, memory, CPU, GC, Redis latency, the outbound queue and Telegram 429s.',
    variables: [JOB_VARIABLE(rss)],
    rows: [
      {
        title: 'Runtime',
        panels: [
          {
            title: 'Event-loop lag',
            description: 'p50 and p99 lag per instance. Lag delays every update and timer.',
            unit: 's',
            queries: [
              { expr: `max by (instance) (${j(lagP50)})`, legend: 'p50 {{instance}}' },
              { expr: `max by (instance) (${j(lagP99)})`, legend: 'p99 {{instance}}' },
            ],
          },
          {
            title: 'Memory',
            description: 'Resident set, V8 heap used and total, and external memory.',
            unit: 'bytes',
            queries: [
              { expr: `sum by (instance) (${j(rss)})`, legend: 'rss {{instance}}' },
              { expr: `sum by (instance) (${j(heapUsed)})`, legend: 'heap used {{instance}}' },
              { expr: `sum by (instance) (${j(heapTotal)})`, legend: 'heap total {{instance}}' },
              { expr: `sum by (instance) (${j(external)})`, legend: 'external {{instance}}' },
            ],
          },
          {
            title: 'CPU',
            description: 'CPU seconds per second (1 = one core busy).',
            unit: 'percentunit',
            queries: [
              { expr: `sum by (instance) (rate(${j(cpu)}[${RATE}]))`, legend: '{{instance}}' },
            ],
          },
          {
            title: 'Garbage collection',
            description: 'Share of time spent in GC pauses, and GC runs per second.',
            queries: [
              {
                expr: `sum by (instance) (rate(${j(gcSum)}[${RATE}]))`,
                legend: 'time in GC {{instance}}',
              },
              {
                expr: `sum by (instance) (rate(${j(gcCount)}[${RATE}]))`,
                legend: 'runs/s {{instance}}',
              },
            ],
          },
        ],
      },
      {
        title: 'Pipeline',
        panels: [
          {
            title: 'Rate-limit check time',
            description:
              'p99 time to decide, store round trip included, per engine (redis or memory).',
            unit: 's',
            queries: quantiles(limiter.bucket, [limiter.label('engine')], {}, [0.99]),
          },
          {
            title: 'Middleware time',
            description: 'p99 time per middleware, including what it awaited downstream.',
            unit: 's',
            queries: quantiles(middleware.bucket, [middleware.label('middleware')], {}, [0.99]),
          },
          {
            title: 'Signing time',
            description: 'p99 time to sign a request and to verify one, digest included.',
            unit: 's',
            queries: [
              ...quantiles(sign.bucket, [], {}, [0.99]).map((q) => ({ ...q, legend: 'sign p99' })),
              ...quantiles(verify.bucket, [], {}, [0.99]).map((q) => ({
                ...q,
                legend: 'verify p99',
              })),
            ],
          },
          {
            title: 'Metrics scrape time',
            description: 'Time /metrics spent serialising; large expositions delay the event loop.',
            unit: 's',
            queries: quantiles(scrape.bucket, [], {}, [0.5, 0.99]),
          },
          {
            title: 'Instrumentation health',
            description:
              "Label values recorded as `other` (outside a label's documented set or over its limit, see MetricLabelOverflow) and events a listener could not record.",
            queries: [
              {
                expr: `sum by (${overflow.label('metric')}) (increase(${j(overflow.name)}[${RATE}]))`,
                legend: 'overflow {{metric}}',
              },
              {
                expr: `sum by (${listenerErrors.label('channel')}) (increase(${j(listenerErrors.name)}[${RATE}]))`,
                legend: 'bad event on {{channel}}',
              },
            ],
          },
          {
            title: 'Versions running',
            description:
              'Instances per Portcullis and Node.js version; two lines during a rolling update.',
            queries: [
              {
                expr: `count by (${buildInfo.label('version')}, ${buildInfo.label('nodejs_version')}) (${j(buildInfo.name)})`,
                legend: '{{version}} on Node.js {{nodejs_version}}',
              },
            ],
          },
        ],
      },
      {
        title: 'Redis',
        panels: [
          {
            title: 'Redis latency',
            description: 'p50, p90 and p99 round trip per operation.',
            unit: 's',
            queries: quantiles(redis.bucket, [operation]),
          },
          {
            title: 'Redis operations and errors',
            description: 'Operations per second and failures by error code.',
            unit: 'reqps',
            queries: [
              {
                expr: `sum by (${operation}) (rate(${j(redis.count)}[${RATE}]))`,
                legend: '{{operation}}',
              },
              {
                expr: `sum by (${redisErrors.label('operation')}, ${redisErrors.label('error_code')}) (rate(${j(redisErrors.name)}[${RATE}]))`,
                legend: '{{operation}} {{error_code}} errors',
              },
            ],
          },
        ],
      },
      {
        title: 'Outbound and Telegram',
        panels: [
          {
            title: 'Outbound queue depth',
            description: 'Replies waiting in each lane of the outbound scheduler.',
            queries: [{ expr: `sum by (${lane}) (${j(queue.name)})`, legend: '{{lane}}' }],
          },
          {
            title: 'Outbound queue wait',
            description: 'How long replies waited before they were sent (p50, p90, p99).',
            unit: 's',
            queries: quantiles(wait.bucket, [wait.label('lane')]),
          },
          {
            title: 'Telegram 429s',
            description:
              'Flood-wait answers per method, and shared cooldowns the scheduler entered.',
            queries: [
              {
                expr: `sum by (${floodWaits.label('method')}) (increase(${j(floodWaits.name)}[${RATE}]))`,
                legend: '429 {{method}}',
              },
              {
                expr: `sum by (${cooldowns.label('lane')}) (increase(${j(cooldowns.name)}[${RATE}]))`,
                legend: 'cooldown {{lane}}',
              },
            ],
          },
          {
            title: 'Outbound messages',
            description: 'Replies enqueued, sent, rejected (queue full) and expired, per lane.',
            unit: 'reqps',
            queries: [
              {
                expr: `sum by (${outbound.label('lane')}, ${outbound.label('action')}) (rate(${j(outbound.name)}[${RATE}]))`,
                legend: '{{lane}} {{action}}',
              },
            ],
          },
          {
            title: 'Bot API calls',
            description: 'Calls by status, and failed calls by method.',
            unit: 'reqps',
            queries: [
              {
                expr: `sum by (${apiCalls.label('status')}) (rate(${j(apiCalls.name)}[${RATE}]))`,
                legend: 'status {{status}}',
              },
              {
                expr: `sum by (${apiErrors.label('method')}, ${apiErrors.label('status')}) (rate(${j(apiErrors.name)}[${RATE}]))`,
                legend: '{{method}} failed ({{status}})',
              },
            ],
          },
          {
            title: 'Flood-wait retry_after',
            description: 'The `retry_after` Telegram sent with 429 answers (p50, p99), per method.',
            unit: 's',
            queries: quantiles(retryAfter.bucket, [retryAfter.label('method')], {}, [0.5, 0.99]),
          },
          {
            title: 'Bot API latency',
            description: 'p50, p90 and p99 of Bot API calls per method.',
            unit: 's',
            queries: quantiles(telegram.bucket, [telegram.label('method')]),
          },
        ],
      },
    ],
  };
}

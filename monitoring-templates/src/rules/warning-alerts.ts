/** The alerts that open a ticket: degraded, not yet broken. */
import type { MetricSchema } from '../schema';
import { THRESHOLDS } from '../settings';
import { type AlertDefinition, percent } from './alert-model';
import { num, ratio, series, TARGET, withTraffic } from './helpers';
import type { RecordedNames } from './recording';

/**
 * HighErrorRate, HighMessageLatency, HighServiceErrorRate, ExcessiveRateLimitBlocks,
 * TelegramFloodWait, HighEventLoopLag, RedisErrors, SignatureFailures, OutboundQueueBacklog,
 * MetricLabelOverflow.
 */
export function warningAlerts(schema: MetricSchema, recorded: RecordedNames): AlertDefinition[] {
  const handled = schema.metric('updates_handled_total');
  const duration = schema.metric('update_handling_duration_seconds');
  const requests = schema.metric('service_requests_total');
  const decisions = schema.metric('ratelimit_decisions_total');
  const floodWaits = schema.metric('telegram_api_rate_limited_total');
  const lag = schema.process('nodejs_eventloop_lag_p99_seconds');
  const redis = schema.metric('redis_commands_total');
  const redisErrors = schema.metric('redis_command_errors_total');
  const verifications = schema.metric('signing_verifications_total');
  const queue = schema.metric('outbound_queue_depth');
  const overflow = schema.metric('metrics_label_overflow_total');
  const job = { job: TARGET.job };
  const policy = decisions.label('policy');
  const updates = (outcome: string, values: string) =>
    series(
      handled.name,
      { update_type: 'message', outcome: handled.value('outcome', outcome) },
      values,
    );
  const serviceRequests = (statusClass: string, values: string) =>
    series(
      requests.name,
      {
        service: 'users',
        method: 'GET',
        route: '/users/:id',
        status_class: requests.value('status_class', statusClass),
      },
      values,
    );
  const buckets = (counts: Record<string, string>) =>
    Object.entries(counts).map(([le, values]) =>
      series(duration.bucket, { update_type: 'message', outcome: 'handled', le }, values),
    );
  const decision = (outcome: string, values: string) =>
    series(
      decisions.name,
      { policy: 'per-user', outcome: decisions.value('outcome', outcome) },
      values,
    );
  const verification = (outcome: string, values: string) =>
    series(verifications.name, { outcome: verifications.value('outcome', outcome) }, values);
  const redisOp = { operation: 'ratelimit_consume' };
  const redisError = {
    ...redisOp,
    error_code: redisErrors.value('error_code', 'storage_unavailable'),
  };
  const denied = decisions.value('outcome', 'denied');
  const invalid = verifications.value('outcome', 'invalid');

  return [
    {
      alert: 'HighErrorRate',
      severity: 'warning',
      family: 'errors',
      expr: withTraffic(
        `${recorded.updateErrorRatio['5m']} > ${num(THRESHOLDS.highErrorRatio)}`,
        recorded.updateRate5m,
      ),
      for: '10m',
      summary: 'Updates fail more often than usual on {{ $labels.job }}',
      description: `Over ${percent(THRESHOLDS.highErrorRatio)} of updates on {{ $labels.job }} failed or timed out for 10 minutes.`,
      tests: {
        evalTime: '30m',
        firing: [updates('handled', '0+60x40'), updates('failed', '0+6x40')],
        firingLabels: job,
        quiet: [updates('handled', '0+60x40'), updates('failed', '0+1x40')],
      },
    },
    {
      alert: 'HighMessageLatency',
      severity: 'warning',
      family: 'latency',
      expr: withTraffic(
        `${recorded.updateLatencyP99} > ${num(THRESHOLDS.highLatencySeconds)}`,
        recorded.updateRate5m,
      ),
      for: '10m',
      summary: 'Updates take long to handle on {{ $labels.job }}',
      description: `The 99th percentile of update handling time on {{ $labels.job }} stayed above ${THRESHOLDS.highLatencySeconds} s for 10 minutes.`,
      tests: {
        evalTime: '30m',
        firing: [
          updates('handled', '0+60x40'),
          ...buckets({ '0.5': '0x40', '2.5': '0x40', '5': '0+60x40', '+Inf': '0+60x40' }),
        ],
        firingLabels: job,
        quiet: [
          updates('handled', '0+60x40'),
          ...buckets({ '0.5': '0+60x40', '2.5': '0+60x40', '5': '0+60x40', '+Inf': '0+60x40' }),
        ],
      },
    },
    {
      alert: 'HighServiceErrorRate',
      severity: 'warning',
      family: 'service-errors',
      expr: withTraffic(
        `${recorded.serviceErrorRatio['5m']} > ${num(THRESHOLDS.serviceErrorRatio)}`,
        recorded.serviceRate5m,
      ),
      for: '10m',
      summary: 'Backend {{ $labels.service }} answers with errors',
      description: `Over ${percent(THRESHOLDS.serviceErrorRatio)} of request attempts to {{ $labels.service }} got a 5xx or no response for 10 minutes.`,
      tests: {
        evalTime: '30m',
        firing: [serviceRequests('2xx', '0+60x40'), serviceRequests('5xx', '0+10x40')],
        firingLabels: { ...job, service: 'users' },
        quiet: [serviceRequests('2xx', '0+60x40'), serviceRequests('5xx', '0+1x40')],
      },
    },
    {
      alert: 'ExcessiveRateLimitBlocks',
      severity: 'warning',
      family: 'ratelimit',
      expr: withTraffic(
        `${ratio(`${decisions.name}{outcome="${denied}"}`, decisions.name, `job, ${policy}`)} > ${num(THRESHOLDS.rateLimitDenyRatio)}`,
        `sum by (job, ${policy}) (rate(${decisions.name}[5m]))`,
      ),
      for: '10m',
      summary: 'Rate-limit policy {{ $labels.policy }} denies many requests',
      description: `Over ${percent(THRESHOLDS.rateLimitDenyRatio)} of decisions of policy {{ $labels.policy }} denied for 10 minutes: abuse, or a limit too tight for real users.`,
      tests: {
        evalTime: '30m',
        firing: [decision('allowed', '0+60x40'), decision('denied', '0+30x40')],
        firingLabels: { ...job, policy: 'per-user' },
        quiet: [decision('allowed', '0+60x40'), decision('denied', '0+5x40')],
      },
    },
    {
      alert: 'TelegramFloodWait',
      severity: 'warning',
      family: 'telegram',
      expr: `sum by (job) (increase(${floodWaits.name}[5m])) > ${THRESHOLDS.floodWaitsPer5m}`,
      for: '5m',
      summary: 'Telegram answers 429 Too Many Requests to {{ $labels.job }}',
      description: `Telegram sent more than ${THRESHOLDS.floodWaitsPer5m} flood-wait (429) answers in 5 minutes; replies are delayed by the shared cooldown.`,
      tests: {
        evalTime: '20m',
        firing: [series(floodWaits.name, { method: 'sendMessage' }, '0+2x30')],
        firingLabels: job,
        quiet: [series(floodWaits.name, { method: 'sendMessage' }, '0+0.2x30')],
      },
    },
    {
      alert: 'HighEventLoopLag',
      severity: 'warning',
      family: 'runtime',
      expr: `max by (job, instance) (${lag}) > ${num(THRESHOLDS.eventLoopLagSeconds)}`,
      for: '5m',
      summary: 'Event loop of {{ $labels.instance }} lags',
      description: `The 99th percentile of event-loop lag on {{ $labels.instance }} stayed above ${THRESHOLDS.eventLoopLagSeconds * 1000} ms for 5 minutes; every update and timer is delayed.`,
      tests: {
        evalTime: '15m',
        firing: [series(lag, {}, '0.5x20')],
        firingLabels: TARGET,
        quiet: [series(lag, {}, '0.05x20')],
      },
    },
    {
      alert: 'RedisErrors',
      severity: 'warning',
      family: 'redis',
      expr: `${ratio(redisErrors.name, redis.name, 'job')} > ${num(THRESHOLDS.redisErrorRatio)}`,
      for: '5m',
      summary: 'Redis operations fail on {{ $labels.job }}',
      description: `Over ${percent(THRESHOLDS.redisErrorRatio)} of Redis operations failed for 5 minutes; rate limits fall back to memory and shared state may be unavailable.`,
      tests: {
        evalTime: '20m',
        firing: [
          series(redis.name, redisOp, '0+600x30'),
          series(redisErrors.name, redisError, '0+30x30'),
        ],
        firingLabels: job,
        quiet: [
          series(redis.name, redisOp, '0+600x30'),
          series(redisErrors.name, redisError, '0+1x30'),
        ],
      },
    },
    {
      alert: 'SignatureFailures',
      severity: 'warning',
      family: 'signing',
      expr: withTraffic(
        `${ratio(`${verifications.name}{outcome="${invalid}"}`, verifications.name, 'job')} > ${num(THRESHOLDS.signatureFailureRatio)}`,
        `sum by (job) (rate(${verifications.name}[5m]))`,
      ),
      for: '5m',
      summary: 'Signed requests fail verification on {{ $labels.job }}',
      description: `Over ${percent(THRESHOLDS.signatureFailureRatio)} of signature verifications failed for 5 minutes: a key rotation out of step, clock skew, or forged requests.`,
      tests: {
        evalTime: '20m',
        firing: [verification('valid', '0+60x30'), verification('invalid', '0+10x30')],
        firingLabels: job,
        quiet: [verification('valid', '0+60x30'), verification('invalid', '0+1x30')],
      },
    },
    {
      alert: 'OutboundQueueBacklog',
      severity: 'warning',
      family: 'outbound',
      expr: `max by (job, ${queue.label('lane')}) (${queue.name}) > ${THRESHOLDS.outboundQueueDepth}`,
      for: '10m',
      summary: 'Outbound lane {{ $labels.lane }} has a backlog',
      description: `More than ${THRESHOLDS.outboundQueueDepth} replies waited in outbound lane {{ $labels.lane }} for 10 minutes; users see late answers.`,
      tests: {
        evalTime: '20m',
        firing: [series(queue.name, { lane: 'global' }, '500x30')],
        firingLabels: { ...job, lane: 'global' },
        quiet: [series(queue.name, { lane: 'global' }, '10x30')],
      },
    },
    {
      alert: 'MetricLabelOverflow',
      severity: 'warning',
      family: 'meta',
      expr: `sum by (job, ${overflow.label('metric')}) (increase(${overflow.name}[15m])) > 0`,
      for: '1m',
      summary: 'Metric {{ $labels.metric }} records label values as `other`',
      description:
        'Label values of {{ $labels.metric }} on {{ $labels.job }} were outside the documented set or over the distinct-value limit in the last 15 minutes; they are recorded as `other`, so dashboards lose detail.',
      tests: {
        evalTime: '20m',
        firing: [series(overflow.name, { metric: 'commands_total' }, '0+1x30')],
        firingLabels: { ...job, metric: 'commands_total' },
        quiet: [series(overflow.name, { metric: 'commands_total' }, '0x30')],
      },
    },
  ];
}

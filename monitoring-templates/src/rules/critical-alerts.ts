/** The alerts that page: something users notice is broken now. */
import type { MetricSchema } from '../schema';
import { GATEWAY_JOB, THRESHOLDS } from '../settings';
import { type AlertDefinition, percent } from './alert-model';
import { num, ratio, series, TARGET, withTraffic } from './helpers';
import type { RecordedNames } from './recording';

/** CircuitBreakerOpen, CriticalErrorRate, CriticalMemoryUsage, ServiceRequestTimeout, GatewayDown, WebhookFailing. */
export function criticalAlerts(schema: MetricSchema, recorded: RecordedNames): AlertDefinition[] {
  const breaker = schema.metric('circuit_breaker_state');
  const handled = schema.metric('updates_handled_total');
  const requests = schema.metric('service_requests_total');
  const serviceErrors = schema.metric('service_request_errors_total');
  const webhook = schema.metric('webhook_requests_total');
  const rss = schema.process('process_resident_memory_bytes');
  const up = 'up';
  const job = { job: TARGET.job };
  const svc = requests.label('service');
  const okRequest = (values: string) =>
    series(
      requests.name,
      {
        [svc]: 'users',
        method: requests.value('method', 'GET'),
        route: '/users/:id',
        status_class: requests.value('status_class', '2xx'),
      },
      values,
    );
  const updates = (outcome: string, values: string) =>
    series(
      handled.name,
      { update_type: 'message', outcome: handled.value('outcome', outcome) },
      values,
    );
  const webhookOutcome = (outcome: string, values: string) =>
    series(webhook.name, { outcome: webhook.value('outcome', outcome) }, values);
  // Refusals at capacity (`overloaded`) count too: Telegram backs off from them alike.
  const failedWebhooks = ['failed', 'timeout', 'overloaded']
    .map((outcome) => webhook.value('outcome', outcome))
    .join('|');
  const timeout = serviceErrors.value('error_code', 'timeout');

  return [
    {
      alert: 'CircuitBreakerOpen',
      severity: 'critical',
      family: 'circuit-breaker',
      expr: `max by (job, ${breaker.label('breaker')}) (${breaker.name}{${breaker.label('state')}="${breaker.value('state', 'open')}"}) == 1`,
      for: '1m',
      summary: 'Circuit breaker {{ $labels.breaker }} is open',
      description:
        'Calls through breaker {{ $labels.breaker }} on {{ $labels.job }} are rejected without reaching the backend. Users of the features that need it get an error reply.',
      tests: {
        evalTime: '10m',
        firing: [series(breaker.name, { breaker: 'users', state: 'open' }, '1x20')],
        firingLabels: { ...job, breaker: 'users' },
        quiet: [
          series(breaker.name, { breaker: 'users', state: 'open' }, '0x20'),
          series(breaker.name, { breaker: 'users', state: 'closed' }, '1x20'),
        ],
      },
    },
    {
      alert: 'CriticalErrorRate',
      severity: 'critical',
      family: 'errors',
      expr: withTraffic(
        `${recorded.updateErrorRatio['5m']} > ${num(THRESHOLDS.criticalErrorRatio)}`,
        recorded.updateRate5m,
      ),
      for: '5m',
      summary: 'Many updates fail on {{ $labels.job }}',
      description: `Over ${percent(THRESHOLDS.criticalErrorRatio)} of updates on {{ $labels.job }} failed or timed out for 5 minutes.`,
      tests: {
        evalTime: '20m',
        firing: [updates('handled', '0+60x30'), updates('failed', '0+12x30')],
        firingLabels: job,
        quiet: [updates('handled', '0+60x30'), updates('failed', '0+3x30')],
      },
    },
    {
      alert: 'CriticalMemoryUsage',
      severity: 'critical',
      family: 'memory',
      expr: `max by (job, instance) (${rss}) > ${num(THRESHOLDS.criticalMemoryBytes)}`,
      for: '5m',
      summary: 'Gateway {{ $labels.instance }} uses critically much memory',
      description: `Resident memory of {{ $labels.instance }} stayed above ${num(THRESHOLDS.criticalMemoryBytes / 1024 ** 3)} GiB for 5 minutes; the process is close to being killed.`,
      tests: {
        evalTime: '15m',
        firing: [series(rss, {}, '2000000000x20')],
        firingLabels: TARGET,
        quiet: [series(rss, {}, '1000000000x20')],
      },
    },
    {
      alert: 'ServiceRequestTimeout',
      severity: 'critical',
      family: 'service-errors',
      expr: withTraffic(
        `${ratio(`${serviceErrors.name}{${serviceErrors.label('error_code')}="${timeout}"}`, requests.name, `job, ${svc}`)} > ${num(THRESHOLDS.serviceTimeoutRatio)}`,
        recorded.serviceRate5m,
      ),
      for: '5m',
      summary: 'Backend {{ $labels.service }} times out',
      description: `Over ${percent(THRESHOLDS.serviceTimeoutRatio)} of request attempts to {{ $labels.service }} timed out for 5 minutes.`,
      tests: {
        evalTime: '20m',
        firing: [
          okRequest('0+60x30'),
          series(
            requests.name,
            { service: 'users', method: 'GET', route: '/users/:id', status_class: 'none' },
            '0+10x30',
          ),
          series(serviceErrors.name, { service: 'users', error_code: timeout }, '0+10x30'),
        ],
        firingLabels: { ...job, service: 'users' },
        quiet: [
          okRequest('0+60x30'),
          series(serviceErrors.name, { service: 'users', error_code: timeout }, '0+2x30'),
        ],
      },
    },
    {
      alert: 'GatewayDown',
      severity: 'critical',
      family: 'availability',
      expr: `${up}{job="${GATEWAY_JOB}"} == 0 or absent(${up}{job="${GATEWAY_JOB}"})`,
      for: '1m',
      summary: 'Prometheus cannot scrape the gateway',
      description: `Job {{ $labels.job }} has been down or missing for over a minute: no updates are being handled, or metrics are unreachable.`,
      tests: {
        evalTime: '5m',
        firing: [series(up, {}, '0x10')],
        firingLabels: TARGET,
        quiet: [series(up, {}, '1x10')],
        alsoFiring: [
          {
            why: 'the job disappeared',
            firing: [
              { series: `${up}{job="node", instance="node-exporter:9100"}`, values: '1x10' },
            ],
            firingLabels: job,
          },
        ],
      },
    },
    {
      alert: 'WebhookFailing',
      severity: 'critical',
      family: 'webhook',
      expr: withTraffic(
        `${ratio(`${webhook.name}{outcome=~"${failedWebhooks}"}`, webhook.name, 'job')} > ${num(THRESHOLDS.webhookFailureRatio)}`,
        `sum by (job) (rate(${webhook.name}[5m]))`,
      ),
      for: '5m',
      summary: 'Telegram webhook deliveries fail',
      description: `Over ${percent(THRESHOLDS.webhookFailureRatio)} of webhook requests to {{ $labels.job }} failed, timed out or were refused at capacity for 5 minutes; Telegram slows delivery and eventually drops updates.`,
      tests: {
        evalTime: '20m',
        // 15 failed of 75 alone is 20%, not over it: the refusals make it fire.
        firing: [
          webhookOutcome('accepted', '0+60x30'),
          webhookOutcome('failed', '0+15x30'),
          webhookOutcome('overloaded', '0+15x30'),
        ],
        firingLabels: job,
        quiet: [webhookOutcome('accepted', '0+60x30'), webhookOutcome('failed', '0+6x30')],
      },
    },
  ];
}

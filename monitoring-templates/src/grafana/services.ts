/** The Service integration dashboard: one backend at a time, or all side by side. */
import type { RecordedNames } from '../rules/recording';
import type { MetricSchema } from '../schema';
import type { DashboardSpec } from './builder';
import { JOB_VARIABLE, quantiles, RATE, selector } from './queries';

/** Stable uid of the Service integration dashboard. */
export const SERVICES_UID = 'portcullis-services';

/** The Service integration dashboard. */
export function servicesDashboard(schema: MetricSchema, recorded: RecordedNames): DashboardSpec {
  const requests = schema.metric('service_requests_total');
  const duration = schema.metric('service_request_duration_seconds');
  const errors = schema.metric('service_request_errors_total');
  const resends = schema.metric('service_request_retries_total');
  const retries = schema.metric('retries_total');
  const breakerState = schema.metric('circuit_breaker_state');
  const transitions = schema.metric('circuit_breaker_transitions_total');
  const breakerCalls = schema.metric('circuit_breaker_calls_total');
  const bulkheadActive = schema.metric('bulkhead_active');
  const bulkheadQueue = schema.metric('bulkhead_queue_depth');
  const bulkheadDecisions = schema.metric('bulkhead_decisions_total');
  const slowCalls = schema.metric('circuit_breaker_slow_calls_total');
  const retryDelay = schema.metric('retry_delay_seconds');
  const service = requests.label('service');
  const bySvc = { [service]: 'service' };
  const breaker = breakerState.label('breaker');
  return {
    uid: SERVICES_UID,
    title: 'Portcullis / Service integration',
    description:
      'Per backend: requests, error rate, latency percentiles, circuit breaker state and retries.',
    variables: [
      JOB_VARIABLE(requests.name),
      { name: 'service', label: 'Service', metric: requests.name, labelName: service },
    ],
    rows: [
      {
        title: 'Requests',
        panels: [
          {
            title: 'Requests by status class',
            description: 'Attempts per second, one per physical try, by HTTP status class.',
            unit: 'reqps',
            stacked: true,
            queries: [
              {
                expr: `sum by (${service}, ${requests.label('status_class')}) (rate(${selector(requests.name, bySvc)}[${RATE}]))`,
                legend: '{{service}} {{status_class}}',
              },
            ],
          },
          {
            title: 'Error ratio',
            description:
              'Share of attempts with a 5xx or no response (5-minute rate), the SLO signal.',
            unit: 'percentunit',
            queries: [
              {
                expr: `max by (${service}) (${selector(recorded.serviceErrorRatio['5m'], bySvc)})`,
                legend: '{{service}}',
              },
            ],
          },
          {
            title: 'Latency percentiles',
            description: 'p50, p90 and p99 of one attempt, per backend.',
            unit: 's',
            queries: quantiles(duration.bucket, [service], bySvc),
          },
          {
            title: 'Errors by code',
            description:
              'Failed attempts by Portcullis error code (timeout, network, http_status…).',
            unit: 'reqps',
            queries: [
              {
                expr: `sum by (${service}, ${errors.label('error_code')}) (rate(${selector(errors.name, bySvc)}[${RATE}]))`,
                legend: '{{service}} {{error_code}}',
              },
            ],
          },
        ],
      },
      {
        title: 'Resilience',
        panels: [
          {
            title: 'Circuit breaker state',
            description: 'Which state each breaker is in (1 = current state).',
            queries: [
              {
                expr: `max by (${breaker}, ${breakerState.label('state')}) (${selector(breakerState.name)}) == 1`,
                legend: '{{breaker}} {{state}}',
              },
            ],
          },
          {
            title: 'Breaker transitions and rejections',
            description: 'State changes, and calls the breaker rejected without trying.',
            queries: [
              {
                expr: `sum by (${breaker}, ${transitions.label('to')}) (increase(${selector(transitions.name)}[${RATE}]))`,
                legend: '{{breaker}} → {{to}}',
              },
              {
                expr: `sum by (${breaker}, ${breakerCalls.label('outcome')}) (rate(${selector(breakerCalls.name)}[${RATE}]))`,
                legend: '{{breaker}} {{outcome}}/s',
              },
              {
                expr: `sum by (${breaker}) (rate(${selector(slowCalls.name)}[${RATE}]))`,
                legend: '{{breaker}} slow/s',
              },
            ],
          },
          {
            title: 'Retries',
            description: 'Resent attempts per backend, and retries scheduled by cause.',
            unit: 'reqps',
            queries: [
              {
                expr: `sum by (${service}) (rate(${selector(resends.name, bySvc)}[${RATE}]))`,
                legend: '{{service}} resends',
              },
              {
                expr: `sum by (${retries.label('policy')}, ${retries.label('error_code')}) (rate(${selector(retries.name)}[${RATE}]))`,
                legend: '{{policy}} after {{error_code}}',
              },
            ],
          },
          {
            title: 'Retry delay',
            description: 'Backoff before each retry (p50, p99), per retry policy.',
            unit: 's',
            queries: quantiles(retryDelay.bucket, [retryDelay.label('policy')], {}, [0.5, 0.99]),
          },
          {
            title: 'Bulkheads',
            description: 'Calls running and waiting in each bulkhead.',
            queries: [
              {
                expr: `sum by (${bulkheadActive.label('bulkhead')}) (${selector(bulkheadActive.name)})`,
                legend: '{{bulkhead}} active',
              },
              {
                expr: `sum by (${bulkheadQueue.label('bulkhead')}) (${selector(bulkheadQueue.name)})`,
                legend: '{{bulkhead}} queued',
              },
              {
                expr: `sum by (${bulkheadDecisions.label('bulkhead')}) (rate(${selector(bulkheadDecisions.name, {}, { action: bulkheadDecisions.value('action', 'rejected') })}[${RATE}]))`,
                legend: '{{bulkhead}} rejected/s',
              },
            ],
          },
        ],
      },
    ],
  };
}

import { BUCKETS, counter, gauge, seconds } from './define';
import { L, label } from './labels';
import type { MetricDefinition } from './types';

/** Backend service calls through the core service client. */
export const SERVICE_METRICS: readonly MetricDefinition[] = [
  counter('services', 'service_requests_total', 'Backend request attempts, one per physical try.', [
    L.service,
    L.httpMethod,
    L.route,
    L.statusClass,
  ]),
  seconds(
    'services',
    'service_request_duration_seconds',
    'Duration of one backend request attempt (OTel http.client.request.duration).',
    [L.service, L.httpMethod, L.route],
    BUCKETS.request,
  ),
  counter('services', 'service_request_errors_total', 'Backend request attempts that failed.', [
    L.service,
    L.errorCode,
  ]),
  counter(
    'services',
    'service_request_retries_total',
    'Backend request attempts that were resends.',
    [L.service],
  ),
  counter('services', 'retries_total', 'Retries scheduled by a retry policy, by cause.', [
    label('policy', 'Retry policy name (usually the service name)'),
    L.errorCode,
  ]),
  seconds(
    'services',
    'retry_delay_seconds',
    'Backoff delay before each retry.',
    [label('policy', 'Retry policy name (usually the service name)')],
    BUCKETS.wait,
  ),
];

const STATE = label('state', 'Breaker state', ['closed', 'open', 'half-open']);

/** Circuit breakers and bulkheads. */
export const RESILIENCE_METRICS: readonly MetricDefinition[] = [
  gauge('resilience', 'circuit_breaker_state', '1 for the current state of each breaker, else 0.', [
    L.breaker,
    STATE,
  ]),
  counter('resilience', 'circuit_breaker_transitions_total', 'Circuit breaker state changes.', [
    L.breaker,
    label('from', 'State before', STATE.values),
    label('to', 'State after', STATE.values),
  ]),
  counter('resilience', 'circuit_breaker_calls_total', 'Calls through a breaker, by outcome.', [
    L.breaker,
    label('outcome', 'Call outcome', ['success', 'failure', 'rejected', 'ignored']),
  ]),
  counter(
    'resilience',
    'circuit_breaker_slow_calls_total',
    'Calls slower than the slow threshold.',
    [L.breaker],
  ),
  gauge('resilience', 'bulkhead_active', 'Calls currently running inside a bulkhead.', [
    L.bulkhead,
  ]),
  gauge('resilience', 'bulkhead_queue_depth', 'Calls waiting for a bulkhead slot.', [L.bulkhead]),
  counter(
    'resilience',
    'bulkhead_decisions_total',
    'Bulkhead admissions, queueings and rejections.',
    [L.bulkhead, label('action', 'Decision', ['admitted', 'queued', 'rejected'])],
  ),
];

/** Rate limiting. */
export const RATELIMIT_METRICS: readonly MetricDefinition[] = [
  counter(
    'ratelimit',
    'ratelimit_decisions_total',
    'Rate-limit decisions, by policy and outcome.',
    [L.policy, label('outcome', 'Decision', ['allowed', 'denied'])],
  ),
  counter('ratelimit', 'ratelimit_denials_total', 'Denials, by the window that denied.', [
    L.policy,
    label('window', 'Name of the window that denied'),
  ]),
  seconds(
    'ratelimit',
    'ratelimit_check_duration_seconds',
    'Time to decide, store round trip included.',
    [L.policy, label('engine', 'Engine that answered', ['redis', 'memory'])],
    BUCKETS.fast,
  ),
  counter('ratelimit', 'ratelimit_burst_used_total', 'Allowed requests that consumed burst.', [
    L.policy,
  ]),
  counter(
    'ratelimit',
    'ratelimit_blocked_total',
    'Requests denied because the subject is blocked.',
    [L.policy],
  ),
  counter(
    'ratelimit',
    'ratelimit_fallback_total',
    'Decisions the memory engine made because Redis failed.',
    [L.policy],
  ),
  counter(
    'ratelimit',
    'ratelimit_store_errors_total',
    'Limiter store failures and what was done.',
    [
      L.policy,
      L.errorCode,
      label('action', 'What the limiter did', ['fail-open', 'fail-closed', 'fallback']),
    ],
  ),
];

/** Redis commands issued by Portcullis packages. */
export const REDIS_METRICS: readonly MetricDefinition[] = [
  counter('redis', 'redis_commands_total', 'Redis operations issued.', [L.operation]),
  seconds(
    'redis',
    'redis_command_duration_seconds',
    'Round-trip time of one Redis operation.',
    [L.operation],
    BUCKETS.fast,
  ),
  counter('redis', 'redis_command_errors_total', 'Redis operations that failed.', [
    L.operation,
    L.errorCode,
  ]),
];

/** Service-to-service signing. */
export const SIGNING_METRICS: readonly MetricDefinition[] = [
  counter('signing', 'signing_verifications_total', 'Signature verifications, by outcome.', [
    label('outcome', 'Verification outcome', ['valid', 'invalid']),
  ]),
  counter('signing', 'signing_verification_failures_total', 'Failed verifications, by reason.', [
    label('error_code', 'Signing error code (the signing package taxonomy)'),
  ]),
  seconds(
    'signing',
    'signing_verification_duration_seconds',
    'Time to verify one signature, digest included.',
    [],
    BUCKETS.local,
  ),
  counter('signing', 'signing_signatures_total', 'Requests signed, by key id.', [
    label('key_id', 'Configured signing key id'),
  ]),
  seconds(
    'signing',
    'signing_sign_duration_seconds',
    'Time to sign one request, digest included.',
    [],
    BUCKETS.local,
  ),
];

import { describe, expect, it } from 'vitest';
import { DEFAULT_METRIC_PREFIX, METRIC_CATALOG, PROCESS_METRIC_NAMES } from './catalog';

const names = METRIC_CATALOG.map((metric) => metric.name);

describe('METRIC_CATALOG', () => {
  it('holds at least 50 metrics with unique names', () => {
    expect(METRIC_CATALOG.length).toBeGreaterThanOrEqual(50);
    expect(new Set(names).size).toBe(names.length);
  });

  it('uses snake_case names that fit the Prometheus name grammar with the prefix', () => {
    for (const name of names) {
      expect(`${DEFAULT_METRIC_PREFIX}${name}`).toMatch(/^[a-z_][a-z0-9_]*$/);
      expect(name).not.toMatch(/^portcullis_/);
    }
  });

  it('ends every counter in _total and nothing else', () => {
    for (const metric of METRIC_CATALOG) {
      expect(metric.name.endsWith('_total'), metric.name).toBe(metric.type === 'counter');
    }
  });

  it('names the base unit in the suffix of metrics that have one', () => {
    for (const metric of METRIC_CATALOG) {
      if (metric.unit === 'seconds') expect(metric.name, metric.name).toMatch(/_seconds$/);
      if (metric.unit === 'bytes') expect(metric.name, metric.name).toMatch(/_bytes$/);
      if (metric.type === 'histogram') expect(metric.unit, metric.name).toBeDefined();
      expect(metric.name, metric.name).not.toMatch(/_(ms|milliseconds|minutes|kb|mb)(_|$)/);
    }
  });

  it('gives every histogram strictly ascending buckets and no other type buckets', () => {
    for (const metric of METRIC_CATALOG) {
      if (metric.type !== 'histogram') {
        expect(metric.buckets, metric.name).toBeUndefined();
        continue;
      }
      const buckets = metric.buckets ?? [];
      expect(buckets.length, metric.name).toBeGreaterThan(3);
      for (let i = 1; i < buckets.length; i++) {
        expect(buckets[i]! > buckets[i - 1]!, metric.name).toBe(true);
      }
    }
  });

  it('uses only bounded labels: no ids, no raw URLs, no reserved names', () => {
    for (const metric of METRIC_CATALOG) {
      const labelNames = metric.labels.map((l) => l.name);
      expect(new Set(labelNames).size, metric.name).toBe(labelNames.length);
      for (const name of labelNames) {
        expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(['le', 'quantile', 'user_id', 'chat_id', 'url', 'path', 'update_id']).not.toContain(
          name,
        );
      }
      for (const l of metric.labels) {
        expect(l.description.length, `${metric.name}.${l.name}`).toBeGreaterThan(3);
        if (l.values !== undefined) expect(new Set(l.values).size).toBe(l.values.length);
      }
    }
  });

  it('covers everything operators were promised', () => {
    expect(names).toEqual(
      expect.arrayContaining([
        'updates_received_total',
        'updates_handled_total',
        'updates_failed_total',
        'updates_duplicate_total',
        'update_handling_duration_seconds',
        'commands_total',
        'callbacks_total',
        'fsm_transitions_total',
        'fsm_conversations_active',
        'errors_total',
        'ratelimit_decisions_total',
        'service_requests_total',
        'service_request_duration_seconds',
        'service_request_errors_total',
        'service_request_retries_total',
        'circuit_breaker_state',
        'circuit_breaker_transitions_total',
        'bulkhead_active',
        'bulkhead_queue_depth',
        'telegram_api_requests_total',
        'telegram_api_rate_limited_total',
        'telegram_api_retry_after_seconds',
        'outbound_queue_depth',
        'outbound_queue_wait_seconds',
        'webhook_requests_total',
        'signing_verifications_total',
        'redis_command_duration_seconds',
        'redis_command_errors_total',
        'middleware_duration_seconds',
        'requests_created_total',
        'shifts_viewed_total',
        'admin_actions_total',
      ]),
    );
  });

  it('lists the webhook outcomes the issue names', () => {
    const webhook = METRIC_CATALOG.find((m) => m.name === 'webhook_requests_total');
    expect(webhook?.labels[0]?.values).toEqual(
      expect.arrayContaining(['accepted', 'bad_secret', 'bad_body', 'too_large']),
    );
  });

  it('never redefines a prom-client default process metric', () => {
    for (const processName of PROCESS_METRIC_NAMES) {
      expect(names).not.toContain(processName);
      expect(names.map((n) => DEFAULT_METRIC_PREFIX + n)).not.toContain(processName);
    }
    expect(PROCESS_METRIC_NAMES).toEqual(
      expect.arrayContaining([
        'process_cpu_seconds_total',
        'process_resident_memory_bytes',
        'nodejs_eventloop_lag_p99_seconds',
        'nodejs_heap_size_used_bytes',
        'nodejs_gc_duration_seconds',
      ]),
    );
  });

  it('is frozen so nobody can change the contract at runtime', () => {
    expect(Object.isFrozen(METRIC_CATALOG)).toBe(true);
    expect(Object.isFrozen(PROCESS_METRIC_NAMES)).toBe(true);
  });
});

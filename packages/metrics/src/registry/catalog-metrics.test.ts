import fc from 'fast-check';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { isCatalogMetric } from './catalog-metrics';
import { createMetrics } from './create-metrics';

const text = (m: ReturnType<typeof createMetrics>, name: string) =>
  m.registry.getSingleMetricAsString(`portcullis_${name}`);

describe('CatalogMetric', () => {
  it('is usable wherever prom-client metric objects are expected', () => {
    const metric = createMetrics({ collectDefaultMetrics: false }).metric('errors_total');
    expectTypeOf(metric).toMatchTypeOf<Counter>();
    expectTypeOf(metric).toMatchTypeOf<Gauge>();
    expectTypeOf(metric).toMatchTypeOf<Histogram>();
    expect(isCatalogMetric(metric)).toBe(true);
    expect(isCatalogMetric({})).toBe(false);
  });

  it('accepts the prom-client call shapes on counters and gauges', async () => {
    const m = createMetrics({ collectDefaultMetrics: false });
    const errors = m.metric('errors_total');
    errors.inc({ error_code: 'timeout', where: 'service' });
    errors.inc({ error_code: 'timeout', where: 'service' }, 2);
    errors.labels('internal', 'update').inc();
    errors.labels({ error_code: 'internal', where: 'update' }).inc(4);
    errors.inc({
      labels: { error_code: 'aborted', where: 'service' },
      value: 1,
      exemplarLabels: {},
    });
    errors.inc({ error_code: 'timeout', where: 'service' }, -1);
    expect(await text(m, 'errors_total')).toMatchInlineSnapshot(`
      "# HELP portcullis_errors_total Errors that reached an error boundary, by code.
      # TYPE portcullis_errors_total counter
      portcullis_errors_total{error_code="timeout",where="service"} 3
      portcullis_errors_total{error_code="internal",where="update"} 5
      portcullis_errors_total{error_code="aborted",where="service"} 1"
    `);
    const inFlight = m.metric('updates_in_flight');
    inFlight.inc();
    inFlight.inc(4);
    inFlight.dec(2);
    expect(await text(m, 'updates_in_flight')).toContain('portcullis_updates_in_flight 3');
    inFlight.set(7);
    expect(await text(m, 'updates_in_flight')).toContain('portcullis_updates_in_flight 7');
  });

  it('accepts the prom-client call shapes on histograms, zero() and remove()', async () => {
    const m = createMetrics({ collectDefaultMetrics: false });
    const scrape = m.metric('metrics_scrape_duration_seconds');
    scrape.observe(0.003);
    scrape.observe({ labels: {}, value: 2, exemplarLabels: {} });
    const end = scrape.startTimer();
    expect(end()).toBeGreaterThanOrEqual(0);
    expect(await text(m, 'metrics_scrape_duration_seconds')).toMatch(
      /portcullis_metrics_scrape_duration_seconds_count 3/,
    );
    const redis = m.metric('redis_command_duration_seconds');
    redis.zero({ operation: 'fsm_cas' });
    redis.labels('dedup_claim').observe(0.001);
    redis.remove('fsm_cas');
    const after = await text(m, 'redis_command_duration_seconds');
    expect(after).not.toContain('fsm_cas');
    expect(after).toContain(
      'portcullis_redis_command_duration_seconds_count{operation="dedup_claim"} 1',
    );
  });

  it('records through a positional recorder exactly as through labels objects', async () => {
    const byName = createMetrics({ collectDefaultMetrics: false });
    const byPosition = createMetrics({ collectDefaultMetrics: false });
    // Label names in another order than the catalog's (middleware, outcome).
    const record = byPosition
      .metric('middleware_duration_seconds')
      .recorder(['outcome', 'middleware']);
    for (const [name, outcome, seconds] of [
      ['auth', 'success', 0.001],
      ['auth', 'success', 0.2],
      ['router', 'error', 0.03],
      ['auth', 'success', Number.NaN],
      ['auth', 'error', 0.004],
    ] as const) {
      byName.observe('middleware_duration_seconds', { middleware: name, outcome }, seconds);
      record(seconds, outcome, name);
    }
    const counter = byPosition.metric('errors_total').recorder(['error_code', 'where']);
    counter(2, 'timeout', 'service');
    counter(-1, 'timeout', 'service');
    counter(Number.POSITIVE_INFINITY, 'timeout', 'service');
    byName.inc('errors_total', { error_code: 'timeout', where: 'service' }, 2);
    for (const name of ['middleware_duration_seconds', 'errors_total']) {
      expect(await text(byPosition, name)).toBe(await text(byName, name));
    }
  });

  it('records through a positional recorder exactly as through labels objects, over any interleaving', async () => {
    const value = fc.constantFrom(undefined, '', 'billing', 'search', 'users', 'other', 'none');
    const code = fc.constantFrom(undefined, 'timeout', 'network', 'no_such_code', 'other');
    const step = fc.oneof(
      fc.record({ op: fc.constant('record' as const), service: value, code }),
      fc.record({ op: fc.constant('remove' as const), service: value, code }),
      fc.record({ op: fc.constant('reset' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 60 }), async (steps) => {
        const byName = createMetrics({ collectDefaultMetrics: false, maxLabelValues: 2 });
        const byPosition = createMetrics({ collectDefaultMetrics: false, maxLabelValues: 2 });
        const record = byPosition
          .metric('service_request_errors_total')
          .recorder(['error_code', 'service']);
        for (const one of steps) {
          if (one.op === 'reset') {
            byName.registry.resetMetrics();
            byPosition.registry.resetMetrics();
            continue;
          }
          const labels = { service: one.service, error_code: one.code };
          if (one.op === 'remove') {
            byName.metric('service_request_errors_total').remove(labels);
            byPosition.metric('service_request_errors_total').remove(labels);
          } else {
            byName.inc('service_request_errors_total', labels);
            record(1, one.code, one.service);
          }
        }
        for (const name of ['service_request_errors_total', 'metrics_label_overflow_total']) {
          expect(await text(byPosition, name)).toBe(await text(byName, name));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('counts every overflow of a positional recorder and forgets its series on reset', async () => {
    const m = createMetrics({ collectDefaultMetrics: false, maxLabelValues: 1 });
    const commands = m.metric('commands_total').recorder(['command']);
    commands(1, 'start');
    commands(1, 'help');
    commands(1, 'help');
    expect(await text(m, 'commands_total')).toContain(
      'portcullis_commands_total{command="other"} 2',
    );
    expect(await text(m, 'metrics_label_overflow_total')).toContain(
      'portcullis_metrics_label_overflow_total{metric="commands_total"} 2',
    );
    commands(1, 'start');
    m.registry.resetMetrics();
    commands(1, 'start');
    expect(await text(m, 'commands_total')).toContain(
      'portcullis_commands_total{command="start"} 1',
    );
    m.metric('commands_total').remove('start');
    commands(1, 'start');
    expect(await text(m, 'commands_total')).toContain(
      'portcullis_commands_total{command="start"} 1',
    );
  });

  it('counts no overflow when remove() drops a series, and keeps the `other` and `none` series', async () => {
    const m = createMetrics({ collectDefaultMetrics: false, maxLabelValues: 1 });
    const failures = m.metric('service_request_errors_total');
    const overflows = async () =>
      (await text(m, 'metrics_label_overflow_total')).match(
        /metric="service_request_errors_total"\} (\d+)/,
      )?.[1];
    failures.inc({ service: 'billing', error_code: 'timeout' });
    failures.inc({ service: 'billing', error_code: 'no_such_code' });
    failures.inc({ service: 'search', error_code: 'timeout' });
    failures.inc({ error_code: 'timeout' });
    expect(await overflows()).toBe('2');
    failures.remove({ service: 'billing', error_code: 'timeout' });
    failures.remove({ service: 'payments', error_code: 'no_such_code' });
    expect(await overflows()).toBe('2');
    failures.inc({ service: 'search', error_code: 'timeout' });
    failures.inc({ error_code: 'timeout' });
    expect(await overflows()).toBe('3');
    expect(await text(m, 'service_request_errors_total')).toMatchInlineSnapshot(`
      "# HELP portcullis_service_request_errors_total Backend request attempts that failed.
      # TYPE portcullis_service_request_errors_total counter
      portcullis_service_request_errors_total{service="billing",error_code="other"} 1
      portcullis_service_request_errors_total{service="other",error_code="timeout"} 2
      portcullis_service_request_errors_total{service="none",error_code="timeout"} 2"
    `);
  });

  it('lets a removed value come back, and removing an unseen value takes no open-label slot', async () => {
    const m = createMetrics({ collectDefaultMetrics: false, maxLabelValues: 2 });
    const commands = m.metric('commands_total');
    const record = commands.recorder(['command']);
    record(1, 'start');
    record(1);
    commands.remove('never-recorded');
    commands.remove('start');
    record(1, 'start');
    record(1, 'help');
    record(1);
    expect(await text(m, 'commands_total')).toMatchInlineSnapshot(`
      "# HELP portcullis_commands_total Commands matched, by registered command name.
      # TYPE portcullis_commands_total counter
      portcullis_commands_total{command="none"} 2
      portcullis_commands_total{command="start"} 1
      portcullis_commands_total{command="help"} 1"
    `);
    expect(await text(m, 'metrics_label_overflow_total')).not.toContain('commands_total');
  });

  it('refuses a positional recorder whose label names are not the metric’s', () => {
    const errors = createMetrics({ collectDefaultMetrics: false }).metric('errors_total');
    expect(() => errors.recorder(['error_code'])).toThrow(/"error_code","where"/);
    expect(() => errors.recorder(['error_code', 'wher'])).toThrow(TypeError);
  });

  it('starts over on registry.resetMetrics(), keeping label-free metrics at zero', async () => {
    const m = createMetrics({ collectDefaultMetrics: false });
    m.inc('errors_total', { error_code: 'timeout', where: 'service' });
    m.inc('updates_in_flight');
    m.registry.resetMetrics();
    expect(await text(m, 'errors_total')).not.toContain('timeout');
    expect(await text(m, 'updates_in_flight')).toContain('portcullis_updates_in_flight 0');
  });
});

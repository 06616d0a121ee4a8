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

  it('starts over on registry.resetMetrics(), keeping label-free metrics at zero', async () => {
    const m = createMetrics({ collectDefaultMetrics: false });
    m.inc('errors_total', { error_code: 'timeout', where: 'service' });
    m.inc('updates_in_flight');
    m.registry.resetMetrics();
    expect(await text(m, 'errors_total')).not.toContain('timeout');
    expect(await text(m, 'updates_in_flight')).toContain('portcullis_updates_in_flight 0');
  });
});

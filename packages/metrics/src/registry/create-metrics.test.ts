import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { METRIC_CATALOG, PROCESS_METRIC_NAMES } from '../catalog/catalog';
import { createMetrics } from './create-metrics';

describe('createMetrics', () => {
  it('registers every catalog metric under the default prefix plus the process metrics', async () => {
    const metrics = createMetrics();
    const names = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name);
    for (const definition of METRIC_CATALOG)
      expect(names).toContain(`portcullis_${definition.name}`);
    for (const processName of PROCESS_METRIC_NAMES) expect(names).toContain(processName);
    expect(names).toHaveLength(METRIC_CATALOG.length + PROCESS_METRIC_NAMES.length);
  });

  it('uses a custom prefix, including none at all', () => {
    expect(
      createMetrics({ prefix: 'bot_' }).registry.getSingleMetric('bot_errors_total'),
    ).toBeDefined();
    expect(createMetrics({ prefix: '' }).registry.getSingleMetric('errors_total')).toBeDefined();
  });

  it('does not throw when the catalog is registered twice on one registry, and shares the series', async () => {
    const registry = new Registry();
    const first = createMetrics({ registry });
    const second = createMetrics({ registry });
    first.inc('errors_total', { error_code: 'timeout', where: 'service' });
    second.inc('errors_total', { error_code: 'timeout', where: 'service' });
    const text = await registry.getSingleMetricAsString('portcullis_errors_total');
    expect(text).toContain('portcullis_errors_total{error_code="timeout",where="service"} 2');
  });

  it('never registers the default process metrics twice, even when the app already did', async () => {
    const registry = new Registry();
    createMetrics({ registry });
    createMetrics({ registry, prefix: 'other_' });
    const json = await registry.getMetricsAsJSON();
    const cpu = json.filter((m) => m.name === 'process_cpu_seconds_total');
    expect(cpu).toHaveLength(1);
  });

  it('skips the process metrics when asked to', () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    expect(metrics.registry.getSingleMetric('process_cpu_seconds_total')).toBeUndefined();
  });

  it('refuses a registry where a catalog name is taken by another type', () => {
    const registry = new Registry();
    new Counter({ name: 'portcullis_bulkhead_active', help: 'x', registers: [registry] });
    expect(() =>
      createMetrics({ registry, collectDefaultMetrics: false }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[TypeError: Expected \`registry\` to be a registry where \`portcullis_bulkhead_active\` is free or the Portcullis gauge, got "counter"]`,
    );
  });

  it('validates its options at construction', () => {
    expect(() => createMetrics({ prefix: '9x' })).toThrowErrorMatchingInlineSnapshot(
      `[TypeError: Expected \`prefix\` to be a metric name prefix matching [a-zA-Z_][a-zA-Z0-9_]*, got "9x"]`,
    );
    expect(() => createMetrics({ maxLabelValues: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[TypeError: Expected \`maxLabelValues\` to be a positive integer, got 0]`,
    );
  });

  it('rejects names outside the catalog and the wrong operation for a type', () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    expect(() => metrics.inc('nope_total')).toThrow(TypeError);
    expect(() => metrics.observe('errors_total', {}, 1)).toThrow(/catalog histogram/);
    expect(() => metrics.set('errors_total', {}, 1)).toThrow(/catalog gauge/);
  });

  it('records values outside an enumerated label as other and counts the overflow', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    metrics.inc('webhook_requests_total', { outcome: 'made_up' });
    const text = await metrics.registry.metrics();
    expect(text).toContain('portcullis_webhook_requests_total{outcome="other"} 1');
    expect(text).toContain(
      'portcullis_metrics_label_overflow_total{metric="webhook_requests_total"} 1',
    );
  });

  it('caps an open label at maxLabelValues distinct values', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false, maxLabelValues: 2 });
    for (const command of ['start', 'help', 'evil1', 'evil2', 'start']) {
      metrics.inc('commands_total', { command });
    }
    const text = await metrics.registry.getSingleMetricAsString('portcullis_commands_total');
    expect(text.split('\n').slice(2)).toEqual([
      'portcullis_commands_total{command="start"} 2',
      'portcullis_commands_total{command="help"} 1',
      'portcullis_commands_total{command="other"} 2',
    ]);
  });

  it('pre-zeroes small enumerated counters so alerts see them from the first scrape', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    const text = await metrics.registry.getSingleMetricAsString(
      'portcullis_signing_verifications_total',
    );
    expect(text).toContain('{outcome="valid"} 0');
    expect(text).toContain('{outcome="invalid"} 0');
  });

  it('exposes build_info with the package version', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    const text = await metrics.registry.getSingleMetricAsString('portcullis_build_info');
    expect(text).toMatch(
      /portcullis_build_info\{version="\d+\.\d+\.\d+[^"]*",nodejs_version="v\d+[^"]*"\} 1/,
    );
  });
});

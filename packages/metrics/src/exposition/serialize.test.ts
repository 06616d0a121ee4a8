import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../registry/create-metrics';
import { serializeRegistry } from './serialize';

function smallRegistry(): Registry {
  const registry = new Registry();
  const counter = new Counter({
    name: 'demo_requests_total',
    help: 'Requests "served"\\ and\nmore.',
    labelNames: ['route', 'status_class'],
    registers: [registry],
  });
  counter.inc({ route: '/users/:id', status_class: '2xx' }, 3);
  counter.inc({ route: 'a"b\\c\nd', status_class: '5xx' });
  new Gauge({ name: 'demo_in_flight', help: 'In flight.', registers: [registry] }).set(2);
  const histogram = new Histogram({
    name: 'demo_duration_seconds',
    help: 'Duration.',
    labelNames: ['route'],
    buckets: [0.1, 1],
    registers: [registry],
  });
  histogram.observe({ route: '/users/:id' }, 0.05);
  histogram.observe({ route: '/users/:id' }, 2);
  return registry;
}

describe('serializeRegistry', () => {
  it('writes Prometheus text byte for byte like prom-client', async () => {
    const registry = smallRegistry();
    expect(await serializeRegistry(registry, 'prometheus')).toBe(await registry.metrics());
    registry.setDefaultLabels({ instance: 'gw-1' });
    expect(await serializeRegistry(registry, 'prometheus')).toBe(await registry.metrics());
    // A series' own label wins over a default of the same name.
    registry.setDefaultLabels({ instance: 'gw-1', route: 'default' });
    expect(await serializeRegistry(registry, 'prometheus')).toBe(await registry.metrics());
    // And again, with the series' labels formatted from the cache.
    expect(await serializeRegistry(registry, 'prometheus')).toBe(await registry.metrics());
  });

  it('matches prom-client for the whole catalog with every kind of series', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    metrics.observe(
      'update_handling_duration_seconds',
      { update_type: 'message', outcome: 'handled' },
      0.2,
    );
    metrics.inc('errors_total', { error_code: 'timeout', where: 'service' });
    expect(await serializeRegistry(metrics.registry, 'prometheus')).toBe(
      await metrics.registry.metrics(),
    );
  });

  it('writes Prometheus text 0.0.4', async () => {
    expect(await serializeRegistry(smallRegistry(), 'prometheus')).toMatchInlineSnapshot(`
      "# HELP demo_requests_total Requests "served"\\\\ and\\nmore.
      # TYPE demo_requests_total counter
      demo_requests_total{route="/users/:id",status_class="2xx"} 3
      demo_requests_total{route="a\\"b\\\\c\\nd",status_class="5xx"} 1

      # HELP demo_in_flight In flight.
      # TYPE demo_in_flight gauge
      demo_in_flight 2

      # HELP demo_duration_seconds Duration.
      # TYPE demo_duration_seconds histogram
      demo_duration_seconds_bucket{le="0.1",route="/users/:id"} 1
      demo_duration_seconds_bucket{le="1",route="/users/:id"} 1
      demo_duration_seconds_bucket{le="+Inf",route="/users/:id"} 2
      demo_duration_seconds_sum{route="/users/:id"} 2.05
      demo_duration_seconds_count{route="/users/:id"} 2
      "
    `);
  });

  it('writes OpenMetrics 1.0 with counter families named without _total and a final # EOF', async () => {
    expect(await serializeRegistry(smallRegistry(), 'openmetrics')).toMatchInlineSnapshot(`
      "# HELP demo_requests Requests \\"served\\"\\\\ and\\nmore.
      # TYPE demo_requests counter
      demo_requests_total{route="/users/:id",status_class="2xx"} 3
      demo_requests_total{route="a\\"b\\\\c\\nd",status_class="5xx"} 1
      # HELP demo_in_flight In flight.
      # TYPE demo_in_flight gauge
      demo_in_flight 2
      # HELP demo_duration_seconds Duration.
      # TYPE demo_duration_seconds histogram
      demo_duration_seconds_bucket{le="0.1",route="/users/:id"} 1
      demo_duration_seconds_bucket{le="1",route="/users/:id"} 1
      demo_duration_seconds_bucket{le="+Inf",route="/users/:id"} 2
      demo_duration_seconds_sum{route="/users/:id"} 2.05
      demo_duration_seconds_count{route="/users/:id"} 2
      # EOF
      "
    `);
  });

  it('leaves the registry usable for Prometheus text after an OpenMetrics scrape', async () => {
    const registry = smallRegistry();
    const before = await serializeRegistry(registry, 'prometheus');
    await serializeRegistry(registry, 'openmetrics');
    expect(await serializeRegistry(registry, 'prometheus')).toBe(before);
  });

  it('yields to the event loop between families when a slice runs out, and not before', async () => {
    const immediateRanBefore = async (sliceMs: number): Promise<boolean> => {
      let ran = false;
      setImmediate(() => {
        ran = true;
      });
      await serializeRegistry(smallRegistry(), 'prometheus', { sliceMs });
      return ran;
    };
    expect(await immediateRanBefore(60_000)).toBe(false);
    expect(await immediateRanBefore(0)).toBe(true);
  });
});

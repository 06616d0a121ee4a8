import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../registry/create-metrics';
import { metricsHandler, negotiateFormat } from './handler';

const PROMETHEUS_3_ACCEPT =
  'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2';

describe('negotiateFormat', () => {
  it.each([
    [undefined, 'prometheus'],
    ['', 'prometheus'],
    ['*/*', 'prometheus'],
    ['text/plain;version=0.0.4', 'prometheus'],
    ['application/openmetrics-text; version=1.0.0', 'openmetrics'],
    [PROMETHEUS_3_ACCEPT, 'openmetrics'],
    ['text/plain;q=0.9, application/openmetrics-text;q=0.5', 'prometheus'],
    ['application/openmetrics-text;q=0, text/plain', 'prometheus'],
    ['application/json', 'prometheus'],
  ] as const)('answers %j with %s', (accept, format) => {
    expect(negotiateFormat(accept)).toBe(format);
  });
});

describe('metricsHandler', () => {
  const metrics = createMetrics({ collectDefaultMetrics: false });
  const scrape = {
    observe: (seconds: number) =>
      metrics.observe('metrics_scrape_duration_seconds', undefined, seconds),
  };
  let server: Server;
  let base: string;

  beforeAll(async () => {
    metrics.inc('errors_total', { error_code: 'timeout', where: 'service' });
    server = createServer(metricsHandler(metrics.registry, { scrapeDuration: scrape }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('serves Prometheus text 0.0.4 by default', async () => {
    const res = await fetch(base);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.headers.get('vary')).toBe('Accept');
    const body = await res.text();
    expect(body).toContain('# TYPE portcullis_errors_total counter');
    expect(body).toContain('portcullis_errors_total{error_code="timeout",where="service"} 1');
    expect(body.endsWith('\n')).toBe(true);
  });

  it('serves OpenMetrics to a Prometheus 3 scraper', async () => {
    const res = await fetch(base, { headers: { accept: PROMETHEUS_3_ACCEPT } });
    expect(res.headers.get('content-type')).toBe(
      'application/openmetrics-text; version=1.0.0; charset=utf-8',
    );
    const body = await res.text();
    expect(body).toContain('# TYPE portcullis_errors counter');
    expect(body).toContain('portcullis_errors_total{error_code="timeout",where="service"} 1');
    expect(body.endsWith('# EOF\n')).toBe(true);
  });

  it('answers HEAD with headers only and other methods with 405', async () => {
    const head = await fetch(base, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(100);
    expect(await head.text()).toBe('');
    const post = await fetch(base, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('observes its own serialisation time', async () => {
    await fetch(base).then((res) => res.text());
    const text = await metrics.registry.getSingleMetricAsString(
      'portcullis_metrics_scrape_duration_seconds',
    );
    expect(text).toMatch(/portcullis_metrics_scrape_duration_seconds_count [1-9]/);
  });
});

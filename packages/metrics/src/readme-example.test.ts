import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { instrument, metricsHandler, withUpdateSpan } from './index';

it('runs the README example', async () => {
  // --- README example (keep in sync) ---
  const { metrics, unsubscribe } = instrument({ breakers: ['users', 'shifts'], tracing: true });
  const scrapes = http.createServer(metricsHandler(metrics.registry));
  scrapes.listen(0, '127.0.0.1');

  // Around each update, so middleware, limiter, service and Telegram spans nest in one trace:
  await withUpdateSpan({ updateId: 1, updateType: 'message' }, async () => {
    /* dispatch the update */
  });
  metrics.inc('requests_created_total', { kind: 'vacation' }); // or publish CHANNELS.business
  // --- end of README example ---
  await new Promise((resolve) => scrapes.once('listening', resolve));
  const port = (scrapes.address() as AddressInfo).port;
  const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  expect(body).toContain('portcullis_requests_created_total{kind="vacation"} 1');
  expect(body).toContain('portcullis_circuit_breaker_state{breaker="shifts",state="closed"} 1');
  unsubscribe();
  scrapes.close();
});

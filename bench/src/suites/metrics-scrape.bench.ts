import { createMetrics, type PortcullisMetrics, serializeRegistry } from '@portcullis/metrics';
import type { BenchSuite } from '../harness';

const UPDATE_TYPES = [
  'message',
  'edited_message',
  'callback_query',
  'inline_query',
  'my_chat_member',
];

/** The label sets of a busy gateway (same shape as the package's scrape-cost test). */
function populate(m: PortcullisMetrics): void {
  for (const update_type of UPDATE_TYPES) {
    for (const outcome of ['handled', 'failed', 'unhandled', 'timeout']) {
      m.inc('updates_handled_total', { update_type, outcome });
      m.observe('update_handling_duration_seconds', { update_type, outcome }, 0.03);
    }
    m.inc('updates_received_total', { update_type, source: 'webhook' });
  }
  for (let i = 0; i < 20; i++) m.inc('commands_total', { command: `cmd${i}` });
  for (let i = 0; i < 30; i++) m.inc('callbacks_total', { callback: `cb${i}` });
  for (let s = 0; s < 9; s++) {
    const service = `svc${s}`;
    for (let r = 0; r < 6; r++) {
      for (const method of ['GET', 'POST']) {
        const labels = { service, method, route: `/r${r}/:id` };
        m.observe('service_request_duration_seconds', labels, 0.012);
        m.inc('service_requests_total', { ...labels, status_class: '2xx' });
        m.inc('service_requests_total', { ...labels, status_class: '5xx' });
      }
    }
    for (const state of ['closed', 'open', 'half-open']) {
      m.set('circuit_breaker_state', { breaker: service, state }, state === 'closed' ? 1 : 0);
    }
  }
  for (let i = 0; i < 40; i++) {
    m.observe('telegram_api_request_duration_seconds', { method: `method${i}` }, 0.05);
    for (const status of ['200', '400', '429']) {
      m.inc('telegram_api_requests_total', { method: `method${i}`, status });
    }
  }
  for (let i = 0; i < 12; i++) {
    for (const outcome of ['success', 'error']) {
      m.observe('middleware_duration_seconds', { middleware: `mw${i}`, outcome }, 0.001);
    }
  }
  for (let p = 0; p < 5; p++) {
    for (const engine of ['redis', 'memory']) {
      m.observe('ratelimit_check_duration_seconds', { policy: `policy${p}`, engine }, 0.001);
    }
  }
}

const metrics = createMetrics();
populate(metrics);
const registry = metrics.registry;

/** Serialising the full catalog with realistic label sets, per scrape. */
export const metricsScrape: BenchSuite = {
  title: 'Metrics: full-catalog scrape serialisation',
  reference: 'prom-client registry.metrics()',
  note: 'Scrapes per second of the whole registry (catalog + process metrics, ~4,000 samples). Portcullis serialises both formats itself and yields to the event loop every 2 ms; ratio > 1 is faster than prom-client.',
  cases: [
    { name: 'prom-client registry.metrics()', fn: () => registry.metrics() },
    { name: 'serializeRegistry prometheus', fn: () => serializeRegistry(registry, 'prometheus') },
    { name: 'serializeRegistry openmetrics', fn: () => serializeRegistry(registry, 'openmetrics') },
  ],
};

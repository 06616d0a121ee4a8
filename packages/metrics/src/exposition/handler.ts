import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { CONTENT_TYPES, type ExpositionFormat, serializeRegistry } from './serialize';

/** Options of {@link metricsHandler}. */
export interface MetricsHandlerOptions {
  /**
   * Observe each scrape's serialisation time on this histogram-like object
   * (`createMetrics().metric('metrics_scrape_duration_seconds')` fits).
   * @default none
   */
  readonly scrapeDuration?: { observe(value: number): void };
  /**
   * Longest synchronous slice of serialisation before yielding to the event loop.
   * @default 2
   */
  readonly sliceMs?: number;
}

/** A node:http request listener that answers scrapes. */
export type MetricsRequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * Picks the exposition format from an `Accept` header: OpenMetrics when the
 * client asks for `application/openmetrics-text` with a higher (or equal,
 * earlier) preference than text, Prometheus text 0.0.4 otherwise.
 */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  if (accept === undefined || accept === '') return 'prometheus';
  let best: { format: ExpositionFormat; q: number } | undefined;
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!Number.isFinite(q) || q <= 0) continue;
    const format: ExpositionFormat | undefined =
      type === 'application/openmetrics-text'
        ? 'openmetrics'
        : type === 'text/plain' || type === '*/*' || type === 'text/*'
          ? 'prometheus'
          : undefined;
    if (format !== undefined && (best === undefined || q > best.q)) best = { format, q };
  }
  return best?.format ?? 'prometheus';
}

/**
 * Returns a node:http handler that serves `registry` on GET and HEAD, in the
 * format the scraper's `Accept` header prefers, without blocking the event
 * loop for more than a slice at a time.
 *
 * @example
 * ```ts
 * const metrics = createMetrics();
 * http.createServer(metricsHandler(metrics.registry)).listen(9464);
 * ```
 */
export function metricsHandler(
  registry: Registry,
  options: MetricsHandlerOptions = {},
): MetricsRequestHandler {
  const serializeOptions = options.sliceMs === undefined ? {} : { sliceMs: options.sliceMs };
  return async function servePortcullisMetrics(req, res) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('Method Not Allowed\n');
      return;
    }
    const format = negotiateFormat(req.headers.accept);
    const started = performance.now();
    let body: string;
    try {
      body = await serializeRegistry(registry, format, serializeOptions);
    } catch {
      // A collector failed; the details stay in-process, scrapers see a 500.
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('metrics collection failed\n');
      return;
    }
    options.scrapeDuration?.observe((performance.now() - started) / 1000);
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[format],
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
      vary: 'Accept',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

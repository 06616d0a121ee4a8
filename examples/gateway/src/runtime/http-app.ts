import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  cors,
  createHealthHandler,
  createHttpPipeline,
  type HealthHandler,
  type HttpHandler,
  httpRoutes,
  requestId,
  securityHeaders,
} from '@portcullis/core';
import { metricsHandler } from '@portcullis/metrics';
import { type RateLimiter, rateLimit } from '@portcullis/redis-ratelimit';
import type { Registry } from 'prom-client';
import { describeError, type Logger } from './logger';

/** What the gateway's HTTP surface is built from. */
export interface HttpAppOptions {
  /** Path Telegram posts updates to; `undefined` in polling mode. */
  readonly webhookPath: string | undefined;
  /** The webhook handler (secret token, body limit, dedup and ordering are inside it). */
  readonly webhook: HttpHandler | undefined;
  readonly registry: Registry;
  /** Readiness checks (`redis`, each backend). */
  readonly readinessChecks: Record<string, (signal: AbortSignal) => Promise<unknown>>;
  readonly corsOrigins: readonly string[];
  /** The seed's webhook policy (100/s, burst 50), applied to the whole webhook. */
  readonly webhookLimiter: RateLimiter;
  /** The seed's API policy (10/s, burst 5) per client address on the operator endpoints. */
  readonly apiLimiter: RateLimiter;
  /** Use `X-Forwarded-For`'s first address as the client (behind the reference nginx). */
  readonly trustProxy: boolean;
  readonly logger: Logger;
}

/** The HTTP app and its health handler (drained on shutdown). */
export interface HttpApp {
  readonly listener: (req: IncomingMessage, res: ServerResponse) => void;
  readonly health: HealthHandler;
}

function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = req.headers['x-forwarded-for'];
  if (trustProxy && typeof forwarded === 'string') return forwarded.split(',')[0]!.trim();
  return req.socket.remoteAddress ?? 'unknown';
}

/**
 * Every response gets a request id, security headers (no `Server` or
 * `X-Powered-By`) and CORS for allowed origins. Routes: the webhook,
 * `/metrics`, `/health` (liveness) and `/ready` (readiness); anything else is
 * a JSON 404.
 */
export function createHttpApp(options: HttpAppOptions): HttpApp {
  const health = createHealthHandler({ checks: options.readinessChecks, timeoutMs: 1500 });
  const serveMetrics = metricsHandler(options.registry);
  const apiLimit = rateLimit({
    limits: [
      { limiter: options.apiLimiter, key: (req) => `ip:${clientAddress(req, options.trustProxy)}` },
    ],
  });
  const webhookLimit = rateLimit({
    limits: [{ limiter: options.webhookLimiter, key: () => 'webhook' }],
  });
  const routes: Record<string, Record<string, HttpHandler>> = {
    '/metrics': {
      GET: async (req, res) => {
        if (await apiLimit(req, res)) await serveMetrics(req, res);
      },
    },
  };
  if (options.webhookPath !== undefined && options.webhook !== undefined) {
    const webhook = options.webhook;
    routes[options.webhookPath] = {
      POST: async (req, res) => {
        if (await webhookLimit(req, res)) await webhook(req, res);
      },
    };
  }
  const listener = createHttpPipeline(
    [
      requestId(),
      securityHeaders(),
      cors({ origins: [...options.corsOrigins] }),
      health,
      httpRoutes(routes),
    ],
    undefined,
    {
      onError: (error, req) =>
        options.logger.log('error', 'http request failed', {
          path: req.url,
          ...describeError(error),
        }),
    },
  );
  return { listener, health };
}

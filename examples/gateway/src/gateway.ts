import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceClientOptions } from '@portcullis/core';
import { instrument, withUpdateSpan } from '@portcullis/metrics';
import {
  type Bot,
  type BotOptions,
  createBot,
  createDurableUpdateQueue,
  createWebhookHandler,
  type DurableUpdateQueue,
  updateTypeOf,
} from '@portcullis/telegram-adapter';
import type { Cluster, Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { type Backends, createBackends } from './backends';
import { registerGatewayBot } from './bot/index';
import type { GatewayConfig } from './config';
import { createHttpApp } from './runtime/http-app';
import { describeError, type Logger, silentLogger } from './runtime/logger';
import { connectRedis, createStores, type GatewayStores } from './runtime/stores';

/** Replaceable parts, for tests, the demo and embedding. */
export interface GatewayOverrides {
  /** @default a silent logger */
  readonly logger?: Logger;
  /** A Redis client to use instead of connecting to `REDIS_URL`. */
  readonly redis?: Redis | Cluster;
  /** @default a new prom-client Registry */
  readonly registry?: Registry;
  /** Merged into every backend client (breaker, retry, bulkhead). */
  readonly serviceClientOptions?: Partial<ServiceClientOptions>;
  /** Merged into the bot's options (e.g. `botInfo`, outbound limits). */
  readonly botOptions?: Partial<BotOptions>;
}

/** A running (or ready to run) reference gateway. */
export interface Gateway {
  readonly config: GatewayConfig;
  readonly bot: Bot;
  readonly backends: Backends;
  readonly stores: GatewayStores;
  readonly registry: Registry;
  readonly server: Server;
  /** The durable ingest queue when `DURABLE_INGEST` is on. */
  readonly queue: DurableUpdateQueue | undefined;
  /** `http://host:port` once started. */
  url(): string;
  /** Listens, then registers the webhook or starts long polling. */
  start(): Promise<void>;
  /**
   * Graceful stop, as on SIGTERM: readiness turns 503, intake stops (no new
   * webhook requests, polling ends), in-flight updates drain up to
   * `SHUTDOWN_TIMEOUT_MS`, the polling offset is confirmed, then connections
   * close. Safe to call twice.
   */
  stop(): Promise<void>;
}

const SERVICES = ['users', 'requests', 'shifts', 'admin'] as const;

/** How long a durable-ingest shard lease lives without renewal (renewed every third). */
export const DURABLE_LEASE_MS = 15_000;
/**
 * The dedup claim with durable ingest: shorter than a shard lease by more
 * than one renewal period, so it has expired when a successor claims the
 * shard of a crashed replica.
 */
export const DURABLE_DEDUP_LEASE_MS = 9_000;

/**
 * Assembles the reference gateway from the Portcullis packages: the bot and
 * its handlers, per-user rate limits, conversation state, update dedup and
 * Telegram's outbound flood limits (Redis when `REDIS_URL` is set, shared by
 * replicas; memory otherwise), signed backend clients
 * with breakers, metrics at `/metrics`, health probes, and the webhook or
 * long polling.
 */
export function createGateway(config: GatewayConfig, overrides: GatewayOverrides = {}): Gateway {
  const logger = overrides.logger ?? silentLogger;
  const registry = overrides.registry ?? new Registry();
  const instrumentation = instrument({
    registry,
    prefix: config.METRICS_PREFIX,
    breakers: [...SERVICES],
    tracing: true,
  });
  const redis = overrides.redis ?? (config.REDIS_URL ? connectRedis(config.REDIS_URL) : undefined);
  redis?.on('error', (error: unknown) => logger.log('warn', 'redis error', describeError(error)));
  // With durable ingest a shard's lease is the lock: a crashed replica's
  // in-flight update is claimed from the stream once its lease expired, and
  // by then its dedup claim must have expired too, or the update is refused
  // as "busy" until the queue dead-letters it.
  const stores = createStores(redis, {
    ...(config.DURABLE_INGEST ? { dedupLeaseMs: DURABLE_DEDUP_LEASE_MS } : {}),
    webhookLimit: {
      perSecond: config.WEBHOOK_RATE_LIMIT_PER_SECOND,
      burst: config.WEBHOOK_RATE_LIMIT_BURST,
    },
    outboundGlobalPerSecond: config.TELEGRAM_OUTBOUND_GLOBAL_PER_SECOND,
  });
  const backends = createBackends({
    urls: {
      users: config.SERVICE_USERS_URL,
      requests: config.SERVICE_REQUESTS_URL,
      shifts: config.SERVICE_SHIFTS_URL,
      admin: config.SERVICE_ADMIN_URL,
    },
    signing: { keyId: config.SIGNING_KEY_ID, secret: config.SIGNING_SECRET },
    timeoutMs: config.SERVICE_TIMEOUT_MS,
    ...(overrides.serviceClientOptions ? { clientOptions: overrides.serviceClientOptions } : {}),
  });
  const bot = createBot({
    token: config.TELEGRAM_BOT_TOKEN,
    apiRoot: config.TELEGRAM_API_ROOT,
    conversationStorage: stores.conversations,
    dedup: stores.dedup,
    onError: (error) => logger.log('error', 'update failed', describeError(error)),
    // One trace per update: middleware, limiter, backend and Bot API spans nest
    // under its `process <type>` span (no-ops without OTEL_EXPORTER_OTLP_ENDPOINT).
    aroundUpdate: (update, handle) =>
      withUpdateSpan({ updateId: update.update_id, updateType: updateTypeOf(update) }, handle),
    ...overrides.botOptions,
    // Replicas share Telegram's flood limits through Redis; overrides may still tune them.
    outbound: {
      globalPerSecond: config.TELEGRAM_OUTBOUND_GLOBAL_PER_SECOND,
      ...(stores.outboundPacer ? { pacer: stores.outboundPacer } : {}),
      ...overrides.botOptions?.outbound,
    },
  });
  registerGatewayBot(bot, {
    backends,
    limiters: { messages: stores.limiters.messages, commands: stores.limiters.commands },
    adminIds: config.ADMIN_USER_IDS,
  });

  if (config.DURABLE_INGEST && redis === undefined) {
    throw new TypeError('DURABLE_INGEST needs REDIS_URL: the queue lives in Redis');
  }
  const queue =
    config.DURABLE_INGEST && redis
      ? createDurableUpdateQueue({ redis, leaseMs: DURABLE_LEASE_MS })
      : undefined;
  const webhookMode = config.TELEGRAM_UPDATE_MODE === 'webhook';
  const webhook = webhookMode
    ? createWebhookHandler({
        ...(queue ? { durable: queue } : { pipeline: bot.pipeline }),
        ...(config.TELEGRAM_WEBHOOK_SECRET ? { secretToken: config.TELEGRAM_WEBHOOK_SECRET } : {}),
        maxInFlight: config.WEBHOOK_MAX_IN_FLIGHT,
      })
    : undefined;

  const readinessChecks: Record<string, (signal: AbortSignal) => Promise<unknown>> = {};
  if (redis) readinessChecks.redis = () => redis.ping();
  for (const name of SERVICES) {
    const base = config[`SERVICE_${name.toUpperCase() as Uppercase<typeof name>}_URL`];
    readinessChecks[name] = async (signal) => {
      const response = await fetch(new URL('/ready', base), { signal });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`${name}-service is not ready (${response.status})`);
    };
  }
  const app = createHttpApp({
    webhookPath: webhookMode ? config.TELEGRAM_WEBHOOK_PATH : undefined,
    webhook,
    registry,
    readinessChecks,
    corsOrigins: config.CORS_ALLOWED_ORIGINS,
    webhookLimiter: stores.limiters.webhooks,
    apiLimiter: stores.limiters.api,
    trustProxy: config.TRUST_PROXY,
    logger,
  });
  const server = createServer(app.listener);
  // Longer than the reference nginx's keep-alive, so nginx closes first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;

  let polling: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;

  async function stopNow(): Promise<void> {
    logger.log('info', 'shutting down');
    app.health.drain();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // One deadline for the whole drain, so a stop fits the orchestrator's
    // grace period (each step gets what the earlier ones left).
    const deadline = Date.now() + config.SHUTDOWN_TIMEOUT_MS;
    const left = () => Math.max(0, deadline - Date.now());
    await bot.stop({ drainTimeoutMs: left() });
    await polling?.catch(() => undefined);
    await queue?.stop({ drainTimeoutMs: left() });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      closed,
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          server.closeAllConnections();
          resolve();
        }, left());
      }),
    ]);
    clearTimeout(timer);
    await bot.close();
    await backends.close();
    await stores.close();
    instrumentation.unsubscribe();
    logger.log('info', 'stopped');
  }

  return {
    config,
    bot,
    backends,
    stores,
    registry,
    server,
    queue,
    url() {
      const address = server.address() as AddressInfo | null;
      if (address === null) throw new Error('The gateway is not listening');
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
    },
    async start() {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.PORT, config.HOST, () => {
          server.off('error', reject);
          resolve();
        });
      });
      await bot.init();
      queue?.start(bot.queueHandler());
      if (webhookMode) {
        await bot.api.raw.call('setWebhook', {
          url: new URL(config.TELEGRAM_WEBHOOK_PATH, config.TELEGRAM_WEBHOOK_URL).toString(),
          ...(config.TELEGRAM_WEBHOOK_SECRET
            ? { secret_token: config.TELEGRAM_WEBHOOK_SECRET }
            : {}),
          allowed_updates: bot.allowedUpdates(),
          max_connections: 40,
        });
      } else {
        await bot.api.raw.call('deleteWebhook', {});
        polling = bot.startPolling({
          ...(queue ? { durable: queue } : {}),
          onError: (error) => logger.log('warn', 'polling error', describeError(error)),
        });
        polling.catch((error: unknown) =>
          logger.log('error', 'polling stopped', describeError(error)),
        );
      }
      logger.log('info', 'gateway started', { url: this.url(), mode: config.TELEGRAM_UPDATE_MODE });
    },
    stop() {
      stopping ??= stopNow();
      return stopping;
    },
  };
}

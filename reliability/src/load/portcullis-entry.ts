/**
 * The reference gateway as `main.ts` runs it (configuration from the
 * environment, JSON logs, SIGTERM drains), with two limits lifted so a load
 * test measures the gateway rather than its guards:
 *
 * - outbound flood control (30 msg/s over all chats by default, Telegram's
 *   own limit) through the `botOptions` override: every update here is
 *   answered with a message, so the default would cap throughput at 30/s.
 *   With Redis the gateway paces through a shared Redis pacer; the load keeps
 *   one (same script, same two reservations per reply) with a global limit
 *   of `LOAD_OUTBOUND_LIMIT` per second, far above what this machine sends;
 * - the global webhook limit (100/s, burst 50, one Redis key for every
 *   request) through `WEBHOOK_RATE_LIMIT_PER_SECOND` (`LOAD_WEBHOOK_LIMIT`,
 *   no burst): the limiter keeps its Redis round trip and never refuses.
 *
 * Per-user limits (messages 20/min + 100/h, commands 5/min) stay as shipped.
 */
import { loadConfig } from '@portcullis/example-gateway/src/config';
import { createGateway } from '@portcullis/example-gateway/src/gateway';
import { createLogger } from '@portcullis/example-gateway/src/runtime/logger';
import { connectRedis } from '@portcullis/example-gateway/src/runtime/stores';
import { createRedisOutboundPacer } from '@portcullis/telegram-adapter';
import { collectGarbageOnSignal } from './gc-signal';

collectGarbageOnSignal();

const webhookLimit = Number(process.env.LOAD_WEBHOOK_LIMIT ?? 1_000_000);
const outboundLimit = Number(process.env.LOAD_OUTBOUND_LIMIT ?? 10_000);
// The load's webhook limit unless the environment sets one.
const config = loadConfig({
  WEBHOOK_RATE_LIMIT_PER_SECOND: String(webhookLimit),
  WEBHOOK_RATE_LIMIT_BURST: '0',
  ...process.env,
});
const logger = createLogger({ level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'info' });
const redis = config.REDIS_URL ? connectRedis(config.REDIS_URL) : undefined;
const gateway = createGateway(config, {
  logger,
  ...(redis ? { redis } : {}),
  botOptions: {
    outbound: {
      globalPerSecond: outboundLimit,
      maxQueueSize: 100_000,
      ...(redis
        ? {
            pacer: createRedisOutboundPacer({
              redis,
              prefix: 'load:outbound',
              globalPerSecond: outboundLimit,
            }),
          }
        : {}),
    },
  },
});

process.once('SIGTERM', () => {
  gateway.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
await gateway.start();

import {
  type ConversationStorage,
  createMemoryConversationStorage,
  createRedisConversationStorage,
} from '@portcullis/core';
import {
  createMemoryEngine,
  createRateLimiter,
  createRedisEngine,
  PRESETS,
  type RateLimiter,
  webhooksPolicy,
} from '@portcullis/redis-ratelimit';
import {
  createMemoryDedupStore,
  createRedisDedupStore,
  createRedisOutboundPacer,
  type DedupStore,
  type OutboundPacer,
} from '@portcullis/telegram-adapter';
import { Cluster, Redis } from 'ioredis';

/** The gateway's shared state: conversations, update dedup, rate-limit counters and outbound flood slots. */
export interface GatewayStores {
  /** The Redis client when `REDIS_URL` is set (a Cluster client for `redis+cluster://`-style lists). */
  readonly redis: Redis | Cluster | undefined;
  readonly conversations: ConversationStorage;
  readonly dedup: DedupStore;
  /** Telegram flood limits shared by replicas (Redis only; in memory each bot paces alone). */
  readonly outboundPacer: OutboundPacer | undefined;
  readonly limiters: {
    readonly messages: RateLimiter;
    readonly commands: RateLimiter;
    readonly api: RateLimiter;
    readonly webhooks: RateLimiter;
  };
  close(): Promise<void>;
}

/**
 * Parses `REDIS_URL`: one URL for a single Redis, or several comma-separated
 * `redis://host:port` seeds for Redis Cluster.
 */
export function connectRedis(url: string): Redis | Cluster {
  const seeds = url
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  // No auto-pipelining: on Cluster, ioredis batches EVALSHA by script, not by
  // slot, and every limiter call fails.
  const common = { maxRetriesPerRequest: 1, commandTimeout: 1000 } as const;
  if (seeds.length > 1) {
    const first = new URL(seeds[0]!);
    return new Cluster(
      seeds.map((seed) => {
        const parsed = new URL(seed);
        return { host: parsed.hostname, port: Number(parsed.port || 6379) };
      }),
      {
        redisOptions: {
          ...common,
          ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
        },
      },
    );
  }
  return new Redis(seeds[0]!, common);
}

/** Options of {@link createStores}. */
export interface StoresOptions {
  /** How long an update's dedup claim lasts without completion. @default 60000 (the dedup store's own default) */
  readonly dedupLeaseMs?: number;
  /** The global webhook limit. @default the `webhooks` preset: 100/s, burst 50 */
  readonly webhookLimit?: { readonly perSecond: number; readonly burst: number };
  /** Messages per second over all chats (the shared pacer's global limit). @default 30 */
  readonly outboundGlobalPerSecond?: number;
}

/**
 * Stores on Redis when a client is given (replicas share them), in memory
 * otherwise (embedded mode). Limiters fall back to memory when Redis fails,
 * so users are still limited per replica rather than not at all; so does the
 * outbound pacer (the bot's scheduler keeps its per-process flood limits).
 */
export function createStores(
  redis: Redis | Cluster | undefined,
  options: StoresOptions = {},
): GatewayStores {
  const engine = redis ? createRedisEngine({ redis, commandTimeoutMs: 100 }) : createMemoryEngine();
  const limiter = (policy: (typeof PRESETS)[keyof typeof PRESETS]) =>
    createRateLimiter({ policy, engine, onStoreError: 'fallback' });
  return {
    redis,
    conversations: redis
      ? createRedisConversationStorage({ redis })
      : createMemoryConversationStorage(),
    dedup: redis
      ? createRedisDedupStore({ redis, leaseMs: options.dedupLeaseMs })
      : createMemoryDedupStore({ leaseMs: options.dedupLeaseMs }),
    outboundPacer: redis
      ? createRedisOutboundPacer({ redis, globalPerSecond: options.outboundGlobalPerSecond })
      : undefined,
    limiters: {
      messages: limiter(PRESETS.messages),
      commands: limiter(PRESETS.commands),
      api: limiter(PRESETS.api),
      webhooks: limiter(
        options.webhookLimit
          ? webhooksPolicy({
              limits: { second: options.webhookLimit.perSecond },
              burst: options.webhookLimit.burst,
            })
          : PRESETS.webhooks,
      ),
    },
    async close() {
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}

import { invalidOption } from './errors';
import type { NonceStore } from './nonce-store';

/** The one Redis command the store sends; an ioredis `Redis` or `Cluster` fits. */
export interface RedisNonceClient {
  set(key: string, value: string, px: 'PX', ttlMs: number, nx: 'NX'): Promise<unknown>;
}

/** Options for {@link createRedisNonceStore}. */
export interface RedisNonceStoreOptions {
  /** The client, e.g. `new Redis(url)` from ioredis. */
  readonly redis: RedisNonceClient;
  /**
   * Key prefix; each nonce is one key, so Redis Cluster needs no hash tag.
   * @default 'portcullis:nonce:'
   */
  readonly prefix?: string;
}

/**
 * Creates a nonce store on Redis: one `SET key 1 PX ttl NX` per accepted
 * request, atomic across every replica that shares the Redis.
 */
export function createRedisNonceStore(options: RedisNonceStoreOptions): NonceStore {
  const redis = options?.redis;
  if (typeof redis?.set !== 'function') throw invalidOption('redis', 'a client with set()', redis);
  const prefix = options.prefix ?? 'portcullis:nonce:';
  if (typeof prefix !== 'string') throw invalidOption('prefix', 'a string', prefix);
  return {
    async claim(key, ttlMs) {
      const reply = await redis.set(prefix + key, '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
      return reply === 'OK';
    },
  };
}

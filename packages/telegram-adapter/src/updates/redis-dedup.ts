import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { CHANNELS, publish } from '@portcullis/core';
import { luaScript, runScript } from '../durable/redis-script';
import type { RedisCallLike } from '../durable/redis-streams-like';
import { type DedupStoreOptions, type RenewableDedupStore, resolveDedupOptions } from './dedup';

/** Options of {@link createRedisDedupStore}. */
export interface RedisDedupStoreOptions extends DedupStoreOptions {
  /** An ioredis `Redis` or `Cluster` (anything with `call()`). */
  readonly redis: RedisCallLike;
  /** Key prefix; the key is `<prefix>:<update_id>`. @default 'portcullis:dedup' */
  readonly prefix?: string;
}

// Restarts a claim's lease while it is still the given claim; a handled id
// (`d`), a lapsed claim and another worker's claim are left alone.
const RENEW = luaScript(
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0",
);

// Deletes a claim while it is still the given claim.
const RELEASE = luaScript(
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
);

// Claims held at most by one store; past it the oldest are forgotten (their
// renewals then report them lost, and the pipeline claims again). Claims are
// forgotten on completion and release, so only updates whose handling broke
// off on a store failure linger here.
const MAX_HELD = 100_000;

/**
 * A dedup store shared by replicas. A claim is `SET key p:<claim id> NX PX
 * leaseMs`, its value unique to that claim, so only the worker that made it
 * renews it (a one-key script: `PEXPIRE` while the value is still its own)
 * or releases it; `SET key d EX ttlSeconds` completes.
 *
 * A claim whose command failed on the client may still run in Redis: ioredis
 * sends a command that timed out on the client after it reconnects. Left
 * there, that claim would keep its update `busy` for a lease with no worker
 * behind it, so the store queues a release of that very claim right behind
 * it; on one connection Redis runs them in order.
 *
 * Any value other than `d` reads as a claim in force, so replicas of earlier
 * versions (which claim with plain `p`) share a store with this one.
 */
export function createRedisDedupStore(options: RedisDedupStoreOptions): RenewableDedupStore {
  const { ttlSeconds, leaseMs } = resolveDedupOptions(options);
  const { redis } = options;
  const prefix = options.prefix ?? 'portcullis:dedup';
  const storeId = randomBytes(6).toString('base64url');
  let claims = 0;
  const held = new Map<number, string>();
  const hold = (updateId: number, value: string) => {
    held.delete(updateId);
    held.set(updateId, value);
    if (held.size > MAX_HELD) held.delete(held.keys().next().value!);
  };
  const timed = async <T>(operation: string, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      const result = await run();
      publish(CHANNELS.redisCommand, () => ({
        operation,
        durationMs: performance.now() - started,
        ok: true,
      }));
      return result;
    } catch (error) {
      publish(CHANNELS.redisCommand, () => ({
        operation,
        durationMs: performance.now() - started,
        ok: false,
        errorCode: 'storage_unavailable',
      }));
      throw error;
    }
  };
  return {
    claim: (updateId) =>
      timed('dedup_claim', async () => {
        const key = `${prefix}:${updateId}`;
        const value = `p:${storeId}:${++claims}`;
        let reply: unknown;
        try {
          reply = await redis.call('SET', key, value, 'PX', leaseMs, 'NX');
        } catch (error) {
          runScript(redis, RELEASE, key, value).catch(() => {});
          throw error;
        }
        if (reply === 'OK') {
          hold(updateId, value);
          return 'claimed';
        }
        return (await redis.call('GET', key)) === 'd' ? 'done' : 'busy';
      }),
    complete: (updateId) =>
      timed('dedup_complete', async () => {
        held.delete(updateId);
        await redis.call('SET', `${prefix}:${updateId}`, 'd', 'EX', ttlSeconds);
      }),
    release: (updateId) =>
      timed('dedup_release', async () => {
        const value = held.get(updateId);
        if (value === undefined) return;
        held.delete(updateId);
        await runScript(redis, RELEASE, `${prefix}:${updateId}`, value);
      }),
    renew: (updateId) =>
      timed('dedup_renew', async () => {
        const value = held.get(updateId);
        if (value === undefined) return false;
        if ((await runScript(redis, RENEW, `${prefix}:${updateId}`, value, leaseMs)) === 1)
          return true;
        if (held.get(updateId) === value) held.delete(updateId);
        return false;
      }),
    leaseMs,
  };
}

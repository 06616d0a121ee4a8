import {
  CHANNELS,
  hasSubscribers,
  invalidOption,
  PortcullisError,
  publish,
  truncateForMessage,
} from '@portcullis/core';
import type { EngineDecision, EngineOperation, RateLimitEngine } from './engine';
import type { Policy } from './policy';
import { type PolicyScript, policyScript } from './script';

/**
 * The Redis commands the engine calls — satisfied by an ioredis `Redis` or
 * `Cluster` (a peer dependency this package never imports at runtime).
 */
export interface RedisLike {
  evalsha(sha: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
  del(...keys: string[]): Promise<number>;
}

/** Options of {@link createRedisEngine}. */
export interface RedisEngineOptions {
  /** An ioredis client or Cluster (or anything {@link RedisLike}). */
  readonly redis: RedisLike;
  /** First part of every key: `<prefix>:<policy>:{<subject>}:l|b|m`. @default 'rl' */
  readonly prefix?: string;
  /**
   * Longest wait for one decision before it counts as a store error (the
   * limiter's `onStoreError` then applies). A timed-out consume may still have
   * been applied by Redis.
   * @default 100
   */
  readonly commandTimeoutMs?: number;
  /** Milliseconds clock sent to the script instead of Redis `TIME`; for tests only. @default undefined (Redis TIME) */
  readonly clock?: () => number;
}

const OPS: Record<EngineOperation, string> = { consume: 'c', peek: 'p', refund: 'r' };
const OPERATION_LABELS: Record<EngineOperation, string> = {
  consume: 'ratelimit_consume',
  peek: 'ratelimit_peek',
  refund: 'ratelimit_refund',
};

function storeError(error: unknown): PortcullisError {
  if (error instanceof PortcullisError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new PortcullisError(
    'rate_limiter_unavailable',
    `Redis rate-limit command failed: ${truncateForMessage(message, 120)}`,
    { cause: error },
  );
}

/**
 * The subject as written inside `{…}`. A subject starting with `}` would make
 * an empty hash tag (each key hashed whole, CROSSSLOT on a Cluster), so such
 * subjects, and those starting with NUL, get a NUL in front: one-to-one, and
 * every other subject is used as is.
 */
function hashTag(key: string): string {
  return key.startsWith('}') || key.startsWith('\u0000') ? `\u0000${key}` : key;
}

/**
 * An engine that decides in Redis: one Lua script per decision (one round
 * trip whatever the number of windows), Redis `TIME` as the clock, all keys of
 * a subject under one hash tag (Cluster-safe), `NOSCRIPT` answered by loading
 * the script again.
 */
export function createRedisEngine(options: RedisEngineOptions): RateLimitEngine {
  const redis = options?.redis;
  if (typeof redis?.evalsha !== 'function' || typeof redis.eval !== 'function') {
    throw invalidOption('redis', 'an ioredis client or Cluster', redis);
  }
  const prefix = options.prefix ?? 'rl';
  if (typeof prefix !== 'string' || prefix.length === 0 || /[{}]/.test(prefix)) {
    throw invalidOption('prefix', 'a non-empty string without braces', prefix);
  }
  const commandTimeoutMs = options.commandTimeoutMs ?? 100;
  if (!Number.isSafeInteger(commandTimeoutMs) || commandTimeoutMs <= 0) {
    throw invalidOption('commandTimeoutMs', 'a positive integer', commandTimeoutMs);
  }
  const clock = options.clock;
  const scripts = new WeakMap<Policy, PolicyScript>();

  function baseOf(policy: Policy, key: string): string {
    return `${prefix}:${policy.name}:{${hashTag(key)}}:`;
  }

  function keysOf(policy: Policy, key: string): [string, string, string] {
    const base = baseOf(policy, key);
    return [`${base}l`, `${base}b`, `${base}m`];
  }

  /**
   * EVALSHA with one timer; NOSCRIPT (the script cache is per node and empties
   * on restart, failover and SCRIPT FLUSH) is answered with EVAL, which also
   * caches the script again.
   */
  function call<T>(
    operation: string,
    send: () => Promise<T>,
    retry?: () => Promise<T>,
  ): Promise<T> {
    const timed = hasSubscribers(CHANNELS.redisCommand);
    const started = timed ? performance.now() : 0;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const wrapped = storeError(error);
        if (timed) {
          publish(CHANNELS.redisCommand, {
            operation,
            durationMs: performance.now() - started,
            ok: false,
            errorCode: wrapped.code,
          });
        }
        reject(wrapped);
      };
      const succeed = (value: T) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (timed)
          publish(CHANNELS.redisCommand, {
            operation,
            durationMs: performance.now() - started,
            ok: true,
          });
        resolve(value);
      };
      const timer = setTimeout(
        () =>
          fail(
            new PortcullisError(
              'timeout',
              `Redis rate-limit command did not answer within ${commandTimeoutMs} ms`,
            ),
          ),
        commandTimeoutMs,
      );
      send().then(succeed, (error: unknown) => {
        if (retry !== undefined && error instanceof Error && error.message.startsWith('NOSCRIPT')) {
          retry().then(succeed, fail);
        } else fail(error);
      });
    });
  }

  return {
    kind: 'redis',
    async decide(policy, key, operation, cost): Promise<EngineDecision> {
      let script = scripts.get(policy);
      if (script === undefined) {
        script = policyScript(policy);
        scripts.set(policy, script);
      }
      const now = clock === undefined ? -1 : Math.floor(clock());
      const base = baseOf(policy, key);
      const { sha, source } = script;
      const keyL = `${base}l`;
      const keyB = `${base}b`;
      const keyM = `${base}m`;
      const op = OPS[operation];
      const reply = await call(
        OPERATION_LABELS[operation],
        () => redis.evalsha(sha, 3, keyL, keyB, keyM, op, now, cost),
        () => redis.eval(source, 3, keyL, keyB, keyM, op, now, cost),
      );
      if (!Array.isArray(reply))
        throw storeError(new Error(`unexpected reply ${truncateForMessage(reply)}`));
      const values = reply as number[];
      const n = policy.windows.length;
      return {
        allowed: values[0] === 1,
        denied: values[1]!,
        burstRemaining: values[2]!,
        usedBurst: values[3] === 1,
        retryAfterMs: values[4]!,
        resetMs: values[5]!,
        remaining: values.slice(6, 6 + n),
        resets: values.slice(6 + n, 6 + 2 * n),
      };
    },
    async reset(policy, key): Promise<void> {
      await call('ratelimit_reset', () => redis.del(...keysOf(policy, key)));
    },
  };
}

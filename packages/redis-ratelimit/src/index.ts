/**
 * `@portcullis/redis-ratelimit`: exact sliding-window and GCRA rate limits,
 * several windows plus burst decided in one atomic Redis round trip
 * (Cluster-safe keys, Redis `TIME` as the clock), with an in-process memory
 * engine that makes the same decisions.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createRateLimiter, createRedisEngine, PRESETS } from '@portcullis/redis-ratelimit';
 *
 * const engine = createRedisEngine({ redis: new Redis(), commandTimeoutMs: 50 });
 * const messages = createRateLimiter({ policy: PRESETS.messages, engine, onStoreError: 'fallback' });
 * const result = await messages.consume('user:42');
 * if (!result.allowed) console.log(`retry in ${result.retryAfterMs} ms (${result.deniedBy})`);
 * ```
 *
 * @module
 */

// Engine interface (implement it to add a store)
export type { EngineDecision, EngineOperation, RateLimitEngine } from './engine';
export { DENIED_BY_BLOCK } from './engine';
// Errors
export { RateLimitedError } from './errors';
// HTTP headers and node:http middleware
export type { HttpLimit, RateLimitMiddlewareOptions } from './http';
export { rateLimit, rateLimitHeaders } from './http';
// Limiter
export type {
  DecisionSource,
  RateLimiter,
  RateLimiterOptions,
  RateLimitResult,
  StoreErrorAction,
  WindowState,
} from './limiter';
export { createRateLimiter } from './limiter';
// Memory engine
export type { MemoryEngine, MemoryEngineOptions } from './memory-engine';
export { createMemoryEngine } from './memory-engine';
// Policies
export type { Algorithm, Policy, PolicyOptions, WindowOptions } from './policy';
export { definePolicy } from './policy';
// Presets (the seed system's policies)
export type { PresetOverrides } from './presets';
export { apiPolicy, commandsPolicy, messagesPolicy, PRESETS, webhooksPolicy } from './presets';
// Redis engine
export type { RedisEngineOptions, RedisLike } from './redis-engine';
export { createRedisEngine } from './redis-engine';

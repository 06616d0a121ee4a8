import {
  CHANNELS,
  hasSubscribers,
  invalidOption,
  PortcullisError,
  publish,
} from '@portcullis/core';
import {
  DENIED_BY_BLOCK,
  type EngineDecision,
  type EngineOperation,
  type RateLimitEngine,
} from './engine';
import { RateLimitedError } from './errors';
import { createMemoryEngine } from './memory-engine';
import { definePolicy, type Policy, type PolicyOptions } from './policy';

/** What to do when the engine (Redis) fails or times out. */
export type StoreErrorAction = 'fail-open' | 'fail-closed' | 'fallback';

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  /** A policy from {@link definePolicy} or a preset, or the options to build one. */
  readonly policy: Policy | PolicyOptions;
  /** Where state lives. @default a new memory engine */
  readonly engine?: RateLimitEngine;
  /**
   * On an engine error: admit (`fail-open`), deny (`fail-closed`), or decide
   * with the in-process `fallbackEngine` (`fallback`, per process, not shared).
   * @default 'fallback'
   */
  readonly onStoreError?: StoreErrorAction;
  /** Engine used by `fallback`. @default a memory engine created on first use */
  readonly fallbackEngine?: RateLimitEngine;
  /** `retryAfterMs` reported by `fail-closed` denials. @default 1000 */
  readonly unavailableRetryAfterMs?: number;
}

/** Which part of the system answered. */
export type DecisionSource = 'redis' | 'memory' | 'fallback' | 'fail-open' | 'fail-closed';

/** One window's state in a {@link RateLimitResult}, for HTTP headers. */
export interface WindowState {
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
  readonly remaining: number;
  /** Ms until this window is back to its full limit. */
  readonly resetMs: number;
}

/** The answer of a limiter operation. */
export interface RateLimitResult {
  readonly allowed: boolean;
  /** The window that denied, `blocked` during a block, `unavailable` for `fail-closed`. */
  readonly deniedBy?: string;
  /** Regular allowance left per window name (after this operation). */
  readonly remaining: Readonly<Record<string, number>>;
  /** Burst units left. */
  readonly burstRemaining: number;
  /** Whether this request spent burst units. */
  readonly usedBurst: boolean;
  /** Ms until the subject is back to full allowance everywhere. */
  readonly resetMs: number;
  /** 0 when allowed; otherwise the wait after which this same request would be admitted, absent other traffic. */
  readonly retryAfterMs: number;
  /** Policy name. */
  readonly policy: string;
  readonly source: DecisionSource;
  readonly windows: readonly WindowState[];
}

/** A limiter bound to one policy and one engine. */
export interface RateLimiter {
  readonly policy: Policy;
  /** Admits `cost` units for `key` if every window (plus burst) has room; otherwise changes nothing. */
  consume(key: string, cost?: number): Promise<RateLimitResult>;
  /** Like `consume`, but throws {@link RateLimitedError} when denied. */
  consumeOrThrow(key: string, cost?: number): Promise<RateLimitResult>;
  /** What `consume(key, cost)` would answer now, without changing any state. */
  peek(key: string, cost?: number): Promise<RateLimitResult>;
  /** Gives back the `cost` most recently admitted units of `key` (and burst they spent). */
  refund(key: string, cost?: number): Promise<RateLimitResult>;
  /** Forgets `key` entirely. */
  reset(key: string): Promise<void>;
}

/**
 * Creates a limiter for one policy.
 *
 * @example
 * ```ts
 * const limiter = createRateLimiter({ policy: PRESETS.messages, engine: createRedisEngine({ redis }) });
 * const result = await limiter.consume(`user:${userId}`);
 * if (!result.allowed) await reply(`Slow down, try again in ${Math.ceil(result.retryAfterMs / 1000)} s`);
 * ```
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const policy = isPolicy(options?.policy) ? options.policy : definePolicy(options?.policy);
  const engine = options.engine ?? createMemoryEngine();
  const onStoreError = options.onStoreError ?? 'fallback';
  if (!['fail-open', 'fail-closed', 'fallback'].includes(onStoreError)) {
    throw invalidOption('onStoreError', "'fail-open', 'fail-closed' or 'fallback'", onStoreError);
  }
  const unavailableRetryAfterMs = options.unavailableRetryAfterMs ?? 1000;
  if (!Number.isSafeInteger(unavailableRetryAfterMs) || unavailableRetryAfterMs < 0) {
    throw invalidOption(
      'unavailableRetryAfterMs',
      'a non-negative integer',
      unavailableRetryAfterMs,
    );
  }
  let fallback = options.fallbackEngine;
  const fallbackEngine = () => {
    fallback ??= createMemoryEngine();
    return fallback;
  };

  function check(key: unknown, cost: unknown): void {
    if (typeof key !== 'string' || key.length === 0 || key.length > 512) {
      throw invalidOption('key', 'a string of 1-512 characters', key);
    }
    if (
      typeof cost !== 'number' ||
      !Number.isSafeInteger(cost) ||
      cost <= 0 ||
      cost > policy.maxCost
    ) {
      throw invalidOption('cost', `an integer from 1 to ${policy.maxCost}`, cost);
    }
  }

  function toResult(decision: EngineDecision, source: DecisionSource): RateLimitResult {
    const remaining: Record<string, number> = {};
    const windows = policy.windows.map((w, i) => {
      remaining[w.name] = decision.remaining[i]!;
      return {
        name: w.name,
        limit: w.limit,
        windowMs: w.windowMs,
        remaining: decision.remaining[i]!,
        resetMs: decision.resets[i]!,
      };
    });
    const deniedBy =
      decision.denied === DENIED_BY_BLOCK
        ? 'blocked'
        : decision.denied >= 0
          ? policy.windows[decision.denied]!.name
          : undefined;
    return {
      allowed: decision.allowed,
      ...(deniedBy === undefined ? {} : { deniedBy }),
      remaining,
      burstRemaining: decision.burstRemaining,
      usedBurst: decision.usedBurst,
      resetMs: decision.resetMs,
      retryAfterMs: decision.retryAfterMs,
      policy: policy.name,
      source,
      windows,
    };
  }

  function degraded(allowed: boolean): RateLimitResult {
    return toResult(
      {
        allowed,
        denied: -1,
        remaining: policy.windows.map((w) => w.limit),
        resets: policy.windows.map(() => 0),
        burstRemaining: policy.burst,
        usedBurst: false,
        retryAfterMs: allowed ? 0 : unavailableRetryAfterMs,
        resetMs: 0,
      },
      allowed ? 'fail-open' : 'fail-closed',
    );
  }

  async function run(
    operation: EngineOperation,
    key: string,
    cost: number,
  ): Promise<RateLimitResult> {
    check(key, cost);
    const timed = operation !== 'refund' && hasSubscribers(CHANNELS.rateLimitDecision);
    const started = timed ? performance.now() : 0;
    let result: RateLimitResult;
    try {
      result = toResult(await engine.decide(policy, key, operation, cost), engine.kind);
    } catch (error) {
      publish(CHANNELS.rateLimitStoreError, () => ({
        policy: policy.name,
        errorCode: error instanceof PortcullisError ? error.code : 'internal',
        action: onStoreError,
      }));
      if (onStoreError === 'fallback') {
        result = toResult(await fallbackEngine().decide(policy, key, operation, cost), 'fallback');
      } else {
        result = degraded(onStoreError === 'fail-open');
        if (onStoreError === 'fail-closed') result = { ...result, deniedBy: 'unavailable' };
      }
    }
    if (timed) {
      publish(CHANNELS.rateLimitDecision, {
        policy: policy.name,
        allowed: result.allowed,
        ...(result.deniedBy === undefined ? {} : { deniedBy: result.deniedBy }),
        engine: engine.kind,
        fallback: result.source === 'fallback',
        durationMs: performance.now() - started,
        usedBurst: result.usedBurst,
        blocked: result.deniedBy === 'blocked',
      });
    }
    return result;
  }

  return {
    policy,
    consume: (key, cost = 1) => run('consume', key, cost),
    async consumeOrThrow(key, cost = 1) {
      const result = await run('consume', key, cost);
      if (result.allowed) return result;
      if (result.source === 'fail-closed') {
        throw new PortcullisError(
          'rate_limiter_unavailable',
          `Rate limiter "${policy.name}" is unavailable and fails closed`,
        );
      }
      throw new RateLimitedError(policy.name, result.deniedBy, result.retryAfterMs);
    },
    peek: (key, cost = 1) => run('peek', key, cost),
    refund: (key, cost = 1) => run('refund', key, cost),
    async reset(key) {
      check(key, 1);
      await fallback?.reset(policy, key);
      await engine.reset(policy, key);
    },
  };
}

function isPolicy(value: Policy | PolicyOptions | undefined): value is Policy {
  return (
    typeof value === 'object' && value !== null && Object.isFrozen(value) && 'maxCost' in value
  );
}

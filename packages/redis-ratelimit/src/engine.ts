import type { Policy } from './policy';

/** What an engine is asked to do with a subject's state. */
export type EngineOperation = 'consume' | 'peek' | 'refund';

/** `denied` value of an {@link EngineDecision} made while the subject is blocked. */
export const DENIED_BY_BLOCK = -2;

/** The raw answer of an engine; {@link createRateLimiter} turns it into a `RateLimitResult`. */
export interface EngineDecision {
  readonly allowed: boolean;
  /** Index of the window that denied, `-1` when allowed, {@link DENIED_BY_BLOCK} when blocked. */
  readonly denied: number;
  /** Regular allowance left per window (policy order), after the operation. */
  readonly remaining: readonly number[];
  /** Per window: ms until the window is back to its full limit. */
  readonly resets: readonly number[];
  readonly burstRemaining: number;
  readonly usedBurst: boolean;
  readonly retryAfterMs: number;
  /** Ms until the subject's whole state has expired (full allowance everywhere). */
  readonly resetMs: number;
}

/**
 * Where decisions are made and state is kept. Both built-in engines
 * ({@link createRedisEngine}, {@link createMemoryEngine}) make the same
 * decisions for the same requests and clock.
 */
export interface RateLimitEngine {
  /** `redis` or `memory`, for instrumentation. */
  readonly kind: 'redis' | 'memory';
  /** Decides (and, for `consume`/`refund`, records) one operation atomically. */
  decide(
    policy: Policy,
    key: string,
    operation: EngineOperation,
    cost: number,
  ): Promise<EngineDecision>;
  /** Forgets everything about `key` under `policy`. */
  reset(policy: Policy, key: string): Promise<void>;
}

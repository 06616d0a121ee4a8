import { invalidOption } from '@portcullis/core';
import { decide, emptyState, type SubjectState } from './algorithms';
import type { EngineDecision, EngineOperation, RateLimitEngine } from './engine';
import type { Policy } from './policy';

/** Options of {@link createMemoryEngine}. */
export interface MemoryEngineOptions {
  /**
   * Most subjects kept at once. Expired subjects are dropped first; beyond the
   * bound the least recently used subject is forgotten (which can only make
   * the limiter more permissive for that subject).
   * @default 100000
   */
  readonly maxKeys?: number;
  /** Milliseconds clock, for tests. Never runs backwards (clamped). @default Date.now */
  readonly clock?: () => number;
}

/** The in-process engine; also exposes its size for tests and metrics. */
export interface MemoryEngine extends RateLimitEngine {
  readonly kind: 'memory';
  /** Subjects currently held. */
  readonly size: number;
}

interface Entry {
  readonly state: SubjectState;
  expiresAt: number;
}

/**
 * An engine that keeps state in this process, with the same semantics as the
 * Redis engine. The embedded default and the Redis fallback.
 */
export function createMemoryEngine(options: MemoryEngineOptions = {}): MemoryEngine {
  const maxKeys = options.maxKeys ?? 100_000;
  if (!Number.isSafeInteger(maxKeys) || maxKeys <= 0) {
    throw invalidOption('maxKeys', 'a positive integer', maxKeys);
  }
  const clock = options.clock ?? Date.now;
  if (typeof clock !== 'function') throw invalidOption('clock', 'a function', clock);
  const entries = new Map<string, Entry>();
  let last = Number.NEGATIVE_INFINITY;

  function now(): number {
    last = Math.max(last, clock());
    return last;
  }

  function sweep(at: number, budget: number): void {
    for (const [key, entry] of entries) {
      if (budget-- <= 0) return;
      if (entry.expiresAt <= at) entries.delete(key);
      else if (entries.size <= maxKeys) return;
      else entries.delete(key);
    }
  }

  return {
    kind: 'memory',
    get size() {
      return entries.size;
    },
    decide(
      policy: Policy,
      key: string,
      operation: EngineOperation,
      cost: number,
    ): Promise<EngineDecision> {
      const at = now();
      const id = `${policy.name}\u0000${key}`;
      let entry = entries.get(id);
      if (entry !== undefined && entry.expiresAt <= at) {
        entries.delete(id);
        entry = undefined;
      }
      const state = entry?.state ?? emptyState(policy);
      const decision = decide(policy, state, at, operation, cost);
      const expiresAt =
        at +
        Math.max(
          decision.resetMs,
          state.blockedUntil - at,
          state.violations > 0 ? policy.longestWindowMs : 0,
        );
      if (entry !== undefined) entries.delete(id);
      if (expiresAt > at) entries.set(id, entry ?? { state, expiresAt });
      const kept = entries.get(id);
      if (kept !== undefined) kept.expiresAt = expiresAt;
      sweep(at, entries.size > maxKeys ? entries.size - maxKeys + 2 : 2);
      return Promise.resolve(decision);
    },
    reset(policy: Policy, key: string): Promise<void> {
      entries.delete(`${policy.name}\u0000${key}`);
      return Promise.resolve();
    },
  };
}

import { invalidOption, MapTrimmer } from '@portcullis/core';
import { decide, emptyState, type SubjectState } from './algorithms';
import type { EngineDecision, EngineOperation, RateLimitEngine } from './engine';
import type { Policy } from './policy';

/** Options of {@link createMemoryEngine}. */
export interface MemoryEngineOptions {
  /**
   * Most subjects kept at once. Expired subjects are swept a few per decision
   * (and never read); beyond the bound the least recently used subject is
   * forgotten (which can only make the limiter more permissive for that
   * subject). Both cost O(1) amortised per decision.
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

/** Subjects each decision inspects for expiry, going round the map (it adds at most one). */
const SWEEP_PER_DECISION = 4;

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

  // A long-lived iterator rather than a fresh `for…of` from the front per
  // decision: V8 keeps deleted Map entries (every decision re-inserts its
  // subject) as holes until it rebuilds the table, and a new iterator walks
  // past all of them. `hand` goes round all subjects dropping expired ones;
  // it moves on every decision, so it never holds old tables alive. The
  // least recently used subjects are dropped by a {@link MapTrimmer}.
  let hand: Iterator<[string, Entry]> = entries.entries();
  const trimmer = new MapTrimmer(entries);

  function sweep(at: number): void {
    for (let inspected = 0; inspected < SWEEP_PER_DECISION; inspected++) {
      let next = hand.next();
      if (next.done === true) {
        hand = entries.entries();
        next = hand.next();
        if (next.done === true) break;
      }
      if (next.value[1].expiresAt <= at) entries.delete(next.value[0]);
    }
    trimmer.trim(maxKeys);
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
      sweep(at);
      return Promise.resolve(decision);
    },
    reset(policy: Policy, key: string): Promise<void> {
      entries.delete(`${policy.name}\u0000${key}`);
      return Promise.resolve();
    },
  };
}

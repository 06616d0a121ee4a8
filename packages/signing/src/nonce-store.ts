import { invalidOption } from './errors';
import { createExpiryHeap } from './expiry-heap';

/**
 * Where a verifier records the nonces it has accepted. `claim` must be atomic:
 * of two concurrent claims of one nonce, exactly one resolves `true`.
 */
export interface NonceStore {
  /**
   * Records `key` for `ttlMs` milliseconds. Resolves `true` when it was new,
   * `false` when it was already recorded (a replay). Rejects when the store
   * cannot answer; the verifier then fails closed.
   */
  claim(key: string, ttlMs: number): Promise<boolean> | boolean;
}

/** Options for {@link createMemoryNonceStore}. */
export interface MemoryNonceStoreOptions {
  /**
   * Most nonces held at once. Expired nonces are dropped to make room; when
   * the store is full of unexpired ones, claims throw
   * {@link NonceStoreFullError} (fail closed) rather than forget a nonce that
   * could then be replayed: size it above the peak number of requests per
   * verification window.
   * @default 100000
   */
  readonly maxEntries?: number;
}

/** A nonce store in this process's memory, bounded, with per-entry TTL. */
export interface MemoryNonceStore extends NonceStore {
  /** Nonces currently held (expired ones may linger until later claims sweep them). */
  readonly size: number;
}

/** Thrown by the memory store when it is full of unexpired nonces. */
export class NonceStoreFullError extends Error {
  override readonly name = 'NonceStoreFullError';
}

/** Expired nonces dropped per claim, beyond those needed to make room. */
const SWEEP_PER_CLAIM = 4;

/**
 * Creates an in-memory nonce store: replay protection for one process (use
 * {@link createRedisNonceStore} when several replicas verify). A claim costs
 * amortised O(log n), full or not, and verifiers with different TTLs may
 * share one store.
 */
export function createMemoryNonceStore(options: MemoryNonceStoreOptions = {}): MemoryNonceStore {
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1)
    throw invalidOption('maxEntries', 'a positive integer', maxEntries);
  const expiries = new Map<string, number>();
  // Expiries earliest first, whatever the TTLs. Sweeping the Map from its
  // front instead is quadratic: V8 keeps deleted entries as holes that every
  // new iterator walks past.
  const heap = createExpiryHeap();

  /** Drops the earliest expiry if it has passed; false when none has. */
  function sweepOne(now: number): boolean {
    const expiresAt = heap.earliest();
    if (expiresAt > now) return false;
    const key = heap.shift()!;
    // A key claimed again after it expired has a later expiry in the map and
    // a second heap entry: this one is stale and must not evict it.
    if (expiries.get(key) === expiresAt) expiries.delete(key);
    return true;
  }

  return {
    get size() {
      return expiries.size;
    },
    claim(key, ttlMs) {
      // A NaN or infinite expiry would break the heap's order.
      if (!Number.isFinite(ttlMs) || ttlMs <= 0)
        throw invalidOption('ttlMs', 'a positive finite number', ttlMs);
      const now = Date.now();
      for (let n = 0; n < SWEEP_PER_CLAIM && sweepOne(now); n++);
      const existing = expiries.get(key);
      if (existing !== undefined && existing > now) return false;
      if (existing === undefined) {
        // Each heap entry is shifted once, so this loop is amortised O(log n).
        while (expiries.size >= maxEntries && sweepOne(now));
        if (expiries.size >= maxEntries)
          throw new NonceStoreFullError(`Nonce store holds ${maxEntries} unexpired nonces`);
      }
      const expiresAt = now + ttlMs;
      expiries.set(key, expiresAt);
      heap.push(key, expiresAt);
      return true;
    },
  };
}

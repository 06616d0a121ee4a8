import { invalidOption } from './errors';

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
   * Most nonces held at once. When full of unexpired nonces, claims throw
   * (fail closed) rather than forget a nonce that could then be replayed:
   * size it above the peak number of requests per verification window.
   * @default 100000
   */
  readonly maxEntries?: number;
}

/** A nonce store in this process's memory, bounded, with per-entry TTL. */
export interface MemoryNonceStore extends NonceStore {
  /** Nonces currently held (expired ones may linger until the next claim). */
  readonly size: number;
}

/** Thrown by the memory store when it is full of unexpired nonces. */
export class NonceStoreFullError extends Error {
  override readonly name = 'NonceStoreFullError';
}

/**
 * Creates an in-memory nonce store: replay protection for one process (use
 * {@link createRedisNonceStore} when several replicas verify).
 */
export function createMemoryNonceStore(options: MemoryNonceStoreOptions = {}): MemoryNonceStore {
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1)
    throw invalidOption('maxEntries', 'a positive integer', maxEntries);
  // Insertion order is close to expiry order (one TTL per verifier), so the
  // oldest entries sit at the front of the Map and sweeping stops early.
  const entries = new Map<string, number>();

  function sweep(now: number, limit: number): void {
    let checked = 0;
    for (const [key, expiresAt] of entries) {
      if (checked++ >= limit) return;
      if (expiresAt <= now) entries.delete(key);
    }
  }

  return {
    get size() {
      return entries.size;
    },
    claim(key, ttlMs) {
      const now = Date.now();
      sweep(now, 8);
      const existing = entries.get(key);
      if (existing !== undefined && existing > now) return false;
      if (existing === undefined && entries.size >= maxEntries) {
        sweep(now, Number.POSITIVE_INFINITY);
        if (entries.size >= maxEntries)
          throw new NonceStoreFullError(`Nonce store holds ${maxEntries} unexpired nonces`);
      }
      entries.delete(key);
      entries.set(key, now + ttlMs);
      return true;
    },
  };
}

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
  const expiries = new Map<string, number>();
  // Expiry queue in claim order, which is expiry order for one TTL. Sweeping
  // a Map from its front instead is quadratic: V8 keeps deleted entries as
  // holes that every new iterator walks past.
  let queueKeys: string[] = [];
  let queueExpiries: number[] = [];
  let head = 0;

  function sweepFront(now: number): void {
    for (let n = 0; n < 64 && head < queueKeys.length && queueExpiries[head]! <= now; n++) {
      const key = queueKeys[head]!;
      if (expiries.get(key) === queueExpiries[head]) expiries.delete(key);
      head++;
    }
    if (head > 1024 && head * 2 > queueKeys.length) {
      queueKeys = queueKeys.slice(head);
      queueExpiries = queueExpiries.slice(head);
      head = 0;
    }
  }

  function sweepAll(now: number): void {
    for (const [key, expiresAt] of expiries) if (expiresAt <= now) expiries.delete(key);
    const keys: string[] = [];
    const times: number[] = [];
    for (const [key, expiresAt] of expiries) {
      keys.push(key);
      times.push(expiresAt);
    }
    queueKeys = keys;
    queueExpiries = times;
    head = 0;
  }

  return {
    get size() {
      return expiries.size;
    },
    claim(key, ttlMs) {
      const now = Date.now();
      sweepFront(now);
      const existing = expiries.get(key);
      if (existing !== undefined && existing > now) return false;
      if (existing === undefined && expiries.size >= maxEntries) {
        sweepAll(now);
        if (expiries.size >= maxEntries)
          throw new NonceStoreFullError(`Nonce store holds ${maxEntries} unexpired nonces`);
      }
      const expiresAt = now + ttlMs;
      expiries.set(key, expiresAt);
      queueKeys.push(key);
      queueExpiries.push(expiresAt);
      return true;
    },
  };
}

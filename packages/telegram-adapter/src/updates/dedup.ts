import { invalidOption } from '@portcullis/core';
import { type Clock, systemClock } from '../clock';
import { ExpiryQueue } from './expiry-queue';

/** Result of claiming an update id. */
export type ClaimResult =
  /** This worker owns the update now; handle it, then `complete()` or `release()`. */
  | 'claimed'
  /** Already handled (by anyone): drop it. */
  | 'done'
  /** Another worker is handling it right now: do not acknowledge, it may still fail. */
  | 'busy';

/**
 * An atomic claim per `update_id`, shared by every replica. Not a high-water
 * mark: ids go random after a week of silence and webhooks arrive out of
 * order. A claim is a lease (`leaseMs`) so a crashed worker's update becomes
 * claimable again; completion keeps the id for `ttlSeconds` (>= 24 h).
 */
export interface DedupStore {
  claim(updateId: number): Promise<ClaimResult>;
  /** Marks a claimed update handled for `ttlSeconds`. */
  complete(updateId: number): Promise<void>;
  /** Gives a claimed update back (its handling did not happen). */
  release(updateId: number): Promise<void>;
  /**
   * Restarts the lease of a claim still in force; resolves `false` when the id
   * is not claimed (the lease lapsed, or it is handled). The pipeline renews
   * each claim it holds every `leaseMs / 3`, so a claim lasts as long as its
   * worker lives, however long the update waits behind its chat's earlier
   * ones. A store without it keeps the lease counted from `claim()`: an update
   * waiting longer can then be claimed and handled again by a re-delivery.
   */
  renew?(updateId: number): Promise<boolean>;
  /** The lease `claim()` and `renew()` grant, in ms (needed with `renew`). */
  readonly leaseMs?: number;
}

/** A {@link DedupStore} that renews claims, as both built-in stores do. */
export type RenewableDedupStore = DedupStore & Required<Pick<DedupStore, 'renew' | 'leaseMs'>>;

/** Options shared by the dedup stores. */
export interface DedupStoreOptions {
  /** How long a handled id is remembered; at least 86400 (Telegram keeps updates 24 h). @default 86400 */
  readonly ttlSeconds?: number;
  /**
   * How long a claim lasts without completion or renewal: after a worker dies,
   * the time until another may take its updates. @default 60000
   */
  readonly leaseMs?: number;
}

/** Checks and fills in the options both stores share. */
export function resolveDedupOptions(options: DedupStoreOptions): {
  ttlSeconds: number;
  leaseMs: number;
} {
  const ttlSeconds = options.ttlSeconds ?? 86_400;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 86_400)
    throw invalidOption('ttlSeconds', 'an integer >= 86400', ttlSeconds);
  const leaseMs = options.leaseMs ?? 60_000;
  if (!Number.isInteger(leaseMs) || leaseMs <= 0)
    throw invalidOption('leaseMs', 'a positive integer', leaseMs);
  return { ttlSeconds, leaseMs };
}

/** Options of {@link createMemoryDedupStore}. */
export interface MemoryDedupStoreOptions extends DedupStoreOptions {
  /** Time source. @default the real clock */
  readonly clock?: Clock;
  /**
   * Ids remembered at most; beyond it the oldest handled ids are forgotten
   * first (then the oldest claims), so memory stays bounded (an evicted id
   * could be handled again if Telegram re-sent it). @default 1000000
   */
  readonly maxEntries?: number;
}

/**
 * A dedup store for one process (the embedded default). Expired ids are swept
 * as new ones arrive, in O(1) amortised per call whatever the number held.
 */
export function createMemoryDedupStore(
  options: MemoryDedupStoreOptions = {},
): RenewableDedupStore & { readonly size: number } {
  const { ttlSeconds, leaseMs } = resolveDedupOptions(options);
  const clock = options.clock ?? systemClock;
  const maxEntries = options.maxEntries ?? 1_000_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1)
    throw invalidOption('maxEntries', 'a positive integer', maxEntries);
  const entries = new Map<number, { done: boolean; expiresAt: number }>();
  // One queue per lifetime (lease, handled), so each is in expiry order.
  const leases = new ExpiryQueue();
  const handled = new ExpiryQueue();
  // Deletes the entry a queue record stands for, unless the id moved on since.
  const forget = (id: number, expiresAt: number) => {
    if (entries.get(id)?.expiresAt === expiresAt) entries.delete(id);
  };
  const sweep = (queue: ExpiryQueue, now: number) => {
    while (queue.nextExpiry <= now) queue.shift(forget);
  };
  // Over the limit, the oldest handled ids go first, then the oldest claims.
  const evict = () => {
    while (entries.size > maxEntries && !(handled.isEmpty && leases.isEmpty)) {
      (handled.isEmpty ? leases : handled).shift(forget);
    }
  };
  return {
    async claim(updateId) {
      const now = clock.now();
      sweep(leases, now);
      sweep(handled, now);
      const entry = entries.get(updateId);
      if (entry && entry.expiresAt > now) return entry.done ? 'done' : 'busy';
      const expiresAt = now + leaseMs;
      entries.set(updateId, { done: false, expiresAt });
      leases.push(updateId, expiresAt);
      evict();
      return 'claimed';
    },
    async complete(updateId) {
      const expiresAt = clock.now() + ttlSeconds * 1000;
      entries.set(updateId, { done: true, expiresAt });
      handled.push(updateId, expiresAt);
      evict();
    },
    async release(updateId) {
      if (entries.get(updateId)?.done === false) entries.delete(updateId);
    },
    async renew(updateId) {
      const now = clock.now();
      const entry = entries.get(updateId);
      if (entry === undefined || entry.done || entry.expiresAt <= now) return false;
      // The record of the previous expiry goes stale; `forget` skips it.
      const expiresAt = now + leaseMs;
      entries.set(updateId, { done: false, expiresAt });
      leases.push(updateId, expiresAt);
      return true;
    },
    leaseMs,
    get size() {
      return entries.size;
    },
  };
}

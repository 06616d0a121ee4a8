/**
 * A binary min-heap of keys by expiry time: the earliest expiry is read in
 * O(1), pushed and removed in O(log n). A key may be pushed more than once;
 * telling a stale entry from the current one is the caller's business.
 */
export interface ExpiryHeap {
  /** Entries held, stale ones included. */
  readonly size: number;
  /** The earliest expiry held, or `Infinity` when empty. */
  earliest(): number;
  /** Adds `key` expiring at `expiresAt`. */
  push(key: string, expiresAt: number): void;
  /** Removes the entry with the earliest expiry and returns its key. */
  shift(): string | undefined;
}

/** Creates an empty {@link ExpiryHeap}. */
export function createExpiryHeap(): ExpiryHeap {
  // Parallel arrays rather than [time, key] pairs: the times stay one packed
  // array of doubles, and no object is allocated per entry.
  const times: number[] = [];
  const keys: string[] = [];

  return {
    get size() {
      return times.length;
    },
    earliest() {
      return times.length === 0 ? Number.POSITIVE_INFINITY : times[0]!;
    },
    push(key, expiresAt) {
      // Sift up. Under one TTL, pushes arrive in expiry order and this loop
      // stops at its first comparison.
      let i = times.length;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (times[parent]! <= expiresAt) break;
        times[i] = times[parent]!;
        keys[i] = keys[parent]!;
        i = parent;
      }
      times[i] = expiresAt;
      keys[i] = key;
    },
    shift() {
      const first = keys[0];
      const time = times.pop();
      const key = keys.pop();
      const n = times.length;
      if (time === undefined || key === undefined || n === 0) return first;
      // Sift the last entry down from the root.
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && times[child + 1]! < times[child]!) child++;
        if (times[child]! >= time) break;
        times[i] = times[child]!;
        keys[i] = keys[child]!;
        i = child;
      }
      times[i] = time;
      keys[i] = key;
      return first;
    },
  };
}

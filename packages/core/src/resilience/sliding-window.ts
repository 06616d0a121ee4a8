/** Counts of the calls a breaker's window currently holds. */
export interface WindowCounts {
  readonly calls: number;
  readonly failures: number;
  readonly slowCalls: number;
}

/** Which calls a breaker judges: the last `size` calls, or those of the last `sizeMs`. */
export type SlidingWindowOptions =
  | { readonly type: 'count'; readonly size: number }
  | { readonly type: 'time'; readonly sizeMs: number };

/** A sliding window of call outcomes; O(1) per record, no timers. */
export interface SlidingWindow extends WindowCounts {
  /** Records an outcome; the counts are then current as of `now`. */
  record(failure: boolean, slow: boolean, now: number): void;
  counts(now: number): WindowCounts;
  clear(): void;
}

/** Number of buckets a time window aggregates into (precision = sizeMs / 10). */
export const TIME_WINDOW_BUCKETS = 10;

const FAILURE = 1;
const SLOW = 2;
const FILLED = 4;

/** The last `size` outcomes in a ring buffer. */
export class CountWindow implements SlidingWindow {
  readonly #ring: Uint8Array;
  #next = 0;
  #calls = 0;
  #failures = 0;
  #slow = 0;

  constructor(size: number) {
    this.#ring = new Uint8Array(size);
  }

  record(failure: boolean, slow: boolean): void {
    const index = this.#next;
    const old = this.#ring[index]!;
    if (old & FILLED) {
      this.#calls--;
      if (old & FAILURE) this.#failures--;
      if (old & SLOW) this.#slow--;
    }
    this.#ring[index] = FILLED | (failure ? FAILURE : 0) | (slow ? SLOW : 0);
    this.#calls++;
    if (failure) this.#failures++;
    if (slow) this.#slow++;
    this.#next = index + 1 === this.#ring.length ? 0 : index + 1;
  }

  get calls(): number {
    return this.#calls;
  }

  get failures(): number {
    return this.#failures;
  }

  get slowCalls(): number {
    return this.#slow;
  }

  counts(): WindowCounts {
    return { calls: this.#calls, failures: this.#failures, slowCalls: this.#slow };
  }

  clear(): void {
    this.#ring.fill(0);
    this.#next = 0;
    this.#calls = 0;
    this.#failures = 0;
    this.#slow = 0;
  }
}

/**
 * Outcomes of the last `sizeMs`, aggregated in {@link TIME_WINDOW_BUCKETS}
 * buckets of `sizeMs / 10` each (like resilience4j's per-second buckets): a
 * call leaves the window between `0.9 × sizeMs` and `sizeMs` after it ended.
 */
export class TimeWindow implements SlidingWindow {
  readonly #bucketMs: number;
  readonly #calls = new Float64Array(TIME_WINDOW_BUCKETS);
  readonly #failures = new Float64Array(TIME_WINDOW_BUCKETS);
  readonly #slow = new Float64Array(TIME_WINDOW_BUCKETS);
  #epoch = Number.NEGATIVE_INFINITY;
  #totalCalls = 0;
  #totalFailures = 0;
  #totalSlow = 0;

  constructor(sizeMs: number) {
    this.#bucketMs = sizeMs / TIME_WINDOW_BUCKETS;
  }

  record(failure: boolean, slow: boolean, now: number): void {
    const index = this.#advance(now);
    this.#calls[index]!++;
    this.#totalCalls++;
    if (failure) {
      this.#failures[index]!++;
      this.#totalFailures++;
    }
    if (slow) {
      this.#slow[index]!++;
      this.#totalSlow++;
    }
  }

  get calls(): number {
    return this.#totalCalls;
  }

  get failures(): number {
    return this.#totalFailures;
  }

  get slowCalls(): number {
    return this.#totalSlow;
  }

  counts(now: number): WindowCounts {
    this.#advance(now);
    return { calls: this.#totalCalls, failures: this.#totalFailures, slowCalls: this.#totalSlow };
  }

  clear(): void {
    this.#calls.fill(0);
    this.#failures.fill(0);
    this.#slow.fill(0);
    this.#totalCalls = 0;
    this.#totalFailures = 0;
    this.#totalSlow = 0;
  }

  /** Drops buckets that slid out of the window; returns the current bucket's index. */
  #advance(now: number): number {
    const epoch = Math.floor(now / this.#bucketMs);
    if (epoch > this.#epoch) {
      if (epoch - this.#epoch >= TIME_WINDOW_BUCKETS) this.clear();
      else for (let e = this.#epoch + 1; e <= epoch; e++) this.#drop(e % TIME_WINDOW_BUCKETS);
      this.#epoch = epoch;
    }
    // A clock that stepped back records into the newest bucket.
    return this.#epoch % TIME_WINDOW_BUCKETS;
  }

  #drop(index: number): void {
    this.#totalCalls -= this.#calls[index]!;
    this.#totalFailures -= this.#failures[index]!;
    this.#totalSlow -= this.#slow[index]!;
    this.#calls[index] = 0;
    this.#failures[index] = 0;
    this.#slow[index] = 0;
  }
}

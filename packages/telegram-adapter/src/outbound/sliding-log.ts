/**
 * An exact sliding-window limit: at most `limit` events in any `windowMs`
 * (no 2x burst across a window edge, unlike fixed windows or a full token
 * bucket). Keeps the last `limit` event times in a ring.
 */
export class SlidingLog {
  readonly #times: number[];
  readonly #windowMs: number;
  #next = 0;
  #count = 0;

  constructor(limit: number, windowMs: number) {
    this.#times = new Array<number>(limit).fill(0);
    this.#windowMs = windowMs;
  }

  /** Milliseconds until one more event fits (0 when it fits now). */
  waitMs(now: number): number {
    if (this.#count < this.#times.length) return 0;
    // The oldest of the last `limit` events sits where the next one goes.
    return Math.max(0, this.#times[this.#next]! + this.#windowMs - now);
  }

  take(now: number): void {
    this.#times[this.#next] = now;
    this.#next = (this.#next + 1) % this.#times.length;
    if (this.#count < this.#times.length) this.#count++;
  }

  /** Whether no event is inside the window any more, so the log can be forgotten. */
  isIdle(now: number): boolean {
    const newest = this.#times[(this.#next - 1 + this.#times.length) % this.#times.length]!;
    return this.#count === 0 || newest + this.#windowMs <= now;
  }
}

/** A handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = unknown;

/**
 * The time source every timed part of the adapter reads (scheduler, dedup
 * leases, handler deadlines). The default is the real clock; tests pass
 * `createTestClock()` from `@portcullis/telegram-adapter/testing`.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `callback` after `ms` milliseconds. */
  setTimeout(callback: () => void, ms: number): TimerHandle;
  /** Cancels a timer from {@link Clock.setTimeout}. */
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock: `Date.now()` and unref'd timers that never keep a process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const timer = setTimeout(callback, ms);
    timer.unref?.();
    return timer;
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

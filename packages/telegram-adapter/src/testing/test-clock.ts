import type { Clock, TimerHandle } from '../clock';

/** A {@link Clock} that only moves when a test says so. */
export interface TestClock extends Clock {
  /** Moves time forward by `ms`, firing due timers in order. */
  advance(ms: number): void;
  /** Moves time forward by `ms` in steps, letting promises settle between timers. */
  advanceAsync(ms: number, stepMs?: number): Promise<void>;
  /** Number of timers waiting to fire. */
  readonly pendingTimers: number;
}

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly callback: () => void;
}

/**
 * Creates a controllable clock starting at `startMs` (default 2026-01-01).
 *
 * @example
 * ```ts
 * const clock = createTestClock();
 * clock.setTimeout(() => console.log('fired'), 1000);
 * clock.advance(1000); // fired
 * ```
 */
export function createTestClock(startMs = Date.UTC(2026, 0, 1)): TestClock {
  let now = startMs;
  let nextId = 1;
  let timers: Timer[] = [];

  function fireDue(until: number): void {
    for (let guard = 0; guard < 100_000; guard++) {
      let due: Timer | undefined;
      for (const timer of timers)
        if (timer.at <= until && (due === undefined || timer.at < due.at)) due = timer;
      if (due === undefined) break;
      timers = timers.filter((t) => t !== due);
      now = Math.max(now, due.at);
      due.callback();
    }
    now = Math.max(now, until);
  }

  return {
    now: () => now,
    setTimeout(callback, ms): TimerHandle {
      const timer = { id: nextId++, at: now + Math.max(0, ms), callback };
      timers.push(timer);
      return timer.id;
    },
    clearTimeout(handle) {
      timers = timers.filter((t) => t.id !== handle);
    },
    advance(ms) {
      fireDue(now + ms);
    },
    async advanceAsync(ms, stepMs = 10) {
      const target = now + ms;
      await settle();
      while (now < target) {
        fireDue(Math.min(target, now + stepMs));
        await settle();
      }
    },
    get pendingTimers() {
      return timers.length;
    },
  };
}

/** Lets pending promise callbacks and I/O callbacks run. */
export async function settle(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

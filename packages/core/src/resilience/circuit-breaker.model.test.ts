import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BreakerState } from '../instrumentation/channels';
import { createCircuitBreaker } from './circuit-breaker';
import type { SlidingWindowOptions } from './sliding-window';

/**
 * A deliberately naive reference: it keeps every recorded call in an array
 * and recomputes the window and the rates from scratch at each step.
 */
class Model {
  state: BreakerState = 'closed';
  nextAttemptAt = 0;
  log: Array<{ at: number; failure: boolean; slow: boolean }> = [];
  trials: Array<{ failure: boolean; slow: boolean }> = [];

  constructor(readonly c: Config) {}

  refresh(now: number): void {
    if (this.state === 'open' && now >= this.nextAttemptAt) {
      this.state = 'half-open';
      this.trials = [];
    }
  }

  /** Returns whether the call was let through. */
  call(start: number, end: number, failure: boolean): boolean {
    this.refresh(start);
    if (this.state === 'open') return false;
    const slow = end - start >= this.c.slowCallMs;
    if (this.state === 'closed') {
      this.log.push({ at: end, failure, slow });
      const inWindow = this.window(end);
      if (inWindow.length < this.c.minimumCalls) return true;
      const failures = inWindow.filter((e) => e.failure).length / inWindow.length;
      const slows = inWindow.filter((e) => e.slow).length / inWindow.length;
      if (
        failures * 100 >= this.c.failureRateThreshold ||
        slows * 100 >= this.c.slowCallRateThreshold
      ) {
        this.state = 'open';
        this.nextAttemptAt = end + this.c.openMs;
      }
      return true;
    }
    this.trials.push({ failure, slow });
    const max = this.c.halfOpenMaxCalls;
    const failures = this.trials.filter((t) => t.failure).length / max;
    const slows = this.trials.filter((t) => t.slow).length / max;
    if (
      failures * 100 >= this.c.failureRateThreshold ||
      slows * 100 >= this.c.slowCallRateThreshold
    ) {
      this.state = 'open';
      this.nextAttemptAt = end + this.c.openMs;
    } else if (this.trials.length === max) {
      this.state = 'closed';
      this.log = [];
    }
    return true;
  }

  window(now: number) {
    if (this.c.window.type === 'count') return this.log.slice(-this.c.window.size);
    const bucketMs = this.c.window.sizeMs / 10;
    const current = Math.floor(now / bucketMs);
    return this.log.filter((e) => Math.floor(e.at / bucketMs) > current - 10);
  }
}

interface Config {
  window: SlidingWindowOptions;
  failureRateThreshold: number;
  slowCallRateThreshold: number;
  slowCallMs: number;
  minimumCalls: number;
  openMs: number;
  halfOpenMaxCalls: number;
}

const config = fc.record<Config>({
  window: fc.oneof(
    fc.record({ type: fc.constant('count' as const), size: fc.integer({ min: 1, max: 12 }) }),
    fc.record({ type: fc.constant('time' as const), sizeMs: fc.integer({ min: 10, max: 5000 }) }),
  ),
  failureRateThreshold: fc.integer({ min: 1, max: 100 }),
  slowCallRateThreshold: fc.integer({ min: 1, max: 100 }),
  slowCallMs: fc.oneof(fc.integer({ min: 1, max: 500 }), fc.constant(Number.POSITIVE_INFINITY)),
  minimumCalls: fc.integer({ min: 1, max: 8 }),
  openMs: fc.integer({ min: 0, max: 3000 }),
  halfOpenMaxCalls: fc.integer({ min: 1, max: 4 }),
});

const step = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('call' as const),
      gapMs: fc.integer({ min: 0, max: 1500 }),
      durationMs: fc.integer({ min: 0, max: 800 }),
      failure: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const) }) },
);

describe('circuit breaker against a reference model', () => {
  it('is in the same state as the model after any sequence of calls, outcomes and delays', async () => {
    await fc.assert(
      fc.asyncProperty(config, fc.array(step, { maxLength: 60 }), async (c, steps) => {
        let now = 1_000_000;
        const breaker = createCircuitBreaker({ name: 'model', ...c, clock: { now: () => now } });
        const model = new Model(c);
        for (const s of steps) {
          if (s.kind === 'close') {
            breaker.close();
            model.state = 'closed';
            model.log = [];
            continue;
          }
          now += s.gapMs;
          const start = now;
          const end = start + s.durationMs;
          let ran = false;
          await breaker
            .execute(async () => {
              ran = true;
              now = end;
              if (s.failure) throw new Error('failure');
            })
            .catch(() => undefined);
          expect(ran).toBe(model.call(start, end, s.failure));
          model.refresh(now);
          expect(breaker.state).toBe(model.state);
          if (model.state === 'closed') {
            const inWindow = model.window(now);
            expect(breaker.snapshot()).toMatchObject({
              calls: inWindow.length,
              failures: inWindow.filter((e) => e.failure).length,
              slowCalls: inWindow.filter((e) => e.slow).length,
            });
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

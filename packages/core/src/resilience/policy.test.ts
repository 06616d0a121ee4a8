import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCircuitBreaker } from './circuit-breaker';
import { CircuitOpenError, TimeoutError } from './errors';
import { policy } from './policy';
import { retry } from './retry';
import { timeout } from './timeout';

const hang = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('policy() composition, outermost first', () => {
  it('policy(retry, timeout) gives every attempt its own deadline', async () => {
    const fn = vi.fn(hang);
    const pending = policy(
      retry({ maxAttempts: 3, initialDelayMs: 10, jitter: 'none' }),
      timeout({ timeoutMs: 100 }),
    )
      .execute(fn)
      .catch((e) => e);
    await vi.advanceTimersByTimeAsync(100 + 10 + 100 + 20 + 100);
    expect(await pending).toBeInstanceOf(TimeoutError);
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('policy(timeout, retry) bounds all attempts together by one deadline', async () => {
    const fn = vi.fn(hang);
    const pending = policy(
      timeout({ timeoutMs: 150 }),
      retry({ maxAttempts: 5, initialDelayMs: 10, jitter: 'none' }),
      timeout({ timeoutMs: 100 }),
    )
      .execute(fn)
      .catch((e) => e);
    await vi.advanceTimersByTimeAsync(150);
    const error = await pending;
    expect(error).toMatchObject({ code: 'timeout', timeoutMs: 150 });
    expect(fn).toHaveBeenCalledTimes(2); // the second attempt was cut short by the outer deadline
    await vi.advanceTimersByTimeAsync(1000);
    expect(fn).toHaveBeenCalledTimes(2); // aborting the outer signal stopped the retry loop
  });

  it('policy(retry, breaker) records every attempt and stops retrying once the breaker opens', async () => {
    const breaker = createCircuitBreaker({ name: 'users', minimumCalls: 2, openMs: 60_000 });
    const fn = vi.fn(() => Promise.reject(new Error('down')));
    const pending = policy(retry({ maxAttempts: 5, initialDelayMs: 1, budgetMs: 10_000 }), breaker)
      .execute(fn)
      .catch((e) => e);
    await vi.runAllTimersAsync();
    // attempts 1 and 2 fail and open the breaker; attempt 3 is rejected with
    // retryAfterMs 60 s, beyond the budget, so retry gives up.
    expect(await pending).toBeInstanceOf(CircuitOpenError);
    expect(fn).toHaveBeenCalledTimes(2);
    expect(breaker.state).toBe('open');
  });

  it('policy(breaker, retry) records one outcome for the whole retried call', async () => {
    const breaker = createCircuitBreaker({ name: 'users', minimumCalls: 1 });
    let calls = 0;
    const pending = policy(breaker, retry({ maxAttempts: 3, initialDelayMs: 1 })).execute(
      async () => {
        if (++calls < 3) throw new Error('flaky');
        return 'ok';
      },
    );
    await vi.runAllTimersAsync();
    await expect(pending).resolves.toBe('ok');
    expect(breaker.snapshot()).toMatchObject({ calls: 1, failures: 0, state: 'closed' });
  });

  it('passes the caller’s signal through every layer', async () => {
    const controller = new AbortController();
    const seen: AbortSignal[] = [];
    const pending = policy(retry(), timeout({ timeoutMs: 1000 }))
      .execute(
        (signal) => {
          seen.push(signal);
          return hang(signal);
        },
        { signal: controller.signal },
      )
      .catch((e) => e);
    controller.abort();
    expect(await pending).toMatchObject({ code: 'aborted' });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.aborted).toBe(true);
  });

  it('with no policy runs the function as is', async () => {
    await expect(policy().execute(async () => 42)).resolves.toBe(42);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isPortcullisError } from '../errors/portcullis-error';
import { type BulkheadEvent, CHANNELS, subscribe } from '../instrumentation/channels';
import { bulkhead } from './bulkhead';
import { BulkheadFullError, TimeoutError } from './errors';
import { timeout } from './timeout';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms, ms));

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('timeout', () => {
  it('aborts the signal it passes at the deadline (cooperative)', async () => {
    let seen: AbortSignal | undefined;
    const pending = timeout({ timeoutMs: 100 })
      .execute((signal) => {
        seen = signal;
        return new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        );
      })
      .catch((e) => e);
    await vi.advanceTimersByTimeAsync(100);
    const error = await pending;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(seen?.aborted).toBe(true);
  });

  it('rejects at the deadline even when the callee ignores its signal (hard deadline)', async () => {
    const pending = timeout({ timeoutMs: 50, what: 'users GET /users/:id' })
      .execute(() => new Promise(() => undefined))
      .catch((e: Error) => e);
    await vi.advanceTimersByTimeAsync(50);
    const error = (await pending) as TimeoutError;
    expect(error).toMatchObject({ code: 'timeout', timeoutMs: 50, httpStatus: 504 });
    expect(error.message).toBe('users GET /users/:id did not finish within 50 ms');
  });

  it('leaves no timer behind when the call finishes first', async () => {
    const pending = timeout({ timeoutMs: 1000 }).execute(() => sleep(10));
    await vi.advanceTimersByTimeAsync(10);
    await expect(pending).resolves.toBe(10);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('forwards the caller’s abort and rejects with code aborted', async () => {
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const pending = timeout({ timeoutMs: 1000 })
      .execute(
        (signal) => {
          seen = signal;
          return new Promise(() => undefined);
        },
        { signal: controller.signal },
      )
      .catch((e) => e);
    controller.abort();
    expect(isPortcullisError(await pending, 'aborted')).toBe(true);
    expect(seen?.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('bulkhead', () => {
  it('runs maxConcurrent calls, queues maxQueue more and rejects the rest', async () => {
    const events: BulkheadEvent[] = [];
    const off = subscribe(CHANNELS.bulkhead, (e) => events.push(e));
    const limited = bulkhead({ name: 'users', maxConcurrent: 2, maxQueue: 1 });
    const started: number[] = [];
    const call = (id: number) =>
      limited.execute(async () => {
        started.push(id);
        await sleep(100);
        return id;
      });
    const results = [call(1), call(2), call(3)];
    const rejected = await call(4).catch((e) => e);
    expect(rejected).toBeInstanceOf(BulkheadFullError);
    expect(rejected).toMatchObject({ code: 'bulkhead_full', bulkheadName: 'users' });
    expect(started).toEqual([1, 2]);
    expect([limited.active, limited.queued]).toEqual([2, 1]);
    await vi.advanceTimersByTimeAsync(100);
    expect(started).toEqual([1, 2, 3]);
    await vi.advanceTimersByTimeAsync(100);
    expect(await Promise.all(results)).toEqual([1, 2, 3]);
    expect([limited.active, limited.queued]).toEqual([0, 0]);
    off();
    expect(events.map((e) => e.action)).toEqual([
      'admitted',
      'admitted',
      'queued',
      'rejected',
      'released',
      'admitted',
      'released',
      'released',
    ]);
  });

  it('rejects invalid sizes at construction', () => {
    expect(() => bulkhead({ maxConcurrent: 0 })).toThrow(
      'Expected `maxConcurrent` to be a positive integer, got 0',
    );
    expect(() => bulkhead({ maxQueue: 1.5 })).toThrow(
      'Expected `maxQueue` to be an integer >= 0, got 1.5',
    );
  });

  it('frees the slot when a call throws synchronously or rejects', async () => {
    const limited = bulkhead({ maxConcurrent: 1 });
    await expect(
      limited.execute(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    await expect(limited.execute(() => Promise.reject(new Error('async')))).rejects.toThrow();
    await expect(limited.execute(async () => 'free')).resolves.toBe('free');
  });

  it('drops a queued call whose signal aborts', async () => {
    const limited = bulkhead({ maxConcurrent: 1, maxQueue: 1 });
    const running = limited.execute(() => sleep(100));
    const controller = new AbortController();
    const queuedFn = vi.fn(async () => 'never');
    const queued = limited.execute(queuedFn, { signal: controller.signal }).catch((e) => e);
    controller.abort();
    expect(isPortcullisError(await queued, 'aborted')).toBe(true);
    expect(limited.queued).toBe(0);
    await vi.advanceTimersByTimeAsync(100);
    await running;
    expect(queuedFn).not.toHaveBeenCalled();
  });
});

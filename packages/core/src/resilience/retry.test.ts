import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isPortcullisError, PortcullisError } from '../errors/portcullis-error';
import { CHANNELS, type RetryEvent, subscribe } from '../instrumentation/channels';
import { retry } from './retry';

const failTimes = (n: number, error: () => unknown = () => new Error('flaky')) => {
  let calls = 0;
  return vi.fn(async () => {
    calls++;
    if (calls <= n) throw error();
    return `ok after ${calls}`;
  });
};

let events: RetryEvent[];
let off: () => void;
beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
  events = [];
  off = subscribe(CHANNELS.retry, (e) => events.push(e));
});
afterEach(() => {
  off();
  vi.useRealTimers();
});

describe('retry', () => {
  it('retries with exponential backoff (no jitter) and returns the first success', async () => {
    const fn = failTimes(2);
    const pending = retry({ maxAttempts: 3, initialDelayMs: 100, jitter: 'none' }).execute(fn);
    await vi.advanceTimersByTimeAsync(99);
    expect(fn).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fn).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(200);
    await expect(pending).resolves.toBe('ok after 3');
    expect(events.map((e) => [e.attempt, e.delayMs, e.errorCode])).toEqual([
      [1, 100, 'Error'],
      [2, 200, 'Error'],
    ]);
  });

  it('throws the last error once attempts run out', async () => {
    const fn = failTimes(5);
    const pending = retry({ maxAttempts: 2, initialDelayMs: 10 })
      .execute(fn)
      .catch((e) => e);
    await vi.runAllTimersAsync();
    expect(await pending).toMatchObject({ message: 'flaky' });
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('spreads full jitter in [0, backoff] and caps each delay at maxDelayMs', async () => {
    const fn = failTimes(4);
    const pending = retry({
      maxAttempts: 5,
      initialDelayMs: 100,
      maxDelayMs: 300,
      random: () => 0.5,
    }).execute(fn);
    await vi.runAllTimersAsync();
    await pending;
    expect(events.map((e) => e.delayMs)).toEqual([50, 100, 150, 150]);
  });

  it('draws decorrelated jitter between initialDelayMs and 3x the previous delay', async () => {
    const fn = failTimes(3);
    const pending = retry({
      maxAttempts: 4,
      initialDelayMs: 100,
      maxDelayMs: 1000,
      jitter: 'decorrelated',
      random: () => 1,
    }).execute(fn);
    await vi.runAllTimersAsync();
    await pending;
    expect(events.map((e) => e.delayMs)).toEqual([300, 900, 1000]);
  });

  it('waits exactly the retryAfterMs an error carries (Telegram 429, Retry-After)', async () => {
    const flood = Object.assign(new Error('Too Many Requests'), { retryAfterMs: 3000 });
    const fn = failTimes(1, () => flood);
    const pending = retry({ initialDelayMs: 10, maxDelayMs: 100 }).execute(fn);
    await vi.advanceTimersByTimeAsync(2999);
    expect(fn).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(pending).resolves.toBe('ok after 2');
  });

  it('gives up when the next wait would end past the total budget', async () => {
    const flood = Object.assign(new Error('busy'), { retryAfterMs: 5000 });
    const fn = failTimes(1, () => flood);
    await expect(retry({ budgetMs: 4000 }).execute(fn)).rejects.toBe(flood);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('asks the predicate and by default does not retry errors marked retryable: false', async () => {
    const fatal = failTimes(1, () => new PortcullisError('http_status', '400'));
    await expect(retry().execute(fatal)).rejects.toMatchObject({ code: 'http_status' });
    expect(fatal).toHaveBeenCalledTimes(1);
    const picky = failTimes(1);
    await expect(retry({ shouldRetry: () => false }).execute(picky)).rejects.toThrow('flaky');
  });

  it('stops waiting at once when the signal aborts', async () => {
    const controller = new AbortController();
    const fn = failTimes(5);
    const pending = retry({ initialDelayMs: 10_000, jitter: 'none' })
      .execute(fn, { signal: controller.signal })
      .catch((e) => e);
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    const error = await pending;
    expect(isPortcullisError(error, 'aborted')).toBe(true);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects invalid options at construction', () => {
    expect(() => retry({ maxAttempts: 0 })).toThrow(
      'Expected `maxAttempts` to be a positive integer, got 0',
    );
    expect(() => retry({ jitter: 'random' as 'full' })).toThrow(TypeError);
  });
});

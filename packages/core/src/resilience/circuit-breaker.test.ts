import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isPortcullisError } from '../errors/portcullis-error';
import type { BreakerCallEvent, BreakerStateEvent } from '../instrumentation/channels';
import { CHANNELS, subscribe } from '../instrumentation/channels';
import { type CircuitBreaker, createCircuitBreaker } from './circuit-breaker';
import { CircuitOpenError } from './errors';

const ok = () => Promise.resolve('ok');
const boom = () => Promise.reject(new Error('boom'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function drive(breaker: CircuitBreaker, outcomes: string) {
  for (const outcome of outcomes) {
    await breaker.execute(outcome === 'x' ? boom : ok).catch(() => undefined);
  }
}

let events: BreakerStateEvent[];
let calls: BreakerCallEvent[];
let unsubscribe: Array<() => void>;

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
  events = [];
  calls = [];
  unsubscribe = [
    subscribe(CHANNELS.breakerState, (event) => events.push(event)),
    subscribe(CHANNELS.breakerCall, (event) => calls.push(event)),
  ];
});

afterEach(() => {
  for (const off of unsubscribe) off();
  vi.useRealTimers();
});

describe('closed', () => {
  it('stays closed after a first failure, unlike opossum (minimumCalls defaults to 10)', async () => {
    const breaker = createCircuitBreaker({ name: 'users' });
    await drive(breaker, 'xxxxxxxxx');
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot()).toMatchObject({ calls: 9, failures: 9, failureRate: 100 });
  });

  it('opens after 5 failures in 10 calls with a 50% threshold', async () => {
    const breaker = createCircuitBreaker({
      name: 'users',
      window: { type: 'count', size: 10 },
      minimumCalls: 10,
    });
    await drive(breaker, '....x.x.x');
    expect(breaker.state).toBe('closed'); // fewer than minimumCalls
    await drive(breaker, 'x');
    expect(breaker.state).toBe('closed'); // 4 of 10 failed
    await drive(breaker, 'x');
    expect(breaker.state).toBe('open'); // last 10: 5 failures
    expect(events).toEqual([
      { name: 'users', from: 'closed', to: 'open', reason: 'failure-rate', timestamp: 1_000_000 },
    ]);
  });

  it('judges only the last `size` calls of a count window', async () => {
    const breaker = createCircuitBreaker({
      name: 'w',
      window: { type: 'count', size: 4 },
      minimumCalls: 4,
    });
    await drive(breaker, 'x......');
    expect(breaker.snapshot()).toMatchObject({ calls: 4, failures: 0 });
    await drive(breaker, 'x');
    expect(breaker.state).toBe('closed');
    await drive(breaker, 'x');
    expect(breaker.state).toBe('open');
  });

  it('forgets failures older than a time window', async () => {
    const breaker = createCircuitBreaker({
      name: 't',
      window: { type: 'time', sizeMs: 10_000 },
      minimumCalls: 4,
    });
    await drive(breaker, 'xxx');
    vi.advanceTimersByTime(10_000);
    await drive(breaker, '...');
    expect(breaker.snapshot()).toMatchObject({ calls: 3, failures: 0 });
    await drive(breaker, 'xx');
    expect(breaker.state).toBe('closed'); // 2 of 5
    await drive(breaker, 'x');
    expect(breaker.state).toBe('open'); // 3 of 6
  });

  it('opens on the slow-call rate when calls are slow though successful', async () => {
    const breaker = createCircuitBreaker({
      name: 'slow',
      minimumCalls: 2,
      slowCallMs: 1000,
      slowCallRateThreshold: 100,
    });
    const slowCall = async () => {
      const pending = breaker.execute(() => sleep(1000).then(() => 'late'));
      await vi.advanceTimersByTimeAsync(1000);
      return pending;
    };
    await expect(slowCall()).resolves.toBe('late');
    expect(breaker.state).toBe('closed');
    await slowCall();
    expect(breaker.state).toBe('open');
    expect(events.at(-1)?.reason).toBe('slow-call-rate');
    expect(calls.at(-1)).toMatchObject({ outcome: 'success', slow: true, durationMs: 1000 });
  });

  it('does not record errors that isFailure rejects, nor calls the caller aborted', async () => {
    const breaker = createCircuitBreaker({
      name: 'users',
      minimumCalls: 1,
      isFailure: (error) => (error as Error).message !== 'not found',
    });
    await breaker.execute(() => Promise.reject(new Error('not found'))).catch(() => undefined);
    const controller = new AbortController();
    const pending = breaker.execute(
      (signal) =>
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
      { signal: controller.signal },
    );
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot().calls).toBe(0);
    expect(calls.map((c) => c.outcome)).toEqual(['ignored', 'ignored']);
  });

  it('rejects at once, without calling, when the signal is already aborted', async () => {
    const breaker = createCircuitBreaker({ name: 'users' });
    const fn = vi.fn(ok);
    const error = await breaker.execute(fn, { signal: AbortSignal.abort() }).catch((e) => e);
    expect(isPortcullisError(error, 'aborted')).toBe(true);
    expect(fn).not.toHaveBeenCalled();
  });
});

describe('open', () => {
  async function openBreaker(extra = {}) {
    const breaker = createCircuitBreaker({
      name: 'users',
      minimumCalls: 2,
      openMs: 5000,
      ...extra,
    });
    await drive(breaker, 'xx');
    expect(breaker.state).toBe('open');
    return breaker;
  }

  it('rejects with a typed CircuitOpenError saying when it will try again, without calling', async () => {
    const breaker = await openBreaker();
    vi.advanceTimersByTime(2000);
    const fn = vi.fn(ok);
    const error = await breaker.execute(fn).catch((e: unknown) => e);
    expect(fn).not.toHaveBeenCalled();
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(error).toMatchObject({
      code: 'circuit_open',
      breakerName: 'users',
      nextAttemptAt: 1_005_000,
      retryAfterMs: 3000,
      httpStatus: 503,
    });
    expect(calls.at(-1)).toMatchObject({ outcome: 'rejected', state: 'open' });
  });

  it('turns half-open when openMs elapsed, without any timer running', async () => {
    const breaker = await openBreaker();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(4999);
    expect(breaker.state).toBe('open');
    vi.advanceTimersByTime(1);
    expect(breaker.state).toBe('half-open');
    expect(events.at(-1)).toMatchObject({ from: 'open', to: 'half-open', reason: 'open-elapsed' });
  });

  it('ignores outcomes of calls that started before it opened', async () => {
    const breaker = createCircuitBreaker({ name: 'users', minimumCalls: 2, openMs: 5000 });
    const straggler = breaker.execute(() => sleep(100).then(boom)).catch((e: Error) => e.message);
    await drive(breaker, 'xx');
    vi.advanceTimersByTime(5000);
    expect(breaker.state).toBe('half-open');
    await vi.advanceTimersByTimeAsync(100);
    expect(await straggler).toBe('boom');
    expect(breaker.state).toBe('half-open');
  });
});

describe('half-open', () => {
  async function halfOpen(halfOpenMaxCalls = 3) {
    const breaker = createCircuitBreaker({
      name: 'users',
      minimumCalls: 2,
      openMs: 5000,
      halfOpenMaxCalls,
    });
    await drive(breaker, 'xx');
    vi.advanceTimersByTime(5000);
    return breaker;
  }

  it('lets halfOpenMaxCalls trial calls through at once and rejects the rest', async () => {
    const breaker = await halfOpen(2);
    const trials = [breaker.execute(() => sleep(10)), breaker.execute(() => sleep(10))];
    const error = await breaker.execute(ok).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect((error as CircuitOpenError).retryAfterMs).toBe(0);
    await vi.advanceTimersByTimeAsync(10);
    await Promise.all(trials);
    expect(breaker.state).toBe('closed');
    expect(events.at(-1)).toMatchObject({
      from: 'half-open',
      to: 'closed',
      reason: 'half-open-succeeded',
    });
    expect(breaker.snapshot()).toMatchObject({ calls: 0, failures: 0 });
  });

  it('opens again once failed trials reach the threshold, for another openMs', async () => {
    const breaker = await halfOpen(3);
    await drive(breaker, '.');
    expect(breaker.state).toBe('half-open');
    await drive(breaker, 'x');
    expect(breaker.state).toBe('half-open'); // 1 of 3 < 50%
    await drive(breaker, 'x');
    expect(breaker.state).toBe('open');
    expect(events.at(-1)).toMatchObject({ reason: 'half-open-failed' });
    expect(breaker.snapshot().nextAttemptAt).toBe(Date.now() + 5000);
  });

  it('frees the slot of a trial whose error does not count', async () => {
    const breaker = createCircuitBreaker({
      name: 'users',
      minimumCalls: 1,
      openMs: 10,
      halfOpenMaxCalls: 1,
      isFailure: (e) => (e as Error).message === 'boom',
    });
    await drive(breaker, 'x');
    vi.advanceTimersByTime(10);
    await breaker.execute(() => Promise.reject(new Error('404'))).catch(() => undefined);
    expect(breaker.state).toBe('half-open');
    await drive(breaker, '.');
    expect(breaker.state).toBe('closed');
  });
});

describe('manual control', () => {
  it('open() holds it open until close(), and reset() starts fresh', async () => {
    const breaker = createCircuitBreaker({ name: 'users', minimumCalls: 3, openMs: 10 });
    breaker.open();
    vi.advanceTimersByTime(1e9);
    expect(breaker.state).toBe('open');
    const error = (await breaker.execute(ok).catch((e) => e)) as CircuitOpenError;
    expect(error.retryAfterMs).toBe(Number.POSITIVE_INFINITY);
    expect(error.message).toContain('after a manual close()');
    breaker.close();
    expect(breaker.state).toBe('closed');
    await drive(breaker, 'xx');
    breaker.reset();
    await drive(breaker, 'x');
    expect(breaker.state).toBe('closed');
    expect(events.map((e) => `${e.to}:${e.reason}`)).toEqual(['open:manual', 'closed:manual']);
  });
});

describe('cost', () => {
  it('reads no clock on the closed success path when slow-call detection is off and nobody listens', async () => {
    for (const off of unsubscribe) off();
    unsubscribe = [];
    let reads = 0;
    const breaker = createCircuitBreaker({
      name: 'lean',
      slowCallMs: Number.POSITIVE_INFINITY,
      minimumCalls: 2,
      clock: {
        now: () => {
          reads++;
          return Date.now();
        },
      },
    });
    await drive(breaker, '..x');
    expect(reads).toBe(0);
    await drive(breaker, 'x');
    expect(reads).toBe(1); // opening reads the clock once, for nextAttemptAt
    expect(breaker.state).toBe('open');
    expect(breaker.snapshot().nextAttemptAt).toBe(Date.now() + 30_000);
  });
});

describe('options', () => {
  it('are validated at construction with house-style messages', () => {
    expect(() => createCircuitBreaker({ name: '' })).toThrowErrorMatchingInlineSnapshot(
      `[TypeError: Expected \`name\` to be a non-empty string, got ""]`,
    );
    expect(() => createCircuitBreaker({ name: 'a', failureRateThreshold: 0 })).toThrow(
      'Expected `failureRateThreshold` to be a percentage in (0, 100], got 0',
    );
    expect(() => createCircuitBreaker({ name: 'a', window: { type: 'count', size: 1.5 } })).toThrow(
      'Expected `window.size` to be a positive integer, got 1.5',
    );
    expect(() => createCircuitBreaker({ name: 'a', openMs: -1 })).toThrow(TypeError);
  });

  it('does not keep a reference to the caller’s window object', async () => {
    const window = { type: 'count' as const, size: 2 };
    const breaker = createCircuitBreaker({ name: 'a', window, minimumCalls: 2 });
    window.size = 100;
    await drive(breaker, 'xx');
    expect(breaker.state).toBe('open');
  });
});

import { isPortcullisError, subscribe } from '@portcullis/core';
import { retainedHeapBytes } from '@portcullis/testkit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLimitedError } from './errors';
import { createRateLimiter } from './limiter';
import { createMemoryEngine } from './memory-engine';
import { definePolicy } from './policy';
import { commandsPolicy, messagesPolicy, PRESETS } from './presets';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('definePolicy', () => {
  it('rejects invalid options with a TypeError naming the option', () => {
    expect(() =>
      definePolicy({ name: 'x', windows: [{ name: 'w', limit: -1, windowMs: 1000 }] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[TypeError: Expected \`windows[0].limit\` to be a positive integer, got -1]`,
    );
    expect(() => definePolicy({ name: 'bad name', windows: [] })).toThrow(TypeError);
    expect(() => definePolicy({ name: 'x', windows: [] })).toThrow(
      'Expected `windows` to be a non-empty array',
    );
    expect(() =>
      definePolicy({
        name: 'x',
        windows: [{ name: 'w', limit: 1, windowMs: 1000 }],
        blockAfter: 2,
      }),
    ).toThrow('Expected `blockMs` to be a positive integer, got undefined');
  });

  it('ships the seed presets', () => {
    expect(PRESETS.messages.windows).toEqual([
      { name: 'minute', limit: 20, windowMs: 60_000 },
      { name: 'hour', limit: 100, windowMs: 3_600_000 },
    ]);
    expect([
      PRESETS.messages.burst,
      PRESETS.commands.burst,
      PRESETS.api.burst,
      PRESETS.webhooks.burst,
    ]).toEqual([5, 2, 5, 50]);
    expect(PRESETS.messages.burstWindowMs).toBe(3_600_000);
    expect(messagesPolicy({ algorithm: 'gcra' }).algorithm).toBe('gcra');
  });

  it('lets a preset take other limits by window name and another burst, and refuses unknown windows', () => {
    const custom = messagesPolicy({ limits: { minute: 30 }, burst: 0 });
    expect(custom.windows).toEqual([
      { name: 'minute', limit: 30, windowMs: 60_000 },
      { name: 'hour', limit: 100, windowMs: 3_600_000 },
    ]);
    expect(custom.burst).toBe(0);
    expect(custom.name).toBe('messages');
    expect(() => commandsPolicy({ limits: { hour: 10 } })).toThrow(
      "Expected `limits.hour` to be one of the commands preset's windows (minute), got 10",
    );
    expect(() => commandsPolicy({ limits: { minute: 0 } })).toThrow(/positive integer/);
  });
});

describe('createRateLimiter (memory engine, fake clock)', () => {
  it('admits 20 messages in a minute plus 5 burst, then names the window that denied', async () => {
    const limiter = createRateLimiter({ policy: PRESETS.messages });
    const results = [];
    for (let i = 0; i < 26; i++) results.push(await limiter.consume('user:1'));
    expect(results.filter((r) => r.allowed)).toHaveLength(25);
    expect(results[19]).toMatchObject({
      allowed: true,
      usedBurst: false,
      remaining: { minute: 0, hour: 80 },
      burstRemaining: 5,
    });
    expect(results[20]).toMatchObject({ allowed: true, usedBurst: true, burstRemaining: 4 });
    expect(results[25]).toMatchObject({
      allowed: false,
      deniedBy: 'minute',
      retryAfterMs: 60_000,
      policy: 'messages',
      source: 'memory',
    });
  });

  it('has no edge burst: a full minute spent at 0:59 leaves nothing at 1:01', async () => {
    const limiter = createRateLimiter({
      policy: definePolicy({
        name: 'p',
        windows: [{ name: 'minute', limit: 20, windowMs: 60_000 }],
      }),
    });
    vi.setSystemTime(1_000_000 + 59_000);
    for (let i = 0; i < 20; i++) expect((await limiter.consume('u')).allowed).toBe(true);
    vi.setSystemTime(1_000_000 + 61_000);
    expect(await limiter.consume('u')).toMatchObject({ allowed: false, retryAfterMs: 58_000 });
    vi.setSystemTime(1_000_000 + 119_000);
    expect((await limiter.consume('u', 20)).allowed).toBe(true);
  });

  it('peek changes nothing, refund gives back the last units, reset forgets the key', async () => {
    const limiter = createRateLimiter({ policy: commandsPolicy() });
    for (let i = 0; i < 7; i++) await limiter.consume('u');
    const peeked = await limiter.peek('u');
    expect(peeked).toMatchObject({ allowed: false, remaining: { minute: 0 }, burstRemaining: 0 });
    expect(await limiter.peek('u')).toEqual(peeked);
    expect(await limiter.refund('u', 1)).toMatchObject({
      burstRemaining: 1,
      remaining: { minute: 0 },
    });
    expect((await limiter.consume('u')).allowed).toBe(true);
    await limiter.reset('u');
    expect(await limiter.peek('u')).toMatchObject({
      allowed: true,
      remaining: { minute: 5 },
      burstRemaining: 2,
    });
  });

  it('blocks a subject for blockMs after blockAfter consecutive denials', async () => {
    const limiter = createRateLimiter({
      policy: definePolicy({
        name: 'b',
        windows: [{ name: 's', limit: 1, windowMs: 1000 }],
        blockAfter: 2,
        blockMs: 10_000,
      }),
    });
    await limiter.consume('u');
    await limiter.consume('u');
    expect(await limiter.consume('u')).toMatchObject({ allowed: false, deniedBy: 's' });
    vi.advanceTimersByTime(2000);
    expect(await limiter.consume('u')).toMatchObject({
      allowed: false,
      deniedBy: 'blocked',
      retryAfterMs: 8000,
    });
    vi.advanceTimersByTime(8000);
    expect((await limiter.consume('u')).allowed).toBe(true);
  });

  it('throws RateLimitedError (429, retryable) from consumeOrThrow and rejects impossible costs', async () => {
    const limiter = createRateLimiter({ policy: PRESETS.api });
    await limiter.consume('k', 15);
    const error = await limiter.consumeOrThrow('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(isPortcullisError(error, 'rate_limited')).toBe(true);
    expect(error).toMatchObject({
      httpStatus: 429,
      retryable: true,
      retryAfterMs: 1000,
      deniedBy: 'second',
    });
    await expect(limiter.consume('k', 16)).rejects.toThrow(
      'Expected `cost` to be an integer from 1 to 15, got 16',
    );
    await expect(limiter.consume('')).rejects.toThrow(TypeError);
  });

  it('publishes one decision event per consume', async () => {
    const events: unknown[] = [];
    const stop = subscribe('portcullis:ratelimit:decision', (event) => events.push(event));
    try {
      const limiter = createRateLimiter({ policy: PRESETS.commands, engine: createMemoryEngine() });
      for (let i = 0; i < 8; i++) await limiter.consume('u');
    } finally {
      stop();
    }
    expect(events).toHaveLength(8);
    expect(events[5]).toMatchObject({
      policy: 'commands',
      allowed: true,
      usedBurst: true,
      engine: 'memory',
      fallback: false,
    });
    expect(events[7]).toMatchObject({ allowed: false, deniedBy: 'minute', blocked: false });
  });
});

describe('gcra', () => {
  it('lets burst + 1 requests through at once, then exactly one every windowMs / limit', async () => {
    const limiter = createRateLimiter({ policy: commandsPolicy({ algorithm: 'gcra' }) }); // 5/min, burst 2: T = 12 s
    const first = [];
    for (let i = 0; i < 4; i++) first.push((await limiter.consume('u')).allowed);
    expect(first).toEqual([true, true, true, false]);
    expect((await limiter.peek('u')).retryAfterMs).toBe(12_000);
    vi.advanceTimersByTime(11_999);
    expect((await limiter.consume('u')).allowed).toBe(false);
    vi.advanceTimersByTime(1);
    expect((await limiter.consume('u')).allowed).toBe(true);
    expect((await limiter.consume('u')).allowed).toBe(false);
  });

  it('keeps the long-run rate at limit per window under a steady overload', async () => {
    const limiter = createRateLimiter({ policy: messagesPolicy({ algorithm: 'gcra' }) });
    let admitted = 0;
    // One attempt per second for two hours.
    for (let second = 0; second < 7200; second++) {
      if ((await limiter.consume('u')).allowed) admitted++;
      vi.advanceTimersByTime(1000);
    }
    // 100 per hour (the slower window) over 2 h, plus the burst tolerance of 5 + 1.
    expect(admitted).toBeLessThanOrEqual(200 + 6);
    expect(admitted).toBeGreaterThanOrEqual(200);
  });
});

describe('createMemoryEngine', () => {
  it('holds at most maxKeys subjects and drops expired ones', async () => {
    const engine = createMemoryEngine({ maxKeys: 100 });
    const limiter = createRateLimiter({ policy: PRESETS.api, engine });
    for (let i = 0; i < 1000; i++) await limiter.consume(`k${i}`);
    expect(engine.size).toBeLessThanOrEqual(100);
    vi.advanceTimersByTime(2000);
    for (let i = 0; i < 50; i++) await limiter.consume(`fresh${i}`);
    // 50 decisions inspect 200 subjects: every expired one is gone, the fresh ones stay.
    expect(engine.size).toBe(50);
  });

  it('forgets the least recently used subject first, however many new subjects pass', async () => {
    const engine = createMemoryEngine({ maxKeys: 10 });
    const policy = definePolicy({
      name: 'lru',
      windows: [{ name: 'm', limit: 20, windowMs: 60_000 }],
    });
    const limiter = createRateLimiter({ policy, engine });
    for (let i = 0; i < 1000; i++) {
      if (i % 100 === 0) await limiter.consume('regular'); // 10 consumes in all
      await limiter.consume(`once${i}`);
      // A peek is a use too: every 5 new subjects keeps it among the 10 most recent.
      if (i % 5 === 0) await limiter.peek('regular');
    }
    expect(engine.size).toBe(10);
    expect((await limiter.peek('regular')).remaining).toEqual({ m: 10 });
    expect((await limiter.peek('once0')).remaining).toEqual({ m: 20 }); // forgotten long ago
  });

  // An iterator kept idle for LRU eviction held every table V8 rebuilt the
  // map into: about 100 bytes per decision, 48 MB here (the embedded default).
  it('retains no memory over half a million decisions on a steady set of subjects', async () => {
    const engine = createMemoryEngine();
    const limiter = createRateLimiter({ policy: PRESETS.webhooks, engine });
    for (let i = 0; i < 1_000; i++) await limiter.consume(`user:${i}`);
    const retained = await retainedHeapBytes(limiter, async () => {
      for (let i = 0; i < 500_000; i++) await limiter.consume(`user:${i % 1_000}`);
    });
    expect(engine.size).toBe(1_000);
    expect(retained).toBeLessThan(8 * 2 ** 20);
  });

  it('validates maxKeys', () => {
    expect(() => createMemoryEngine({ maxKeys: 0 })).toThrow(
      'Expected `maxKeys` to be a positive integer, got 0',
    );
  });
});

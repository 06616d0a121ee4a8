import { subscribe } from '@portcullis/core';
import { type RedisServer, startRedisServer } from '@portcullis/testkit';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter } from './limiter';
import { definePolicy } from './policy';
import { PRESETS } from './presets';
import { drive, policyArbitrary, stepsArbitrary } from './property-support';
import { createRedisEngine } from './redis-engine';

let server: RedisServer;
let redis: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
  // The restart test makes the client see ECONNREFUSED for a moment.
  redis.on('error', () => {});
}, 30_000);

afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

describe('Redis engine against the reference model (real redis-server)', () => {
  it('makes exactly the decisions of the reference model for random streams and clock steps', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(policyArbitrary, stepsArbitrary, async (policy, steps) => {
        const clock = { now: 1_000_000 };
        const engine = createRedisEngine({
          redis,
          prefix: 'prop',
          clock: () => clock.now,
          commandTimeoutMs: 2000,
        });
        const key = `run-${run++}`;
        for (const { engine: got, model } of await drive(engine, clock, policy, key, steps)) {
          expect(got).toEqual(model);
        }
      }),
      { numRuns: 300 },
    );
  }, 20_000);

  it('rejected requests change no state: a peek before and after a denied consume agree', async () => {
    const clock = { now: 5_000_000 };
    const engine = createRedisEngine({ redis, prefix: 'nostate', clock: () => clock.now });
    const policy = PRESETS.messages;
    for (let i = 0; i < 25; i++)
      expect((await engine.decide(policy, 'u', 'consume', 1)).allowed).toBe(true);
    const before = await engine.decide(policy, 'u', 'peek', 1);
    const denied = await engine.decide(policy, 'u', 'consume', 1);
    expect(denied).toMatchObject({ allowed: false, denied: 0, retryAfterMs: 60_000 });
    expect(await engine.decide(policy, 'u', 'peek', 1)).toEqual(before);
    expect(await redis.zcard('nostate:messages:{u}:l')).toBe(20);
    expect(await redis.zcard('nostate:messages:{u}:b')).toBe(5);
  });

  it('uses Redis TIME as the clock when no clock is injected', async () => {
    const engine = createRedisEngine({ redis, prefix: 'time' });
    const limiter = createRateLimiter({ policy: PRESETS.commands, engine });
    const results = [];
    for (let i = 0; i < 8; i++) results.push(await limiter.consume('u'));
    expect(results.map((r) => r.allowed)).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
    expect(results[5]).toMatchObject({
      usedBurst: true,
      source: 'redis',
      remaining: { minute: 0 },
    });
    const [seconds] = await redis.time();
    const [, score] = await redis.zrange('time:commands:{u}:l', -1, -1, 'WITHSCORES');
    expect(Math.abs(Number(score) - Number(seconds) * 1000)).toBeLessThan(2000);
    expect(results[7]!.retryAfterMs).toBeGreaterThan(59_000);
  });

  it('keeps every key of a subject under one hash tag with a TTL', async () => {
    const engine = createRedisEngine({ redis, prefix: 'tags' });
    const limiter = createRateLimiter({
      policy: definePolicy({
        name: 'p',
        windows: [{ name: 'w', limit: 1, windowMs: 10_000 }],
        burst: 1,
      }),
      engine,
    });
    await limiter.consume('chat:7');
    await limiter.consume('chat:7');
    const keys = (await redis.keys('tags:*')).sort();
    expect(keys).toEqual(['tags:p:{chat:7}:b', 'tags:p:{chat:7}:l']);
    for (const key of keys) expect(await redis.pttl(key)).toBeGreaterThan(9000);
    await limiter.reset('chat:7');
    expect(await redis.keys('tags:*')).toEqual([]);
  });

  it('survives SCRIPT FLUSH and a redis-server restart (NOSCRIPT answered by loading the script again)', async () => {
    const engine = createRedisEngine({ redis, prefix: 'flush', commandTimeoutMs: 2000 });
    const limiter = createRateLimiter({ policy: PRESETS.api, engine, onStoreError: 'fail-closed' });
    expect((await limiter.consume('k')).source).toBe('redis');
    await redis.script('FLUSH');
    expect(await limiter.consume('k')).toMatchObject({
      allowed: true,
      source: 'redis',
      remaining: { second: 8 },
    });
    await server.restart();
    await redis.ping();
    expect(await limiter.consume('k')).toMatchObject({
      allowed: true,
      source: 'redis',
      remaining: { second: 9 },
    });
  });
});

describe('store failures', () => {
  const broken = new Redis({
    port: 1,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  broken.on('error', () => {});
  const hung = {
    evalsha: () => new Promise<unknown>(() => {}),
    eval: () => new Promise<unknown>(() => {}),
    del: () => new Promise<number>(() => {}),
  };

  it('fails open, fails closed, or falls back to memory, and publishes each store error', async () => {
    const errors: string[] = [];
    const stop = subscribe('portcullis:ratelimit:store-error', (event) =>
      errors.push(`${event.action}:${event.errorCode}`),
    );
    try {
      const engine = createRedisEngine({ redis: broken, commandTimeoutMs: 50 });
      const open = createRateLimiter({
        policy: PRESETS.commands,
        engine,
        onStoreError: 'fail-open',
      });
      const closed = createRateLimiter({
        policy: PRESETS.commands,
        engine,
        onStoreError: 'fail-closed',
      });
      const fallback = createRateLimiter({
        policy: PRESETS.commands,
        engine,
        onStoreError: 'fallback',
      });
      expect(await open.consume('u')).toMatchObject({ allowed: true, source: 'fail-open' });
      expect(await closed.consume('u')).toMatchObject({
        allowed: false,
        source: 'fail-closed',
        deniedBy: 'unavailable',
        retryAfterMs: 1000,
      });
      await expect(closed.consumeOrThrow('u')).rejects.toMatchObject({
        code: 'rate_limiter_unavailable',
      });
      const decisions = [];
      for (let i = 0; i < 8; i++) decisions.push((await fallback.consume('u')).allowed);
      expect(decisions).toEqual([true, true, true, true, true, true, true, false]);
      expect(errors.slice(0, 3)).toEqual([
        'fail-open:rate_limiter_unavailable',
        'fail-closed:rate_limiter_unavailable',
        'fail-closed:rate_limiter_unavailable',
      ]);
      expect(errors).toHaveLength(11);
    } finally {
      stop();
    }
  });

  it('gives up on a hung Redis after commandTimeoutMs instead of stalling', async () => {
    const engine = createRedisEngine({ redis: hung, commandTimeoutMs: 30 });
    const limiter = createRateLimiter({ policy: PRESETS.api, engine, onStoreError: 'fail-open' });
    const started = performance.now();
    expect(await limiter.consume('u')).toMatchObject({ allowed: true, source: 'fail-open' });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

import { type RedisServer, startRedisServer } from '@portcullis/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisDedupStore } from './dedup';

describe('Redis dedup store on a real redis-server', () => {
  let server: RedisServer;
  let redis: Redis;
  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.port, '127.0.0.1', { lazyConnect: false });
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('lets exactly one of many concurrent replicas claim an update', async () => {
    const replicas = Array.from({ length: 8 }, () =>
      createRedisDedupStore({ redis, prefix: 't1' }),
    );
    const results = await Promise.all(replicas.map((r) => r.claim(42)));
    expect(results.filter((r) => r === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r === 'busy')).toHaveLength(7);
  });

  it('keeps a handled id for at least 24 h and reports it done', async () => {
    const store = createRedisDedupStore({ redis, prefix: 't2' });
    await store.claim(1);
    await store.complete(1);
    expect(await store.claim(1)).toBe('done');
    expect(await redis.ttl('t2:1')).toBeGreaterThanOrEqual(86_399);
  });

  it('gives a claim back on release and after its lease', async () => {
    const store = createRedisDedupStore({ redis, prefix: 't3', leaseMs: 5_000 });
    await store.claim(1);
    await store.release(1);
    expect(await store.claim(1)).toBe('claimed');
    expect(await redis.pttl('t3:1')).toBeLessThanOrEqual(5_000);
  });

  it('renews a claim in force by a full lease, and leaves a handled or lapsed id alone', async () => {
    const store = createRedisDedupStore({ redis, prefix: 't4', leaseMs: 5_000 });
    await store.claim(1);
    await redis.pexpire('t4:1', 100); // most of the lease gone
    expect(await store.renew(1)).toBe(true);
    expect(await redis.pttl('t4:1')).toBeGreaterThan(4_000);
    await store.complete(1);
    expect(await store.renew(1)).toBe(false);
    expect(await redis.ttl('t4:1')).toBeGreaterThanOrEqual(86_399);
    expect(await store.renew(2)).toBe(false);
    expect(await redis.exists('t4:2')).toBe(0);
    expect(store.leaseMs).toBe(5_000);
  });
});

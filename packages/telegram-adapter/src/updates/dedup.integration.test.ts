import { type RedisServer, startRedisServer } from '@portcullis/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../testing/until';
import { createRedisDedupStore } from './redis-dedup';

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

  it('renews and releases only its own claim, never one another worker took after a lapse', async () => {
    const first = createRedisDedupStore({ redis, prefix: 't6', leaseMs: 5_000 });
    const second = createRedisDedupStore({ redis, prefix: 't6', leaseMs: 5_000 });
    expect(await first.claim(1)).toBe('claimed');
    await redis.del('t6:1'); // the lease lapsed while the first worker was cut off
    expect(await second.claim(1)).toBe('claimed');
    expect(await first.renew(1)).toBe(false);
    await first.release(1);
    expect(await second.renew(1)).toBe(true);
    expect(await createRedisDedupStore({ redis, prefix: 't6' }).claim(1)).toBe('busy');
  });

  it('reads a claim of an earlier version (plain `p`) as busy, so replicas can be upgraded one by one', async () => {
    await redis.set('t7:1', 'p', 'PX', 5_000);
    const store = createRedisDedupStore({ redis, prefix: 't7' });
    expect(await store.claim(1)).toBe('busy');
    expect(await store.renew(1)).toBe(false);
    expect(await redis.get('t7:1')).toBe('p');
  });

  it('leaves no claim behind when a claim failed on the client but ran in Redis later', async () => {
    // ioredis keeps a command that timed out on the client and sends it after
    // reconnecting: without a clean-up, that late claim would hold the update
    // busy for a whole lease with no worker behind it.
    const own = await startRedisServer();
    const client = new Redis(own.port, '127.0.0.1', {
      commandTimeout: 200,
      maxRetriesPerRequest: null,
      retryStrategy: () => 300,
    });
    try {
      const store = createRedisDedupStore({ redis: client, prefix: 't5' });
      await client.ping();
      await own.kill();
      await until(() => client.status === 'reconnecting', 5000, 'the client to notice');
      await expect(store.claim(1)).rejects.toThrow('Command timed out');
      await own.start();
      await until(() => client.status === 'ready', 5000, 'the client to reconnect');
      await client.ping(); // after everything queued while Redis was away
      expect(await client.exists('t5:1')).toBe(0);
      expect(await createRedisDedupStore({ redis: client, prefix: 't5' }).claim(1)).toBe('claimed');
    } finally {
      client.disconnect();
      await own.stop();
    }
  });
});

import { subscribe } from '@portcullis/core';
import { type RedisCluster, startRedisCluster } from '@portcullis/testkit';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter } from './limiter';
import { definePolicy } from './policy';
import { createRedisEngine } from './redis-engine';

// ioredis auto-pipelining groups EVALSHA by its first argument (the SHA, not a
// key) and mixes slots in one pipeline on a Cluster: leave it off there.
let cluster: RedisCluster;
let client: Cluster;

beforeAll(async () => {
  cluster = await startRedisCluster();
  client = new Cluster([...cluster.startupNodes]);
}, 60_000);

afterAll(async () => {
  client?.disconnect();
  await cluster?.stop();
});

describe('Redis engine on a real 3-master Redis Cluster', () => {
  it('limits 10,000 subjects spread over all three masters with no CROSSSLOT error', async () => {
    const policy = definePolicy({
      name: 'cluster',
      windows: [
        { name: 'second', limit: 1, windowMs: 60_000 },
        { name: 'hour', limit: 5, windowMs: 3_600_000 },
      ],
      burst: 1,
    });
    const limiter = createRateLimiter({
      policy,
      engine: createRedisEngine({ redis: client, commandTimeoutMs: 10_000 }),
      onStoreError: 'fail-closed',
    });
    const failures: string[] = [];
    const stop = subscribe('portcullis:redis:command', (event) => {
      if (!event.ok) failures.push(`${event.operation}: ${event.errorCode}`);
    });
    const subjects = Array.from({ length: 10_000 }, (_, i) => `user:${i}`);
    const decisions: boolean[][] = [];
    for (let round = 0; round < 3; round++) {
      const results = [];
      for (let start = 0; start < subjects.length; start += 2000) {
        results.push(
          ...(await Promise.all(
            subjects.slice(start, start + 2000).map((s) => limiter.consume(s)),
          )),
        );
      }
      expect(failures.slice(0, 5)).toEqual([]);
      expect(results.every((r) => r.source === 'redis')).toBe(true);
      decisions.push(results.map((r) => r.allowed));
    }
    stop();
    // limit 1 + burst 1: the first two pass, the third is denied, for every subject.
    expect(decisions[0]!.every(Boolean)).toBe(true);
    expect(decisions[1]!.every(Boolean)).toBe(true);
    expect(decisions[2]!.some(Boolean)).toBe(false);

    const perNode = await Promise.all(
      cluster.nodes.map(async (node) => {
        const direct = new Redis(node.port, '127.0.0.1');
        const size = await direct.dbsize();
        direct.disconnect();
        return size;
      }),
    );
    // Two keys (log + burst) per subject, each subject's pair on one node.
    expect(perNode.reduce((a, b) => a + b, 0)).toBe(20_000);
    for (const size of perNode) expect(size).toBeGreaterThan(5000);
    const slots = new Set(
      await Promise.all(
        subjects
          .slice(0, 300)
          .map((s) => client.cluster('KEYSLOT', `rl:cluster:{${s}}:l`) as Promise<number>),
      ),
    );
    expect(slots.size).toBeGreaterThan(290);
  }, 20_000);

  it('keeps a subject that starts with a closing brace in one slot', async () => {
    const limiter = createRateLimiter({
      policy: definePolicy({
        name: 'brace',
        windows: [{ name: 'minute', limit: 1, windowMs: 60_000 }],
        burst: 1,
      }),
      engine: createRedisEngine({ redis: client, commandTimeoutMs: 5000 }),
      onStoreError: 'fail-closed',
    });
    for (const subject of ['}x', '\u0000}x', 'a}b{c']) {
      expect((await limiter.consume(subject)).source).toBe('redis');
      expect(await limiter.consume(subject)).toMatchObject({
        allowed: true,
        usedBurst: true,
        source: 'redis',
      });
      expect(await limiter.consume(subject)).toMatchObject({ allowed: false, source: 'redis' });
    }
  });

  it('reloads the script on a node whose script cache was flushed', async () => {
    const limiter = createRateLimiter({
      policy: definePolicy({
        name: 'flush',
        windows: [{ name: 'minute', limit: 2, windowMs: 60_000 }],
      }),
      engine: createRedisEngine({ redis: client, commandTimeoutMs: 5000 }),
      onStoreError: 'fail-closed',
    });
    await limiter.consume('s');
    await Promise.all(
      cluster.nodes.map(async (node) => {
        const direct = new Redis(node.port, '127.0.0.1');
        await direct.script('FLUSH');
        direct.disconnect();
      }),
    );
    expect(await limiter.consume('s')).toMatchObject({
      allowed: true,
      source: 'redis',
      remaining: { minute: 0 },
    });
    expect(await limiter.consume('s')).toMatchObject({ allowed: false, deniedBy: 'minute' });
  });
});

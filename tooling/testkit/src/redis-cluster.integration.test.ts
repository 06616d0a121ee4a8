import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisCluster, startRedisCluster } from './redis-cluster';

describe('startRedisCluster', () => {
  let cluster: RedisCluster;
  let client: Cluster;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    client = new Cluster([...cluster.startupNodes]);
  });

  afterAll(async () => {
    client.disconnect();
    await cluster.stop();
  });

  it('runs three masters that cover all 16384 slots', async () => {
    const slots = (await client.cluster('SLOTS')) as Array<[number, number, ...unknown[]]>;
    const covered = slots.reduce((sum, [from, to]) => sum + (to - from + 1), 0);
    expect(covered).toBe(16_384);
    expect(new Set(slots.map((slot) => JSON.stringify(slot[2]))).size).toBe(3);
  });

  it('spreads real keys over several slots and nodes', async () => {
    const keys = Array.from({ length: 50 }, (_, index) => `testkit:spread:${index}`);
    for (const key of keys) await client.set(key, key);
    const slots = await Promise.all(
      keys.map((key) => client.cluster('KEYSLOT', key) as Promise<number>),
    );
    expect(new Set(slots).size).toBeGreaterThan(20);
    const perNode = await Promise.all(
      cluster.nodes.map(async (node) => {
        const direct = new Redis(node.port, '127.0.0.1');
        const count = await direct.dbsize();
        direct.disconnect();
        return count;
      }),
    );
    expect(perNode.every((count) => count > 0)).toBe(true);
    for (const key of keys) expect(await client.get(key)).toBe(key);
  });

  it('answers MOVED to a plain client and ioredis Cluster follows it', async () => {
    const key = 'testkit:moved';
    const slot = (await client.cluster('KEYSLOT', key)) as number;
    const slots = await client.cluster('SLOTS');
    const owner = slots.find(([from, to]) => slot >= from && slot <= to)![2]![1];
    const other = cluster.nodes.find((node) => node.port !== owner)!;
    const direct = new Redis(other.port, '127.0.0.1', { maxRetriesPerRequest: 0 });
    await expect(direct.set(key, 'x')).rejects.toThrow(
      new RegExp(`MOVED ${slot} 127.0.0.1:${owner}`),
    );
    direct.disconnect();

    const viaWrongNode = new Cluster([{ host: '127.0.0.1', port: other.port }]);
    await viaWrongNode.set(key, 'followed');
    expect(await viaWrongNode.get(key)).toBe('followed');
    viaWrongNode.disconnect();
  });

  it('keeps keys with one hash tag in one slot', async () => {
    const a = (await client.cluster('KEYSLOT', 'rl:{u:42}:minute')) as number;
    const b = (await client.cluster('KEYSLOT', 'rl:{u:42}:hour')) as number;
    expect(a).toBe(b);
  });
});

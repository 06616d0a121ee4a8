import {
  type RedisCluster,
  type RedisServer,
  startRedisCluster,
  startRedisServer,
} from '@portcullis/testkit';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, type RedisCommandEvent, subscribe } from '../instrumentation/channels';
import { conversationKey } from './conversation-key';
import { createRedisConversationStorage } from './redis-storage';
import type { ConversationStorage, StoredConversation } from './storage';
import { conversationStorageContract } from './storage-contract';

/** Shortens every PTTL under `prefix` by `ms`, as if that much time passed. */
async function shortenTtls(clients: readonly Redis[], prefix: string, ms: number): Promise<void> {
  for (const client of clients) {
    const keys = await client.keys(`${prefix}*`);
    for (const key of keys) {
      const ttl = await client.pttl(key);
      if (ttl > 0) await client.pexpire(key, Math.max(1, ttl - ms));
      if (ttl > 0 && ttl - ms <= 0) await client.del(key);
    }
  }
}

const value: StoredConversation = {
  flow: 'f',
  state: 's',
  data: { n: 1 },
  startedAt: 0,
  updatedAt: 0,
};

describe('Redis conversation storage on a single redis-server', () => {
  let server: RedisServer;
  let client: Redis;
  let storage: ConversationStorage;
  const prefix = 'test:fsm:';

  beforeAll(async () => {
    server = await startRedisServer();
    client = new Redis(server.url);
    storage = createRedisConversationStorage({ redis: client, prefix });
  });

  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  conversationStorageContract('redis-server', () => ({
    storage,
    timeTravel: (ms) => shortenTtls([client], prefix, ms),
  }));

  it('falls back to EVAL after the script cache was flushed (restart, failover)', async () => {
    await client.script('FLUSH');
    const key = conversationKey({ chatId: 1, userId: 2 });
    const version = await storage.set(key, value, { expectedVersion: null, ttlMs: 10_000 });
    expect((await storage.get(key))?.version).toBe(version);
    const ttl = await client.pttl(`${prefix}${key}`);
    expect(ttl).toBeGreaterThan(9_000);
    expect(ttl).toBeLessThanOrEqual(10_000);
  });

  it('reports each command on the redis channel and turns Redis failures into storage_unavailable', async () => {
    const events: RedisCommandEvent[] = [];
    const unsubscribe = subscribe(CHANNELS.redisCommand, (event) => events.push(event));
    const key = conversationKey({ chatId: 3, userId: 4 });
    await storage.get(key);
    await client.set(`${prefix}${key}`, 'not a hash');
    await expect(storage.get(key)).rejects.toMatchObject({ code: 'storage_unavailable' });
    unsubscribe();
    expect(events.map((e) => [e.operation, e.ok])).toEqual([
      ['fsm_get', true],
      ['fsm_get', false],
    ]);
    await client.del(`${prefix}${key}`);
  });

  it('rejects a prefix with braces, which would break the hash tag', () => {
    expect(() => createRedisConversationStorage({ redis: client, prefix: 'a{b}:' })).toThrow(
      TypeError,
    );
  });
});

describe('Redis conversation storage on a 3-node Redis Cluster', () => {
  let cluster: RedisCluster;
  let client: Cluster;
  let direct: Redis[];
  let storage: ConversationStorage;
  const prefix = 'test:fsm:';

  beforeAll(async () => {
    cluster = await startRedisCluster();
    client = new Cluster([...cluster.startupNodes]);
    direct = cluster.nodes.map((node) => new Redis(node.port, '127.0.0.1'));
    storage = createRedisConversationStorage({ redis: client, prefix });
  });

  afterAll(async () => {
    client?.disconnect();
    for (const node of direct ?? []) node.disconnect();
    await cluster?.stop();
  });

  conversationStorageContract('redis-cluster', () => ({
    storage,
    timeTravel: (ms) => shortenTtls(direct, prefix, ms),
  }));

  it('hashes a conversation by its tag, spreading conversations over the nodes', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => conversationKey({ chatId: i, userId: i }));
    for (const key of keys) await storage.set(key, value, { expectedVersion: null, ttlMs: 10_000 });
    for (const key of keys.slice(0, 5)) {
      const slot = await client.cluster('KEYSLOT', `${prefix}${key}`);
      expect(await client.cluster('KEYSLOT', key.slice(1, -1))).toBe(slot);
    }
    const perNode = await Promise.all(direct.map((node) => node.keys(`${prefix}*`)));
    expect(perNode.filter((found) => found.length > 0).length).toBe(3);
  });

  it('falls back to EVAL when a node lost its script cache', async () => {
    await Promise.all(direct.map((node) => node.script('FLUSH')));
    const key = conversationKey({ chatId: 99, userId: 1 });
    const version = await storage.set(key, value, { expectedVersion: null, ttlMs: 10_000 });
    expect((await storage.get(key))?.version).toBe(version);
  });
});

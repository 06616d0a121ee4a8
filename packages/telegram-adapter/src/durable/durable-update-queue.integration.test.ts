import type { Update } from '@grammyjs/types';
import { isPortcullisError } from '@portcullis/core';
import {
  type RedisCluster,
  type RedisServer,
  startRedisCluster,
  startRedisServer,
} from '@portcullis/testkit';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDurableUpdateQueue, type DurableUpdateQueue } from './durable-update-queue';
import type { RedisCallLike } from './redis-streams-like';
import { orderingKeyOf, shardOf } from './update-shard';

function textUpdate(updateId: number, chatId: number): Update {
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: 1_700_000_000,
      chat: { id: chatId, type: 'private', first_name: 'U' },
      from: { id: chatId, is_bot: false, first_name: 'U' },
      text: `m${updateId}`,
    },
  } as Update;
}

async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Interleaves `perChat` updates of each chat, in update_id order per chat. */
function interleaved(chats: number[], perChat: number): Update[] {
  const updates: Update[] = [];
  let id = 1;
  for (let round = 0; round < perChat; round++)
    for (const chat of chats) updates.push(textUpdate(id++, chat));
  return updates;
}

function expectPerChatOrder(handled: Update[]): void {
  const lastByChat = new Map<number, number>();
  for (const update of handled) {
    const chat = update.message!.chat.id;
    expect(update.update_id).toBeGreaterThan(lastByChat.get(chat) ?? 0);
    lastByChat.set(chat, update.update_id);
  }
}

const fast = { pollIntervalMs: 10, leaseMs: 600, retryDelayMs: 10 } as const;

describe('durable update queue on a real redis-server', () => {
  let server: RedisServer;
  const clients: Redis[] = [];
  const queues: DurableUpdateQueue[] = [];
  let prefixCounter = 0;

  const client = () => {
    const redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
    clients.push(redis);
    return redis;
  };
  const queue = (
    options: Partial<Parameters<typeof createDurableUpdateQueue>[0]> & { prefix: string },
  ) => {
    const created = createDurableUpdateQueue({ redis: client(), shards: 8, ...fast, ...options });
    queues.push(created);
    return created;
  };

  beforeAll(async () => {
    server = await startRedisServer();
  });

  afterAll(async () => {
    await Promise.all(queues.map((q) => q.stop({ drainTimeoutMs: 100 }).catch(() => undefined)));
    for (const redis of clients) redis.disconnect();
    await server.stop();
  });

  it('hands every update to the handler once, in order per chat, and empties the streams', async () => {
    const prefix = `q${prefixCounter++}`;
    const q = queue({ prefix });
    const updates = interleaved([11, 22, 33, 44, 55], 20);
    for (const update of updates) await q.enqueue(update);
    const handled: Update[] = [];
    q.start(async (update) => {
      handled.push(update);
    });
    await waitFor(() => handled.length === updates.length);
    expectPerChatOrder(handled);
    expect(new Set(handled.map((u) => u.update_id)).size).toBe(updates.length);
    const redis = client();
    for (let shard = 0; shard < 8; shard++)
      expect(await redis.xlen(q.keysOf(shard).stream)).toBe(0);
    await q.stop();
  });

  it('splits shards between two replicas and keeps each chat in order across them', async () => {
    const prefix = `q${prefixCounter++}`;
    const handled: Array<{ replica: string; update: Update }> = [];
    const a = queue({ prefix, consumerId: 'a' });
    const b = queue({ prefix, consumerId: 'b' });
    a.start(async (update) => void handled.push({ replica: 'a', update }));
    b.start(async (update) => void handled.push({ replica: 'b', update }));
    await waitFor(
      () => a.ownedShards().length + b.ownedShards().length === 8 && a.ownedShards().length === 4,
    );
    expect(a.ownedShards().filter((shard) => b.ownedShards().includes(shard))).toEqual([]);
    const updates = interleaved([1, 2, 3, 4, 5, 6, 7, 8, 9], 10);
    for (const update of updates) await a.enqueue(update);
    await waitFor(() => handled.length === updates.length);
    expectPerChatOrder(handled.map((h) => h.update));
    expect(new Set(handled.map((h) => h.replica))).toEqual(new Set(['a', 'b']));
    await Promise.all([a.stop(), b.stop()]);
  });

  it('hands shards to a joining replica while handlers are slow, never letting two replicas work one shard', async () => {
    const prefix = `q${prefixCounter++}`;
    // Renewed every 500 ms; giving back 8 shards whose handlers take 700 ms
    // must not hold that renewal up past the lease.
    const options = { prefix, shards: 16, leaseMs: 1500, pollIntervalMs: 10 };
    const working = new Map<number, string>();
    const overlaps: string[] = [];
    const handled: Array<{ replica: string; update: Update }> = [];
    const slowHandler = (replica: string) => async (update: Update) => {
      const shard = shardOf(orderingKeyOf(update), 16);
      const other = working.get(shard);
      if (other !== undefined && other !== replica)
        overlaps.push(`shard ${shard}: ${other}+${replica}`);
      working.set(shard, replica);
      await new Promise((resolve) => setTimeout(resolve, 700));
      if (working.get(shard) === replica) working.delete(shard);
      handled.push({ replica, update });
    };
    const a = queue({ ...options, consumerId: 'a' });
    const updates = interleaved(
      Array.from({ length: 32 }, (_, i) => 100 + i),
      3,
    );
    for (const update of updates) await a.enqueue(update);
    a.start(slowHandler('a'));
    await waitFor(() => a.ownedShards().length === 16 && handled.length > 0);
    const b = queue({ ...options, consumerId: 'b' });
    b.start(slowHandler('b'));
    await waitFor(() => handled.length === updates.length, 20_000);
    expect(overlaps).toEqual([]);
    expect(new Set(handled.map((h) => h.update.update_id)).size).toBe(updates.length);
    expectPerChatOrder(handled.map((h) => h.update));
    expect(handled.some((h) => h.replica === 'b')).toBe(true);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('moves a crashed replica’s unacknowledged update to another replica after the lease expires', async () => {
    const prefix = `q${prefixCounter++}`;
    const crashingClient = new Redis(server.url, { maxRetriesPerRequest: 0 });
    const crashing = createDurableUpdateQueue({
      redis: crashingClient,
      prefix,
      shards: 1,
      consumerId: 'crashing',
      ...fast,
    });
    let started = false;
    crashing.start(async () => {
      started = true;
      await new Promise(() => undefined); // hangs, as a process that died mid-update
    });
    await crashing.enqueue(textUpdate(1, 7));
    await waitFor(() => started);
    crashingClient.disconnect(); // the process is gone: no renewals, no acks

    const handled: Update[] = [];
    const survivor = queue({ prefix, shards: 1, consumerId: 'survivor' });
    await survivor.enqueue(textUpdate(2, 7));
    survivor.start(async (update) => void handled.push(update));
    await waitFor(() => handled.length === 2);
    expect(handled.map((u) => u.update_id)).toEqual([1, 2]);
    await survivor.stop();
    await crashing.stop({ drainTimeoutMs: 10 }); // ends its timers; its Redis is gone
  });

  it('dead-letters a poison update after maxAttempts and goes on with the next ones', async () => {
    const prefix = `q${prefixCounter++}`;
    const q = queue({ prefix, shards: 1, maxAttempts: 3 });
    let poisonCalls = 0;
    const handled: number[] = [];
    await q.enqueue(textUpdate(1, 5));
    await q.enqueue(textUpdate(2, 5));
    q.start(async (update) => {
      if (update.update_id === 1) {
        poisonCalls++;
        throw new TypeError('cannot handle this one');
      }
      handled.push(update.update_id);
    });
    await waitFor(() => handled.length === 1);
    expect(poisonCalls).toBe(3);
    const dead = await q.deadLetters(0);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ attempts: 3, error: 'TypeError: cannot handle this one' });
    expect(dead[0]!.update.update_id).toBe(1);
    await q.stop();
  });

  it('refuses new updates with ingest_backlog_full instead of dropping old ones', async () => {
    const q = queue({ prefix: `q${prefixCounter++}`, shards: 1, maxBacklog: 2 });
    await q.enqueue(textUpdate(1, 1));
    await q.enqueue(textUpdate(2, 1));
    const error = await q.enqueue(textUpdate(3, 1)).catch((e: unknown) => e);
    expect(isPortcullisError(error, 'ingest_backlog_full')).toBe(true);
  });

  it('sends each script by hash, and its text again only after SCRIPT FLUSH', async () => {
    const redis = client();
    const scripts: Array<{ command: string; script: string }> = [];
    const recording: RedisCallLike = {
      call(command, ...args) {
        if (command === 'EVAL' || command === 'EVALSHA')
          scripts.push({ command, script: String(args[0]) });
        return redis.call(command, ...args);
      },
    };
    const q = createDurableUpdateQueue({
      redis: recording,
      prefix: `q${prefixCounter++}`,
      shards: 1,
      ...fast,
    });
    queues.push(q);
    await redis.call('SCRIPT', 'FLUSH');
    const handled: number[] = [];
    q.start(async (update) => void handled.push(update.update_id));
    for (let id = 1; id <= 5; id++) await q.enqueue(textUpdate(id, 3));
    await waitFor(() => handled.length === 5);
    await redis.call('SCRIPT', 'FLUSH');
    for (let id = 6; id <= 10; id++) await q.enqueue(textUpdate(id, 3));
    await waitFor(() => handled.length === 10);
    await q.stop();

    expect(handled).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await redis.xlen(q.keysOf(0).stream)).toBe(0);
    expect(await redis.exists(q.keysOf(0).lease)).toBe(0);
    // One shard: each script runs from one place at a time, so its text is
    // sent at most once per empty cache (before and after the flush).
    const texts = new Map<string, number>();
    for (const { command, script } of scripts)
      if (command === 'EVAL') texts.set(script, (texts.get(script) ?? 0) + 1);
    expect(texts.size).toBe(4); // enqueue, ack, lease, release
    for (const count of texts.values()) expect(count).toBeLessThanOrEqual(2);
  });

  it('rejects invalid options with a clear TypeError', () => {
    expect(() => createDurableUpdateQueue({ redis: client(), shards: 0 })).toThrow(
      'Expected `shards` to be a positive integer, got 0',
    );
  });
});

describe('durable update queue on a real Redis Cluster', () => {
  let cluster: RedisCluster;
  let redis: Cluster;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    redis = new Cluster([...cluster.startupNodes]);
  });

  afterAll(async () => {
    redis.disconnect();
    await cluster.stop();
  });

  it('runs unchanged with shards spread over the masters', async () => {
    const q = createDurableUpdateQueue({ redis, shards: 6, ...fast });
    const slots = new Set<number>();
    for (let shard = 0; shard < 6; shard++) {
      const keys = q.keysOf(shard);
      const slot = (await redis.cluster('KEYSLOT', keys.stream)) as number;
      expect(await redis.cluster('KEYSLOT', keys.lease)).toBe(slot);
      expect(await redis.cluster('KEYSLOT', keys.dead)).toBe(slot);
      slots.add(slot);
    }
    expect(slots.size).toBe(6);
    const updates = interleaved([101, 202, 303, 404, 505, 606, 707], 8);
    for (const update of updates) await q.enqueue(update);
    const handled: Update[] = [];
    q.start(async (update) => void handled.push(update));
    await waitFor(() => handled.length === updates.length);
    expectPerChatOrder(handled);
    await q.stop();
  });
});

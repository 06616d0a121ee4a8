import type { Update } from '@grammyjs/types';
import { createDurableUpdateQueue } from '@portcullis/telegram-adapter';
import { type RedisServer, startRedisServer } from '@portcullis/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

function textUpdate(updateId: number, chatId: number): Update {
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: 1_700_000_000,
      chat: { id: chatId, type: 'private', first_name: 'U' },
      text: `m${updateId}`,
    },
  } as Update;
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('durable ingest when Redis crashes mid-run and comes back', () => {
  let redisServer: RedisServer;
  let redis: Redis;

  beforeAll(async () => {
    // Persistence on, as in production: a crash keeps what was acknowledged.
    redisServer = await startRedisServer({
      args: ['--appendonly', 'yes', '--appendfsync', 'always'],
    });
    redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    redis.on('error', () => undefined); // outages are expected here
  });

  afterAll(async () => {
    redis.disconnect();
    await redisServer.stop();
  });

  it('loses no update, handles each once (with dedup) in chat order, and recovers without a restart', async () => {
    const queue = createDurableUpdateQueue({
      redis,
      shards: 4,
      pollIntervalMs: 10,
      leaseMs: 3000,
      retryDelayMs: 10,
    });
    const total = 200;
    const chats = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    for (let id = 1; id <= total; id++)
      await queue.enqueue(textUpdate(id, chats[id % chats.length]!));

    const firstHandled: Update[] = [];
    const seen = new Set<number>();
    let redeliveries = 0;
    queue.start(async (update) => {
      if (seen.has(update.update_id)) {
        redeliveries++; // at-least-once delivery; the dedup claim makes it once in effect
        return;
      }
      seen.add(update.update_id);
      firstHandled.push(update);
      await new Promise((resolve) => setTimeout(resolve, 2));
    });

    await waitFor(() => seen.size >= 40, 10_000, '40 updates before the crash');
    await redisServer.kill();
    const duringOutage = await queue.enqueue(textUpdate(total + 1, 1)).then(
      () => 'accepted',
      () => 'rejected',
    );
    expect(duringOutage).toBe('rejected'); // the webhook answers 5xx and Telegram re-sends: nothing silently dropped
    await new Promise((resolve) => setTimeout(resolve, 300));
    await redisServer.start();

    await waitFor(() => seen.size === total, 30_000, 'every update after recovery');
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const lastByChat = new Map<number, number>();
    for (const update of firstHandled) {
      const chat = update.message!.chat.id;
      expect(update.update_id).toBeGreaterThan(lastByChat.get(chat) ?? 0);
      lastByChat.set(chat, update.update_id);
    }
    expect(redeliveries).toBeLessThan(total);
    expect(queue.ownedShards().length).toBe(4);
    await queue.stop();
  });
});

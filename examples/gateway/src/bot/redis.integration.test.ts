import { createRedisConversationStorage } from '@portcullis/core';
import { createRedisEngine } from '@portcullis/redis-ratelimit';
import { type RedisServer, startRedisServer } from '@portcullis/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Harness, seedLimiters, startHarness } from './test-harness';

let redisServer: RedisServer;
let redis: Redis;
let h: Harness;
beforeAll(async () => {
  redisServer = await startRedisServer();
  redis = new Redis(redisServer.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  h = await startHarness({
    conversationStorage: createRedisConversationStorage({ redis }),
    limiters: seedLimiters(createRedisEngine({ redis, commandTimeoutMs: 1000 })),
  });
});
afterAll(async () => {
  await h?.close();
  redis?.disconnect();
  await redisServer?.stop();
});

const USER = 3003;

it('runs the whole /request conversation with its state and the limiters in a real Redis', async () => {
  await h.send(h.updates.command('request', undefined, { userId: USER }));
  const message = h.last(USER);
  await h.press(USER, h.button(message, 'req.cat:security'), message);
  // The conversation lives in Redis between updates.
  const keys = await redis.keys('portcullis:fsm:*');
  expect(keys.length).toBe(1);

  await h.send(h.updates.text('The back door lock is broken', { userId: USER }));
  await h.send(h.updates.text('Loading dock', { userId: USER }));
  const summary = h.last(USER);
  await h.press(USER, h.button(summary, 'req.urg:critical'), summary);
  await h.press(USER, h.button(summary, 'req.confirm'), summary);
  expect(summary.text).toMatch(/Request <code>[^<]+<\/code> created/);

  const page = await h.backends.listRequests({ telegramId: USER, limit: 5, offset: 0 });
  expect(page.items).toMatchObject([
    { category: 'security', location: 'Loading dock', urgency: 'critical' },
  ]);
  // Completed conversations are deleted; the limiters counted this user in Redis.
  expect(await redis.keys('portcullis:fsm:*')).toEqual([]);
  expect((await redis.keys(`rl:*${USER}*`)).length).toBeGreaterThan(0);
});

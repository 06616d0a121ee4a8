import { startRedisServer } from '@portcullis/testkit';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { createRateLimiter, createRedisEngine, PRESETS, rateLimitHeaders } from './index';

it('runs the README example against a real redis-server', async () => {
  const server = await startRedisServer();
  const redis = new Redis(server.url);
  const lines: string[] = [];
  const reply = async (text: string) => {
    lines.push(text);
  };
  const userId = 42;
  // README example starts
  const engine = createRedisEngine({ redis, prefix: 'rl', commandTimeoutMs: 50 });
  const messages = createRateLimiter({
    policy: PRESETS.messages,
    engine,
    onStoreError: 'fallback',
  });

  const result = await messages.consume(`user:${userId}`);
  if (!result.allowed) {
    await reply(`Slow down: try again in ${Math.ceil(result.retryAfterMs / 1000)} s`);
  }
  const headers = rateLimitHeaders([result]); // RateLimit-Policy, RateLimit, Retry-After
  // README example ends
  expect(result).toMatchObject({
    allowed: true,
    remaining: { minute: 19, hour: 99 },
  });
  // 50 ms is short on a loaded CI machine (the first call also loads the script): a
  // timeout there is answered by the memory fallback, as the example asks.
  expect(['redis', 'fallback']).toContain(result.source);
  expect(headers.RateLimit).toBe('"messages-minute";r=19;t=60, "messages-hour";r=99;t=3600');
  expect(lines).toEqual([]);
  redis.disconnect();
  await server.stop();
}, 20_000);

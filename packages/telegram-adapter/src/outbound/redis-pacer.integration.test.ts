import diagnosticsChannel from 'node:diagnostics_channel';
import { CHANNELS, type ErrorEvent } from '@portcullis/core';
import {
  type RedisCluster,
  type RedisServer,
  startRedisCluster,
  startRedisServer,
} from '@portcullis/testkit';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot } from '../bot/bot';
import type { RedisCallLike } from '../durable/redis-streams-like';
import { createTestServer } from '../testing/bot-api-server';
import { createUpdateFactory } from '../testing/update-factory';
import { createRedisOutboundPacer, type RedisOutboundPacerOptions } from './redis-pacer';
import { createOutboundScheduler, type OutboundScheduler } from './scheduler';

let prefixes = 0;
const nextPrefix = () => `pacer-test-${++prefixes}`;

/** Replicas: one scheduler and one Redis pacer each, on their own clients. */
function replicas(count: number, client: () => RedisCallLike, prefix: string) {
  const sent: { replica: number; chat: number; at: number }[] = [];
  const schedulers: OutboundScheduler[] = [];
  for (let i = 0; i < count; i++)
    schedulers.push(
      createOutboundScheduler({ pacer: createRedisOutboundPacer({ redis: client(), prefix }) }),
    );
  const send = (replica: number, chat: number) =>
    schedulers[replica]!.schedule({ chatId: chat, limited: true }, async () => {
      sent.push({ replica, chat, at: Date.now() });
    });
  return {
    sent,
    send,
    close: () => {
      for (const s of schedulers) s.close();
    },
  };
}

const gaps = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted.slice(1).map((t, i) => t - sorted[i]!);
};

/**
 * Slots are exactly 1000 ms apart in Redis time; a send lands on its slot
 * after that replica's Redis reply, so two replicas' sends differ by their
 * reply latencies (tens of ms on a loaded machine). Unpaced, gaps are ~0.
 */
function expectSecondApart(between: number[]): void {
  for (const gap of between) expect(gap, String(between)).toBeGreaterThanOrEqual(900);
  const span = between.reduce((sum, gap) => sum + gap, 0);
  expect(span, String(between)).toBeGreaterThanOrEqual(between.length * 1000 - 60);
}

function sharedBehaviour(client: () => Redis | Cluster) {
  it('two replicas sending to one chat together stay a second apart', async () => {
    const { sent, send, close } = replicas(2, client, nextPrefix());
    await Promise.all([send(0, 7), send(1, 7), send(0, 7), send(1, 7)]);
    close();
    expect(new Set(sent.map((s) => s.replica))).toEqual(new Set([0, 1]));
    const between = gaps(sent.map((s) => s.at));
    expect(between, String(between)).toHaveLength(3);
    expectSecondApart(between);
  });

  it('does not slow different chats', async () => {
    const { sent, send, close } = replicas(2, client, nextPrefix());
    const started = Date.now();
    await Promise.all(Array.from({ length: 12 }, (_, i) => send(i % 2, 100 + i)));
    close();
    expect(sent).toHaveLength(12);
    expect(Math.max(...sent.map((s) => s.at)) - started).toBeLessThan(500);
  });

  it('leaves no key behind once a chat is idle', async () => {
    const redis = client();
    const prefix = nextPrefix();
    const pacer = createRedisOutboundPacer({ redis, prefix });
    await pacer.reserve({ chatId: '55', group: false, maxWaitMs: 10_000 });
    await pacer.reserve({ chatId: '55', group: false, maxWaitMs: 10_000 });
    const chatTtl = Number(await redis.call('PTTL', `${prefix}:chat:55`));
    expect(chatTtl).toBeGreaterThan(1000);
    expect(chatTtl).toBeLessThanOrEqual(2000);
    expect(Number(await redis.call('PTTL', `${prefix}:global`))).toBeLessThanOrEqual(1000);
    await new Promise((resolve) => setTimeout(resolve, chatTtl + 50));
    expect(await redis.call('EXISTS', `${prefix}:chat:55`)).toBe(0);
    expect(await redis.call('EXISTS', `${prefix}:global`)).toBe(0);
  });
}

describe('Redis outbound pacer on a real redis-server', () => {
  let server: RedisServer;
  const clients: Redis[] = [];
  const client = () => {
    const redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
    clients.push(redis);
    return redis;
  };
  const pacer = (options: Partial<RedisOutboundPacerOptions> = {}) =>
    createRedisOutboundPacer({ redis: client(), prefix: nextPrefix(), ...options });

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    for (const redis of clients) redis.disconnect();
    await server?.stop();
  });

  sharedBehaviour(client);

  it('README: two bots (replicas) sharing a Redis pacer reply to one chat a second apart', async () => {
    const telegram = await createTestServer();
    try {
      const bots = [1, 2].map(() => {
        const redis = client(); // one replica's ioredis client: new Redis(process.env.REDIS_URL)
        return createBot({
          token: telegram.token,
          apiRoot: telegram.apiRoot,
          outbound: { pacer: createRedisOutboundPacer({ redis }) },
        });
      });
      for (const bot of bots) bot.on('message', (ctx) => ctx.reply('pong'));
      const updates = createUpdateFactory();
      await Promise.all(
        [0, 1, 0, 1].map((b) => bots[b]!.handleUpdate(updates.text('ping', { userId: 77 }))),
      );
      await Promise.all(bots.map((bot) => bot.close()));
      const between = gaps(telegram.callsOf('sendMessage').map((call) => call.at));
      expect(between, String(between)).toHaveLength(3);
      expectSecondApart(between);
    } finally {
      await telegram.close();
    }
  });

  it('hands out a chat’s slots a second apart, in Redis time', async () => {
    const shared = pacer();
    const request = { chatId: '1', group: false, maxWaitMs: 10_000 };
    const waits = [];
    for (let i = 0; i < 3; i++) waits.push((await shared.reserve(request)).waitMs);
    expect(waits[0]).toBe(0);
    expect(waits[1]).toBeGreaterThan(950);
    expect(waits[1]).toBeLessThanOrEqual(1000);
    expect(waits[2]).toBeGreaterThan(1950);
    expect(waits[2]).toBeLessThanOrEqual(2000);
  });

  it('allows a group perGroupPerMinute slots in any minute', async () => {
    const shared = pacer({ perChatPerSecond: 100, perGroupPerMinute: 2 });
    const request = { chatId: '-100', group: true, maxWaitMs: 120_000 };
    const waits = [];
    for (let i = 0; i < 3; i++) waits.push((await shared.reserve(request)).waitMs);
    expect(waits[1]).toBeGreaterThanOrEqual(0);
    expect(waits[1]).toBeLessThanOrEqual(10);
    // The third waits until the first leaves the minute.
    expect(waits[2]).toBeGreaterThan(59_900);
    expect(waits[2]).toBeLessThanOrEqual(60_000);
  });

  it('allows globalPerSecond slots in any second over all chats', async () => {
    const shared = pacer({ globalPerSecond: 2 });
    const waits = [];
    for (const chatId of ['1', '2', '3'])
      waits.push((await shared.reserve({ chatId, group: false, maxWaitMs: 10_000 })).waitMs);
    expect(waits.slice(0, 2)).toEqual([0, 0]);
    expect(waits[2]).toBeGreaterThan(950);
  });

  it('reserves nothing beyond maxWaitMs, so a refused call does not push later ones back', async () => {
    const shared = pacer();
    await shared.reserve({ chatId: '1', group: false, maxWaitMs: 10_000 });
    const refused = await shared.reserve({ chatId: '1', group: false, maxWaitMs: 500 });
    expect(refused.reserved).toBe(false);
    expect(refused.waitMs).toBeGreaterThan(500);
    const next = await shared.reserve({ chatId: '1', group: false, maxWaitMs: 10_000 });
    expect(next.reserved).toBe(true);
    expect(next.waitMs).toBeLessThanOrEqual(1000);
  });

  it('loads its script again after SCRIPT FLUSH (NOSCRIPT)', async () => {
    const shared = pacer();
    await shared.reserve({ chatId: '1', group: false, maxWaitMs: 10_000 });
    await client().call('SCRIPT', 'FLUSH');
    const after = await shared.reserve({ chatId: '2', group: false, maxWaitMs: 10_000 });
    expect(after).toEqual({ reserved: true, waitMs: 0 });
  });

  it('rejects invalid options', () => {
    expect(() => createRedisOutboundPacer({ redis: client(), globalPerSecond: 0 })).toThrow(
      'Expected `globalPerSecond` to be a positive integer, got 0',
    );
    expect(() => createRedisOutboundPacer({ redis: {} as RedisCallLike })).toThrow(
      'Expected `redis` to be an ioredis client or Cluster',
    );
  });
});

describe('Redis outbound pacer when Redis stops', () => {
  it('falls back to local limits and publishes an error event', async () => {
    const server = await startRedisServer();
    const redis = new Redis(server.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false });
    redis.on('error', () => {});
    const errors: ErrorEvent[] = [];
    const onError = (message: unknown) => errors.push(message as ErrorEvent);
    diagnosticsChannel.subscribe(CHANNELS.error, onError);
    try {
      const scheduler = createOutboundScheduler({
        pacer: createRedisOutboundPacer({ redis, prefix: nextPrefix() }),
      });
      await scheduler.schedule({ chatId: 1, limited: true }, async () => {});
      await server.stop();
      const at: Record<string, number> = {};
      const started = Date.now();
      await Promise.all(
        ['2a', '2b', '3a'].map((label) =>
          scheduler.schedule({ chatId: Number(label[0]), limited: true }, async () => {
            at[label] = Date.now() - started;
          }),
        ),
      );
      scheduler.close();
      // Every message went out; chat 2 keeps the local pace, chat 3 is not held back by it.
      expect(Object.keys(at).sort()).toEqual(['2a', '2b', '3a']);
      expect(at['2b']! - at['2a']!).toBeGreaterThanOrEqual(990);
      expect(at['3a']!).toBeLessThan(1500);
      expect(at['2b']!).toBeLessThan(2500);
      expect(errors).toContainEqual({ code: 'rate_limiter_unavailable', where: 'outbound' });
    } finally {
      diagnosticsChannel.unsubscribe(CHANNELS.error, onError);
      redis.disconnect();
      await server.stop();
    }
  });
});

describe('Redis outbound pacer on a real 3-master Redis Cluster', () => {
  let cluster: RedisCluster;
  const clients: Cluster[] = [];
  const client = () => {
    const redis = new Cluster([...cluster.startupNodes], {
      redisOptions: { maxRetriesPerRequest: 1 },
    });
    clients.push(redis);
    return redis;
  };

  beforeAll(async () => {
    cluster = await startRedisCluster();
  }, 60_000);
  afterAll(async () => {
    for (const redis of clients) redis.disconnect();
    await cluster?.stop();
  });

  sharedBehaviour(client);

  it('spreads chats over the shards', async () => {
    const redis = client();
    const prefix = nextPrefix();
    const pacer = createRedisOutboundPacer({ redis, prefix });
    for (let chat = 0; chat < 12; chat++)
      await pacer.reserve({ chatId: String(chat), group: false, maxWaitMs: 10_000 });
    const slots = new Set<number>();
    for (let chat = 0; chat < 12; chat++)
      slots.add(Number(await redis.call('CLUSTER', 'KEYSLOT', `${prefix}:chat:${chat}`)));
    const nodesHolding = new Set([...slots].map((slot) => Math.floor(slot / (16_384 / 3))));
    expect(nodesHolding.size).toBeGreaterThan(1);
  });
});

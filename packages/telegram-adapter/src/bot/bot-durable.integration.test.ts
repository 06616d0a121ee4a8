import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CHANNELS } from '@portcullis/core';
import { type RedisServer, startRedisServer } from '@portcullis/testkit';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDurableUpdateQueue } from '../durable/durable-update-queue';
import { type BotApiTestServer, createBotApiTestServer } from '../testing/bot-api-server';
import { until } from '../testing/until';
import { createUpdateFactory } from '../testing/update-factory';
import { createWebhookHandler } from '../updates/webhook';
import { createBot } from './bot';

describe('handing updates to the durable queue', () => {
  let redisServer: RedisServer;
  let redis: Redis;
  let server: BotApiTestServer;
  beforeAll(async () => {
    redisServer = await startRedisServer();
    redis = new Redis(redisServer.port, '127.0.0.1');
    server = await createBotApiTestServer();
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.close();
    await redisServer?.stop();
  });

  it('confirms polled updates once the queue holds them, then handles each once', async () => {
    const queue = createDurableUpdateQueue({
      redis,
      shards: 2,
      pollIntervalMs: 10,
      prefix: 'poll',
    });
    const bot = createBot({ token: server.token, apiRoot: server.apiRoot });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const handled: number[] = [];
    bot.on('message', async (ctx) => {
      await gate;
      handled.push(ctx.update.update_id);
    });
    // One received and one handled event per update, from the consumer: the
    // intake publishing too made updates_in_flight grow by one per update.
    const events: string[] = [];
    const onReceived = (e: unknown) => events.push(`received ${(e as { source: string }).source}`);
    const onHandled = () => events.push('handled');
    subscribe(CHANNELS.updateReceived, onReceived);
    subscribe(CHANNELS.updateHandled, onHandled);
    const updates = createUpdateFactory();
    server.pushUpdate(updates.text('a'), updates.text('b', { userId: 2 }), updates.text('c'));
    void bot.startPolling({ durable: queue, timeoutSeconds: 1 });
    queue.start(bot.queueHandler());
    await until(() => server.callsOf('getUpdates').some((c) => c.params.offset === 4));
    expect(handled).toEqual([]);
    release();
    await until(() => handled.length === 3);
    await bot.close();
    await queue.stop();
    unsubscribe(CHANNELS.updateReceived, onReceived);
    unsubscribe(CHANNELS.updateHandled, onHandled);
    expect(handled.sort()).toEqual([1, 2, 3]);
    expect(events.filter((e) => e.startsWith('received')).sort()).toEqual([
      'received queue',
      'received queue',
      'received queue',
    ]);
    expect(events.filter((e) => e === 'handled')).toHaveLength(3);
  });

  it('answers a webhook 200 once the queue holds the update and 503 when it cannot', async () => {
    const queue = createDurableUpdateQueue({
      redis,
      shards: 2,
      pollIntervalMs: 10,
      prefix: 'hook',
    });
    const failing = { enqueue: () => Promise.reject(new Error('redis down')) };
    const statuses: number[] = [];
    for (const durable of [queue, failing]) {
      const http = createServer(createWebhookHandler({ durable }));
      await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
      const response = await request(`http://127.0.0.1:${(http.address() as AddressInfo).port}/`, {
        method: 'POST',
        body: JSON.stringify(createUpdateFactory().text('x')),
      });
      await response.body.dump();
      statuses.push(response.statusCode);
      http.close();
    }
    expect(statuses).toEqual([200, 503]);
    expect(
      Number(await redis.call('XLEN', '{hook:0}:stream')) +
        Number(await redis.call('XLEN', '{hook:1}:stream')),
    ).toBe(1);
  });
});

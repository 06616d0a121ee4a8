import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { type RedisServer, startRedisServer } from '@portcullis/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../client/api-client';
import { type BotApiTestServer, createBotApiTestServer } from '../testing/bot-api-server';
import { until } from '../testing/until';
import { createUpdateFactory } from '../testing/update-factory';
import { createPoller } from './polling';
import { createRedisDedupStore } from './redis-dedup';
import { createUpdatePipeline } from './update-pipeline';

describe('kill and restart during polling', () => {
  let redisServer: RedisServer;
  let server: BotApiTestServer;
  let redis: Redis;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    redisServer = await startRedisServer();
    redis = new Redis(redisServer.port, '127.0.0.1');
    server = await createBotApiTestServer();
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    redis?.disconnect();
    await server?.close();
    await redisServer?.stop();
  });

  it('loses no update and handles none twice with the shared Redis dedup', async () => {
    const leaseMs = 400;
    const updates = createUpdateFactory();
    // Chats 1 and 2 interleaved; update 4 (chat 2) hangs in the first worker, as in a crash mid-handler.
    const texts = ['a', 'b', 'c', 'hang', 'e', 'f'];
    server.pushUpdate(...texts.map((text, i) => updates.text(text, { userId: (i % 2) + 1 })));

    const firstRun = { started: [] as number[], handled: [] as number[] };
    child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'poll-worker.fixture.ts')],
      {
        env: {
          ...process.env,
          REDIS_PORT: String(redisServer.port),
          BOT_TOKEN: server.token,
          API_ROOT: server.apiRoot,
          DEDUP_PREFIX: 'kill',
          LEASE_MS: String(leaseMs),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        const [what, id] = line.split(' ');
        if (what === 'started') firstRun.started.push(Number(id));
        if (what === 'handled') firstRun.handled.push(Number(id));
      }
    });
    await until(
      () => firstRun.handled.length === 4 && firstRun.started.includes(4),
      15_000,
      'first worker',
    );
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    expect(firstRun.handled.sort()).toEqual([1, 2, 3, 5]);

    // The replacement shares the dedup store and Telegram's unconfirmed updates.
    const handled: number[] = [];
    const api = createApiClient({ token: server.token, apiRoot: server.apiRoot });
    const pipeline = createUpdatePipeline({
      dedup: createRedisDedupStore({ redis, prefix: 'kill', leaseMs }),
      handler: async (u) => void handled.push(u.update_id),
    });
    const poller = createPoller({ api, pipeline, timeoutSeconds: 1, busyRetryMs: 20 });
    void poller.start();
    await until(() => handled.length === 2, 5000, 'replacement worker');
    await poller.stop();
    await api.close();

    expect(handled).toEqual([4, 6]);
    expect([...firstRun.handled, ...handled].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(server.pendingUpdates).toEqual([]);
  });
});

import type { Gateway } from '@portcullis/example-gateway/src/gateway';
import {
  type BotApiTestServer,
  createBotApiTestServer,
  createUpdateFactory,
} from '@portcullis/telegram-adapter/testing';
import { freePort, type RedisServer, startRedisServer } from '@portcullis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { button, count } from '../harness/chat';
import { BOT_TOKEN, gatewayEnv, startGateway } from '../harness/gateway';
import { metric, scrape, waitFor } from '../harness/http';
import { type Services, startServices } from '../harness/services';

let services: Services;
let api: BotApiTestServer;
let redis: RedisServer;
let gateway: Gateway;
const updates = createUpdateFactory({ firstUpdateId: 1 });

beforeAll(async () => {
  services = await startServices();
  // Telegram re-sends a refused update for a long while; a few seconds of back-off here.
  api = await createBotApiTestServer({
    token: BOT_TOKEN,
    webhookRetryDelaysMs: [100, 200, 400, 800, 1600, 3200, 3200],
  });
  // Persistence on, as in production: what Redis acknowledged survives the crash.
  redis = await startRedisServer({ args: ['--appendonly', 'yes', '--appendfsync', 'always'] });
  gateway = await startGateway(
    gatewayEnv({ services, apiRoot: api.apiRoot, port: await freePort(), redisUrl: redis.url }),
  );
});

afterAll(async () => {
  await gateway?.stop();
  await api?.close();
  await services?.close();
  await redis?.stop();
});

describe('Redis crashes mid-run and comes back (webhook mode, one gateway, no restart)', () => {
  it('refuses updates with 503 while Redis is down, stays healthy, and handles every refused update once after recovery', async () => {
    api.pushUpdate(updates.command('help', undefined, { userId: 1 }));
    api.pushUpdate(updates.command('request', undefined, { userId: 2 }));
    await waitFor(
      () => count(api, 1, 'What I can do') === 1 && count(api, 2, 'New request') === 1,
      5000,
      'replies before the crash',
    );
    const keyboard = api.messages(2).at(-1);

    await redis.kill();
    const attemptsBefore = api.webhook.attempts;
    const refused = [
      updates.command('help', undefined, { userId: 1 }),
      updates.command('shifts', undefined, { userId: 3 }),
    ];
    api.pushUpdate(...refused);
    await waitFor(
      () => api.webhook.attempts >= attemptsBefore + 4,
      5000,
      'refused delivery attempts',
    );
    const during = await scrape(gateway.url());
    // The dedup claim cannot be made, so the update is not acknowledged: Telegram keeps it.
    expect(
      metric(during, 'portcullis_webhook_requests_total', { outcome: 'failed' }),
    ).toBeGreaterThan(0);
    expect(
      metric(during, 'portcullis_redis_command_errors_total', { operation: 'dedup_claim' }),
    ).toBeGreaterThan(0);
    // The webhook's own limiter fell back to memory instead of failing the request.
    expect(
      metric(during, 'portcullis_ratelimit_fallback_total', { policy: 'webhooks' }),
    ).toBeGreaterThan(0);
    expect(count(api, 1, 'What I can do')).toBe(1);
    expect((await fetch(`${gateway.url()}/health`)).status).toBe(200);
    const ready = await fetch(`${gateway.url()}/ready`);
    expect(ready.status).toBe(503);
    expect(JSON.parse(await ready.text()).checks.redis.status).toBe('fail');

    await redis.start();
    await waitFor(
      () => count(api, 1, 'What I can do') === 2 && api.messages(3).length === 1,
      15_000,
      'the refused updates after recovery',
    );
    expect(api.webhook.dropped).toEqual([]);
    // The conversation begun before the crash continues where it was.
    api.pushUpdate(
      updates.callback(button(keyboard, 'req.cat'), { userId: 2, messageId: keyboard!.messageId }),
    );
    await waitFor(() => count(api, 2, '(2/5)') === 1, 5000, 'the next step of the conversation');
    expect((await fetch(`${gateway.url()}/ready`)).status).toBe(200);
    const after = await scrape(gateway.url());
    expect(metric(after, 'portcullis_updates_handled_total', { outcome: 'handled' })).toBe(5);
    expect(metric(after, 'portcullis_updates_duplicate_total')).toBe(0);
    expect(count(api, 1, 'What I can do')).toBe(2);
  });
});

import type { Gateway } from '@portcullis/example-gateway/src/gateway';
import {
  type BotApiTestServer,
  createBotApiTestServer,
  createUpdateFactory,
} from '@portcullis/telegram-adapter/testing';
import { freePort, type RedisServer, startRedisServer } from '@portcullis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from '../harness/chat';
import { BOT_TOKEN, gatewayEnv, startGateway } from '../harness/gateway';
import { metric, scrape, waitFor } from '../harness/http';
import { type Services, startServices } from '../harness/services';

let services: Services;
let api: BotApiTestServer;
let redis: RedisServer;
let gateway: Gateway;
const updates = createUpdateFactory({ firstUpdateId: 1 });
const HELP = 'What I can do';

beforeAll(async () => {
  services = await startServices();
  api = await createBotApiTestServer({
    token: BOT_TOKEN,
    webhookRetryDelaysMs: [100, 200, 400, 800, 1600],
  });
  redis = await startRedisServer();
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

const sends = (chat: number) =>
  api.callsOf('sendMessage').filter((c) => Number(c.params.chat_id) === chat);
const help = (user: number) => updates.command('help', undefined, { userId: user });

describe('the Bot API misbehaves', () => {
  it('waits out a 429 retry_after for that chat only, then delivers the reply once', async () => {
    api.inject('sendMessage', { type: 'flood', retryAfter: 1 }, { chatId: 11 });
    api.pushUpdate(help(11));
    await waitFor(() => sends(11).length === 1, 5000, 'the flooded send');
    api.pushUpdate(help(12));
    await waitFor(
      () => count(api, 11, HELP) === 1 && count(api, 12, HELP) === 1,
      8000,
      'both replies',
    );
    const [flooded, retried] = sends(11);
    expect(flooded?.status).toBe(429);
    expect(retried?.status).toBe(200);
    expect(retried!.at - flooded!.at).toBeGreaterThanOrEqual(1000);
    // Another chat is not held by chat 11's cooldown.
    expect(sends(12)[0]!.at).toBeLessThan(retried!.at);
    const text = await scrape(gateway.url());
    expect(metric(text, 'portcullis_telegram_api_rate_limited_total')).toBeGreaterThanOrEqual(1);
    expect(metric(text, 'portcullis_outbound_cooldowns_total')).toBeGreaterThanOrEqual(1);
  });

  it('answers a 5xx burst or reset connection on a reply with one apology, never a double send, and acknowledges the update', async () => {
    api.inject('sendMessage', { type: 'server-error', status: 502 }, { times: 3 });
    api.inject('sendMessage', { type: 'drop' }, { times: 2 });
    const users = [21, 22, 23, 24, 25];
    api.pushUpdate(...users.map(help));
    await waitFor(
      () => users.every((u) => api.messages(u).length === 1),
      8000,
      'one message per user',
    );
    await new Promise((resolve) => setTimeout(resolve, 300)); // room for a (wrong) second send
    for (const user of users) {
      // sendMessage is not idempotent: after a 5xx or a reset the scheduler does not
      // resend the reply (it could arrive twice); the error boundary apologises instead.
      expect(sends(user).map((c) => c.status)).toEqual([expect.any(Number), 200]);
      expect([0, 502]).toContain(sends(user)[0]!.status);
      expect(api.messages(user)[0]!.text).toContain('something went wrong');
    }
    expect(api.webhook.dropped).toEqual([]);
    const text = await scrape(gateway.url());
    expect(
      metric(text, 'portcullis_telegram_api_errors_total', {
        method: 'sendMessage',
        status: '502',
      }),
    ).toBe(3);
    expect(
      metric(text, 'portcullis_telegram_api_errors_total', { method: 'sendMessage', status: '0' }),
    ).toBe(2);
    expect(metric(text, 'portcullis_updates_duplicate_total')).toBe(0);
  });

  it('paces replies to one chat at the per-chat limit', async () => {
    const user = 41;
    api.pushUpdate(
      help(user),
      updates.text('hello', { userId: user }),
      updates.text('again', { userId: user }),
    );
    await waitFor(() => sends(user).length === 3, 10_000, 'three replies');
    const at = sends(user).map((c) => c.at);
    // The default outbound limit is one message per second per chat.
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(950);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(950);
    expect(sends(user).every((c) => c.status === 200)).toBe(true);
  });
});

import diagnosticsChannel from 'node:diagnostics_channel';
import { CHANNELS, type RedisCommandEvent } from '@portcullis/core';
import { createSigner } from '@portcullis/signing';
import { createUpdateFactory } from '@portcullis/telegram-adapter/testing';
import { type RedisServer, startRedisServer } from '@portcullis/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoUser } from './demo/demo-user';
import { DEMO_USERS, type DemoStack, startDemoStack } from './demo/stack';

describe('the reference gateway over real HTTP (webhook mode, memory stores)', () => {
  let stack: DemoStack;
  let url: string;
  const updates = createUpdateFactory({ firstUpdateId: 9_000_000 });

  beforeAll(async () => {
    stack = await startDemoStack({ env: { CORS_ALLOWED_ORIGINS: 'https://ops.example.org' } });
    url = stack.gateway.url();
  });

  afterAll(() => stack.stop());

  function postUpdate(body: string, secret: string | undefined) {
    return fetch(`${url}${stack.config.TELEGRAM_WEBHOOK_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(secret === undefined ? {} : { 'x-telegram-bot-api-secret-token': secret }),
      },
      body,
    });
  }

  it('registered its webhook with Telegram: secret token, allowed updates from its routes', () => {
    const setWebhook = stack.telegram.callsOf('setWebhook')[0]!;
    expect(setWebhook.params.url).toBe(`${url}${stack.config.TELEGRAM_WEBHOOK_PATH}`);
    expect(setWebhook.params.secret_token).toBe(stack.config.TELEGRAM_WEBHOOK_SECRET);
    expect(setWebhook.params.allowed_updates).toEqual(
      expect.arrayContaining(['message', 'callback_query']),
    );
  });

  it('answers a webhook with a wrong or missing secret 401 and processes nothing', async () => {
    const before = stack.telegram.calls.length;
    const update = JSON.stringify(updates.command('help', undefined, { userId: 4242 }));
    expect((await postUpdate(update, 'wrong-secret')).status).toBe(401);
    expect((await postUpdate(update, undefined)).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(
      stack.telegram.calls.slice(before).filter((call) => call.method === 'sendMessage'),
    ).toEqual([]);
  });

  it('answers invalid JSON 400 and an oversized body 413', async () => {
    const secret = stack.config.TELEGRAM_WEBHOOK_SECRET;
    expect((await postUpdate('{"update_id": 1, ', secret)).status).toBe(400);
    expect(
      (await postUpdate(JSON.stringify({ update_id: 5, junk: 'x'.repeat(2_000_000) }), secret))
        .status,
    ).toBe(413);
  });

  it('answers 200 only after handling a valid update, and the user got the reply', async () => {
    const response = await postUpdate(
      JSON.stringify(updates.command('help', undefined, { userId: 4243 })),
      stack.config.TELEGRAM_WEBHOOK_SECRET,
    );
    expect(response.status).toBe(200);
    expect(
      stack.telegram
        .messages(4243)
        .map((m) => m.text)
        .join('\n'),
    ).toMatch(/\/request/);
  });

  it('puts a request id and security headers on every response, and no Server or X-Powered-By', async () => {
    for (const path of ['/health', '/metrics', '/nowhere']) {
      const response = await fetch(`${url}${path}`, { headers: { 'x-request-id': 'req-abc-123' } });
      expect(response.headers.get('x-request-id')).toBe('req-abc-123');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('server')).toBeNull();
      expect(response.headers.get('x-powered-by')).toBeNull();
      await response.body?.cancel();
    }
    expect((await fetch(`${url}/nowhere`)).status).toBe(404);
  });

  it('allows CORS only for allow-listed origins', async () => {
    const allowed = await fetch(`${url}/health`, {
      headers: { origin: 'https://ops.example.org' },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://ops.example.org');
    const other = await fetch(`${url}/health`, { headers: { origin: 'https://evil.example.com' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves metrics in Prometheus text and OpenMetrics', async () => {
    const text = await fetch(`${url}/metrics`);
    expect(text.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await text.text()).toMatch(
      /^portcullis_webhook_requests_total\{outcome="bad_secret"\} [1-9]/m,
    );
    const open = await fetch(`${url}/metrics`, {
      headers: { accept: 'application/openmetrics-text; version=1.0.0' },
    });
    expect(open.headers.get('content-type')).toMatch(/^application\/openmetrics-text/);
    expect(await open.text()).toMatch(/# EOF\n?$/);
  });

  it('is live and ready while backends are up, and not ready while one is down', async () => {
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect((await fetch(`${url}/ready`)).status).toBe(200);
    await stack.stopService('admin');
    const notReady = await fetch(`${url}/ready`);
    expect(notReady.status).toBe(503);
    expect(JSON.stringify(await notReady.json())).toContain('admin');
    await stack.restartService('admin');
    // Probes are periodic; the first one after a restart may still meet a stale connection.
    const deadline = Date.now() + 5000;
    let status = 0;
    while (status !== 200 && Date.now() < deadline) {
      status = (await fetch(`${url}/ready`)).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);
  });

  it('lets a backend refuse a tampered signed call', async () => {
    const signer = createSigner({
      keyId: stack.config.SIGNING_KEY_ID,
      secret: stack.config.SIGNING_SECRET,
      audience: 'users-service',
    });
    const target = `${stack.services.users.url}/v1/users`;
    const body = new TextEncoder().encode(JSON.stringify({ telegramId: 77, name: 'Mallory' }));
    const headers = { 'content-type': 'application/json' };
    const signed = signer.sign({ method: 'POST', url: target, headers, body });
    const tampered = new TextEncoder().encode(JSON.stringify({ telegramId: 78, name: 'Mallory' }));
    const refused = await fetch(target, {
      method: 'POST',
      headers: { ...headers, ...signed },
      body: tampered,
    });
    expect(refused.status).toBe(401);
    const accepted = await fetch(target, {
      method: 'POST',
      headers: { ...headers, ...signed },
      body,
    });
    expect(accepted.status).toBe(201);
  });
});

describe('the reference gateway on a real redis-server (polling mode)', () => {
  let redisServer: RedisServer;
  let redis: Redis;
  let stack: DemoStack;

  beforeAll(async () => {
    redisServer = await startRedisServer();
    redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
    stack = await startDemoStack({ redis, updateMode: 'polling' });
  });

  afterAll(async () => {
    await stack.stop();
    await redisServer.stop();
  });

  it('registers a user through long polling with conversation, dedup and limits in Redis', async () => {
    const busy = () =>
      stack.gateway.bot.pipeline.inFlight > 0 || stack.gateway.bot.api.scheduler.depth > 0;
    const reservations: RedisCommandEvent[] = [];
    const onCommand = (event: unknown) => {
      if ((event as RedisCommandEvent).operation === 'outbound_reserve')
        reservations.push(event as RedisCommandEvent);
    };
    diagnosticsChannel.subscribe(CHANNELS.redisCommand, onCommand);
    const alice = new DemoUser(stack.telegram, DEMO_USERS.worker, busy);
    try {
      expect((await alice.say('/start')).messages.join()).toMatch(/share/i);
      expect((await alice.shareContact('+41791234567')).messages.join()).toMatch(/registered/i);
    } finally {
      diagnosticsChannel.unsubscribe(CHANNELS.redisCommand, onCommand);
    }
    // Replies took their flood-limit slots from Redis, shared with any other replica.
    expect(reservations.length).toBeGreaterThanOrEqual(2);
    expect(reservations.every((event) => event.ok)).toBe(true);
    const keys = await redis.keys('*');
    expect(keys.some((key) => key.startsWith('portcullis:dedup'))).toBe(true);
    expect(keys.some((key) => key.startsWith('rl:'))).toBe(true);
    expect(stack.telegram.callsOf('deleteWebhook')).toHaveLength(1);
  });

  it('stops gracefully: readiness turns 503 first, then polling ends and the port closes', async () => {
    const url = stack.gateway.url();
    const stopping = stack.gateway.stop();
    await stopping;
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });
});

describe('the webhook limit from the environment', () => {
  it('admits WEBHOOK_RATE_LIMIT_PER_SECOND + WEBHOOK_RATE_LIMIT_BURST in a second, then answers 429', async () => {
    const stack = await startDemoStack({
      env: { WEBHOOK_RATE_LIMIT_PER_SECOND: '3', WEBHOOK_RATE_LIMIT_BURST: '1' },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const response = await fetch(
          `${stack.gateway.url()}${stack.config.TELEGRAM_WEBHOOK_PATH}`,
          {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-telegram-bot-api-secret-token': stack.config.TELEGRAM_WEBHOOK_SECRET ?? '',
            },
            body: '{"not":"an update"}',
          },
        );
        await response.arrayBuffer();
        statuses.push(response.status);
      }
      // Four reach the webhook (and are refused as bad bodies); the rest are limited.
      expect(statuses).toEqual([400, 400, 400, 400, 429, 429]);
    } finally {
      await stack.stop();
    }
  });
});

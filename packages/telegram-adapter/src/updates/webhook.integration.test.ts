import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from '@grammyjs/types';
import { CHANNELS, subscribe } from '@portcullis/core';
import express from 'express';
import Fastify from 'fastify';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createBotApiTestServer } from '../testing/bot-api-server';
import { createTestClock } from '../testing/test-clock';
import { until } from '../testing/until';
import { createUpdateFactory } from '../testing/update-factory';
import { createMemoryDedupStore } from './dedup';
import { createUpdatePipeline } from './update-pipeline';
import { createWebhookHandler, fastifyWebhook, type WebhookOptions } from './webhook';

const SECRET = 'hook_Secret-1';
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function recordingPipeline(handler?: (u: Update) => Promise<void>) {
  const handled: number[] = [];
  const pipeline = createUpdatePipeline({
    dedup: createMemoryDedupStore(),
    handler: async (u) => {
      await handler?.(u);
      handled.push(u.update_id);
    },
  });
  return { pipeline, handled };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => server.close(r)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  return (await deliver(url, body, headers)).status;
}

async function deliver(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await request(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-telegram-bot-api-secret-token': SECRET,
      ...headers,
    },
    body,
  });
  await response.body.dump();
  return { status: response.statusCode, retryAfter: response.headers['retry-after'] };
}

/** A handler held until `release()`, counting the updates it started. */
function heldHandler() {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const started: number[] = [];
  const handler = (u: Update) => {
    started.push(u.update_id);
    return gate;
  };
  return { handler, started, release };
}

const update = JSON.stringify(createUpdateFactory().text('hi'));

type Mount = (options: WebhookOptions) => Promise<string>;
const mounts: Record<string, Mount> = {
  'node:http': (options) => listen(createServer(createWebhookHandler(options))),
  'express (raw body)': (options) => {
    const app = express();
    app.post('/hook', createWebhookHandler(options));
    return listen(createServer(app));
  },
  'express (after express.json())': (options) => {
    const app = express();
    app.post(
      '/hook',
      express.json({ limit: options.maxBodyBytes ?? 1_048_576 }),
      createWebhookHandler(options),
    );
    return listen(createServer(app));
  },
  fastify: async (options) => {
    const app = Fastify();
    app.post('/hook', { bodyLimit: options.maxBodyBytes ?? 1_048_576 }, fastifyWebhook(options));
    await app.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => app.close());
    return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/hook`;
  },
};

describe.each(Object.entries(mounts))('webhook on %s', (_name, mount) => {
  it('answers 200 only after the update was handled', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { pipeline, handled } = recordingPipeline(() => gate);
    const url = await mount({ pipeline, secretToken: SECRET });
    let status = 0;
    const pending = post(url, update).then((s) => (status = s));
    await new Promise((r) => setTimeout(r, 20));
    expect(status).toBe(0);
    release();
    await pending;
    expect(status).toBe(200);
    expect(handled).toEqual([1]);
  });

  it('rejects a wrong or missing secret with 401 and processes nothing', async () => {
    const { pipeline, handled } = recordingPipeline();
    const url = await mount({ pipeline, secretToken: SECRET });
    expect(await post(url, update, { 'x-telegram-bot-api-secret-token': 'hook_Secret-2' })).toBe(
      401,
    );
    expect(await post(url, update, { 'x-telegram-bot-api-secret-token': 'short' })).toBe(401);
    expect(handled).toEqual([]);
  });

  it('rejects an oversized body with 413', async () => {
    const { pipeline, handled } = recordingPipeline();
    const url = await mount({ pipeline, secretToken: SECRET, maxBodyBytes: 1024 });
    const big = JSON.stringify({ update_id: 1, message: { text: 'x'.repeat(2000) } });
    expect(await post(url, big)).toBe(413);
    expect(handled).toEqual([]);
  });

  it('refuses an update beyond maxInFlight with 503 and Retry-After, and handles its re-send once', async () => {
    const held = heldHandler();
    const { pipeline, handled } = recordingPipeline(held.handler);
    const url = await mount({ pipeline, secretToken: SECRET, maxInFlight: 2 });
    const updates = createUpdateFactory();
    const [a, b, c] = [1, 2, 3].map((userId) => JSON.stringify(updates.text('hi', { userId })));
    const first = [post(url, a!), post(url, b!)];
    await until(() => held.started.length === 2);
    expect(await deliver(url, c!)).toEqual({ status: 503, retryAfter: '1' });
    held.release();
    expect(await Promise.all(first)).toEqual([200, 200]);
    // Telegram re-sends it: nothing was claimed for it, so it is handled now, and once.
    expect(await post(url, c!)).toBe(200);
    expect(await post(url, c!)).toBe(200);
    expect(handled.sort()).toEqual([1, 2, 3]);
  });

  it('rejects invalid JSON and a body that is not an update with 400', async () => {
    const { pipeline, handled } = recordingPipeline();
    const url = await mount({ pipeline, secretToken: SECRET });
    expect(await post(url, '{"update_id": 1,')).toBe(400);
    expect(await post(url, JSON.stringify({ update_id: 'one', message: {} }))).toBe(400);
    expect(handled).toEqual([]);
  });
});

describe('webhook instrumentation', () => {
  it('counts every answer by outcome on portcullis:webhook:request', async () => {
    const { pipeline } = recordingPipeline();
    const url = await mounts['node:http']!({ pipeline, secretToken: SECRET, maxBodyBytes: 1000 });
    const outcomes: string[] = [];
    const off = subscribe(CHANNELS.webhookRequest, (e) =>
      outcomes.push(`${e.outcome} ${e.status}`),
    );
    await post(url, update);
    await post(url, update, { 'x-telegram-bot-api-secret-token': 'nope' });
    await post(url, 'nope');
    await post(url, 'x'.repeat(2000));
    off();
    expect(outcomes).toEqual(['accepted 200', 'bad_secret 401', 'bad_body 400', 'too_large 413']);
  });
});

describe('webhook maxInFlight', () => {
  const mount = mounts['node:http']!;

  it('with Telegram retries, an update refused at capacity is handled exactly once later', async () => {
    const server = await createBotApiTestServer({ webhookRetryDelaysMs: [30, 30, 30, 30, 30] });
    cleanups.push(() => server.close());
    const held = heldHandler();
    const { pipeline, handled } = recordingPipeline(held.handler);
    const url = await mount({ pipeline, secretToken: SECRET, maxInFlight: 2 });
    const answers: string[] = [];
    const off = subscribe(CHANNELS.webhookRequest, (e) => answers.push(`${e.outcome} ${e.status}`));
    cleanups.push(off);
    server.webhook.url = url;
    server.webhook.secretToken = SECRET;
    const updates = createUpdateFactory();
    // Three chats, delivered concurrently: whichever comes third is refused.
    server.pushUpdate(...[1, 2, 3].map((userId) => updates.text('hi', { userId })));
    await until(() => answers.includes('overloaded 503'));
    expect(held.started).toHaveLength(2);
    expect(handled).toEqual([]);
    held.release();
    await until(() => server.webhook.delivered.length === 3);
    expect(handled.sort()).toEqual([1, 2, 3]);
    expect(held.started.sort()).toEqual([1, 2, 3]);
    expect(server.webhook.dropped).toEqual([]);
    expect(answers.filter((a) => a !== 'overloaded 503')).toEqual([
      'accepted 200',
      'accepted 200',
      'accepted 200',
    ]);
  });

  it('keeps an update’s slot after the budget answer until its handler finishes', async () => {
    const clock = createTestClock();
    const held = heldHandler();
    const { pipeline, handled } = recordingPipeline(held.handler);
    const url = await mount({ pipeline, clock, budgetMs: 5000, maxInFlight: 1 });
    const updates = createUpdateFactory();
    const slow = post(url, JSON.stringify(updates.text('slow', { userId: 1 })));
    await until(() => held.started.length === 1);
    clock.advance(5000);
    expect(await slow).toBe(503); // the budget passed; the handler still runs
    const other = JSON.stringify(updates.text('other', { userId: 2 }));
    expect(await deliver(url, other)).toEqual({ status: 503, retryAfter: '1' });
    held.release();
    await until(() => handled.length === 1);
    expect(await post(url, other)).toBe(200);
    expect(handled).toEqual([1, 2]);
  });

  it('counts updates handed to a durable queue until it holds them', async () => {
    let stored!: () => void;
    const appended: number[] = [];
    const durable = {
      enqueue: (u: Update) =>
        new Promise<void>((resolve) => {
          appended.push(u.update_id);
          stored = resolve;
        }),
    };
    const url = await mount({ durable, maxInFlight: 1 });
    const updates = createUpdateFactory();
    const first = post(url, JSON.stringify(updates.text('a')));
    await until(() => appended.length === 1);
    expect(await post(url, JSON.stringify(updates.text('b')))).toBe(503);
    stored();
    expect(await first).toBe(200);
    expect(appended).toEqual([1]);
  });

  it('refuses a maxInFlight that is not a positive integer', () => {
    const { pipeline } = recordingPipeline();
    expect(() => createWebhookHandler({ pipeline, maxInFlight: 0 })).toThrow(
      'Expected `maxInFlight` to be a positive integer, got 0',
    );
  });
});

describe('webhook budget', () => {
  it('answers 503 (Telegram re-sends) or 200 per policy when the handler outlives the budget', async () => {
    for (const [policy, status] of [
      ['retry', 503],
      ['accept', 200],
    ] as const) {
      const clock = createTestClock();
      let started = false;
      const { pipeline } = recordingPipeline(() => {
        started = true;
        return new Promise(() => {});
      });
      const url = await mount({ pipeline, clock, budgetMs: 5000, onBudgetExceeded: policy });
      const answer = post(url, update);
      await until(() => started);
      clock.advance(5000);
      expect(await answer).toBe(status);
    }
  });

  const mount = mounts['node:http']!;

  it('with Telegram retries, a slow update is handled exactly once and finally acknowledged', async () => {
    const server = await createBotApiTestServer({ webhookRetryDelaysMs: [30, 30, 30, 30] });
    cleanups.push(() => server.close());
    let calls = 0;
    const { pipeline, handled } = recordingPipeline(async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 60));
    });
    const url = await mount({ pipeline, secretToken: SECRET, budgetMs: 20 });
    server.webhook.url = url;
    server.webhook.secretToken = SECRET;
    server.pushUpdate(createUpdateFactory().text('slow'));
    await until(() => server.webhook.delivered.length === 1);
    expect(server.webhook.attempts).toBeGreaterThanOrEqual(2);
    expect(server.webhook.lastErrorMessage).toMatch(/503/);
    expect(calls).toBe(1);
    expect(handled).toEqual([1]);
    expect(server.webhook.dropped).toEqual([]);
  });
});

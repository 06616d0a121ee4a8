import type { Update } from '@grammyjs/types';
import { isPortcullisError } from '@portcullis/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../client/api-client';
import { type BotApiTestServer, createBotApiTestServer } from '../testing/bot-api-server';
import { createTestClock } from '../testing/test-clock';
import { until } from '../testing/until';
import { createUpdateFactory } from '../testing/update-factory';
import { createMemoryDedupStore } from './dedup';
import { createPoller, type PollerOptions } from './polling';
import { createUpdatePipeline } from './update-pipeline';

let server: BotApiTestServer;
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await server?.close();
});

async function setup(handler: (u: Update) => Promise<void>, extra: Partial<PollerOptions> = {}) {
  server ??= await createBotApiTestServer();
  const api = createApiClient({ token: server.token, apiRoot: server.apiRoot });
  const pipeline = createUpdatePipeline({ handler, dedup: createMemoryDedupStore() });
  const poller = createPoller({
    api,
    pipeline,
    timeoutSeconds: 1,
    busyRetryMs: 5,
    conflictDelayMs: 5,
    ...extra,
  });
  stops.push(async () => {
    server.releaseHeld();
    await poller.stop({ drainTimeoutMs: 100 });
    await api.close();
  });
  return { api, poller, pipeline };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('long polling', () => {
  it('confirms an update only after it was handled, even when later ones finished first', async () => {
    server = await createBotApiTestServer();
    const updates = createUpdateFactory();
    const slow = deferred();
    const handled: number[] = [];
    const { poller } = await setup(async (u) => {
      if (u.message?.text === 'slow') await slow.promise;
      handled.push(u.update_id);
    });
    server.pushUpdate(
      updates.text('fast', { userId: 1 }),
      updates.text('slow', { userId: 2 }),
      updates.text('fast', { userId: 3 }),
    );
    void poller.start();
    await until(() => handled.length === 2, 5000, 'fast updates');
    await until(() => server.callsOf('getUpdates').some((c) => c.params.offset === 2));
    expect(server.pendingUpdates.map((u) => u.update_id)).toEqual([2, 3]);
    slow.resolve();
    await until(() => server.callsOf('getUpdates').some((c) => c.params.offset === 4));
    expect(handled.sort()).toEqual([1, 2, 3]);
    expect(server.pendingUpdates).toEqual([]);
  });

  it('stops gracefully: drains in-flight handlers, then confirms the offset', async () => {
    server = await createBotApiTestServer();
    const gate = deferred();
    const handled: number[] = [];
    const { poller } = await setup(async (u) => {
      await gate.promise;
      handled.push(u.update_id);
    });
    server.pushUpdate(createUpdateFactory().text('a'));
    void poller.start();
    await until(() => server.callsOf('getUpdates').length >= 2);
    const stopped = poller.stop({ drainTimeoutMs: 5000 });
    gate.resolve();
    await stopped;
    expect(handled).toEqual([1]);
    expect(server.pendingUpdates).toEqual([]);
    expect(server.calls.at(-1)).toMatchObject({
      method: 'getUpdates',
      params: { offset: 2, timeout: 0 },
    });
  });

  it('leaves an update unconfirmed when its handler outlives the drain deadline', async () => {
    server = await createBotApiTestServer();
    const { poller } = await setup(() => new Promise(() => {}));
    server.pushUpdate(createUpdateFactory().text('stuck'));
    void poller.start();
    await until(() => server.callsOf('getUpdates').length >= 2);
    await poller.stop({ drainTimeoutMs: 20 });
    expect(server.pendingUpdates.map((u) => u.update_id)).toEqual([1]);
  });

  it('survives 409 Conflict and reports it as polling_conflict', async () => {
    server = await createBotApiTestServer();
    const errors: unknown[] = [];
    const handled: number[] = [];
    const { poller } = await setup(async (u) => void handled.push(u.update_id), {
      onError: (e) => errors.push(e),
    });
    server.inject('getUpdates', { type: 'conflict' }, { times: 2 });
    server.pushUpdate(createUpdateFactory().text('a'));
    void poller.start();
    await until(() => handled.length === 1);
    expect(errors).toHaveLength(2);
    expect(isPortcullisError(errors[0], 'polling_conflict')).toBe(true);
  });

  it('waits retry_after on a 429 from getUpdates, then goes on', async () => {
    server = await createBotApiTestServer();
    const clock = createTestClock();
    const handled: number[] = [];
    const errors: unknown[] = [];
    const { poller } = await setup(async (u) => void handled.push(u.update_id), {
      clock,
      onError: (e) => errors.push(e),
    });
    server.inject('getUpdates', { type: 'flood', retryAfter: 3 });
    server.pushUpdate(createUpdateFactory().text('a'));
    void poller.start();
    await until(() => errors.length === 1);
    clock.advance(2999);
    await new Promise((r) => setTimeout(r, 20));
    expect(server.callsOf('getUpdates')).toHaveLength(1);
    clock.advance(1);
    await until(() => handled.length === 1);
  });

  it('stops fetching while maxInFlight updates are unsettled (back-pressure)', async () => {
    server = await createBotApiTestServer();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const handled: number[] = [];
    const { poller } = await setup(
      async (u) => {
        await gate;
        handled.push(u.update_id);
      },
      { maxInFlight: 2, limit: 2 },
    );
    const updates = createUpdateFactory();
    server.pushUpdate(...[1, 2, 3, 4].map((userId) => updates.text('x', { userId })));
    void poller.start();
    await until(() => server.callsOf('getUpdates').length >= 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(server.callsOf('getUpdates')).toHaveLength(1);
    release();
    await until(() => handled.length === 4);
  });

  it('rejects invalid options', () => {
    const api = createApiClient({ token: '1:a', apiRoot: 'http://127.0.0.1:1' });
    const pipeline = createUpdatePipeline({ handler: async () => {} });
    expect(() => createPoller({ api, pipeline, limit: 101 })).toThrow(
      'Expected `limit` to be an integer from 1 to 100, got 101',
    );
    expect(() => createPoller({ api, pipeline, maxInFlight: 0 })).toThrow(
      'Expected `maxInFlight` to be a positive integer, got 0',
    );
  });

  it('rejects start() on 401 Unauthorized instead of looping', async () => {
    server = await createBotApiTestServer();
    const api = createApiClient({ token: '1:wrong', apiRoot: server.apiRoot });
    const pipeline = createUpdatePipeline({ handler: async () => {} });
    const poller = createPoller({ api, pipeline });
    await expect(poller.start()).rejects.toMatchObject({ errorCode: 401 });
    expect(poller.running).toBe(false);
  });
});

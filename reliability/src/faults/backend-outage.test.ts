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
import { metric, postUpdate, scrape } from '../harness/http';
import { type Services, startServices } from '../harness/services';

let services: Services;
let api: BotApiTestServer;
let redis: RedisServer;
let gateway: Gateway;
const updates = createUpdateFactory({ firstUpdateId: 1 });
const UNAVAILABLE = 'shift service is unavailable';
const OPEN_MS = 1000;
let nextUser = 100;

beforeAll(async () => {
  services = await startServices();
  api = await createBotApiTestServer({ token: BOT_TOKEN });
  redis = await startRedisServer();
  const env = gatewayEnv({
    services,
    apiRoot: api.apiRoot,
    port: await freePort(),
    redisUrl: redis.url,
    extra: { SERVICE_TIMEOUT_MS: '200' },
  });
  gateway = await startGateway(env, {
    serviceClientOptions: {
      breaker: {
        window: { type: 'count', size: 10 },
        minimumCalls: 4,
        failureRateThreshold: 50,
        openMs: OPEN_MS,
        halfOpenMaxCalls: 1,
      },
    },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await api?.close();
  await services?.close();
  await redis?.stop();
});

/** A fresh user asks for /shifts (fresh, so the per-user command limit never interferes). */
async function askShifts(): Promise<{ user: number; status: number; ms: number }> {
  const user = nextUser++;
  const started = performance.now();
  const status = await postUpdate(
    gateway.url(),
    updates.command('shifts', undefined, { userId: user }),
  );
  return { user, status, ms: performance.now() - started };
}

const breaker = async (state: string) =>
  metric(await scrape(gateway.url()), 'portcullis_circuit_breaker_state', {
    state,
    breaker: 'shifts',
  });

describe('a backend slow, then dead, then back', () => {
  it('times out, opens the breaker, answers friendly and fast while open, probes half-open and recovers', async () => {
    const healthy = await askShifts();
    expect(healthy.status).toBe(200);
    expect(count(api, healthy.user, UNAVAILABLE)).toBe(0);

    services.slow('shifts', 1500);
    const slow: Awaited<ReturnType<typeof askShifts>>[] = [];
    for (let i = 0; i < 4; i++) slow.push(await askShifts());
    for (const call of slow) {
      expect(call.status).toBe(200); // the update was handled: the user got a reply
      expect(count(api, call.user, UNAVAILABLE)).toBe(1);
    }
    expect(await breaker('open')).toBe(1);

    // Dead: connection refused. The open breaker answers without calling.
    services.slow('shifts', 0);
    await services.stop('shifts');
    const receivedBefore = services.received.shifts;
    const burst = await Promise.all(Array.from({ length: 40 }, () => askShifts()));
    for (const call of burst) {
      expect(call.status).toBe(200);
      expect(count(api, call.user, UNAVAILABLE)).toBe(1);
    }
    expect(Math.max(...burst.map((c) => c.ms))).toBeLessThan(2000);
    expect(services.received.shifts).toBe(receivedBefore);
    const open = await scrape(gateway.url());
    expect(
      metric(open, 'portcullis_circuit_breaker_calls_total', {
        breaker: 'shifts',
        outcome: 'rejected',
      }),
    ).toBeGreaterThanOrEqual(40);
    // Nothing piles up behind the dead backend.
    expect(metric(open, 'portcullis_bulkhead_queue_depth')).toBe(0);
    expect(metric(open, 'portcullis_updates_in_flight')).toBe(0);

    await services.restart('shifts');
    await new Promise((resolve) => setTimeout(resolve, OPEN_MS + 100));
    const probe = await askShifts();
    expect(probe.status).toBe(200);
    expect(count(api, probe.user, UNAVAILABLE)).toBe(0);
    expect(await breaker('closed')).toBe(1);
    const after = await scrape(gateway.url());
    expect(
      metric(after, 'portcullis_circuit_breaker_transitions_total', {
        breaker: 'shifts',
        from: 'open',
        to: 'half-open',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      metric(after, 'portcullis_circuit_breaker_transitions_total', {
        breaker: 'shifts',
        from: 'half-open',
        to: 'closed',
      }),
    ).toBe(1);
    expect(metric(after, 'portcullis_updates_failed_total')).toBe(0);
  });
});

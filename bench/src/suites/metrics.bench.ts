import { CHANNELS, compose, publish } from '@portcullis/core';
import { createMetrics, type Instrumentation, instrument } from '@portcullis/metrics';
import {
  createRateLimiter,
  createRedisEngine,
  definePolicy,
  type RateLimiter,
} from '@portcullis/redis-ratelimit';
import { createMemoryDedupStore, createUpdatePipeline } from '@portcullis/telegram-adapter';
import { type RedisServer, startRedisServer } from '@portcullis/testkit';
import { Redis } from 'ioredis';
import type { BenchSuite } from '../harness';

type Update = Parameters<ReturnType<typeof createUpdatePipeline>['process']>[0];

interface Ctx {
  readonly update: Update;
  requestId?: string;
}

// GCRA keeps one entry per user however long the bench runs.
const policy = definePolicy({
  name: 'per_user',
  algorithm: 'gcra',
  windows: [{ name: 'second', limit: 1_000_000, windowMs: 1_000 }],
});
let limiter: RateLimiter = createRateLimiter({ policy });
const COMMANDS = ['start', 'help', 'new_request', 'shifts', 'cancel'];

const handle = compose<Ctx>(
  async function requestId(ctx, next) {
    ctx.requestId = `u${ctx.update.update_id}`;
    await next();
  },
  async function rateLimitByUser(ctx, next) {
    const result = await limiter.consume(`user:${ctx.update.message?.from?.id ?? 0}`);
    if (result.allowed) await next();
  },
  async function validate(ctx, next) {
    const text = ctx.update.message?.text;
    if (typeof text === 'string' && text.length <= 4096) await next();
  },
  async function router(ctx) {
    const name = ctx.update.message!.text!.slice(1);
    publish(CHANNELS.routeMatched, { kind: 'command', name });
    if (name === 'new_request')
      publish(CHANNELS.business, { name: 'request_created', kind: 'vacation' });
  },
);

const pipeline = createUpdatePipeline({
  handler: (update) => handle({ update }),
  dedup: createMemoryDedupStore(),
});
let nextId = 1;

function dispatchOne(): Promise<unknown> {
  const id = nextId++;
  const user = id % 1_000;
  const update = {
    update_id: id,
    message: {
      message_id: id,
      date: 1_700_000_000,
      chat: { id: user, type: 'private', first_name: 'u' },
      from: { id: user, is_bot: false, first_name: 'u' },
      text: `/${COMMANDS[id % COMMANDS.length]}`,
    },
  } as Update;
  return pipeline.process(update, 'webhook');
}

type Mode = 'none' | 'metrics' | 'metrics+tracing';
let mode: Mode = 'none';
let active: Instrumentation | undefined;
// One catalog for every round, so switching modes does not build registries.
const shared = createMetrics({ collectDefaultMetrics: false });

/** Switches subscribers once per round (cases are interleaved), not per call. */
function ensure(wanted: Mode): void {
  if (mode === wanted) return;
  active?.unsubscribe();
  active =
    wanted === 'none'
      ? undefined
      : instrument({ metrics: shared, tracing: wanted === 'metrics+tracing' });
  mode = wanted;
}

function dispatchIn(wanted: Mode): Promise<unknown> {
  ensure(wanted);
  return dispatchOne();
}

/**
 * The per-update hot path in embedded mode: update pipeline (memory dedup,
 * per-chat ordering, deadline) → compose() of request id, memory rate limit,
 * validation and router. Each update publishes received, handled, 4
 * middleware events, one rate-limit decision and one route match.
 */
export const metricsHotPath: BenchSuite = {
  title: 'Metrics: per-update instrumentation overhead',
  reference: 'dispatch, nobody listening',
  concurrency: 8,
  rounds: 15,
  roundMs: 400,
  note: 'Goal: recording every event of an update (metrics) costs < 5% of the dispatch (ratio ≥ 0.95). The dispatch here is in-process only (no Redis, backend or Bot API round trip), so it is the strictest possible baseline.',
  cases: [
    { name: 'dispatch, nobody listening', fn: () => dispatchIn('none') },
    { name: 'dispatch + instrument() metrics', fn: () => dispatchIn('metrics') },
    {
      name: 'dispatch + metrics + tracing (no OTel SDK)',
      fn: () => dispatchIn('metrics+tracing'),
      teardown: () => ensure('none'),
    },
  ],
};

let server: RedisServer | undefined;
let redis: Redis | undefined;

/**
 * The same dispatch in scaled-out mode: the rate limit is decided by Redis
 * (one Lua round trip to a local redis-server), as with several replicas.
 */
export const metricsHotPathRedis: BenchSuite = {
  title: 'Metrics: per-update instrumentation overhead, Redis rate limit',
  reference: 'dispatch (Redis limit), nobody listening',
  concurrency: 8,
  rounds: 11,
  roundMs: 400,
  note: 'Goal: ratio ≥ 0.95. Same pipeline, rate limit in a local redis-server (one round trip per update); the Redis engine also publishes one redis command event per update.',
  cases: [
    {
      name: 'dispatch (Redis limit), nobody listening',
      fn: () => dispatchIn('none'),
      setup: async () => {
        server = await startRedisServer();
        redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
        limiter = createRateLimiter({
          policy,
          engine: createRedisEngine({ redis, prefix: 'metrics-bench' }),
          onStoreError: 'fail-closed',
        });
      },
    },
    { name: 'dispatch (Redis limit) + instrument() metrics', fn: () => dispatchIn('metrics') },
    {
      name: 'dispatch (Redis limit) + metrics + tracing (no OTel SDK)',
      fn: () => dispatchIn('metrics+tracing'),
      teardown: async () => {
        ensure('none');
        limiter = createRateLimiter({ policy });
        redis?.disconnect();
        await server?.stop();
      },
    },
  ],
};

/** Exactly the events one dispatched update above publishes, published directly. */
function publishOneUpdate(): void {
  publish(CHANNELS.updateReceived, { updateId: 1, updateType: 'message', source: 'webhook' });
  for (const name of ['requestId', 'rateLimitByUser', 'validate', 'router']) {
    publish(CHANNELS.middleware, { name, durationMs: 0.1, outcome: 'success' });
  }
  publish(CHANNELS.rateLimitDecision, {
    policy: 'per_user',
    allowed: true,
    engine: 'memory',
    fallback: false,
    durationMs: 0.01,
    usedBurst: false,
    blocked: false,
  });
  publish(CHANNELS.routeMatched, { kind: 'command', name: 'start' });
  publish(CHANNELS.updateHandled, {
    updateId: 1,
    updateType: 'message',
    outcome: 'handled',
    durationMs: 0.2,
  });
}

function publishIn(wanted: Mode): void {
  ensure(wanted);
  publishOneUpdate();
}

/**
 * The recording cost alone (8 events of one update), which the interleaved
 * dispatch rounds above cannot resolve on a shared machine: ops/s here is
 * updates' worth of events per second, so 1 / ops is the cost per update.
 */
export const metricsRecordCost: BenchSuite = {
  title: 'Metrics: recording cost of one update',
  reference: 'publish 8 events, nobody listening',
  rounds: 9,
  note: 'Cost per update = 1 / ops. Compare the difference with the dispatch cost per update (1 / dispatch ops) above.',
  cases: [
    { name: 'publish 8 events, nobody listening', fn: () => publishIn('none') },
    { name: 'publish 8 events + instrument() metrics', fn: () => publishIn('metrics') },
    {
      name: 'publish 8 events + metrics + tracing (no OTel SDK)',
      fn: () => publishIn('metrics+tracing'),
      teardown: () => ensure('none'),
    },
  ],
};

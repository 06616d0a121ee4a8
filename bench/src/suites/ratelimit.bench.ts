import { subscribe } from '@portcullis/core';
import {
  createRateLimiter,
  createRedisEngine,
  definePolicy,
  PRESETS,
} from '@portcullis/redis-ratelimit';
import { type RedisServer, startRedisServer } from '@portcullis/testkit';
import { Redis } from 'ioredis';
import { BurstyRateLimiter, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { BenchCase, BenchSuite } from '../harness';

/**
 * `@portcullis/redis-ratelimit` against rate-limiter-flexible 11.4 on one real
 * redis-server started here, at concurrency 1, 64 and 256, over many keys and
 * over one hot key: (a) one 20/min window, (b) the seed's messages policy
 * (20/min + 100/h + burst 5). The raw EVALSHA of a trivial script is the
 * machine's round-trip limit.
 */

let server: Promise<RedisServer> | undefined;
let open = 0;
let stopTimer: NodeJS.Timeout | undefined;
let storeErrors = 0;
subscribe('portcullis:ratelimit:store-error', () => {
  storeErrors++;
});

/** A connection to the bench's redis-server, started on first use. */
async function client(): Promise<Redis> {
  clearTimeout(stopTimer);
  open++;
  server ??= startRedisServer();
  return new Redis((await server).url, { maxRetriesPerRequest: 1 });
}

/** Closes a connection; the server stops once no suite has used it for a moment. */
function release(redis: Redis | undefined): void {
  redis?.disconnect();
  if (--open > 0) return;
  if (storeErrors > 0)
    console.log(`WARNING: ${storeErrors} rate-limit store errors during the bench`);
  stopTimer = setTimeout(() => {
    const running = server;
    server = undefined;
    void running?.then((s) => s.stop());
  }, 300);
}

const MANY_KEYS = 100_000;
let cursor = 0;
let counter = 0;
function keyOf(hot: boolean): string {
  if (hot) return 'hot';
  cursor = (cursor + 7919) % MANY_KEYS;
  return `k${cursor}`;
}

const single = definePolicy({
  name: 'single',
  windows: [{ name: 'minute', limit: 20, windowMs: 60_000 }],
});

function portcullisCase(name: string, hot: boolean, policy = single): BenchCase {
  let consume: (key: string) => Promise<unknown> = async () => {};
  let redis: Redis | undefined;
  return {
    name,
    teardown: () => release(redis),
    setup: async () => {
      redis = await client();
      const engine = createRedisEngine({
        redis,
        prefix: `bench${counter++}`,
        commandTimeoutMs: 5000,
      });
      const limiter = createRateLimiter({ policy, engine, onStoreError: 'fail-closed' });
      consume = (key) => limiter.consume(key);
    },
    fn: () => consume(keyOf(hot)),
  };
}

function swallowLimited(error: unknown): void {
  if (!(error instanceof RateLimiterRes)) throw error;
}

function rlfSingleCase(hot: boolean): BenchCase {
  let limiter: RateLimiterRedis | undefined;
  let redis: Redis | undefined;
  return {
    name: 'rate-limiter-flexible (fixed window)',
    teardown: () => release(redis),
    setup: async () => {
      redis = await client();
      limiter = new RateLimiterRedis({
        storeClient: redis,
        points: 20,
        duration: 60,
        keyPrefix: `rlf${counter++}`,
      });
    },
    fn: () => limiter!.consume(keyOf(hot)).catch(swallowLimited),
  };
}

function rlfMessagesCase(hot: boolean): BenchCase {
  let consume: (key: string) => Promise<unknown> = async () => {};
  let redis: Redis | undefined;
  return {
    name: 'rate-limiter-flexible (bursty minute + hour, 2–3 calls)',
    teardown: () => release(redis),
    setup: async () => {
      redis = await client();
      const prefix = `rlfm${counter++}`;
      const minute = new RateLimiterRedis({
        storeClient: redis,
        points: 20,
        duration: 60,
        keyPrefix: `${prefix}m`,
      });
      const burst = new RateLimiterRedis({
        storeClient: redis,
        points: 5,
        duration: 3600,
        keyPrefix: `${prefix}b`,
      });
      const hour = new RateLimiterRedis({
        storeClient: redis,
        points: 100,
        duration: 3600,
        keyPrefix: `${prefix}h`,
      });
      const bursty = new BurstyRateLimiter(minute, burst);
      consume = (key) =>
        Promise.all([bursty.consume(key), hour.consume(key)]).catch(swallowLimited);
    },
    fn: () => consume(keyOf(hot)),
  };
}

function rawEvalshaCase(hot: boolean): BenchCase {
  let call: (key: string) => Promise<unknown> = async () => {};
  let redis: Redis | undefined;
  return {
    name: 'raw EVALSHA `return 1` (limit)',
    teardown: () => release(redis),
    setup: async () => {
      const connection = await client();
      redis = connection;
      const sha = (await connection.script('LOAD', 'return 1')) as string;
      call = (key) => connection.evalsha(sha, 1, key);
    },
    fn: () => call(keyOf(hot)),
  };
}

function suites(): BenchSuite[] {
  const all: BenchSuite[] = [];
  for (const concurrency of [1, 64, 256]) {
    for (const hot of [false, true]) {
      const keys = hot ? 'one hot key' : `${MANY_KEYS / 1000}k keys`;
      all.push({
        title: `Rate limit (a) single 20/min window, ${keys}`,
        reference: 'rate-limiter-flexible (fixed window)',
        concurrency,
        rounds: 5,
        roundMs: 300,
        warmupMs: 100,
        note: 'Goal: portcullis sliding window ≥ 0.8x rate-limiter-flexible (while exact: no 2x edge burst), and ≥ 60% of raw EVALSHA.',
        cases: [
          rlfSingleCase(hot),
          portcullisCase('portcullis sliding-window', hot),
          portcullisCase(
            'portcullis gcra',
            hot,
            definePolicy({ name: 'g', algorithm: 'gcra', windows: single.windows }),
          ),
          rawEvalshaCase(hot),
        ],
      });
      all.push({
        title: `Rate limit (b) messages policy 20/min + 100/h + burst 5, ${keys}`,
        reference: 'rate-limiter-flexible (bursty minute + hour, 2–3 calls)',
        concurrency,
        rounds: 5,
        roundMs: 300,
        warmupMs: 100,
        note: 'Goal: portcullis (one atomic call) ≥ 1.5x rate-limiter-flexible (non-atomic, 2–3 calls), and ≥ 60% of raw EVALSHA.',
        cases: [
          rlfMessagesCase(hot),
          portcullisCase('portcullis sliding-window', hot, PRESETS.messages),
          rawEvalshaCase(hot),
        ],
      });
    }
  }
  return all;
}

let memoryNote = '';
let memoryClient: Redis | undefined;

/** Redis memory per subject, measured with MEMORY USAGE (printed as the suite's note). */
const memorySuite: BenchSuite = {
  title: 'Rate limit memory per key (MEMORY USAGE)',
  rounds: 1,
  roundMs: 1,
  warmupMs: 1,
  get note() {
    return memoryNote;
  },
  cases: [
    {
      name: 'measure (not a throughput figure)',
      teardown: () => release(memoryClient),
      setup: async () => {
        const redis = await client();
        memoryClient = redis;
        const rows: string[] = [];
        const measure = async (label: string, keys: string[]) => {
          let bytes = 0;
          for (const key of keys)
            bytes += Number((await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
          rows.push(`| ${label} | ${bytes} B |`);
        };
        const engine = createRedisEngine({ redis, prefix: 'mem' });
        const messages = createRateLimiter({ policy: PRESETS.messages, engine });
        await messages.consume('one');
        await measure('portcullis messages, 1 request', ['mem:messages:{one}:l']);
        for (let i = 0; i < 25; i++) await messages.consume('full');
        await measure('portcullis messages, 20 + 5 burst (full minute)', [
          'mem:messages:{full}:l',
          'mem:messages:{full}:b',
        ]);
        // A full hour: 100 regular units + 5 burst, driven by an injected clock.
        const clock = { now: 1_000_000 };
        const hourly = createRateLimiter({
          policy: PRESETS.messages,
          engine: createRedisEngine({ redis, prefix: 'memh', clock: () => clock.now }),
        });
        for (let i = 0; i < 105; i++) {
          await hourly.consume('full');
          clock.now += 3000;
        }
        await measure('portcullis messages, 100 + 5 burst (full hour, worst case)', [
          'memh:messages:{full}:l',
          'memh:messages:{full}:b',
        ]);
        const gcra = createRateLimiter({
          policy: definePolicy({
            name: 'g',
            algorithm: 'gcra',
            windows: PRESETS.messages.windows,
            burst: 5,
          }),
          engine,
        });
        await gcra.consume('one');
        await measure('portcullis gcra messages (any load)', ['mem:g:{one}:m']);
        const rlf = new RateLimiterRedis({
          storeClient: redis,
          points: 20,
          duration: 60,
          keyPrefix: 'memrlf',
        });
        await rlf.consume('one');
        await measure('rate-limiter-flexible, one window', ['memrlf:one']);
        memoryNote = ['| state | Redis memory |', '| --- | ---: |', ...rows].join('\n');
      },
      fn: () => {},
    },
  ],
};

/** Every rate-limit suite. */
export const ratelimitSuites: BenchSuite[] = [...suites(), memorySuite];

import { createMemoryConversationStorage } from '@portcullis/core';
import { createMemoryEngine, createRateLimiter, definePolicy } from '@portcullis/redis-ratelimit';
import { createMemoryDedupStore } from '@portcullis/telegram-adapter';
import type { BenchSuite } from '../harness';

const CAPACITY = 100_000;
const fresh = createMemoryDedupStore({ maxEntries: 10_000_000 });
const full = createMemoryDedupStore({ maxEntries: CAPACITY });
let nextFresh = 1;
let nextFull = 1;

async function claimAndComplete(
  store: ReturnType<typeof createMemoryDedupStore>,
  id: number,
): Promise<void> {
  await store.claim(id);
  await store.complete(id);
}

/**
 * The embedded dedup store on every update: claim + complete of a new id,
 * in a store with room and in one held at `maxEntries` (where every new id
 * evicts the oldest). Both must cost the same; before 2026-12-04 the full
 * store swept a `Map` from its front and ran about 50x slower.
 */
export const dedupAtCapacity: BenchSuite = {
  title: 'Telegram: memory dedup store at capacity',
  reference: 'store with room',
  note: 'Goal: a full store (ratio) within 0.8x of one with room: eviction is O(1) amortised.',
  cases: [
    { name: 'store with room', fn: () => claimAndComplete(fresh, nextFresh++) },
    {
      name: `store full at maxEntries ${CAPACITY.toLocaleString('en')}`,
      setup: async () => {
        while (nextFull <= CAPACITY) await claimAndComplete(full, nextFull++);
      },
      fn: () => claimAndComplete(full, nextFull++),
    },
  ],
};

const roomy = createMemoryConversationStorage({ maxEntries: 10_000_000 });
const packed = createMemoryConversationStorage({ maxEntries: CAPACITY });
const conversation = {
  flow: 'request',
  state: 'awaiting_dates',
  data: { kind: 'vacation' },
  startedAt: 1_764_806_400_000,
  updatedAt: 1_764_806_400_000,
};
let nextRoomy = 1;
let nextPacked = 1;

function startConversation(storage: typeof roomy, chat: number): Promise<number> {
  return storage.set(`chat:${chat}`, conversation, { expectedVersion: null, ttlMs: 86_400_000 });
}

/**
 * The embedded conversation storage: a new conversation written into a
 * storage with room and into one held at `maxEntries` (each write evicts the
 * least recently written). Before 2026-12-04 the full storage evicted through
 * a fresh `Map` iterator per write and ran 20-50x slower.
 */
export const conversationsAtCapacity: BenchSuite = {
  title: 'Core: memory conversation storage at capacity',
  reference: 'storage with room',
  note: 'Goal: a full storage (ratio) within 0.8x of one with room.',
  cases: [
    { name: 'storage with room', fn: () => startConversation(roomy, nextRoomy++) },
    {
      name: `storage full at maxEntries ${CAPACITY.toLocaleString('en')}`,
      setup: async () => {
        while (nextPacked <= CAPACITY) await startConversation(packed, nextPacked++);
      },
      fn: () => startConversation(packed, nextPacked++),
    },
  ],
};

// Subjects live for the minute window, so a stream of new subjects fills the engine.
const perMinute = definePolicy({
  name: 'per_minute',
  windows: [{ name: 'minute', limit: 20, windowMs: 60_000 }],
});
const spacious = createRateLimiter({
  policy: perMinute,
  engine: createMemoryEngine({ maxKeys: 10_000_000 }),
});
const crowded = createRateLimiter({
  policy: perMinute,
  engine: createMemoryEngine({ maxKeys: CAPACITY }),
});
let nextSpacious = 1;
let nextCrowded = 1;

/**
 * The embedded rate-limit engine (also the Redis fallback) deciding for a new
 * subject with room, and held at `maxKeys` (every new subject evicts the least
 * recently used) — what a flood of distinct senders does. Before 2026-12-04
 * the full engine swept from a fresh `Map` iterator per decision and ran
 * 10-20x slower exactly when under attack.
 */
export const rateLimitEngineAtCapacity: BenchSuite = {
  title: 'Rate limit: memory engine at capacity',
  reference: 'engine with room',
  note: 'Goal: a full engine (ratio) within 0.8x of one with room.',
  cases: [
    { name: 'engine with room', fn: () => spacious.consume(`user:${nextSpacious++}`) },
    {
      name: `engine full at maxKeys ${CAPACITY.toLocaleString('en')}`,
      setup: async () => {
        while (nextCrowded <= CAPACITY) await crowded.consume(`user:${nextCrowded++}`);
      },
      fn: () => crowded.consume(`user:${nextCrowded++}`),
    },
  ],
};

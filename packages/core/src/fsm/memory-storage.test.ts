import { retainedHeapBytes } from '@portcullis/testkit';
import { describe, expect, it } from 'vitest';
import { createMemoryConversationStorage } from './memory-storage';
import type { StoredConversation } from './storage';
import { conversationStorageContract } from './storage-contract';

let clock = 1_000_000;
conversationStorageContract('memory', () => ({
  storage: createMemoryConversationStorage({ now: () => clock }),
  timeTravel: async (ms) => {
    clock += ms;
  },
}));

const value = (state: string): StoredConversation => ({
  flow: 'f',
  state,
  data: { at: new Date(0) },
  startedAt: 0,
  updatedAt: 0,
});

describe('createMemoryConversationStorage', () => {
  it('stores copies as JSON, like Redis: later mutation of the caller’s object changes nothing', async () => {
    const storage = createMemoryConversationStorage();
    const original = value('a');
    await storage.set('k', original, { expectedVersion: null, ttlMs: 1000 });
    (original.data as { at: unknown }).at = 'mutated';
    expect((await storage.get('k'))?.value.data).toEqual({ at: '1970-01-01T00:00:00.000Z' });
  });

  it('stays within maxEntries by dropping the least recently written conversation', async () => {
    const storage = createMemoryConversationStorage({ maxEntries: 3 });
    const versions = new Map<string, number>();
    for (const key of ['a', 'b', 'c']) {
      versions.set(key, await storage.set(key, value(key), { expectedVersion: null, ttlMs: 1e6 }));
    }
    await storage.set('a', value('a2'), { expectedVersion: versions.get('a')!, ttlMs: 1e6 });
    await storage.set('d', value('d'), { expectedVersion: null, ttlMs: 1e6 });
    expect(storage.size).toBe(3);
    expect(await storage.get('b')).toBeUndefined();
    expect((await storage.get('a'))?.value.state).toBe('a2');
  });

  it('keeps exactly the most recently written conversations over many writes past maxEntries', async () => {
    const storage = createMemoryConversationStorage({ maxEntries: 50 });
    const versions = new Map<string, number>();
    const order: string[] = [];
    for (let i = 0; i < 2000; i++) {
      // Every third write rewrites a recent conversation (moving it to the back).
      const key = i % 3 === 2 && order.length > 10 ? order[order.length - 7]! : `chat:${i}`;
      const version = await storage.set(key, value(key), {
        expectedVersion: versions.get(key) ?? null,
        ttlMs: 1e9,
      });
      versions.set(key, version);
      const at = order.indexOf(key);
      if (at !== -1) order.splice(at, 1);
      order.push(key);
      const evicted = order.length > 50 ? order.shift()! : undefined;
      if (evicted !== undefined) versions.delete(evicted);
    }
    expect(storage.size).toBe(50);
    for (const key of order) expect(await storage.get(key), key).toBeDefined();
    expect(await storage.get('chat:0')).toBeUndefined();
  });

  it('sweeps expired entries on writes so idle conversations do not pile up', async () => {
    let now = 0;
    const storage = createMemoryConversationStorage({ now: () => now });
    for (let i = 0; i < 5; i++) {
      await storage.set(`old${i}`, value('x'), { expectedVersion: null, ttlMs: 10 });
    }
    now = 100;
    await storage.set('new', value('y'), { expectedVersion: null, ttlMs: 10 });
    expect(storage.size).toBe(1);
  });

  // An iterator kept idle for eviction held every table V8 rebuilt the map into.
  it('retains no memory over many writes to a steady set of conversations', async () => {
    const storage = createMemoryConversationStorage();
    const versions = new Map<string, number | null>();
    const write = async (key: string) => {
      const version = await storage.set(key, value('a'), {
        expectedVersion: versions.get(key) ?? null,
        ttlMs: 60_000,
      });
      versions.set(key, version);
    };
    for (let i = 0; i < 1_000; i++) await write(`chat:${i}`);
    const retained = await retainedHeapBytes(storage, async () => {
      for (let i = 0; i < 300_000; i++) await write(`chat:${i % 1_000}`);
    });
    expect(storage.size).toBe(1_000);
    expect(retained).toBeLessThan(8 * 2 ** 20);
  });

  it('validates options and ttlMs', async () => {
    expect(() =>
      createMemoryConversationStorage({ maxEntries: 0 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[TypeError: Expected \`maxEntries\` to be a positive integer, got 0]`,
    );
    await expect(
      createMemoryConversationStorage().set('k', value('a'), { expectedVersion: null, ttlMs: 0 }),
    ).rejects.toThrow(TypeError);
  });
});

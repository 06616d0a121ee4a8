import { describe, expect, it } from 'vitest';
import { createTestClock } from '../testing/test-clock';
import { createMemoryDedupStore } from './dedup';

describe('memory dedup store', () => {
  it('claims an id once, reports busy during the lease and done after completion', async () => {
    const store = createMemoryDedupStore();
    expect(await store.claim(7)).toBe('claimed');
    expect(await store.claim(7)).toBe('busy');
    await store.complete(7);
    expect(await store.claim(7)).toBe('done');
  });

  it('makes a crashed worker’s claim claimable again after the lease', async () => {
    const clock = createTestClock();
    const store = createMemoryDedupStore({ clock, leaseMs: 1000 });
    await store.claim(1);
    clock.advance(999);
    expect(await store.claim(1)).toBe('busy');
    clock.advance(2);
    expect(await store.claim(1)).toBe('claimed');
  });

  it('remembers handled ids for 24 h, not by a high-water mark, then forgets them', async () => {
    const clock = createTestClock();
    const store = createMemoryDedupStore({ clock });
    for (const id of [500, 3, 90_000_000]) {
      await store.claim(id);
      await store.complete(id);
    }
    expect(await store.claim(4)).toBe('claimed');
    clock.advance(86_399_000);
    expect(await store.claim(3)).toBe('done');
    clock.advance(2000);
    expect(await store.claim(3)).toBe('claimed');
    expect(store.size).toBe(1);
  });

  it('stays within maxEntries by forgetting the oldest ids', async () => {
    const store = createMemoryDedupStore({ maxEntries: 3 });
    for (const id of [1, 2, 3, 4, 5]) {
      await store.claim(id);
      await store.complete(id);
    }
    expect(store.size).toBe(3);
    expect(await store.claim(5)).toBe('done');
    expect(await store.claim(1)).toBe('claimed');
  });

  it('sweeps expired claims while handled ids are still remembered', async () => {
    const clock = createTestClock();
    const store = createMemoryDedupStore({ clock, leaseMs: 1000 });
    await store.claim(1);
    await store.complete(1);
    await store.claim(2); // its worker crashes: never completed
    clock.advance(1001);
    await store.claim(3);
    expect(store.size).toBe(2); // 1 (handled) and 3 (claimed); 2's lease was swept
    expect(await store.claim(1)).toBe('done');
  });

  it('forgets handled ids before claims still in flight when full', async () => {
    const store = createMemoryDedupStore({ maxEntries: 2 });
    await store.claim(1);
    await store.complete(1);
    await store.claim(2);
    await store.claim(3);
    expect(store.size).toBe(2);
    expect(await store.claim(2)).toBe('busy');
    expect(await store.claim(3)).toBe('busy');
  });

  it('renews a claim in force by a full lease, and refuses a lapsed or handled one', async () => {
    const clock = createTestClock();
    const store = createMemoryDedupStore({ clock, leaseMs: 1000 });
    await store.claim(1);
    clock.advance(900);
    expect(await store.renew(1)).toBe(true);
    clock.advance(900);
    // 1800 ms after the claim; sweeping drops the first lease's record, not the claim.
    expect(await store.claim(1)).toBe('busy');
    clock.advance(101);
    expect(await store.renew(1)).toBe(false);
    expect(await store.claim(1)).toBe('claimed');
    await store.complete(1);
    expect(await store.renew(1)).toBe(false);
    expect(await store.renew(2)).toBe(false);
    expect(store.leaseMs).toBe(1000);
  });

  it('release gives the claim back', async () => {
    const store = createMemoryDedupStore();
    await store.claim(1);
    await store.release(1);
    expect(await store.claim(1)).toBe('claimed');
  });

  it('refuses a TTL under 24 h', () => {
    expect(() => createMemoryDedupStore({ ttlSeconds: 3600 })).toThrow(
      'Expected `ttlSeconds` to be an integer >= 86400, got 3600',
    );
  });
});

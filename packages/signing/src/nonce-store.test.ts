import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryNonceStore, NonceStoreFullError } from './nonce-store';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createMemoryNonceStore', () => {
  it('claims a nonce once until its TTL passes, then again', () => {
    const store = createMemoryNonceStore();
    expect(store.claim('n', 1000)).toBe(true);
    expect(store.claim('n', 1000)).toBe(false);
    vi.advanceTimersByTime(999);
    expect(store.claim('n', 1000)).toBe(false);
    vi.advanceTimersByTime(1);
    expect(store.claim('n', 1000)).toBe(true);
  });

  it('keeps a re-claimed nonce when its earlier expiry is swept', () => {
    const store = createMemoryNonceStore();
    expect(store.claim('n', 1000)).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(store.claim('n', 1000)).toBe(true);
    vi.advanceTimersByTime(500);
    expect(store.claim('other', 1000)).toBe(true); // sweeps the first expiry of 'n'
    expect(store.claim('n', 1000)).toBe(false);
  });

  it('drops expired nonces to make room, and fails closed when full of live ones', () => {
    const store = createMemoryNonceStore({ maxEntries: 3 });
    for (const n of ['a', 'b', 'c']) expect(store.claim(n, 1000)).toBe(true);
    expect(() => store.claim('d', 1000)).toThrow(NonceStoreFullError);
    expect(store.claim('a', 1000)).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(store.claim('d', 1000)).toBe(true);
    expect(store.size).toBeLessThanOrEqual(3);
  });

  it('stays bounded under a long stream of nonces', () => {
    const store = createMemoryNonceStore({ maxEntries: 100 });
    for (let i = 0; i < 5000; i++) {
      expect(store.claim(`n${i}`, 50)).toBe(true);
      vi.advanceTimersByTime(1);
    }
    expect(store.size).toBeLessThanOrEqual(100);
  });

  it('refuses a maxEntries that is not a positive integer', () => {
    expect(() => createMemoryNonceStore({ maxEntries: 0 })).toThrow(/maxEntries/);
  });
});

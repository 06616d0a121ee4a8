import fc from 'fast-check';
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

  it('drops short-lived nonces as they expire, even behind a longer-lived one', () => {
    const store = createMemoryNonceStore();
    expect(store.claim('long', 60_000)).toBe(true);
    for (let i = 0; i < 1000; i++) {
      expect(store.claim(`short${i}`, 10)).toBe(true);
      vi.advanceTimersByTime(1);
    }
    expect(store.size).toBeLessThanOrEqual(1 + 10 + 1);
    expect(store.claim('long', 60_000)).toBe(false);
  });

  it('when full, drops whichever nonces have expired, not only the oldest claimed', () => {
    const store = createMemoryNonceStore({ maxEntries: 3 });
    expect(store.claim('long', 10_000)).toBe(true);
    expect(store.claim('short1', 1000)).toBe(true);
    expect(store.claim('short2', 2000)).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(store.claim('d', 10_000)).toBe(true); // room made by short1
    expect(() => store.claim('e', 10_000)).toThrow(NonceStoreFullError);
    vi.advanceTimersByTime(1000);
    expect(store.claim('e', 10_000)).toBe(true); // room made by short2
    expect(() => store.claim('f', 10_000)).toThrow(NonceStoreFullError);
    for (const n of ['long', 'd', 'e']) expect(store.claim(n, 10_000)).toBe(false);
  });

  it('when full of unexpired nonces, keeps refusing new ones and forgets none', () => {
    const store = createMemoryNonceStore({ maxEntries: 100 });
    for (let i = 0; i < 100; i++) expect(store.claim(`n${i}`, 1000 + i)).toBe(true);
    expect(() => store.claim('new', 1000)).toThrowErrorMatchingInlineSnapshot(
      `[NonceStoreFullError: Nonce store holds 100 unexpired nonces]`,
    );
    for (let round = 0; round < 3; round++) {
      vi.advanceTimersByTime(300);
      for (let i = 0; i < 100; i++) {
        expect(() => store.claim(`new${round}:${i}`, 1000)).toThrow(NonceStoreFullError);
        expect(store.claim(`n${i}`, 1000)).toBe(false);
      }
      expect(store.size).toBe(100);
    }
    vi.advanceTimersByTime(100); // n0 has expired, n1 has not
    expect(store.claim('new', 1000)).toBe(true);
    expect(() => store.claim('newer', 1000)).toThrow(NonceStoreFullError);
    expect(store.claim('n1', 1000)).toBe(false);
  });

  it('does not count a re-claimed nonce’s earlier expiry as room, nor let it evict the nonce', () => {
    const store = createMemoryNonceStore({ maxEntries: 2 });
    expect(store.claim('n', 1000)).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(store.claim('n', 5000)).toBe(true);
    expect(store.claim('m', 5000)).toBe(true);
    expect(() => store.claim('x', 5000)).toThrow(NonceStoreFullError);
    expect(store.claim('n', 5000)).toBe(false);
    expect(store.size).toBe(2);
    vi.advanceTimersByTime(5000);
    expect(store.claim('x', 5000)).toBe(true);
    expect(store.claim('n', 5000)).toBe(true);
  });

  it('answers every claim as a store that forgets exactly the expired nonces would', () => {
    const op = fc.record({
      key: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
      ttlMs: fc.constantFrom(1, 3, 10, 30),
      advanceMs: fc.integer({ min: 0, max: 12 }),
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(op, { maxLength: 60 }), (max, ops) => {
        vi.setSystemTime(0);
        const store = createMemoryNonceStore({ maxEntries: max });
        const model = new Map<string, number>();
        for (const { key, ttlMs, advanceMs } of ops) {
          vi.advanceTimersByTime(advanceMs);
          const now = Date.now();
          for (const [k, expiresAt] of model) if (expiresAt <= now) model.delete(k);
          const expected = model.has(key) ? false : model.size >= max ? 'full' : true;
          if (expected === true) model.set(key, now + ttlMs);
          let actual: boolean | 'full';
          try {
            actual = store.claim(key, ttlMs) as boolean;
          } catch (error) {
            if (!(error instanceof NonceStoreFullError)) throw error;
            actual = 'full';
          }
          expect(actual).toBe(expected);
          expect(store.size).toBeGreaterThanOrEqual(model.size);
          expect(store.size).toBeLessThanOrEqual(max);
        }
      }),
    );
  });

  it('refuses a TTL that is not a positive finite number, recording nothing', () => {
    const store = createMemoryNonceStore();
    for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => store.claim('n', ttl)).toThrow(
        'Expected `ttlMs` to be a positive finite number',
      );
    expect(store.size).toBe(0);
    expect(store.claim('n', 1000)).toBe(true);
  });

  it('refuses a maxEntries that is not a positive integer', () => {
    expect(() => createMemoryNonceStore({ maxEntries: 0 })).toThrow(/maxEntries/);
  });
});

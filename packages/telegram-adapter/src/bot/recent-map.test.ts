import { retainedHeapBytes } from '@portcullis/testkit';
import { describe, expect, it } from 'vitest';
import { RecentMap } from './recent-map';

describe('RecentMap', () => {
  it('keeps at most `limit` entries, forgetting the least recently set first', () => {
    const map = new RecentMap<number, string>(3);
    for (const key of [1, 2, 3]) map.set(key, `v${key}`);
    map.set(1, 'again'); // 1 is now the most recent
    map.set(4, 'v4');
    expect(map.size).toBe(3);
    expect(map.has(2)).toBe(false);
    expect([1, 3, 4].map((key) => map.get(key))).toEqual(['again', 'v3', 'v4']);
  });

  it('stays exact over many insertions past the limit, and after being emptied', () => {
    const map = new RecentMap<number, number>(100);
    for (let key = 0; key < 10_000; key++) map.set(key, key);
    expect(map.size).toBe(100);
    expect(map.has(9_899)).toBe(false);
    expect(map.get(9_900)).toBe(9_900);
    const one = new RecentMap<string, true>(1);
    one.set('a', true);
    one.set('b', true);
    one.set('c', true);
    expect([one.size, one.has('c'), one.has('b')]).toEqual([1, true, false]);
  });

  it('retains no memory over many writes of known keys under the limit', async () => {
    const map = new RecentMap<number, number>(10_000);
    for (let key = 0; key < 1_000; key++) map.set(key, key);
    const retained = await retainedHeapBytes(map, () => {
      for (let i = 0; i < 1_000_000; i++) map.set(i % 1_000, i);
    });
    expect(map.size).toBe(1_000);
    expect(retained).toBeLessThan(8 * 2 ** 20);
  });
});

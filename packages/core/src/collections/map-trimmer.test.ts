import { retainedHeapBytes } from '@portcullis/testkit';
import { describe, expect, it } from 'vitest';
import { MapTrimmer } from './map-trimmer';

/** Deletes and sets `key`, making it the newest, then trims to `limit`. */
function touch(map: Map<string, number>, trimmer: MapTrimmer<string>, key: string, limit: number) {
  map.delete(key);
  map.set(key, 0);
  trimmer.trim(limit);
}

describe('MapTrimmer', () => {
  it('deletes the oldest keys until the map is within the limit', () => {
    const map = new Map([
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 4],
    ]);
    new MapTrimmer(map).trim(2);
    expect([...map.keys()]).toEqual(['c', 'd']);
  });

  it('treats a key deleted and set again as the newest', () => {
    const map = new Map<string, number>();
    const trimmer = new MapTrimmer(map);
    for (const key of ['a', 'b', 'c']) touch(map, trimmer, key, 3);
    touch(map, trimmer, 'a', 3);
    touch(map, trimmer, 'd', 3);
    expect([...map.keys()]).toEqual(['c', 'a', 'd']);
  });

  it('keeps evicting in recency order across long idle stretches and emptied maps', () => {
    const map = new Map<string, number>();
    const trimmer = new MapTrimmer(map);
    for (let i = 0; i < 100; i++) touch(map, trimmer, `k${i}`, 100);
    // Well past the idle threshold: the trimmer lets its iterator go.
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 100; i++) touch(map, trimmer, `k${i}`, 100);
    }
    touch(map, trimmer, 'new', 100);
    expect(map.has('k0')).toBe(false);
    expect(map.size).toBe(100);
    map.clear();
    for (const key of ['x', 'y', 'z']) touch(map, trimmer, key, 2);
    expect([...map.keys()]).toEqual(['y', 'z']);
  });

  it('behaves like a reference recency list over random writes', () => {
    const map = new Map<string, number>();
    const trimmer = new MapTrimmer(map);
    const model: string[] = [];
    let seed = 7;
    for (let step = 0; step < 20_000; step++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      const key = `k${seed % 300}`;
      const limit = step < 10_000 ? 250 : 100;
      touch(map, trimmer, key, limit);
      const at = model.indexOf(key);
      if (at !== -1) model.splice(at, 1);
      model.push(key);
      while (model.length > limit) model.shift();
    }
    expect([...map.keys()]).toEqual(model);
  });

  // V8 keeps every table a Map is rebuilt into alive while an old iterator
  // of it is held and not advanced: ~150 MB here with a long-lived iterator.
  it('retains no memory over millions of writes under the limit', async () => {
    const map = new Map<string, number>();
    const trimmer = new MapTrimmer(map);
    const keys = Array.from({ length: 1_000 }, (_, i) => `key:${i}`);
    // One eviction first, so the trimmer holds an iterator when writes go on.
    touch(map, trimmer, 'first', 1_000);
    for (const key of keys) touch(map, trimmer, key, 1_000);
    expect(map.has('first')).toBe(false);
    const retained = await retainedHeapBytes(map, () => {
      for (let i = 0; i < 2_000_000; i++) touch(map, trimmer, keys[i % 1_000]!, 1_000);
    });
    expect(retained).toBeLessThan(8 * 2 ** 20);
  });
});

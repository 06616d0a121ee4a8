import { MapTrimmer } from '@portcullis/core';

/**
 * A map of at most `limit` entries that forgets the least recently set one
 * first, in O(1) amortised per insertion (see {@link MapTrimmer}).
 */
export class RecentMap<K, V> {
  readonly #map = new Map<K, V>();
  readonly #limit: number;
  readonly #trimmer = new MapTrimmer(this.#map);

  constructor(limit: number) {
    this.#limit = limit;
  }

  get size(): number {
    return this.#map.size;
  }

  get(key: K): V | undefined {
    return this.#map.get(key);
  }

  has(key: K): boolean {
    return this.#map.has(key);
  }

  /** Sets `key` as the most recent entry, forgetting the oldest beyond the limit. */
  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    this.#trimmer.trim(this.#limit);
  }
}

/**
 * A map of at most `limit` entries that forgets the least recently set one
 * first. The oldest entry is found through one long-lived iterator: a fresh
 * `keys().next()` per insertion walks past every entry deleted since V8 last
 * rebuilt the table, which at the limit costs O(entries) per insertion.
 */
export class RecentMap<K, V> {
  readonly #map = new Map<K, V>();
  readonly #limit: number;
  /** Deletes everything it yields, so it always stands at the oldest entry. */
  #oldest: Iterator<K>;

  constructor(limit: number) {
    this.#limit = limit;
    this.#oldest = this.#map.keys();
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
    while (this.#map.size > this.#limit) {
      let next = this.#oldest.next();
      if (next.done === true) {
        this.#oldest = this.#map.keys();
        next = this.#oldest.next();
      }
      this.#map.delete(next.value as K);
    }
  }
}

/** Writes without an eviction after which the trimmer lets its iterator go, at the least. */
const MIN_IDLE_WRITES = 1024;

/**
 * Keeps a `Map` used as a recency list (a key is deleted and set again to
 * make it the newest) at a bound by deleting its oldest keys, O(1) amortised.
 *
 * Two properties of V8's `Map` shape this. A fresh `map.keys()` starts at the
 * front of the table and walks past every entry deleted since the table was
 * last rebuilt, so creating one per eviction costs O(entries) at the bound:
 * the trimmer keeps one iterator between evictions. But an iterator that is
 * not advanced keeps alive every table the map has been rebuilt into since
 * (each delete-and-set moves a key to a new slot, so this happens all the
 * time): about 75 bytes per write, 150 MB after two million writes to a map
 * of 1,000 keys. So the iterator is dropped once the map has taken more
 * writes than it holds entries (and at least 1,024) without an eviction,
 * and made again at the next one.
 *
 * @example
 * ```ts
 * const recent = new Map<string, number>();
 * const trimmer = new MapTrimmer(recent);
 * recent.delete(key);
 * recent.set(key, Date.now());
 * trimmer.trim(10_000); // after every write
 * ```
 */
export class MapTrimmer<K> {
  readonly #map: Map<K, unknown>;
  /** Deletes everything it yields, so it always stands at the oldest key. */
  #oldest: Iterator<K> | undefined;
  #idleWrites = 0;

  constructor(map: Map<K, unknown>) {
    this.#map = map;
  }

  /**
   * Deletes the oldest keys until the map holds at most `limit` entries.
   * Call it after every write to the map, even when nothing needs deleting:
   * that is how the trimmer knows when to let its iterator go.
   */
  trim(limit: number): void {
    const map = this.#map;
    if (map.size <= limit) {
      if (this.#oldest !== undefined && ++this.#idleWrites > Math.max(map.size, MIN_IDLE_WRITES)) {
        this.#oldest = undefined;
      }
      return;
    }
    this.#idleWrites = 0;
    while (map.size > limit) {
      let next = this.#oldest?.next();
      if (next === undefined || next.done === true) {
        this.#oldest = map.keys();
        next = this.#oldest.next();
      }
      map.delete(next.value as K);
    }
  }
}

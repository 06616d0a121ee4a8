/** What {@link Lanes} needs of a queued call. */
export interface LaneEntry {
  /** Arrival order, to put a call back among later ones. */
  readonly order: number;
  /** The flood scope (chat id, or the global scope). */
  readonly scope: string;
  /** Index of its priority lane; lower lanes are served first. */
  readonly laneIndex: number;
}

/**
 * The priority lanes of the outbound queue, with a count of waiting calls per
 * scope and lane. The count answers "does a call of this scope wait ahead of
 * a new one?" in O(1), so scheduling a call never walks the queue.
 */
export class Lanes<T extends LaneEntry> {
  readonly #lists: T[][];
  readonly #waiting = new Map<string, number[]>();

  constructor(laneCount: number) {
    this.#lists = Array.from({ length: laneCount }, () => []);
  }

  /** Adds `entry` after every call of its lane. */
  push(entry: T): void {
    this.#lists[entry.laneIndex]!.push(entry);
    this.#count(entry, 1);
  }

  /** Adds `entry` before every call of its lane (a retried call keeps its place). */
  unshift(entry: T): void {
    this.#lists[entry.laneIndex]!.unshift(entry);
    this.#count(entry, 1);
  }

  /** Adds `entry` before the first call of its lane that arrived after it. */
  insertByOrder(entry: T): void {
    const list = this.#lists[entry.laneIndex]!;
    const later = list.findIndex((other) => other.order > entry.order);
    list.splice(later === -1 ? list.length : later, 0, entry);
    this.#count(entry, 1);
  }

  /** Whether a call of `scope` waits in lane `laneIndex` or a lane served before it. */
  waitsAhead(scope: string, laneIndex: number): boolean {
    const counts = this.#waiting.get(scope);
    if (counts === undefined) return false;
    for (let lane = 0; lane <= laneIndex; lane++) if (counts[lane]! > 0) return true;
    return false;
  }

  /**
   * Visits every call in serving order and keeps those for which `keep`
   * returns true, in one pass (removing from the middle one by one would be
   * quadratic). Calls pushed while it runs are visited too; `keep` must not
   * unshift or insert.
   */
  retain(keep: (entry: T) => boolean): void {
    for (const list of this.#lists) {
      let kept = 0;
      for (let i = 0; i < list.length; i++) {
        const entry = list[i]!;
        if (keep(entry)) list[kept++] = entry;
        else this.#count(entry, -1);
      }
      list.length = kept;
    }
  }

  /** Removes and returns every call. */
  drain(): T[] {
    const all = this.#lists.flatMap((list) => list.splice(0));
    this.#waiting.clear();
    return all;
  }

  #count(entry: T, delta: number): void {
    let counts = this.#waiting.get(entry.scope);
    if (counts === undefined) {
      counts = new Array<number>(this.#lists.length).fill(0);
      this.#waiting.set(entry.scope, counts);
    }
    counts[entry.laneIndex]! += delta;
    if (delta < 0 && counts.every((count) => count === 0)) this.#waiting.delete(entry.scope);
  }
}

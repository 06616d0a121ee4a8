/**
 * Ids in the order they were queued, each with the expiry it was queued with:
 * for a store whose entries all live equally long, that is expiry order, so
 * expired ids are found at the front in O(1) amortised. A `Map` cannot do
 * this: V8 leaves deleted entries as holes that every new iterator walks past
 * until the table is rebuilt, which made sweeping from a Map's front cost
 * O(entries) per call.
 */
export class ExpiryQueue {
  #ids: number[] = [];
  #expiries: number[] = [];
  #head = 0;

  /** Records that `id` was given `expiresAt`. */
  push(id: number, expiresAt: number): void {
    this.#ids.push(id);
    this.#expiries.push(expiresAt);
  }

  /** Whether a record is queued. */
  get isEmpty(): boolean {
    return this.#head >= this.#ids.length;
  }

  /** The expiry of the oldest record (`Infinity` when empty). */
  get nextExpiry(): number {
    return this.isEmpty ? Number.POSITIVE_INFINITY : this.#expiries[this.#head]!;
  }

  /**
   * Removes the oldest record and passes it to `visit`. The caller checks it
   * against its map: a record is stale once its id was queued again or removed.
   */
  shift(visit: (id: number, expiresAt: number) => void): void {
    if (this.isEmpty) return;
    const id = this.#ids[this.#head]!;
    const expiresAt = this.#expiries[this.#head]!;
    this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#ids.length) {
      this.#ids = this.#ids.slice(this.#head);
      this.#expiries = this.#expiries.slice(this.#head);
      this.#head = 0;
    }
    visit(id, expiresAt);
  }
}

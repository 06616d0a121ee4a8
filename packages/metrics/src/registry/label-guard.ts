import type { MetricDefinition } from '../catalog/types';

/** The value a label takes when the real value is not allowed or over the limit. */
export const OVERFLOW_LABEL_VALUE = 'other';

/** The value a label takes when the event did not carry it. */
export const MISSING_LABEL_VALUE = 'none';

/** Label values as callers pass them. */
export type LabelValues = Readonly<Record<string, string | number | undefined>>;

/**
 * Keeps the label values of one metric bounded: enumerated labels accept only
 * their listed values, open labels accept the first `maxValues` distinct
 * values; anything else becomes `other`, so series can never grow with users.
 */
export class LabelGuard {
  /** Label names in catalog order. */
  readonly names: readonly string[];
  readonly #allowed: readonly (ReadonlySet<string> | undefined)[];
  readonly #seen: Set<string>[];
  readonly #maxValues: number;
  readonly #onOverflow: () => void;
  /** The bounded values of the last {@link bound} call, in catalog order. */
  readonly last: string[];
  /** Values replaced by `other` so far (a recorder memoises only values that were not). */
  overflows = 0;

  constructor(definition: MetricDefinition, maxValues: number, onOverflow: () => void) {
    this.names = definition.labels.map((l) => l.name);
    this.#allowed = definition.labels.map((l) =>
      l.values === undefined ? undefined : new Set(l.values),
    );
    this.#seen = definition.labels.map(() => new Set<string>());
    this.#maxValues = maxValues;
    this.#onOverflow = onOverflow;
    this.last = this.names.map(() => MISSING_LABEL_VALUE);
  }

  /** Bounds `values` and stores them in {@link last}, allocating nothing. */
  bound(values: LabelValues | undefined): void {
    const names = this.names;
    for (let i = 0; i < names.length; i++) {
      const raw = values?.[names[i]!];
      this.last[i] =
        raw === undefined || raw === '' ? MISSING_LABEL_VALUE : this.#bound(i, String(raw));
    }
  }

  /**
   * For label names in a caller's order, the position of each catalog label in
   * that order (for {@link boundAt}). Throws when the names are not exactly
   * this metric's labels (at most four).
   */
  positionsOf(names: readonly string[]): readonly number[] {
    const positions = this.names.map((name) => names.indexOf(name));
    if (names.length !== this.names.length || names.length > 4 || positions.includes(-1)) {
      throw new TypeError(
        `Expected the labels ${JSON.stringify(this.names)} in any order, got ${JSON.stringify(names)}`,
      );
    }
    return positions;
  }

  /**
   * {@link bound} for values passed positionally, in the order `positions`
   * was made for: no labels object, no property lookups by name.
   */
  boundAt(
    positions: readonly number[],
    a: string | undefined,
    b: string | undefined,
    c: string | undefined,
    d: string | undefined,
  ): void {
    for (let i = 0; i < positions.length; i++) {
      const at = positions[i];
      const raw = at === 0 ? a : at === 1 ? b : at === 2 ? c : d;
      this.last[i] =
        raw === undefined || raw === ''
          ? MISSING_LABEL_VALUE
          : this.#bound(i, typeof raw === 'string' ? raw : String(raw));
    }
  }

  /**
   * Stores in {@link last} the values {@link bound} would give `values`, but
   * records nothing: no open-label slot taken, no overflow counted. For
   * finding an existing series (removal), not for recording.
   */
  peek(values: LabelValues | undefined): void {
    const names = this.names;
    for (let i = 0; i < names.length; i++) {
      const raw = values?.[names[i]!];
      this.last[i] =
        raw === undefined || raw === '' ? MISSING_LABEL_VALUE : this.#peek(i, String(raw));
    }
  }

  /**
   * Stores the labels of an existing series in {@link last} as they are:
   * they were bounded when the series was made, and bounding them again
   * would count `other` (and `none`, where not allowed) as fresh overflows.
   */
  restore(labels: Readonly<Record<string, string>>): void {
    const names = this.names;
    for (let i = 0; i < names.length; i++) this.last[i] = labels[names[i]!]!;
  }

  /** The labels object of the values stored by the last {@link bound} call. */
  lastLabels(): Record<string, string> {
    const labels: Record<string, string> = {};
    for (let i = 0; i < this.names.length; i++) labels[this.names[i]!] = this.last[i]!;
    return labels;
  }

  #bound(index: number, value: string): string {
    const allowed = this.#allowed[index];
    if (allowed !== undefined) {
      if (allowed.has(value)) return value;
      this.overflows++;
      this.#onOverflow();
      return OVERFLOW_LABEL_VALUE;
    }
    const seen = this.#seen[index]!;
    if (seen.has(value)) return value;
    if (seen.size < this.#maxValues) {
      seen.add(value);
      return value;
    }
    this.overflows++;
    this.#onOverflow();
    return OVERFLOW_LABEL_VALUE;
  }

  // #bound without its side effects; kept apart so recording pays for no flag.
  #peek(index: number, value: string): string {
    const allowed = this.#allowed[index];
    if (allowed !== undefined) return allowed.has(value) ? value : OVERFLOW_LABEL_VALUE;
    const seen = this.#seen[index]!;
    return seen.has(value) || seen.size < this.#maxValues ? value : OVERFLOW_LABEL_VALUE;
  }
}

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
      this.#onOverflow();
      return OVERFLOW_LABEL_VALUE;
    }
    const seen = this.#seen[index]!;
    if (seen.has(value)) return value;
    if (seen.size < this.#maxValues) {
      seen.add(value);
      return value;
    }
    this.#onOverflow();
    return OVERFLOW_LABEL_VALUE;
  }
}

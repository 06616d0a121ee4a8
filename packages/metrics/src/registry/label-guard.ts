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
  readonly #names: readonly string[];
  readonly #allowed: readonly (ReadonlySet<string> | undefined)[];
  readonly #seen: Set<string>[];
  readonly #maxValues: number;
  readonly #onOverflow: () => void;

  constructor(definition: MetricDefinition, maxValues: number, onOverflow: () => void) {
    this.#names = definition.labels.map((l) => l.name);
    this.#allowed = definition.labels.map((l) =>
      l.values === undefined ? undefined : new Set(l.values),
    );
    this.#seen = definition.labels.map(() => new Set<string>());
    this.#maxValues = maxValues;
    this.#onOverflow = onOverflow;
  }

  /** Returns bounded label values in catalog order, ready for prom-client. */
  apply(values: LabelValues | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    const names = this.#names;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const raw = values?.[name];
      out[name] =
        raw === undefined || raw === '' ? MISSING_LABEL_VALUE : this.#bound(i, String(raw));
    }
    return out;
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

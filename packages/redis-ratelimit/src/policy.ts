import { invalidOption } from '@portcullis/core';

/** The decision algorithm of a policy. */
export type Algorithm = 'sliding-window' | 'gcra';

/** One window of a policy: at most `limit` units per `windowMs`. */
export interface WindowOptions {
  /** Name shown in results (`deniedBy`, `remaining`) and in HTTP headers, e.g. `minute`. */
  readonly name: string;
  /** Units admitted per window from the regular allowance (a positive integer). */
  readonly limit: number;
  /** Window length in milliseconds (a positive integer). */
  readonly windowMs: number;
}

/** Options of {@link definePolicy}. */
export interface PolicyOptions {
  /** Policy name: part of every Redis key and of instrumentation events. Letters, digits, `_`, `-`, `.`. */
  readonly name: string;
  /** One or more windows; a request must fit in all of them (or be covered by burst). */
  readonly windows: readonly WindowOptions[];
  /**
   * `sliding-window`: extra units a subject may spend beyond the windows'
   * limits. `gcra`: units a subject may run ahead of the steady rate
   * (`burst + 1` requests can pass at once).
   * @default 0
   */
  readonly burst?: number;
  /**
   * `sliding-window`: burst units return `burstWindowMs` after they were spent
   * (at most `burst` burst units in any interval of that length). Ignored by `gcra`.
   * @default the longest window's `windowMs`
   */
  readonly burstWindowMs?: number;
  /** @default 'sliding-window' */
  readonly algorithm?: Algorithm;
  /** Block the subject for `blockMs` after `blockAfter` consecutive denied consumes. @default undefined (never block) */
  readonly blockAfter?: number;
  /** How long a block lasts, in milliseconds. Required with `blockAfter`. @default undefined */
  readonly blockMs?: number;
}

/** A validated, frozen policy. Build one with {@link definePolicy}. */
export interface Policy {
  readonly name: string;
  readonly algorithm: Algorithm;
  readonly windows: readonly WindowOptions[];
  readonly burst: number;
  readonly burstWindowMs: number;
  /** The longest `windowMs`: how long a subject's sliding-window log is kept. */
  readonly longestWindowMs: number;
  /** 0 when blocking is off. */
  readonly blockAfter: number;
  readonly blockMs: number;
  /** Largest cost a single request can ever be admitted with. */
  readonly maxCost: number;
}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw invalidOption(name, 'a positive integer', value);
  }
  return value;
}

function nonNegativeInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalidOption(name, 'a non-negative integer', value);
  }
  return value;
}

/**
 * Validates policy options once and returns a frozen {@link Policy}. Throws a
 * `TypeError` naming the first invalid option.
 *
 * @example
 * ```ts
 * const messages = definePolicy({
 *   name: 'messages',
 *   windows: [{ name: 'minute', limit: 20, windowMs: 60_000 }, { name: 'hour', limit: 100, windowMs: 3_600_000 }],
 *   burst: 5,
 * });
 * ```
 */
export function definePolicy(options: PolicyOptions): Policy {
  if (typeof options !== 'object' || options === null) {
    throw invalidOption('options', 'an object', options);
  }
  if (typeof options.name !== 'string' || !NAME.test(options.name)) {
    throw invalidOption('name', '1-64 characters of A-Za-z0-9_.-', options.name);
  }
  if (!Array.isArray(options.windows) || options.windows.length === 0) {
    throw invalidOption('windows', 'a non-empty array', options.windows);
  }
  if (options.windows.length > 8)
    throw invalidOption('windows', 'at most 8 windows', options.windows.length);
  const seen = new Set<string>();
  const windows = options.windows.map((window, index) => {
    if (typeof window?.name !== 'string' || !NAME.test(window.name) || seen.has(window.name)) {
      throw invalidOption(`windows[${index}].name`, 'a unique name of A-Za-z0-9_.-', window?.name);
    }
    seen.add(window.name);
    return Object.freeze({
      name: window.name,
      limit: positiveInteger(`windows[${index}].limit`, window.limit),
      windowMs: positiveInteger(`windows[${index}].windowMs`, window.windowMs),
    });
  });
  const algorithm = options.algorithm ?? 'sliding-window';
  if (algorithm !== 'sliding-window' && algorithm !== 'gcra') {
    throw invalidOption('algorithm', "'sliding-window' or 'gcra'", algorithm);
  }
  const burst = nonNegativeInteger('burst', options.burst ?? 0);
  const longestWindowMs = Math.max(...windows.map((w) => w.windowMs));
  const burstWindowMs = positiveInteger('burstWindowMs', options.burstWindowMs ?? longestWindowMs);
  let blockAfter = 0;
  let blockMs = 0;
  if (options.blockAfter !== undefined || options.blockMs !== undefined) {
    blockAfter = positiveInteger('blockAfter', options.blockAfter);
    blockMs = positiveInteger('blockMs', options.blockMs);
  }
  return Object.freeze({
    name: options.name,
    algorithm,
    windows: Object.freeze(windows),
    burst,
    burstWindowMs,
    longestWindowMs,
    blockAfter,
    blockMs,
    maxCost: algorithm === 'gcra' ? burst + 1 : Math.min(...windows.map((w) => w.limit)) + burst,
  });
}

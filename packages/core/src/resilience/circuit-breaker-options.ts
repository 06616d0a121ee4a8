import { invalidOption } from '../errors/portcullis-error';
import { type Clock, systemClock } from './policy';
import type { SlidingWindowOptions } from './sliding-window';

/** Options of {@link createCircuitBreaker}. Defaults suit a backend service behind a gateway. */
export interface CircuitBreakerOptions {
  /** Name in errors and instrumentation (a service name, never an id). */
  readonly name: string;
  /**
   * The calls judged: the last `size` calls or those of the last `sizeMs`.
   * @default { type: 'count', size: 20 }
   */
  readonly window?: SlidingWindowOptions;
  /**
   * Opens when at least this percent of the window's calls failed.
   * @default 50
   */
  readonly failureRateThreshold?: number;
  /**
   * Opens when at least this percent of the window's calls were slow; 100
   * means only when every call was slow.
   * @default 100
   */
  readonly slowCallRateThreshold?: number;
  /**
   * A call that takes at least this long counts as slow (success or failure).
   * `Infinity` turns slow-call detection off, which also spares the two
   * clock reads per call that timing costs.
   * @default 10_000
   */
  readonly slowCallMs?: number;
  /**
   * Rates are judged only once the window holds this many calls, so one early
   * failure never opens the breaker (unlike opossum's default).
   * @default 10
   */
  readonly minimumCalls?: number;
  /**
   * How long the breaker stays open before it lets trial calls through.
   * @default 30_000
   */
  readonly openMs?: number;
  /**
   * Trial calls let through when half-open; their outcomes decide whether it
   * closes or opens again.
   * @default 3
   */
  readonly halfOpenMaxCalls?: number;
  /**
   * Which errors count as failures; others pass through without being
   * recorded (e.g. a 404 or a validation error). Aborts by the caller are
   * never recorded.
   * @default every error
   */
  readonly isFailure?: (error: unknown) => boolean;
  /**
   * The time source; tests pass a fake.
   * @default Date.now
   */
  readonly clock?: Clock;
}

/** Options with defaults applied. */
export interface ResolvedBreakerOptions {
  readonly name: string;
  readonly window: SlidingWindowOptions;
  readonly failureRateThreshold: number;
  readonly slowCallRateThreshold: number;
  readonly slowCallMs: number;
  readonly minimumCalls: number;
  readonly openMs: number;
  readonly halfOpenMaxCalls: number;
  readonly isFailure: (error: unknown) => boolean;
  readonly clock: Clock;
}

const always = () => true;

/** Validates options and applies defaults, throwing house-style `TypeError`s. */
export function resolveBreakerOptions(options: CircuitBreakerOptions): ResolvedBreakerOptions {
  if (typeof options !== 'object' || options === null) {
    throw invalidOption('options', 'an object', options);
  }
  const { name } = options;
  if (typeof name !== 'string' || name.length === 0) {
    throw invalidOption('name', 'a non-empty string', name);
  }
  const window = options.window ?? { type: 'count', size: 20 };
  if (window.type === 'count') positiveInteger('window.size', window.size);
  else if (window.type === 'time') positiveNumber('window.sizeMs', window.sizeMs);
  else throw invalidOption('window.type', "'count' or 'time'", (window as { type: unknown }).type);
  const resolved: ResolvedBreakerOptions = {
    name,
    window: { ...window },
    failureRateThreshold: percent('failureRateThreshold', options.failureRateThreshold ?? 50),
    slowCallRateThreshold: percent('slowCallRateThreshold', options.slowCallRateThreshold ?? 100),
    slowCallMs: positiveDuration('slowCallMs', options.slowCallMs ?? 10_000),
    minimumCalls: positiveInteger('minimumCalls', options.minimumCalls ?? 10),
    openMs: nonNegativeNumber('openMs', options.openMs ?? 30_000),
    halfOpenMaxCalls: positiveInteger('halfOpenMaxCalls', options.halfOpenMaxCalls ?? 3),
    isFailure: options.isFailure ?? always,
    clock: options.clock ?? systemClock,
  };
  if (typeof resolved.isFailure !== 'function') {
    throw invalidOption('isFailure', 'a function', resolved.isFailure);
  }
  if (typeof resolved.clock?.now !== 'function') {
    throw invalidOption('clock', 'an object with now()', resolved.clock);
  }
  return resolved;
}

function percent(name: string, value: number): number {
  if (typeof value !== 'number' || !(value > 0 && value <= 100)) {
    throw invalidOption(name, 'a percentage in (0, 100]', value);
  }
  return value;
}

function positiveDuration(name: string, value: unknown): number {
  if (value === Number.POSITIVE_INFINITY) return value;
  return positiveNumber(name, value);
}

/** Throws unless `value` is a positive integer. */
export function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw invalidOption(name, 'a positive integer', value);
  }
  return value;
}

/** Throws unless `value` is a positive finite number. */
export function positiveNumber(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalidOption(name, 'a positive number', value);
  }
  return value;
}

/** Throws unless `value` is a finite number >= 0. */
export function nonNegativeNumber(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalidOption(name, 'a number >= 0', value);
  }
  return value;
}

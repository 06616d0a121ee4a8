import { invalidOption } from '../errors/portcullis-error';
import { CHANNELS, publish } from '../instrumentation/channels';
import { nonNegativeNumber, positiveInteger, positiveNumber } from './circuit-breaker-options';
import { abortedError } from './errors';
import {
  type Clock,
  type ExecuteOptions,
  NEVER_ABORTED,
  type Policy,
  type PolicyFunction,
  systemClock,
} from './policy';

/** How retry delays are spread: `full` = random in [0, backoff]; `decorrelated` = random in [initial, 3 × previous]. */
export type RetryJitter = 'full' | 'decorrelated' | 'none';

/** Options of {@link retry}. */
export interface RetryOptions {
  /** Name in instrumentation. @default 'retry' */
  readonly name?: string;
  /** Attempts in total, the first included. @default 3 */
  readonly maxAttempts?: number;
  /** Backoff before the first retry (before jitter). @default 100 */
  readonly initialDelayMs?: number;
  /** Cap on one backoff delay (a larger `retryAfterMs` from the error still wins). @default 10_000 */
  readonly maxDelayMs?: number;
  /** Growth of the exponential backoff. @default 2 */
  readonly multiplier?: number;
  /** @default 'full' */
  readonly jitter?: RetryJitter;
  /**
   * Total time for all attempts and waits: no retry starts if its wait would
   * end past the budget.
   * @default Infinity
   */
  readonly budgetMs?: number;
  /**
   * Whether `error` after `attempt` (1-based) deserves another attempt.
   * @default retries unless the error says `retryable: false`
   */
  readonly shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** Source of randomness in [0, 1) for jitter; tests pass a fixed one. @default Math.random */
  readonly random?: () => number;
  /** @default Date.now */
  readonly clock?: Clock;
}

/**
 * A policy that runs a function again after failures, with exponential
 * backoff and jitter, a per-delay cap and a total budget. When an error
 * carries a numeric `retryAfterMs` (a Telegram 429, an HTTP `Retry-After`,
 * a half-open breaker) it waits exactly that long instead. Aborting the
 * caller's signal stops waiting at once. Publishes `CHANNELS.retry` before
 * each wait. When attempts or budget run out, the last error is thrown.
 *
 * @example
 * ```ts
 * const withRetry = retry({ maxAttempts: 4, jitter: 'decorrelated', budgetMs: 10_000 });
 * await withRetry.execute((signal) => callBackend(signal));
 * ```
 */
export function retry(options: RetryOptions = {}): Policy {
  const name = options.name ?? 'retry';
  const maxAttempts = positiveInteger('maxAttempts', options.maxAttempts ?? 3);
  const initialDelayMs = nonNegativeNumber('initialDelayMs', options.initialDelayMs ?? 100);
  const maxDelayMs = nonNegativeNumber('maxDelayMs', options.maxDelayMs ?? 10_000);
  const multiplier = positiveNumber('multiplier', options.multiplier ?? 2);
  const jitter = options.jitter ?? 'full';
  if (jitter !== 'full' && jitter !== 'decorrelated' && jitter !== 'none') {
    throw invalidOption('jitter', "'full', 'decorrelated' or 'none'", jitter);
  }
  const budgetMs = options.budgetMs ?? Number.POSITIVE_INFINITY;
  if (typeof budgetMs !== 'number' || !(budgetMs > 0)) {
    throw invalidOption('budgetMs', 'a positive number', budgetMs);
  }
  const shouldRetry = options.shouldRetry ?? defaultShouldRetry;
  const random = options.random ?? Math.random;
  const clock = options.clock ?? systemClock;

  const backoff = (attempt: number, previous: number): number => {
    if (jitter === 'decorrelated') {
      const upper = Math.max(initialDelayMs, previous * 3);
      return Math.min(maxDelayMs, initialDelayMs + random() * (upper - initialDelayMs));
    }
    const exponential = Math.min(maxDelayMs, initialDelayMs * multiplier ** (attempt - 1));
    return jitter === 'full' ? random() * exponential : exponential;
  };

  return {
    async execute<T>(fn: PolicyFunction<T>, executeOptions?: ExecuteOptions): Promise<T> {
      const signal = executeOptions?.signal ?? NEVER_ABORTED;
      const deadline = clock.now() + budgetMs;
      let previousDelay = initialDelayMs;
      for (let attempt = 1; ; attempt++) {
        if (signal.aborted) throw abortedError(signal);
        try {
          return await fn(signal);
        } catch (error) {
          if (signal.aborted || attempt >= maxAttempts || !shouldRetry(error, attempt)) throw error;
          const retryAfterMs = readRetryAfter(error);
          const delayMs = Math.round(retryAfterMs ?? backoff(attempt, previousDelay));
          if (clock.now() + delayMs >= deadline) throw error;
          previousDelay = Math.max(delayMs, initialDelayMs);
          publish(CHANNELS.retry, () => ({
            name,
            attempt,
            delayMs,
            errorCode: errorCodeOf(error),
          }));
          await sleep(delayMs, signal);
        }
      }
    },
  };
}

function defaultShouldRetry(error: unknown): boolean {
  return (error as { retryable?: unknown } | null)?.retryable !== false;
}

/** The `retryAfterMs` an error carries, if it is a finite number >= 0. */
function readRetryAfter(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const value = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof value === 'number' && value >= 0 ? value : undefined;
}

function errorCodeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'unknown';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  if (signal === NEVER_ABORTED) return new Promise((resolve) => setTimeout(resolve, ms));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

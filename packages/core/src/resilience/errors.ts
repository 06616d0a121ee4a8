import { PortcullisError, type PortcullisErrorOptions } from '../errors/portcullis-error';

/** Rejection of a call while a circuit breaker is open (or its half-open trials are taken). */
export class CircuitOpenError extends PortcullisError {
  /** Name of the breaker that rejected the call. */
  readonly breakerName: string;
  /** Epoch milliseconds at which the breaker lets a trial call through; `Infinity` when held open by `open()`. */
  readonly nextAttemptAt: number;
  /** Milliseconds until the next trial call (0 when trials are merely busy); read by `retry()`. */
  readonly retryAfterMs: number;

  constructor(breakerName: string, nextAttemptAt: number, now: number) {
    const retryAfterMs = Math.max(0, nextAttemptAt - now);
    const when = Number.isFinite(retryAfterMs) ? `in ${retryAfterMs} ms` : 'after a manual close()';
    super(
      'circuit_open',
      `Circuit breaker "${breakerName}" is open: call rejected, next trial ${when}`,
      {
        details: { breakerName, retryAfterMs },
      },
    );
    this.breakerName = breakerName;
    this.nextAttemptAt = nextAttemptAt;
    this.retryAfterMs = retryAfterMs;
  }
}

/** A call ran past its deadline; raised by `timeout()` even when the callee ignores its signal. */
export class TimeoutError extends PortcullisError {
  /** The deadline that passed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number, what = 'Call', options: PortcullisErrorOptions = {}) {
    super('timeout', `${what} did not finish within ${timeoutMs} ms`, options);
    this.timeoutMs = timeoutMs;
  }
}

/** Rejection by a bulkhead whose concurrent slots and queue are all taken. */
export class BulkheadFullError extends PortcullisError {
  /** Name of the bulkhead that rejected the call. */
  readonly bulkheadName: string;
  /** Its `maxConcurrent`. */
  readonly maxConcurrent: number;
  /** Its `maxQueue`. */
  readonly maxQueue: number;

  constructor(bulkheadName: string, maxConcurrent: number, maxQueue: number) {
    super(
      'bulkhead_full',
      `Bulkhead "${bulkheadName}" is full: expected a free slot among ${maxConcurrent} concurrent and ${maxQueue} queued, got none`,
      { details: { bulkheadName, maxConcurrent, maxQueue } },
    );
    this.bulkheadName = bulkheadName;
    this.maxConcurrent = maxConcurrent;
    this.maxQueue = maxQueue;
  }
}

/** The error a policy rejects with when the caller's signal aborts. */
export function abortedError(signal: AbortSignal): PortcullisError {
  return new PortcullisError('aborted', 'Call aborted by the caller', { cause: signal.reason });
}

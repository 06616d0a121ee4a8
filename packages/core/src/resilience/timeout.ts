import { positiveNumber } from './circuit-breaker-options';
import { abortedError, TimeoutError } from './errors';
import { type ExecuteOptions, NEVER_ABORTED, type Policy, type PolicyFunction } from './policy';

/** Options of {@link timeout}. */
export interface TimeoutOptions {
  /** The deadline of one `execute()` in milliseconds. */
  readonly timeoutMs: number;
  /** Says what timed out in the error message. @default 'Call' */
  readonly what?: string;
}

/**
 * A policy that gives each call a deadline. At the deadline it aborts the
 * signal passed to the function (cooperative cancellation, e.g. of an HTTP
 * request) and rejects with {@link TimeoutError} at once, even when the
 * function ignores its signal (hard deadline). A caller's abort is forwarded
 * the same way and rejects with code `aborted`. The timer is cleared when the
 * call settles.
 *
 * @example
 * ```ts
 * await timeout({ timeoutMs: 2000 }).execute((signal) => fetch('http://127.0.0.1:8080/', { signal }));
 * ```
 */
export function timeout(options: TimeoutOptions): Policy {
  const timeoutMs = positiveNumber('timeoutMs', options?.timeoutMs);
  const what = options.what ?? 'Call';
  return {
    execute<T>(fn: PolicyFunction<T>, executeOptions?: ExecuteOptions): Promise<T> {
      // The shared never-aborting signal gets no listener (they would pile up on it).
      const parent = executeOptions?.signal === NEVER_ABORTED ? undefined : executeOptions?.signal;
      if (parent?.aborted) return Promise.reject(abortedError(parent));
      const controller = new AbortController();
      return new Promise<T>((resolve, reject) => {
        const settle = () => {
          clearTimeout(timer);
          parent?.removeEventListener('abort', onAbort);
        };
        const onAbort = () => {
          settle();
          const error = abortedError(parent!);
          controller.abort(error);
          reject(error);
        };
        const timer = setTimeout(() => {
          settle();
          const error = new TimeoutError(timeoutMs, what);
          controller.abort(error);
          reject(error);
        }, timeoutMs);
        parent?.addEventListener('abort', onAbort, { once: true });
        let pending: Promise<T>;
        try {
          pending = fn(controller.signal);
        } catch (error) {
          settle();
          reject(error);
          return;
        }
        pending.then(
          (value) => {
            settle();
            resolve(value);
          },
          (error: unknown) => {
            settle();
            reject(error);
          },
        );
      });
    },
  };
}

/** Options every policy's `execute()` accepts. */
export interface ExecuteOptions {
  /** Aborts the call; policies pass a signal derived from it to the function. */
  readonly signal?: AbortSignal | undefined;
}

/** The function a policy runs: it receives the signal it should honour. */
export type PolicyFunction<T> = (signal: AbortSignal) => Promise<T>;

/** Anything that runs a function under a resilience rule (breaker, retry, timeout, bulkhead). */
export interface Policy {
  /** Runs `fn` under this policy. */
  execute<T>(fn: PolicyFunction<T>, options?: ExecuteOptions): Promise<T>;
}

/** A source of time; tests pass a fake. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** `Date.now`, which vitest fake timers control. */
export const systemClock: Clock = { now: () => Date.now() };

/** A signal that never aborts, passed when the caller gave none. */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;

/**
 * Composes policies into one; the first is the outermost.
 * `policy(retry, breaker, timeout)` retries calls that go through the breaker,
 * each attempt with its own deadline; `policy(timeout, retry, …)` bounds all
 * attempts together by one deadline.
 *
 * @example
 * ```ts
 * const resilient = policy(retry({ maxAttempts: 3 }), createCircuitBreaker({ name: 'users' }), timeout({ timeoutMs: 2000 }));
 * await resilient.execute((signal) => fetch('http://127.0.0.1:8080/users/1', { signal }));
 * ```
 */
export function policy(...policies: readonly Policy[]): Policy {
  if (policies.length === 0)
    return { execute: (fn, options) => fn(options?.signal ?? NEVER_ABORTED) };
  if (policies.length === 1) return policies[0]!;
  return {
    execute<T>(fn: PolicyFunction<T>, options?: ExecuteOptions): Promise<T> {
      return run(policies, 0, fn, options?.signal);
    },
  };
}

function run<T>(
  policies: readonly Policy[],
  index: number,
  fn: PolicyFunction<T>,
  signal: AbortSignal | undefined,
): Promise<T> {
  const current = policies[index]!;
  if (index === policies.length - 1) return current.execute(fn, { signal });
  return current.execute((inner) => run(policies, index + 1, fn, inner), { signal });
}

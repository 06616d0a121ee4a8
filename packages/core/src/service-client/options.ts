import type { BulkheadOptions } from '../resilience/bulkhead';
import type { CircuitBreaker } from '../resilience/circuit-breaker';
import type { CircuitBreakerOptions } from '../resilience/circuit-breaker-options';
import type { RetryOptions } from '../resilience/retry';
import type { QueryParams, RouteParams } from './route';

/**
 * Signs one physical attempt; the headers it returns are added to the
 * request. `@portcullis/signing`'s signer has this shape. It runs for every
 * attempt, so retries carry fresh nonces and timestamps.
 */
export type SignRequestHook = (request: {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Uint8Array | undefined;
}) => Record<string, string> | Promise<Record<string, string>>;

/** A response schema: zod 4 schemas fit, as does anything with the same `safeParse`. */
export interface ResponseSchema<T> {
  safeParse(
    value: unknown,
  ): { success: true; data: T } | { success: false; error: { issues: readonly unknown[] } };
}

/** Options of `createServiceClient`. */
export interface ServiceClientOptions {
  /** The service's name in errors, metrics and the breaker (`users`, `shifts`). */
  readonly name: string;
  /** `http://host:port` with an optional base path (`http://users:8080/api`). */
  readonly baseUrl: string | URL;
  /** Deadline of one attempt, including reading the body. @default 5000 */
  readonly timeoutMs?: number;
  /**
   * Retry options, or `false`. Only idempotent methods (GET, HEAD, PUT,
   * DELETE, OPTIONS) or calls with `idempotent: true` are retried, and only
   * after network errors, timeouts, 429, 500, 502, 503 and 504.
   * @default { maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 1000, budgetMs: 3 × timeoutMs }
   */
  readonly retry?: RetryOptions | false;
  /**
   * Breaker options, a breaker to share, or `false`. Network errors,
   * timeouts and 5xx count as failures; 4xx, aborts and invalid bodies do not.
   * @default createCircuitBreaker({ name }) with the core defaults
   */
  readonly breaker?: Partial<CircuitBreakerOptions> | CircuitBreaker | false;
  /** Bulkhead options or `false`. @default { maxConcurrent: 4 × connections, maxQueue: 16 × connections } */
  readonly bulkhead?: BulkheadOptions | false;
  /** Keep-alive connections to the service. @default 10 */
  readonly connections?: number;
  /** How long an idle connection is kept. @default 4000 */
  readonly keepAliveTimeoutMs?: number;
  /** Larger response bodies fail with `invalid_response`. @default 1_048_576 */
  readonly maxResponseBytes?: number;
  /** Signs each attempt (e.g. `@portcullis/signing`'s signer). */
  readonly signRequest?: SignRequestHook;
  /** Headers sent with every request. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Options of one call. */
export interface ServiceRequestOptions<T = unknown> {
  /** Values of the route template's `:params`, URL-encoded. */
  readonly params?: RouteParams;
  readonly query?: QueryParams;
  /** Sent as JSON. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Validates the JSON response; failures are `invalid_response` with the issues. */
  readonly schema?: ResponseSchema<T>;
  readonly signal?: AbortSignal;
  /** Sent as `X-Request-Id` and reported in instrumentation. */
  readonly requestId?: string;
  /**
   * Whether the call may be retried: `true` for a POST or PATCH the service
   * deduplicates, `false` for a GET with side effects.
   * @default true for GET, HEAD, PUT, DELETE and OPTIONS
   */
  readonly idempotent?: boolean;
  /** Overrides the client's `timeoutMs` for this call. */
  readonly timeoutMs?: number;
}

/** A successful (2xx) response. */
export interface ServiceResponse<T> {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed (and validated) JSON body; `undefined` for an empty body. */
  readonly data: T;
}

import { Pool } from 'undici';
import { invalidOption, isPortcullisError } from '../errors/portcullis-error';
import { bulkhead } from '../resilience/bulkhead';
import { type CircuitBreaker, createCircuitBreaker } from '../resilience/circuit-breaker';
import { positiveInteger, positiveNumber } from '../resilience/circuit-breaker-options';
import { policy } from '../resilience/policy';
import { retry } from '../resilience/retry';
import {
  type CallState,
  lowerCaseKeys,
  type PreparedRequest,
  prepareRequest,
  publishAttempt,
  sendAttempt,
} from './attempt';
import { ServiceError } from './errors';
import type { ServiceClientOptions, ServiceRequestOptions, ServiceResponse } from './options';
import { RouteCompiler } from './route';

/** HTTP methods the client sends. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** A client for one backend service; see {@link createServiceClient}. */
export interface ServiceClient {
  readonly name: string;
  /** The client's breaker, for health pages (`undefined` with `breaker: false`). */
  readonly breaker: CircuitBreaker | undefined;
  /** Sends `method` to the route template filled with `options.params`. */
  request<T = unknown>(
    method: HttpMethod,
    route: string,
    options?: ServiceRequestOptions<T>,
  ): Promise<ServiceResponse<T>>;
  get<T = unknown>(route: string, options?: ServiceRequestOptions<T>): Promise<ServiceResponse<T>>;
  head(
    route: string,
    options?: ServiceRequestOptions<undefined>,
  ): Promise<ServiceResponse<undefined>>;
  post<T = unknown>(route: string, options?: ServiceRequestOptions<T>): Promise<ServiceResponse<T>>;
  put<T = unknown>(route: string, options?: ServiceRequestOptions<T>): Promise<ServiceResponse<T>>;
  patch<T = unknown>(
    route: string,
    options?: ServiceRequestOptions<T>,
  ): Promise<ServiceResponse<T>>;
  delete<T = unknown>(
    route: string,
    options?: ServiceRequestOptions<T>,
  ): Promise<ServiceResponse<T>>;
  /** Waits for calls in flight, then closes every connection. */
  close(): Promise<void>;
}

const IDEMPOTENT = new Set<string>(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const RETRIED_STATUSES = new Set([429, 500, 502, 503, 504]);

/** Whether a failure says something about the service's health (breaker failure). */
function countsAsFailure(error: unknown): boolean {
  if (!isPortcullisError(error)) return true;
  if (error.code === 'network' || error.code === 'timeout') return true;
  return error.code === 'http_status' && (error as ServiceError).status >= 500;
}

/** Whether a failed attempt may succeed when sent again. */
function worthRetrying(error: unknown): boolean {
  if (!isPortcullisError(error)) return false;
  if (error.code === 'network' || error.code === 'timeout') return true;
  return error.code === 'http_status' && RETRIED_STATUSES.has((error as ServiceError).status);
}

/**
 * Creates a JSON client for one backend service on an undici `Pool`
 * (keep-alive, bounded connections). Each call goes through retry (idempotent
 * methods only) → circuit breaker → bulkhead → attempt with its own deadline; sets W3C
 * `traceparent` from the active OpenTelemetry context, passes `X-Request-Id`,
 * signs every attempt through `signRequest`, validates the response with a
 * zod schema, and publishes `CHANNELS.serviceRequest` per attempt with the
 * route template, never the URL. Failures are {@link ServiceError}s.
 *
 * @example
 * ```ts
 * const users = createServiceClient({ name: 'users', baseUrl: 'http://127.0.0.1:8081', timeoutMs: 2000 });
 * const { data } = await users.get('/users/:id', { params: { id: 42 }, schema: User, requestId });
 * await users.close();
 * ```
 */
export function createServiceClient(options: ServiceClientOptions): ServiceClient {
  if (typeof options?.name !== 'string' || options.name === '') {
    throw invalidOption('name', 'a non-empty string', options?.name);
  }
  const name = options.name;
  let base: URL;
  try {
    base = new URL(options.baseUrl);
  } catch {
    throw invalidOption('baseUrl', 'an absolute http(s) URL', options.baseUrl);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw invalidOption('baseUrl', 'an absolute http(s) URL', options.baseUrl);
  }
  const basePath = base.pathname.replace(/\/+$/, '');
  const timeoutMs = positiveNumber('timeoutMs', options.timeoutMs ?? 5000);
  const connections = positiveInteger('connections', options.connections ?? 10);
  const maxResponseBytes = positiveInteger(
    'maxResponseBytes',
    options.maxResponseBytes ?? 1_048_576,
  );
  const keepAliveTimeout = positiveNumber('keepAliveTimeoutMs', options.keepAliveTimeoutMs ?? 4000);
  if (options.signRequest !== undefined && typeof options.signRequest !== 'function') {
    throw invalidOption('signRequest', 'a function', options.signRequest);
  }
  const defaultHeaders = lowerCaseKeys(options.headers);

  const breaker =
    options.breaker === false
      ? undefined
      : isBreaker(options.breaker)
        ? options.breaker
        : createCircuitBreaker({ name, isFailure: countsAsFailure, ...options.breaker });
  const limiter =
    options.bulkhead === false
      ? undefined
      : bulkhead({
          name,
          maxConcurrent: connections * 4,
          maxQueue: connections * 16,
          ...options.bulkhead,
        });
  const retryOptions = options.retry === false ? undefined : options.retry;
  const retrier =
    options.retry === false
      ? undefined
      : retry({
          name,
          maxAttempts: 3,
          initialDelayMs: 50,
          maxDelayMs: 1000,
          budgetMs: timeoutMs * 3,
          ...retryOptions,
          shouldRetry: (error, attempt) =>
            worthRetrying(error) && (retryOptions?.shouldRetry?.(error, attempt) ?? true),
        });
  const guards = [breaker, limiter].filter((p): p is NonNullable<typeof p> => p !== undefined);
  const withRetry = retrier ? policy(retrier, ...guards) : undefined;
  const withoutRetry = policy(...guards);

  const pool = new Pool(base.origin, { connections, keepAliveTimeout });
  const routes = new RouteCompiler();

  async function request<T>(
    method: HttpMethod,
    route: string,
    callOptions: ServiceRequestOptions<T> = {},
  ): Promise<ServiceResponse<T>> {
    const call: CallState = {
      service: name,
      method,
      route,
      requestId: callOptions.requestId,
      attempts: 0,
    };
    let prepared: PreparedRequest;
    let callTimeoutMs: number;
    try {
      const path = basePath + routes.build(route, callOptions.params, callOptions.query);
      prepared = prepareRequest(method, path, base.origin, defaultHeaders, callOptions);
      callTimeoutMs =
        callOptions.timeoutMs === undefined
          ? timeoutMs
          : positiveNumber('timeoutMs', callOptions.timeoutMs);
    } catch (error) {
      // Input often comes from users (an id in callback data): a typed error,
      // not a bare TypeError, and nothing is sent.
      throw new ServiceError('invalid_request', (error as Error).message, {
        service: name,
        method,
        route,
        cause: error,
      });
    }
    const retried = callOptions.idempotent ?? IDEMPOTENT.has(method);
    const settings = {
      maxResponseBytes,
      signRequest: options.signRequest,
      timeoutMs: callTimeoutMs,
    };
    const stack = retried && withRetry !== undefined ? withRetry : withoutRetry;
    try {
      return await stack.execute(
        (signal) => sendAttempt(pool, call, prepared, callOptions.schema, signal, settings),
        { signal: callOptions.signal },
      );
    } catch (error) {
      throw toServiceError(error, call);
    }
  }

  return {
    name,
    breaker,
    request,
    get: (route, o) => request('GET', route, o),
    head: (route, o) => request('HEAD', route, o),
    post: (route, o) => request('POST', route, o),
    put: (route, o) => request('PUT', route, o),
    patch: (route, o) => request('PATCH', route, o),
    delete: (route, o) => request('DELETE', route, o),
    close: () => pool.close(),
  };
}

/** Wraps policy rejections (timeout, open breaker, full bulkhead, abort) with the call's facts. */
function toServiceError(error: unknown, call: CallState): ServiceError {
  if (error instanceof ServiceError) return error;
  const code = isPortcullisError(error) ? error.code : 'network';
  if (code === 'circuit_open' || code === 'bulkhead_full') {
    // Rejected before any byte was sent: still one event, so rejections show in metrics.
    publishAttempt(call, 0, 0, code);
  }
  const retryAfterMs = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return new ServiceError(code, (error as Error).message ?? String(error), {
    service: call.service,
    method: call.method,
    route: call.route,
    cause: error,
    retryAfterMs: typeof retryAfterMs === 'number' ? retryAfterMs : undefined,
  });
}

function isBreaker(value: unknown): value is CircuitBreaker {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as CircuitBreaker).execute === 'function' &&
    typeof (value as CircuitBreaker).snapshot === 'function'
  );
}

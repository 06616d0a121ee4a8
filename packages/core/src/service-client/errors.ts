import type { ErrorCode } from '../errors/error-codes';
import { PortcullisError } from '../errors/portcullis-error';

/** Facts a {@link ServiceError} carries besides its code. */
export interface ServiceErrorFields {
  /** The service name given to `createServiceClient`. */
  readonly service: string;
  readonly method: string;
  /** The route template (`/users/:id`), never the URL with ids. */
  readonly route: string;
  /** HTTP status, 0 when no response arrived. @default 0 */
  readonly status?: number;
  /** The first bytes of the response body as text, for `http_status` and `invalid_response`. */
  readonly bodyExcerpt?: string;
  /** Schema issues for `invalid_response`. */
  readonly issues?: readonly unknown[];
  /** How long the service or breaker asked to wait (HTTP `Retry-After`, an open breaker). */
  readonly retryAfterMs?: number;
  readonly cause?: unknown;
}

/**
 * Every failure of a service client call: `timeout`, `circuit_open`,
 * `bulkhead_full`, `network`, `http_status`, `invalid_response`, `aborted`,
 * or `invalid_request` (the call's own input could not make a request: a
 * missing route parameter, a body that is not JSON, a bad `timeoutMs`; nothing
 * was sent), with the service, method and route template that failed.
 */
export class ServiceError extends PortcullisError {
  readonly service: string;
  readonly method: string;
  readonly route: string;
  /** HTTP status, 0 when no response arrived. */
  readonly status: number;
  /** At most {@link BODY_EXCERPT_CHARS} characters of the response body. */
  readonly bodyExcerpt: string | undefined;
  /** Schema issues, for `invalid_response` after validation. */
  readonly issues: readonly unknown[] | undefined;
  /** Milliseconds to wait before trying again, when known; `retry()` honours it. */
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, fields: ServiceErrorFields) {
    const { service, method, route } = fields;
    super(code, `${service} ${method} ${route}: ${message}`, {
      cause: fields.cause,
      details: { service, method, route, status: fields.status ?? 0 },
    });
    this.service = service;
    this.method = method;
    this.route = route;
    this.status = fields.status ?? 0;
    this.bodyExcerpt = fields.bodyExcerpt;
    this.issues = fields.issues;
    this.retryAfterMs = fields.retryAfterMs;
  }
}

/** Length bound of {@link ServiceError.bodyExcerpt}. */
export const BODY_EXCERPT_CHARS = 512;

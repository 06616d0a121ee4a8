/**
 * The one map of Portcullis error codes. Each code says which HTTP status a
 * gateway should answer with when the error escapes to an HTTP boundary, and
 * whether retrying the same operation can succeed.
 *
 * Codes are stable strings: add new ones, never rename or repurpose one.
 */
export const ERROR_CODES = {
  // Resilience and service calls
  timeout: { httpStatus: 504, retryable: true },
  circuit_open: { httpStatus: 503, retryable: true },
  bulkhead_full: { httpStatus: 503, retryable: true },
  network: { httpStatus: 502, retryable: true },
  http_status: { httpStatus: 502, retryable: false },
  invalid_response: { httpStatus: 502, retryable: false },
  invalid_request: { httpStatus: 400, retryable: false },
  aborted: { httpStatus: 499, retryable: false },
  retry_budget_exhausted: { httpStatus: 503, retryable: false },

  // Middleware and routing
  next_called_twice: { httpStatus: 500, retryable: false },
  middleware_failed: { httpStatus: 500, retryable: false },

  // Conversation FSM and storage
  concurrent_modification: { httpStatus: 409, retryable: true },
  invalid_transition: { httpStatus: 400, retryable: false },
  unknown_state: { httpStatus: 400, retryable: false },
  invalid_state_data: { httpStatus: 400, retryable: false },
  conversation_expired: { httpStatus: 410, retryable: false },
  storage_unavailable: { httpStatus: 503, retryable: true },

  // Input validation and encoding
  validation_failed: { httpStatus: 400, retryable: false },
  callback_data_too_long: { httpStatus: 400, retryable: false },
  callback_data_malformed: { httpStatus: 400, retryable: false },
  unsafe_path: { httpStatus: 400, retryable: false },

  // Rate limiting
  rate_limited: { httpStatus: 429, retryable: true },
  rate_limiter_unavailable: { httpStatus: 503, retryable: true },

  // Telegram
  telegram_api: { httpStatus: 502, retryable: false },
  telegram_network: { httpStatus: 502, retryable: true },
  telegram_flood_wait: { httpStatus: 429, retryable: true },
  outbound_queue_full: { httpStatus: 503, retryable: true },
  outbound_deadline_exceeded: { httpStatus: 504, retryable: false },
  webhook_bad_secret: { httpStatus: 401, retryable: false },
  webhook_bad_body: { httpStatus: 400, retryable: false },
  webhook_too_large: { httpStatus: 413, retryable: false },
  handler_timeout: { httpStatus: 504, retryable: true },
  duplicate_update: { httpStatus: 200, retryable: false },
  polling_conflict: { httpStatus: 409, retryable: true },
  ingest_backlog_full: { httpStatus: 503, retryable: true },

  // Configuration
  invalid_config: { httpStatus: 500, retryable: false },

  // Anything that was not a Portcullis error when it was caught
  internal: { httpStatus: 500, retryable: false },
} as const satisfies Record<string, { readonly httpStatus: number; readonly retryable: boolean }>;

/** A stable Portcullis error code, e.g. `'circuit_open'`. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Whether `value` is one of the codes in {@link ERROR_CODES}. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

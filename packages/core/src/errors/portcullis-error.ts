import { ERROR_CODES, type ErrorCode, isErrorCode } from './error-codes';

/**
 * A brand shared by every copy of `@portcullis/core`: `instanceof` fails when
 * two versions are installed side by side, the registered symbol does not.
 */
const BRAND = Symbol.for('portcullis.error');

/** Options accepted by {@link PortcullisError}. */
export interface PortcullisErrorOptions {
  /** The underlying error, kept as ES2022 `cause`. */
  readonly cause?: unknown;
  /** Extra, non-secret facts for logs (never tokens, secrets or signatures). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * The base error of every Portcullis package. Carries a stable `code`, the
 * HTTP status a boundary should answer with, and whether a retry can help.
 *
 * @example
 * ```ts
 * throw new PortcullisError('validation_failed', 'Expected `limit` to be a positive integer, got -1');
 * ```
 */
export class PortcullisError extends Error {
  /** The stable machine-readable code. */
  readonly code: ErrorCode;
  /** The HTTP status a gateway answers with when this error reaches an HTTP boundary. */
  readonly httpStatus: number;
  /** Whether repeating the same operation later can succeed. */
  readonly retryable: boolean;
  /** Extra, non-secret facts for logs. */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, options: PortcullisErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.httpStatus = ERROR_CODES[code].httpStatus;
    this.retryable = ERROR_CODES[code].retryable;
    this.details = options.details;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * Whether `value` is a Portcullis error, from this copy of the package or any
 * other installed one. Pass `code` to also check the code.
 */
export function isPortcullisError(value: unknown, code?: ErrorCode): value is PortcullisError {
  if (typeof value !== 'object' || value === null) return false;
  const branded = (value as Record<symbol, unknown>)[BRAND] === true;
  const candidate = value as { code?: unknown };
  if (!branded || !isErrorCode(candidate.code)) return false;
  return code === undefined || candidate.code === code;
}

/**
 * Shortens text that goes into an error message (a received value, a response
 * body) so messages stay bounded.
 */
export function truncateForMessage(value: unknown, maxLength = 80): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else {
    try {
      text = typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value));
    } catch {
      text = String(value);
    }
  }
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

/**
 * Builds the house-style `TypeError` for an invalid option:
 * "Expected `limit` to be a positive integer, got -1".
 */
export function invalidOption(name: string, expected: string, received: unknown): TypeError {
  return new TypeError(
    `Expected \`${name}\` to be ${expected}, got ${truncateForMessage(received)}`,
  );
}

/**
 * The stable codes a verification can fail with. Same spirit as core's error
 * codes, declared here because `@portcullis/signing` depends on nothing of ours.
 */
export const VERIFY_ERROR_CODES = [
  'missing_signature',
  'malformed_signature',
  'unknown_key',
  'revoked_key',
  'wrong_audience',
  'expired',
  'not_yet_valid',
  'replayed',
  'digest_mismatch',
  'signature_mismatch',
] as const;

/** Why a signature was rejected, e.g. `'expired'`. */
export type VerifyErrorCode = (typeof VERIFY_ERROR_CODES)[number];

/** Every code a {@link SignatureError} can carry (verification codes plus store failures). */
export type SignatureErrorCode = VerifyErrorCode | 'nonce_store_unavailable';

const BRAND = Symbol.for('portcullis.error');

/** Options accepted by {@link SignatureError}. */
export interface SignatureErrorOptions {
  /** The underlying error, kept as ES2022 `cause`. */
  readonly cause?: unknown;
}

/**
 * A signing or verification failure. Same shape as core's `PortcullisError`
 * (`name`, `code`, `httpStatus`, `retryable`, `cause`, the shared brand), so
 * `isPortcullisError()` style guards and error boundaries treat it alike.
 * Messages never contain secrets or signatures.
 */
export class SignatureError extends Error {
  /** The stable machine-readable code. */
  readonly code: SignatureErrorCode;
  /** 401 for a rejected signature, 503 when the nonce store failed. */
  readonly httpStatus: number;
  /** Whether repeating the same operation later can succeed. */
  readonly retryable: boolean;

  constructor(code: SignatureErrorCode, message: string, options: SignatureErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.httpStatus = code === 'nonce_store_unavailable' ? 503 : 401;
    this.retryable = code === 'nonce_store_unavailable';
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** Whether `value` is a {@link SignatureError} (from any installed copy), optionally with `code`. */
export function isSignatureError(
  value: unknown,
  code?: SignatureErrorCode,
): value is SignatureError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { code?: unknown; name?: unknown } & Record<symbol, unknown>;
  if (candidate[BRAND] !== true || candidate.name !== 'SignatureError') return false;
  return code === undefined || candidate.code === code;
}

/** Shortens a received value for an error message. */
export function describeValue(value: unknown, maxLength = 60): string {
  let text: string;
  try {
    text =
      typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
  } catch {
    text = String(value);
  }
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

/** The house-style `TypeError`: "Expected `x` to be …, got …". */
export function invalidOption(name: string, expected: string, received: unknown): TypeError {
  return new TypeError(`Expected \`${name}\` to be ${expected}, got ${describeValue(received)}`);
}

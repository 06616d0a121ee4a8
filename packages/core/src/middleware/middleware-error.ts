import { isPortcullisError, PortcullisError } from '../errors/portcullis-error';

/** Name used for middleware functions that have none (anonymous arrows). */
export const ANONYMOUS_MIDDLEWARE = '<anonymous>';

/**
 * Thrown out of `compose()` when a middleware fails (`middleware_failed`, the
 * original error as `cause`) or calls `next()` twice (`next_called_twice`).
 * When the cause is a Portcullis error, its HTTP status and retryability are
 * kept, so a boundary answers as the cause asks.
 */
export class MiddlewareError extends PortcullisError {
  /** The name of the middleware function that failed. */
  readonly middlewareName: string;

  constructor(
    code: 'middleware_failed' | 'next_called_twice',
    middlewareName: string,
    cause?: unknown,
  ) {
    const message =
      code === 'next_called_twice'
        ? `Middleware \`${middlewareName}\` called next() more than once; expected at most one call`
        : `Middleware \`${middlewareName}\` failed: ${describeCause(cause)}`;
    super(code, message, { cause, details: { middlewareName } });
    this.middlewareName = middlewareName;
    if (isPortcullisError(cause)) {
      // A rate limit or an open circuit behind a middleware keeps its meaning.
      Object.defineProperty(this, 'httpStatus', { value: cause.httpStatus });
      Object.defineProperty(this, 'retryable', { value: cause.retryable });
    }
  }
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = isPortcullisError(cause) ? ` [${cause.code}]` : '';
    const text = `${cause.name}${code}: ${cause.message}`;
    return text.length > 200 ? `${text.slice(0, 199)}…` : text;
  }
  return `non-error value thrown (${typeof cause})`;
}

/**
 * The error a middleware originally threw: unwraps {@link MiddlewareError}
 * layers; returns anything else unchanged.
 */
export function rootMiddlewareCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 32; depth++) {
    if (!(current instanceof MiddlewareError) || current.code !== 'middleware_failed') break;
    current = current.cause;
  }
  return current;
}

/** The name a middleware is reported under. */
export function middlewareNameOf(fn: { readonly name: string }): string {
  const name = fn.name;
  return name === '' ? ANONYMOUS_MIDDLEWARE : name;
}

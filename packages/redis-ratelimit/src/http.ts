import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalidOption } from '@portcullis/core';
import type { RateLimiter, RateLimitResult } from './limiter';

function item(name: string): string {
  return `"${name.replace(/["\\]/g, '')}"`;
}

/**
 * IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers, `-11`)
 * for one or more results: every window of every policy is one quota policy
 * named `<policy>-<window>` in `RateLimit-Policy` (`q`, `w` in seconds) and
 * `RateLimit` (`r` remaining, `t` seconds until the window is full again),
 * plus `Retry-After` (seconds) when any result was denied.
 */
export function rateLimitHeaders(results: readonly RateLimitResult[]): Record<string, string> {
  const policies: string[] = [];
  const states: string[] = [];
  let retryAfterMs = -1;
  for (const result of results) {
    for (const window of result.windows) {
      const name = item(`${result.policy}-${window.name}`);
      policies.push(`${name};q=${window.limit};w=${Math.ceil(window.windowMs / 1000)}`);
      states.push(`${name};r=${window.remaining};t=${Math.ceil(window.resetMs / 1000)}`);
    }
    if (!result.allowed) retryAfterMs = Math.max(retryAfterMs, result.retryAfterMs);
  }
  const headers: Record<string, string> = {};
  if (policies.length > 0) {
    headers['RateLimit-Policy'] = policies.join(', ');
    headers.RateLimit = states.join(', ');
  }
  if (retryAfterMs >= 0) headers['Retry-After'] = String(Math.ceil(retryAfterMs / 1000));
  return headers;
}

/** One limiter applied by {@link rateLimit}. */
export interface HttpLimit {
  readonly limiter: RateLimiter;
  /**
   * The subject of a request (IP, API key…); `undefined` skips this limit. A
   * key over 512 characters is limited by its SHA-256 instead.
   */
  readonly key: (request: IncomingMessage) => string | undefined;
  /** Units a request costs. @default () => 1 */
  readonly cost?: (request: IncomingMessage) => number;
}

/** Options of {@link rateLimit}. */
export interface RateLimitMiddlewareOptions {
  /** Limits applied in order; a later denial refunds what earlier ones admitted. */
  readonly limits: readonly HttpLimit[];
  /** Writes the 429 response. @default a JSON body `{ error: 'rate_limited', retryAfterMs }` */
  readonly onLimited?: (
    request: IncomingMessage,
    response: ServerResponse,
    results: readonly RateLimitResult[],
  ) => void;
}

/** Longest key a limiter takes; longer keys built from a request are hashed. */
const MAX_KEY_LENGTH = 512;

/**
 * A request-derived key the limiter accepts: one longer than it allows (an
 * oversized header, say) becomes its SHA-256, so it is still limited on its
 * own rather than failing the request.
 */
function boundedKey(key: string): string {
  if (typeof key !== 'string' || key.length <= MAX_KEY_LENGTH) return key;
  return `sha256:${createHash('sha256').update(key).digest('base64url')}`;
}

/**
 * A node:http middleware: consumes every limit for the request, sets the IETF
 * RateLimit headers, and answers 429 with `Retry-After` when one denies.
 * Resolves `true` when the request may proceed (then calls `next` if given).
 */
export function rateLimit(options: RateLimitMiddlewareOptions) {
  if (!Array.isArray(options?.limits) || options.limits.length === 0) {
    throw invalidOption('limits', 'a non-empty array of { limiter, key }', options?.limits);
  }
  for (const [index, limit] of options.limits.entries()) {
    if (typeof limit?.limiter?.consume !== 'function' || typeof limit.key !== 'function') {
      throw invalidOption(`limits[${index}]`, 'a { limiter, key } object', limit);
    }
  }
  const onLimited =
    options.onLimited ??
    ((_request: IncomingMessage, response: ServerResponse, results: readonly RateLimitResult[]) => {
      const retryAfterMs = Math.max(
        ...results.filter((r) => !r.allowed).map((r) => r.retryAfterMs),
      );
      response.statusCode = 429;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ error: 'rate_limited', retryAfterMs }));
    });
  return async function rateLimitMiddleware(
    request: IncomingMessage,
    response: ServerResponse,
    next?: () => unknown,
  ): Promise<boolean> {
    const results: RateLimitResult[] = [];
    const admitted: Array<{ limit: HttpLimit; key: string; cost: number }> = [];
    // All-or-nothing across policies too: give back what earlier limits took.
    const refundAdmitted = () =>
      Promise.all(admitted.map(({ limit, key, cost }) => limit.limiter.refund(key, cost)));
    let denied = false;
    try {
      for (const limit of options.limits) {
        const raw = limit.key(request);
        if (raw === undefined) continue;
        const key = boundedKey(raw);
        const cost = limit.cost?.(request) ?? 1;
        const result = await limit.limiter.consume(key, cost);
        results.push(result);
        if (!result.allowed) {
          denied = true;
          break;
        }
        admitted.push({ limit, key, cost });
      }
    } catch (error) {
      await refundAdmitted().catch(() => undefined);
      throw error;
    }
    if (denied) await refundAdmitted();
    for (const [name, value] of Object.entries(rateLimitHeaders(results)))
      response.setHeader(name, value);
    if (denied) {
      onLimited(request, response, results);
      return false;
    }
    await next?.();
    return true;
  };
}

import { invalidOption } from '../errors/portcullis-error';
import { appendHeaderToken } from './response';
import type { HttpMiddleware } from './types';

/** Options for {@link cors}. */
export interface CorsOptions {
  /**
   * The allow-list: exact origins (`https://admin.example.com`, compared
   * case-insensitively, no path) or a predicate. There is no wildcard.
   */
  readonly origins: readonly string[] | ((origin: string) => boolean);
  /** Methods a preflight may ask for. @default ['GET', 'HEAD', 'POST'] */
  readonly methods?: readonly string[];
  /** Request headers a preflight may ask for. @default ['content-type', 'authorization', 'x-request-id'] */
  readonly allowedHeaders?: readonly string[];
  /** Response headers scripts may read. @default ['x-request-id'] */
  readonly exposedHeaders?: readonly string[];
  /** Sends `Access-Control-Allow-Credentials: true`. @default false */
  readonly credentials?: boolean;
  /** How long a browser may cache a preflight answer. @default 600 */
  readonly maxAgeSeconds?: number;
}

const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]+$/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function tokenList(
  name: string,
  value: readonly string[] | undefined,
  fallback: string[],
): string[] {
  const list = value ?? fallback;
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string' && TOKEN.test(item))) {
    throw invalidOption(name, 'a list of HTTP tokens', value);
  }
  return [...list];
}

function originMatcher(origins: CorsOptions['origins']): (origin: string) => boolean {
  if (typeof origins === 'function') return origins;
  if (!Array.isArray(origins))
    throw invalidOption('origins', 'a list of origins or a function', origins);
  const allowed = new Set<string>();
  for (const origin of origins) {
    const lower = typeof origin === 'string' ? origin.toLowerCase() : origin;
    if (typeof lower !== 'string' || !ORIGIN.test(lower)) {
      throw invalidOption(
        'origins',
        'origins like "https://app.example.com" (no path, no "*")',
        origin,
      );
    }
    allowed.add(lower);
  }
  return (origin) => allowed.has(origin.toLowerCase());
}

/**
 * CORS with an origin allow-list. Allowed origins get
 * `Access-Control-Allow-Origin: <their origin>`; every response carries
 * `Vary: Origin` so caches never serve one origin's answer to another.
 * Preflights (`OPTIONS` with `Access-Control-Request-Method`) are answered
 * here: 204 with the allowed methods and headers, or 403 without CORS headers
 * when the origin, method or a requested header is not allowed.
 */
export function cors(options: CorsOptions): HttpMiddleware {
  if (typeof options !== 'object' || options === null)
    throw invalidOption('options', 'an object', options);
  const isAllowed = originMatcher(options.origins);
  const methods = tokenList('methods', options.methods, ['GET', 'HEAD', 'POST']).map((m) =>
    m.toUpperCase(),
  );
  const allowedHeaders = tokenList('allowedHeaders', options.allowedHeaders, [
    'content-type',
    'authorization',
    'x-request-id',
  ]).map((h) => h.toLowerCase());
  const exposed = tokenList('exposedHeaders', options.exposedHeaders, ['x-request-id']);
  const credentials = options.credentials ?? false;
  const maxAge = options.maxAgeSeconds ?? 600;
  if (!Number.isInteger(maxAge) || maxAge < 0) {
    throw invalidOption('maxAgeSeconds', 'a non-negative integer', maxAge);
  }

  return function corsMiddleware(req, res, next) {
    appendHeaderToken(res, 'vary', 'Origin');
    const origin = req.headers.origin;
    const requestedMethod = req.headers['access-control-request-method'];
    const preflight = req.method === 'OPTIONS' && typeof requestedMethod === 'string';
    const allowed = typeof origin === 'string' && origin !== 'null' && isAllowed(origin);

    if (preflight) {
      appendHeaderToken(res, 'vary', 'Access-Control-Request-Method');
      appendHeaderToken(res, 'vary', 'Access-Control-Request-Headers');
      const requestedHeaders = String(req.headers['access-control-request-headers'] ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter((h) => h !== '');
      const ok =
        allowed &&
        methods.includes(requestedMethod.toUpperCase()) &&
        requestedHeaders.every((h) => allowedHeaders.includes(h));
      if (ok) {
        res.setHeader('access-control-allow-origin', origin);
        if (credentials) res.setHeader('access-control-allow-credentials', 'true');
        res.setHeader('access-control-allow-methods', methods.join(', '));
        if (allowedHeaders.length > 0) {
          res.setHeader('access-control-allow-headers', allowedHeaders.join(', '));
        }
        res.setHeader('access-control-max-age', String(maxAge));
      }
      res.statusCode = ok ? 204 : 403;
      res.setHeader('content-length', '0');
      res.end();
      return;
    }

    if (allowed) {
      res.setHeader('access-control-allow-origin', origin);
      if (credentials) res.setHeader('access-control-allow-credentials', 'true');
      if (exposed.length > 0) res.setHeader('access-control-expose-headers', exposed.join(', '));
    }
    return next();
  };
}

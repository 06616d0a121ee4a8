import { invalidOption } from '../errors/portcullis-error';
import { beforeHeadersSent } from './response';
import type { HttpMiddleware } from './types';

/** Options for `Strict-Transport-Security`. */
export interface HstsOptions {
  /** How long browsers remember to use HTTPS only. @default 31536000 (one year) */
  readonly maxAgeSeconds?: number;
  /** Whether subdomains are covered too. @default true */
  readonly includeSubDomains?: boolean;
  /** Adds `preload` (only once the domain is submitted to preload lists). @default false */
  readonly preload?: boolean;
}

/** Options for {@link securityHeaders}. */
export interface SecurityHeadersOptions {
  /** `Strict-Transport-Security`; `false` leaves it out. @default { maxAgeSeconds: 31536000, includeSubDomains: true } */
  readonly hsts?: HstsOptions | false;
  /**
   * `Content-Security-Policy`; `false` leaves it out. The default suits a JSON
   * API: nothing may load, nothing may frame it.
   * @default "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
   */
  readonly contentSecurityPolicy?: string | false;
  /** `X-Frame-Options` for browsers without `frame-ancestors`; `false` leaves it out. @default 'DENY' */
  readonly frameOptions?: 'DENY' | 'SAMEORIGIN' | false;
  /** `Referrer-Policy`; `false` leaves it out. @default 'no-referrer' */
  readonly referrerPolicy?: string | false;
  /** Response headers removed even when a handler sets them. @default ['server', 'x-powered-by'] */
  readonly removeHeaders?: readonly string[];
}

const DEFAULT_CSP =
  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;

/** The header name/value pairs {@link securityHeaders} sets, resolved once from options. */
export function resolveSecurityHeaders(
  options: SecurityHeadersOptions = {},
): ReadonlyArray<readonly [string, string]> {
  const headers: Array<readonly [string, string]> = [['x-content-type-options', 'nosniff']];
  const hsts = options.hsts ?? {};
  if (hsts !== false) {
    const maxAge = hsts.maxAgeSeconds ?? 31_536_000;
    if (!Number.isInteger(maxAge) || maxAge < 0) {
      throw invalidOption('hsts.maxAgeSeconds', 'a non-negative integer', maxAge);
    }
    let value = `max-age=${maxAge}`;
    if (hsts.includeSubDomains ?? true) value += '; includeSubDomains';
    if (hsts.preload ?? false) value += '; preload';
    headers.push(['strict-transport-security', value]);
  }
  const csp = options.contentSecurityPolicy ?? DEFAULT_CSP;
  if (csp !== false)
    headers.push(['content-security-policy', checkValue('contentSecurityPolicy', csp)]);
  const frame = options.frameOptions ?? 'DENY';
  if (frame !== false) {
    if (frame !== 'DENY' && frame !== 'SAMEORIGIN') {
      throw invalidOption('frameOptions', "'DENY', 'SAMEORIGIN' or false", frame);
    }
    headers.push(['x-frame-options', frame]);
  }
  const referrer = options.referrerPolicy ?? 'no-referrer';
  if (referrer !== false) headers.push(['referrer-policy', checkValue('referrerPolicy', referrer)]);
  return headers;
}

function checkValue(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '' || !HEADER_VALUE.test(value)) {
    throw invalidOption(name, 'a non-empty header value of printable ASCII', value);
  }
  return value;
}

/**
 * Sets the security headers every HTTP response of a gateway should carry
 * (HSTS, `nosniff`, CSP with `frame-ancestors 'none'`, `X-Frame-Options`,
 * `Referrer-Policy`) and strips `Server` and `X-Powered-By`, even when a
 * later handler sets them.
 *
 * @example
 * ```ts
 * const server = createServer(createHttpPipeline([securityHeaders()], handler));
 * ```
 */
export function securityHeaders(options: SecurityHeadersOptions = {}): HttpMiddleware {
  const headers = resolveSecurityHeaders(options);
  const removed = (options.removeHeaders ?? ['server', 'x-powered-by']).map((name) => {
    if (typeof name !== 'string' || name === '') {
      throw invalidOption('removeHeaders', 'a list of header names', options.removeHeaders);
    }
    return name.toLowerCase();
  });
  const drop = (name: string): boolean => removed.includes(name);
  return function securityHeadersMiddleware(_req, res, next) {
    for (const [name, value] of headers) res.setHeader(name, value);
    beforeHeadersSent(
      res,
      () => {
        for (const name of removed) res.removeHeader(name);
      },
      drop,
    );
    return next();
  };
}

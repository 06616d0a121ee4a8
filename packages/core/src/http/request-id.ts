import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { invalidOption } from '../errors/portcullis-error';
import type { HttpMiddleware } from './types';

/** Options for {@link requestId}. */
export interface RequestIdOptions {
  /** The request and response header. @default 'x-request-id' */
  readonly header?: string;
  /** Makes a new id when the request has none or an invalid one. @default crypto.randomUUID */
  readonly generate?: () => string;
  /**
   * Which incoming ids are accepted as they are; anything else is replaced, so
   * a client cannot inject log lines or huge values.
   * @default /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/
   */
  readonly pattern?: RegExp;
  /** Whether an incoming id is trusted at all (`false`: always generate). @default true */
  readonly trustIncoming?: boolean;
}

const DEFAULT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const ids = new WeakMap<IncomingMessage, string>();

/** The id {@link requestId} gave this request, or `undefined` before it ran. */
export function getRequestId(req: IncomingMessage): string | undefined {
  return ids.get(req);
}

/**
 * Gives each request an id: the client's `X-Request-Id` when it is well
 * formed, a fresh UUID otherwise. The id is echoed on the response and read
 * back with {@link getRequestId} (for logs and outbound calls).
 */
export function requestId(options: RequestIdOptions = {}): HttpMiddleware {
  const header = (options.header ?? 'x-request-id').toLowerCase();
  if (!/^[a-z0-9-]+$/.test(header)) throw invalidOption('header', 'a header name', options.header);
  const generate = options.generate ?? randomUUID;
  if (typeof generate !== 'function') throw invalidOption('generate', 'a function', generate);
  const pattern = options.pattern ?? DEFAULT_PATTERN;
  if (!(pattern instanceof RegExp)) throw invalidOption('pattern', 'a RegExp', pattern);
  const trustIncoming = options.trustIncoming ?? true;
  return function requestIdMiddleware(req, res, next) {
    const incoming = req.headers[header];
    // Reset lastIndex in case the caller passed a /g or /y pattern.
    pattern.lastIndex = 0;
    const id =
      trustIncoming && typeof incoming === 'string' && pattern.test(incoming)
        ? incoming
        : generate();
    ids.set(req, id);
    res.setHeader(header, id);
    return next();
  };
}

import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import { ERROR_CODES } from '../errors/error-codes';
import { invalidOption, isPortcullisError } from '../errors/portcullis-error';
import { CHANNELS, publish } from '../instrumentation/channels';
import { getRequestId } from './request-id';
import { sendJson } from './response';
import type { HttpHandler, HttpMiddleware } from './types';

/** Options for {@link createHttpPipeline}. */
export interface HttpPipelineOptions {
  /**
   * Called with every error a middleware or the handler threw (for logging).
   * The client gets a JSON error without the message unless the error is a
   * `PortcullisError`, whose code and status are used.
   * @default nothing
   */
  readonly onError?: (error: unknown, req: IncomingMessage) => void;
}

/** Runs middlewares in order around `handler`, as one node:http middleware. */
export function composeHttp(
  middlewares: readonly HttpMiddleware[],
  handler?: HttpHandler,
): HttpMiddleware {
  if (!Array.isArray(middlewares) || !middlewares.every((m) => typeof m === 'function')) {
    throw invalidOption('middlewares', 'a list of functions', middlewares);
  }
  const chain = [...middlewares];
  return function composedHttp(req, res, next): Promise<void> {
    const dispatch = async (index: number): Promise<void> => {
      if (res.writableEnded) return;
      const middleware = chain[index];
      if (middleware !== undefined) {
        let called = false;
        await middleware(req, res, () => {
          if (called) return Promise.reject(new Error('next() called twice in an HTTP middleware'));
          called = true;
          return dispatch(index + 1);
        });
        return;
      }
      if (handler !== undefined) await handler(req, res);
      else await next();
    };
    return dispatch(0);
  };
}

function notFound(_req: IncomingMessage, res: ServerResponse): void {
  sendJson(res, 404, { error: { code: 'not_found', message: 'Not Found' } });
}

/**
 * Turns middlewares and a final handler into a node:http request listener:
 * `http.createServer(createHttpPipeline([requestId(), securityHeaders(), cors(…), health], app))`.
 * Requests nobody answers get a JSON 404; errors become a JSON 500 (or the
 * status of a `PortcullisError`) that carries the request id; only 4xx
 * errors carry their message.
 */
export function createHttpPipeline(
  middlewares: readonly HttpMiddleware[],
  handler: HttpHandler = notFound,
  options: HttpPipelineOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  if (typeof handler !== 'function') throw invalidOption('handler', 'a function', handler);
  const onError = options.onError;
  if (onError !== undefined && typeof onError !== 'function') {
    throw invalidOption('onError', 'a function', onError);
  }
  const composed = composeHttp(middlewares, handler);
  const done = () => Promise.resolve();
  return function httpPipeline(req, res) {
    Promise.resolve(composed(req, res, done)).catch((error: unknown) => {
      const code = isPortcullisError(error) ? error.code : 'internal';
      publish(CHANNELS.error, () => ({ code, where: 'http' }));
      try {
        onError?.(error, req);
      } catch {
        // A failing logger must not take the response down with it.
      }
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const status = ERROR_CODES[code].httpStatus;
      // Only client errors explain themselves; a 5xx message could name internals.
      const message =
        isPortcullisError(error) && status < 500
          ? error.message
          : (STATUS_CODES[status] ?? 'Error');
      sendJson(res, status, { error: { code, message, requestId: getRequestId(req) } });
    });
  };
}

import type { IncomingMessage, ServerResponse } from 'node:http';

/** A plain node:http request handler, as passed to `http.createServer()`. */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

/**
 * A node:http middleware: do something before and/or after `next()`, or answer
 * the request yourself and not call `next()` at all.
 */
export type HttpMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: () => Promise<void>,
) => unknown;

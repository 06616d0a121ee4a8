import { invalidOption } from '../errors/portcullis-error';
import { pathOf, sendJson } from './response';
import type { HttpHandler, HttpMiddleware } from './types';

/** Handlers by exact path, then by method: `{ '/metrics': { GET: metricsHandler } }`. */
export type HttpRouteTable = Readonly<Record<string, Readonly<Record<string, HttpHandler>>>>;

const METHOD = /^[A-Z]+$/;

/**
 * Dispatches by exact path (query ignored) and method. A known path with
 * another method answers 405 with `Allow` (HEAD is allowed wherever GET is,
 * as node drops the body); unknown paths go to `next`, so the pipeline's 404
 * applies.
 *
 * @example
 * ```ts
 * const routes = httpRoutes({ '/telegram/webhook': { POST: webhook }, '/metrics': { GET: metrics } });
 * createServer(createHttpPipeline([requestId(), securityHeaders(), health, routes]));
 * ```
 */
export function httpRoutes(table: HttpRouteTable): HttpMiddleware {
  if (typeof table !== 'object' || table === null) throw invalidOption('table', 'an object', table);
  const routes = new Map<string, Map<string, HttpHandler>>();
  for (const [path, methods] of Object.entries(table)) {
    if (!path.startsWith('/')) throw invalidOption('table', 'paths starting with "/"', path);
    const byMethod = new Map<string, HttpHandler>();
    for (const [method, handler] of Object.entries(methods ?? {})) {
      if (!METHOD.test(method))
        throw invalidOption(`table["${path}"]`, 'upper-case method names', method);
      if (typeof handler !== 'function') {
        throw invalidOption(`table["${path}"].${method}`, 'a function', handler);
      }
      byMethod.set(method, handler);
    }
    const get = byMethod.get('GET');
    if (get !== undefined && !byMethod.has('HEAD')) byMethod.set('HEAD', get);
    routes.set(path, byMethod);
  }
  return function httpRoutesMiddleware(req, res, next) {
    const path = pathOf(req.url);
    const byMethod = routes.get(path);
    if (byMethod === undefined) return next();
    const handler = byMethod.get(req.method ?? 'GET');
    if (handler === undefined) {
      const allow = [...byMethod.keys()].join(', ');
      sendJson(
        res,
        405,
        { error: { code: 'method_not_allowed', message: `Use ${allow}` } },
        { allow },
      );
      return;
    }
    return handler(req, res);
  };
}

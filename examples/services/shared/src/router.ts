import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { HttpError } from './errors';

/** What a route handler receives. */
export interface RouteContext {
  /** Path parameters (`/v1/users/:id` → `{ id }`), URL-decoded. */
  readonly params: Readonly<Record<string, string>>;
  /** The query string. */
  readonly query: URLSearchParams;
  /** The verified raw body. */
  readonly rawBody: Buffer;
  /** The key id the caller signed with. */
  readonly keyId: string;
  /** The caller's `X-Request-Id` (or the one generated for it). */
  readonly requestId: string | undefined;
  /** The request itself, for headers. */
  readonly req: IncomingMessage;
  /** Parses the JSON body with a zod schema; 400 with the issues otherwise. */
  json<T>(schema: z.ZodType<T>): T;
}

/** A route's answer: a status and a JSON body. */
export interface RouteResult {
  readonly status: number;
  readonly body: unknown;
}

/** One route: method, path pattern with `:params`, handler. */
export interface Route {
  readonly method: string;
  readonly pattern: string;
  readonly handler: (context: RouteContext) => RouteResult | Promise<RouteResult>;
}

/** Declares a route. */
export function route(method: string, pattern: string, handler: Route['handler']): Route {
  return { method: method.toUpperCase(), pattern, handler };
}

interface CompiledRoute extends Route {
  readonly regex: RegExp;
  readonly names: readonly string[];
}

/** Finds the route for a method and path: the route and its params, 404 or 405. */
export function createRouter(routes: readonly Route[]) {
  const compiled: CompiledRoute[] = routes.map((entry) => {
    const names: string[] = [];
    const source = entry.pattern
      .split('/')
      .map((segment) => {
        if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(segment.slice(1));
        return '([^/]+)';
      })
      .join('/');
    return { ...entry, regex: new RegExp(`^${source}$`), names };
  });
  return function match(
    method: string,
    path: string,
  ): { route: Route; params: Record<string, string> } {
    let pathMatched = false;
    for (const candidate of compiled) {
      const found = candidate.regex.exec(path);
      if (found === null) continue;
      pathMatched = true;
      if (candidate.method !== method) continue;
      const params: Record<string, string> = {};
      candidate.names.forEach((name, index) => {
        try {
          params[name] = decodeURIComponent(found[index + 1]!);
        } catch {
          throw new HttpError(400, 'bad_path', 'The path is not valid percent-encoding');
        }
      });
      return { route: candidate, params };
    }
    if (pathMatched)
      throw new HttpError(405, 'method_not_allowed', `${method} is not allowed here`);
    throw new HttpError(404, 'not_found', 'No such route');
  };
}

/** Parses a JSON body with a schema, turning problems into a 400 that names each field. */
export function parseJson<T>(schema: z.ZodType<T>, body: Buffer): T {
  let data: unknown;
  try {
    data = body.byteLength === 0 ? undefined : JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid_json', 'The body is not valid JSON');
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      path: issue.path.join('.'),
      message: issue.message,
    }));
    throw new HttpError(400, 'validation_failed', 'The body is not valid', issues);
  }
  return parsed.data;
}

import type { ServerResponse } from 'node:http';

/**
 * Answers with a JSON body, `Content-Type: application/json; charset=utf-8`,
 * `Content-Length` and `Cache-Control: no-store`. Does nothing when the
 * response has already been sent.
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (res.headersSent || res.writableEnded) return;
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.setHeader('cache-control', 'no-store');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(text);
}

/** Adds `value` to a comma-separated header (`Vary`) unless it is already there. */
export function appendHeaderToken(res: ServerResponse, name: string, value: string): void {
  const current = res.getHeader(name);
  if (current === undefined) {
    res.setHeader(name, value);
    return;
  }
  const tokens = (Array.isArray(current) ? current.join(',') : String(current ?? ''))
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token !== '');
  if (tokens.some((token) => token.toLowerCase() === value.toLowerCase() || token === '*')) return;
  res.setHeader(name, [...tokens, value].join(', '));
}

/**
 * Runs `hook` right before the status line and headers are written, whether
 * the handler calls `writeHead()` itself or node does it on the first
 * `write()`/`end()` — the last moment a header can still be changed. Headers
 * passed to `writeHead()` directly are filtered through `dropHeader` too.
 */
export function beforeHeadersSent(
  res: ServerResponse,
  hook: () => void,
  dropHeader: (lowerCaseName: string) => boolean = () => false,
): void {
  const original = res.writeHead as (...args: unknown[]) => ServerResponse;
  let ran = false;
  res.writeHead = function writeHeadWithHook(this: ServerResponse, ...args: unknown[]) {
    if (!ran) {
      ran = true;
      hook();
    }
    const last = args.length - 1;
    if (last >= 1 && typeof args[last] === 'object' && args[last] !== null) {
      args[last] = filterHeaders(args[last] as object, dropHeader);
    }
    return original.apply(this, args);
  } as typeof res.writeHead;
}

function filterHeaders(headers: object, drop: (name: string) => boolean): object {
  if (!Array.isArray(headers)) {
    return Object.fromEntries(
      Object.entries(headers).filter(([name]) => !drop(name.toLowerCase())),
    );
  }
  if (headers.every((entry) => Array.isArray(entry))) {
    return headers.filter((entry) => !drop(String(entry[0]).toLowerCase()));
  }
  // A flat raw list: [name, value, name, value, …]
  const kept: unknown[] = [];
  for (let index = 0; index + 1 < headers.length; index += 2) {
    if (!drop(String(headers[index]).toLowerCase())) kept.push(headers[index], headers[index + 1]);
  }
  return kept;
}

/** The path of a request target, without the query (no allocation when there is none). */
export function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

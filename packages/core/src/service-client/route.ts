import { invalidOption } from '../errors/portcullis-error';

/** Values of a route's `:params`. */
export type RouteParams = Readonly<Record<string, string | number>>;

/** Query string values; `undefined` and `null` are left out, arrays repeat the key. */
export type QueryParams = Readonly<
  Record<
    string,
    string | number | boolean | null | undefined | readonly (string | number | boolean)[]
  >
>;

type Segment = string | { readonly param: string };

const MAX_CACHED_TEMPLATES = 1000;

/** Compiles route templates such as `/users/:id/requests` once and fills them in. */
export class RouteCompiler {
  readonly #cache = new Map<string, readonly Segment[]>();

  /** The path for `template` with `params` URL-encoded and `query` appended. */
  build(template: string, params: RouteParams | undefined, query: QueryParams | undefined): string {
    let path = '';
    for (const segment of this.#compile(template)) {
      if (typeof segment === 'string') {
        path += segment;
        continue;
      }
      const value = params?.[segment.param];
      if (value === undefined || value === '') {
        throw invalidOption(`params.${segment.param}`, `a value for route "${template}"`, value);
      }
      path += encodeURIComponent(String(value));
    }
    return query === undefined ? path : path + queryString(query);
  }

  #compile(template: string): readonly Segment[] {
    let segments = this.#cache.get(template);
    if (segments !== undefined) return segments;
    if (typeof template !== 'string' || !template.startsWith('/')) {
      throw invalidOption('route', 'a path template starting with "/"', template);
    }
    segments = template
      .split(/(:[A-Za-z_][A-Za-z0-9_]*)/)
      .filter((part) => part !== '')
      .map((part) => (part.startsWith(':') ? { param: part.slice(1) } : part));
    if (this.#cache.size >= MAX_CACHED_TEMPLATES) this.#cache.clear();
    this.#cache.set(template, segments);
    return segments;
  }
}

function queryString(query: QueryParams): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value) search.append(key, String(item));
    else search.append(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

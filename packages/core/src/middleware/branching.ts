import { invalidOption } from '../errors/portcullis-error';
import { compose } from './compose';
import type { ComposedMiddleware, Middleware, MiddlewareLike, NextFunction } from './types';

/** A sync or async yes/no question about a context. */
export type Predicate<C> = (ctx: C) => boolean | Promise<boolean>;

function ensureFunction(name: string, value: unknown): void {
  if (typeof value !== 'function') throw invalidOption(name, 'a function', typeof value);
}

function isPromise(value: unknown): value is Promise<unknown> {
  return value instanceof Promise;
}

/**
 * Runs `middleware` only when `predicate` holds, otherwise skips to `next`.
 * A type-guard predicate narrows the context the middleware sees.
 *
 * @example
 * ```ts
 * filter((ctx): ctx is Ctx & { text: string } => ctx.text !== undefined, async (ctx) => {
 *   ctx.text.toUpperCase(); // narrowed
 * });
 * ```
 */
export function filter<C, D extends C>(
  predicate: (ctx: C) => ctx is D,
  ...middleware: MiddlewareLike<D>[]
): Middleware<C>;
export function filter<C>(
  predicate: Predicate<C>,
  ...middleware: MiddlewareLike<C>[]
): Middleware<C>;
export function filter<C>(
  predicate: Predicate<C>,
  ...middleware: MiddlewareLike<C>[]
): Middleware<C> {
  ensureFunction('predicate', predicate);
  const inner = compose<C>(...middleware);
  return function filter(ctx: C, next: NextFunction): Promise<void> {
    const decision = predicate(ctx);
    if (isPromise(decision)) {
      return decision.then((ok) => (ok ? inner(ctx, next) : next()));
    }
    return decision ? inner(ctx, next) : next();
  };
}

/**
 * Runs `onTrue` when `predicate` holds and `onFalse` otherwise; both continue
 * to `next` when they call it.
 */
export function branch<C, D extends C>(
  predicate: (ctx: C) => ctx is D,
  onTrue: MiddlewareLike<D>,
  onFalse: MiddlewareLike<C>,
): Middleware<C>;
export function branch<C>(
  predicate: Predicate<C>,
  onTrue: MiddlewareLike<C>,
  onFalse: MiddlewareLike<C>,
): Middleware<C>;
export function branch<C>(
  predicate: Predicate<C>,
  onTrue: MiddlewareLike<C>,
  onFalse: MiddlewareLike<C>,
): Middleware<C> {
  ensureFunction('predicate', predicate);
  const whenTrue = compose<C>(onTrue);
  const whenFalse = compose<C>(onFalse);
  return function branch(ctx: C, next: NextFunction): Promise<void> {
    const decision = predicate(ctx);
    if (isPromise(decision)) {
      return decision.then((ok) => (ok ? whenTrue(ctx, next) : whenFalse(ctx, next)));
    }
    return decision ? whenTrue(ctx, next) : whenFalse(ctx, next);
  };
}

/**
 * Picks middleware by a key computed from the context (a command name, an
 * FSM state, a callback action). Unknown or `undefined` keys run `fallback`,
 * or skip to `next` when there is none.
 *
 * @example
 * ```ts
 * route((ctx: Ctx) => ctx.command, { start: onStart, help: onHelp }, onUnknown);
 * ```
 */
export function route<C, K extends string>(
  keyOf: (ctx: C) => K | undefined | Promise<K | undefined>,
  handlers: { readonly [Key in K]?: MiddlewareLike<C> },
  fallback?: MiddlewareLike<C>,
): Middleware<C> {
  ensureFunction('keyOf', keyOf);
  if (typeof handlers !== 'object' || handlers === null) {
    throw invalidOption('handlers', 'an object of middleware by key', handlers);
  }
  // A Map, not the object: keys such as `__proto__` or `constructor` must not
  // reach inherited properties.
  const table = new Map<string, ComposedMiddleware<C>>();
  for (const key of Object.keys(handlers)) {
    const handler = (handlers as Record<string, MiddlewareLike<C> | undefined>)[key];
    if (handler !== undefined) table.set(key, compose<C>(handler));
  }
  const otherwise = fallback === undefined ? undefined : compose<C>(fallback);
  const pick = (ctx: C, next: NextFunction, key: K | undefined): Promise<void> => {
    const handler = (key === undefined ? undefined : table.get(key)) ?? otherwise;
    return handler === undefined ? next() : handler(ctx, next);
  };
  return function route(ctx: C, next: NextFunction): Promise<void> {
    const key = keyOf(ctx);
    return isPromise(key)
      ? key.then((resolved) => pick(ctx, next, resolved))
      : pick(ctx, next, key);
  };
}

/** Calls the rest of the middleware stack; resolves when it finished. */
export type NextFunction = () => Promise<void>;

/**
 * One step of an onion stack: do work, `await next()` to run the rest, do
 * more work afterwards. May be sync or async; the return value is ignored.
 */
export type Middleware<C> = (ctx: C, next: NextFunction) => unknown | Promise<unknown>;

/** A middleware or a (nested) list of them, as `compose()` accepts. */
export type MiddlewareLike<C> = Middleware<C> | readonly MiddlewareLike<C>[];

/** The function `compose()` returns: runs the stack, then `next` when given. */
export type ComposedMiddleware<C> = (ctx: C, next?: NextFunction) => Promise<void>;

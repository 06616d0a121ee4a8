import { invalidOption, isPortcullisError } from '../errors/portcullis-error';
import { CHANNELS, publish } from '../instrumentation/channels';
import { compose } from './compose';
import { rootMiddlewareCause } from './middleware-error';
import type { Middleware, MiddlewareLike, NextFunction } from './types';

/** Turns an error from the guarded middleware into a handled outcome. */
export type ErrorHandler<C> = (error: unknown, ctx: C) => unknown | Promise<unknown>;

/**
 * Runs `middleware` inside a boundary: an error it throws (usually a
 * `MiddlewareError` naming the culprit, the original as `cause`) goes to
 * `handler` instead of propagating, and `CHANNELS.error` gets
 * `{ code, where: 'middleware' }`. Errors of the middleware *after* the
 * boundary (reached through `next()`) are not caught here, as in grammY.
 * An error thrown by `handler` itself propagates.
 *
 * @example
 * ```ts
 * errorBoundary(async (error, ctx) => ctx.reply('Something went wrong'), router);
 * ```
 */
export function errorBoundary<C>(
  handler: ErrorHandler<C>,
  ...middleware: MiddlewareLike<C>[]
): Middleware<C> {
  if (typeof handler !== 'function') {
    throw invalidOption('handler', 'a function', typeof handler);
  }
  const inner = compose<C>(...middleware);
  return async function errorBoundary(ctx: C, next: NextFunction): Promise<void> {
    let downstreamFailed = false;
    let downstreamError: unknown;
    const guardedNext: NextFunction = async () => {
      try {
        await next();
      } catch (error) {
        downstreamFailed = true;
        downstreamError = error;
        throw error;
      }
    };
    try {
      await inner(ctx, guardedNext);
    } catch (error) {
      // The error came from after the boundary (perhaps wrapped on its way back
      // through the guarded middleware): not ours to handle.
      if (downstreamFailed && rootMiddlewareCause(error) === rootMiddlewareCause(downstreamError)) {
        throw downstreamError;
      }
      publish(CHANNELS.error, () => ({
        code: isPortcullisError(error) ? error.code : 'internal',
        where: 'middleware',
      }));
      await handler(error, ctx);
    }
  };
}

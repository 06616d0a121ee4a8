import { describe, expect, it } from 'vitest';
import { CHANNELS, type ErrorEvent, subscribe } from '../instrumentation/channels';
import { compose } from './compose';
import { errorBoundary } from './error-boundary';
import { MiddlewareError } from './middleware-error';

interface Ctx {
  log: string[];
}

describe('errorBoundary', () => {
  it('turns an error of the guarded middleware into a handled outcome and reports it', async () => {
    const events: ErrorEvent[] = [];
    const unsubscribe = subscribe(CHANNELS.error, (event) => events.push(event));
    const seen: unknown[] = [];
    const c: Ctx = { log: [] };
    await compose<Ctx>(
      errorBoundary<Ctx>(
        (error, x) => {
          seen.push(error);
          x.log.push('handled');
        },
        function failing() {
          throw new Error('boom');
        },
      ),
    )(c);
    unsubscribe();
    expect(c.log).toEqual(['handled']);
    expect(seen[0]).toBeInstanceOf(MiddlewareError);
    expect(seen[0]).toMatchObject({ middlewareName: 'failing' });
    expect(events).toEqual([{ code: 'middleware_failed', where: 'middleware' }]);
  });

  it('does not catch errors of middleware after the boundary', async () => {
    let handled = 0;
    const run = compose<Ctx>(
      errorBoundary<Ctx>(
        () => {
          handled++;
        },
        async (_c, next) => {
          await next();
        },
      ),
      function after() {
        throw new Error('downstream');
      },
    );
    await expect(run({ log: [] })).rejects.toMatchObject({ middlewareName: 'after' });
    expect(handled).toBe(0);
  });

  it('lets an error thrown by the handler itself propagate', async () => {
    const run = errorBoundary<Ctx>(
      () => {
        throw new Error('handler broke');
      },
      () => {
        throw new Error('first');
      },
    );
    await expect(run({ log: [] }, async () => undefined)).rejects.toThrow('handler broke');
  });

  it('continues to next when the guarded middleware succeeds', async () => {
    const c: Ctx = { log: [] };
    await compose<Ctx>(
      errorBoundary<Ctx>(
        () => undefined,
        (_c, next) => next(),
      ),
      (x) => {
        x.log.push('after');
      },
    )(c);
    expect(c.log).toEqual(['after']);
  });
});

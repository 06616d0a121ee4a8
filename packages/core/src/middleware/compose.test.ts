import { describe, expect, it } from 'vitest';
import { PortcullisError } from '../errors/portcullis-error';
import { CHANNELS, type MiddlewareEvent, subscribe } from '../instrumentation/channels';
import { compose, named, passThrough } from './compose';
import { MiddlewareError, rootMiddlewareCause } from './middleware-error';
import type { Middleware } from './types';

interface Ctx {
  log: string[];
}

const ctx = (): Ctx => ({ log: [] });

describe('compose', () => {
  it('runs middleware as an onion: before next in order, after next in reverse', async () => {
    const step =
      (name: string): Middleware<Ctx> =>
      async (c, next) => {
        c.log.push(`${name}>`);
        await next();
        c.log.push(`<${name}`);
      };
    const c = ctx();
    await compose(step('a'), [step('b'), [step('c')]])(c);
    expect(c.log).toEqual(['a>', 'b>', 'c>', '<c', '<b', '<a']);
  });

  it('calls the outer next after the last middleware, and not when one stops the chain', async () => {
    const c = ctx();
    let outer = 0;
    await compose<Ctx>(passThrough, (_x, next) => next())(c, async () => {
      outer++;
    });
    await compose<Ctx>(() => undefined)(c, async () => {
      outer += 10;
    });
    expect(outer).toBe(1);
  });

  it('accepts sync middleware and an empty stack', async () => {
    const c = ctx();
    await compose<Ctx>((x) => {
      x.log.push('sync');
    })(c);
    await compose<Ctx>()(c);
    expect(c.log).toEqual(['sync']);
  });

  it('rejects a second next() call with next_called_twice naming the middleware', async () => {
    const twice = async function twice(_c: Ctx, next: () => Promise<void>) {
      await next();
      await next();
    };
    const error = await compose<Ctx>(twice, passThrough)(ctx()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MiddlewareError);
    expect(error).toMatchObject({ code: 'next_called_twice', middlewareName: 'twice' });
    expect((error as Error).message).toMatchInlineSnapshot(
      `"Middleware \`twice\` called next() more than once; expected at most one call"`,
    );
  });

  it('wraps a thrown error once, naming the innermost failing middleware, with the original as cause', async () => {
    const boom = new Error('backend down');
    async function outer(_c: Ctx, next: () => Promise<void>) {
      await next();
    }
    function loadUser(): never {
      throw boom;
    }
    const error = await compose<Ctx>(
      outer,
      compose<Ctx>(passThrough, loadUser),
    )(ctx()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MiddlewareError);
    expect(error).toMatchObject({ code: 'middleware_failed', middlewareName: 'loadUser' });
    expect((error as Error).cause).toBe(boom);
    expect(rootMiddlewareCause(error)).toBe(boom);
    expect((error as Error).message).toMatchInlineSnapshot(
      `"Middleware \`loadUser\` failed: Error: backend down"`,
    );
  });

  it('names async rejections and anonymous middleware too', async () => {
    const error = await compose<Ctx>(async () => {
      throw new Error('x');
    })(ctx()).catch((e: unknown) => e);
    expect(error).toMatchObject({ middlewareName: '<anonymous>' });
    const namedError = await compose<Ctx>(
      named('checkAccess', async () => Promise.reject(new Error('denied'))),
    )(ctx()).catch((e: unknown) => e);
    expect(namedError).toMatchObject({ middlewareName: 'checkAccess' });
  });

  it('keeps the HTTP status and retryability of a Portcullis cause', async () => {
    const error = await compose<Ctx>(function limit() {
      throw new PortcullisError('rate_limited', 'slow down');
    })(ctx()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'middleware_failed', httpStatus: 429, retryable: true });
  });

  it('rejects non-function middleware at composition time', () => {
    expect(() => compose<Ctx>(42 as unknown as Middleware<Ctx>)).toThrow(TypeError);
    expect(() => named('', passThrough)).toThrowErrorMatchingInlineSnapshot(
      `[TypeError: Expected \`name\` to be a non-empty string, got ""]`,
    );
  });

  it('publishes the duration and outcome of each named middleware only while someone listens', async () => {
    const events: MiddlewareEvent[] = [];
    async function auth(_c: Ctx, next: () => Promise<void>) {
      await next();
    }
    function reply() {
      throw new Error('fail');
    }
    const run = compose<Ctx>(auth, (_c, next) => next(), reply);
    await run(ctx()).catch(() => undefined);
    const unsubscribe = subscribe(CHANNELS.middleware, (event) => events.push(event));
    await run(ctx()).catch(() => undefined);
    unsubscribe();
    await run(ctx()).catch(() => undefined);
    expect(events.map((e) => [e.name, e.outcome])).toEqual([
      ['reply', 'error'],
      ['auth', 'error'],
    ]);
    for (const event of events) expect(event.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('runs the same composed stack concurrently for independent contexts', async () => {
    const run = compose<Ctx>(
      async (c, next) => {
        c.log.push('a');
        await Promise.resolve();
        await next();
      },
      (c) => {
        c.log.push('b');
      },
    );
    const contexts = Array.from({ length: 20 }, ctx);
    await Promise.all(contexts.map((c) => run(c)));
    for (const c of contexts) expect(c.log).toEqual(['a', 'b']);
  });
});

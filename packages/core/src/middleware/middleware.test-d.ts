import { expectTypeOf, test } from 'vitest';
import { branch, filter, route } from './branching';
import { compose } from './compose';
import type { Middleware, NextFunction } from './types';

interface Ctx {
  text?: string;
  state: 'a' | 'b';
}

test('compose returns a middleware-compatible function', () => {
  const run = compose<Ctx>((_ctx, next) => next(), [(_ctx) => undefined]);
  expectTypeOf(run).toEqualTypeOf<(ctx: Ctx, next?: NextFunction) => Promise<void>>();
  expectTypeOf(run).toExtend<Middleware<Ctx>>();
});

test('filter narrows the context with a type guard', () => {
  filter(
    (ctx: Ctx): ctx is Ctx & { text: string } => ctx.text !== undefined,
    (ctx) => {
      expectTypeOf(ctx.text).toEqualTypeOf<string>();
    },
  );
  branch(
    (ctx: Ctx): ctx is Ctx & { text: string } => ctx.text !== undefined,
    (ctx) => {
      expectTypeOf(ctx.text).toEqualTypeOf<string>();
    },
    (ctx) => {
      expectTypeOf(ctx.text).toEqualTypeOf<string | undefined>();
    },
  );
});

test('route only accepts handlers for keys the key function can return', () => {
  route((ctx: Ctx) => ctx.state, { a: () => undefined });
  // @ts-expect-error `c` is not a state
  route((ctx: Ctx) => ctx.state, { c: () => undefined });
});

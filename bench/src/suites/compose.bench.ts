import { CHANNELS, compose, type Middleware, subscribe } from '@portcullis/core';
import { Composer } from 'grammy';
import type { BenchSuite } from '../harness';

interface BenchUpdate {
  readonly update_id: number;
  readonly message?: { readonly text: string; readonly chat: { readonly id: number } };
  readonly callback_query?: { readonly data: string };
}

interface BenchContext {
  readonly update: BenchUpdate;
  requestId: number;
  chatId: number | undefined;
  handled: number;
}

// One stream both dispatchers consume: messages, callbacks, and updates the filter drops.
const stream: BenchUpdate[] = Array.from({ length: 256 }, (_, i) => {
  if (i % 4 === 3) return { update_id: i, callback_query: { data: `page:${i}` } };
  if (i % 8 === 5) return { update_id: i };
  return { update_id: i, message: { text: `/start ${i}`, chat: { id: i % 17 } } };
});

let cursor = 0;
let requestIds = 0;
let handledTotal = 0;
const nextContext = (): BenchContext => {
  cursor = (cursor + 1) & 255;
  return { update: stream[cursor]!, requestId: 0, chatId: undefined, handled: 0 };
};

// The same five middleware functions for both dispatchers.
const five: Middleware<BenchContext>[] = [
  async function requestId(ctx, next) {
    ctx.requestId = ++requestIds;
    await next();
  },
  async function dropEmpty(ctx, next) {
    if (ctx.update.message === undefined && ctx.update.callback_query === undefined) return;
    await next();
  },
  async function chat(ctx, next) {
    ctx.chatId = ctx.update.message?.chat.id;
    await next();
  },
  async function count(ctx, next) {
    await next();
    handledTotal += ctx.handled;
  },
  function reply(ctx) {
    ctx.handled++;
  },
];

const portcullis = compose<BenchContext>(five);
const grammyComposer = new Composer<never>();
for (const fn of five) grammyComposer.use(fn as never);
const grammy = grammyComposer.middleware() as unknown as (
  ctx: BenchContext,
  next: () => Promise<void>,
) => Promise<void>;
const leaf = () => Promise.resolve();
let unsubscribe: (() => void) | undefined;

/**
 * Issue 4's goal: dispatching an update through `compose()` with five
 * middleware is at least as fast as grammY's `Composer` on the same update
 * stream and the same middleware functions.
 */
export const composeDispatch: BenchSuite = {
  title: 'Middleware dispatch: compose() vs grammY Composer, 5 middleware',
  reference: 'grammY Composer',
  // Many short interleaved rounds: the median survives a loaded, shared machine.
  rounds: 21,
  roundMs: 200,
  note: 'Goal: `compose()` at least as fast as grammY Composer (ratio ≥ 1.00). Updates/s, one update in flight, nobody subscribed to instrumentation.',
  cases: [
    { name: 'grammY Composer', fn: () => grammy(nextContext(), leaf) },
    { name: 'portcullis compose()', fn: () => portcullis(nextContext(), leaf) },
  ],
};

/**
 * What per-middleware timing costs: a `CHANNELS.middleware` subscriber is
 * active for the whole suite (setup is per suite), so every named middleware
 * is timed and published; grammY has no such instrumentation.
 */
export const composeDispatchTimed: BenchSuite = {
  title: 'Middleware dispatch with a CHANNELS.middleware subscriber, 5 middleware',
  reference: 'grammY Composer',
  note: 'Informational: the price of per-middleware timing when metrics listen (grammY publishes nothing).',
  cases: [
    {
      name: 'grammY Composer',
      setup: () => {
        unsubscribe = subscribe(CHANNELS.middleware, () => undefined);
      },
      fn: () => grammy(nextContext(), leaf),
      teardown: () => unsubscribe?.(),
    },
    { name: 'portcullis compose() timed', fn: () => portcullis(nextContext(), leaf) },
  ],
};

/** Keeps the work observable so nothing is optimised away. */
export function composeSink(): number {
  return handledTotal;
}

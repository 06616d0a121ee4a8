import { CHANNELS, compose, type Middleware, type MiddlewareLike, publish } from '@portcullis/core';
import type { UpdateType } from '../updates/update-type';
import type { Context } from './context';

/** A middleware plus the update types it needs (for `allowed_updates`). */
export interface Route<C extends Context = Context> {
  readonly middleware: Middleware<C>;
  readonly updateTypes: readonly UpdateType[];
}

const COMMAND_NAME = /^[a-z0-9_]{1,32}$/i;

/**
 * Runs `middleware` for the commands `names` (`/name`, `/name@ThisBot`),
 * parsed from a `bot_command` entity at offset 0. `ctx.command` has the args
 * and the `/start` payload; `ctx.match` the args.
 */
export function command<C extends Context>(
  names: string | readonly string[],
  ...middleware: MiddlewareLike<C>[]
): Route<C> {
  const list = typeof names === 'string' ? [names] : [...names];
  for (const name of list)
    if (!COMMAND_NAME.test(name))
      throw new TypeError(
        `Expected a command name of 1–32 letters, digits or _, got ${JSON.stringify(name)}`,
      );
  const wanted = new Set(list);
  const inner = compose<C>(...middleware);
  return {
    updateTypes: ['message'],
    middleware: function command(ctx, next) {
      const parsed = ctx.command;
      if (parsed === undefined || !wanted.has(parsed.name)) return next();
      ctx.match = parsed.args;
      publish(CHANNELS.routeMatched, () => ({ kind: 'command', name: parsed.name }));
      return inner(ctx, next);
    },
  };
}

/**
 * Runs `middleware` for callback queries whose data equals `data` (or matches
 * the regex; `ctx.match` holds the match). When nothing answered the query by
 * the time `middleware` finished, it is answered without text, so the
 * client's spinner stops.
 */
export function callback<C extends Context>(
  data: string | RegExp,
  ...middleware: MiddlewareLike<C>[]
): Route<C> {
  const inner = compose<C>(...middleware);
  const name = typeof data === 'string' ? data : data.source;
  return {
    updateTypes: ['callback_query'],
    middleware: function callback(ctx, next) {
      const value = ctx.update.callback_query?.data;
      if (value === undefined) return next();
      let match: RegExpExecArray | string | null;
      if (typeof data === 'string') match = value === data ? value : null;
      else {
        data.lastIndex = 0;
        match = data.exec(value);
      }
      if (match === null) return next();
      ctx.match = match;
      publish(CHANNELS.routeMatched, () => ({ kind: 'callback', name }));
      const answer = () =>
        ctx.callbackAnswered ? undefined : ctx.answerCallbackQuery().catch(reportAnswerFailure);
      return inner(ctx, next).then(answer, async (error: unknown) => {
        await answer();
        throw error;
      });
    },
  };
}

/** Answering late ("query is too old") must not fail the update. */
export function reportAnswerFailure(): void {
  publish(CHANNELS.error, { code: 'telegram_api', where: 'callback_answer' });
}

/** Runs `middleware` for message text (or caption) equal to `text` or matching the regex. */
export function hears<C extends Context>(
  text: string | RegExp,
  ...middleware: MiddlewareLike<C>[]
): Route<C> {
  const inner = compose<C>(...middleware);
  return {
    updateTypes: ['message'],
    middleware: function hears(ctx, next) {
      const value = ctx.update.message?.text ?? ctx.update.message?.caption;
      if (value === undefined) return next();
      let match: RegExpExecArray | string | null;
      if (typeof text === 'string') match = value === text ? value : null;
      else {
        text.lastIndex = 0;
        match = text.exec(value);
      }
      if (match === null) return next();
      ctx.match = match;
      publish(CHANNELS.routeMatched, () => ({
        kind: 'text',
        name: typeof text === 'string' ? 'text' : text.source,
      }));
      return inner(ctx, next);
    },
  };
}

/** Runs `middleware` for updates of the given types. */
export function on<C extends Context>(
  types: UpdateType | readonly UpdateType[],
  ...middleware: MiddlewareLike<C>[]
): Route<C> {
  const list: readonly UpdateType[] = typeof types === 'string' ? [types] : types;
  const inner = compose<C>(...middleware);
  return {
    updateTypes: list,
    middleware: function on(ctx, next) {
      for (const type of list) if (ctx.update[type] !== undefined) return inner(ctx, next);
      return next();
    },
  };
}

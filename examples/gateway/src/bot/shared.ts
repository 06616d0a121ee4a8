import { randomUUID } from 'node:crypto';
import type { Context, ReplyExtra } from '@portcullis/telegram-adapter';
import { TelegramApiError } from '@portcullis/telegram-adapter';
import type { CallContext } from '../backends';

/** Replies of the reference bot are HTML. */
export const HTML = { parse_mode: 'HTML' } as const satisfies ReplyExtra;

/** Removes the reply keyboard (the contact button) with a message. */
export const REMOVE_KEYBOARD = {
  parse_mode: 'HTML',
  reply_markup: { remove_keyboard: true },
} as const satisfies ReplyExtra;

const REQUEST_ID = 'requestId';

/** Gives the update a request id (propagated to every backend call as `X-Request-Id`). */
export function assignRequestId(ctx: Context): string {
  const id = randomUUID();
  ctx.state[REQUEST_ID] = id;
  return id;
}

/** What every backend call of this update carries: its request id and deadline. */
export function callOf(ctx: Context): CallContext {
  const requestId = ctx.state[REQUEST_ID];
  return { ...(typeof requestId === 'string' ? { requestId } : {}), signal: ctx.signal };
}

/** The Telegram user id of the update (routes only run for updates with a user). */
export function userIdOf(ctx: Context): number {
  const id = ctx.from?.id;
  if (id === undefined) throw new TypeError('This handler needs an update with a user');
  return id;
}

/** Edits the callback's message; a double tap ("message is not modified") is not an error. */
export async function editText(
  ctx: Context,
  text: string,
  extra: Parameters<Context['editMessageText']>[1] = {},
): Promise<void> {
  try {
    await ctx.editMessageText(text, { ...HTML, ...extra });
  } catch (error) {
    if (error instanceof TelegramApiError && /not modified/i.test(error.description)) return;
    throw error;
  }
}

/** Splits buttons into rows of `size`. */
export function rows<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

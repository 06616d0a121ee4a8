import { decodeCallbackData, encodeCallbackData } from '@portcullis/core';
import { type Context, callback, command, type Route } from '@portcullis/telegram-adapter';
import type { Backends } from '../backends';
import { messages } from '../messages';
import { callOf, editText, HTML, userIdOf } from './shared';

/** Requests per page of `/myrequests`. */
export const PAGE_SIZE = 5;

/** `/myrequests`: the user's requests, newest first, 5 per page, prev/next buttons edit the message. */
export function myRequestsRoutes(backends: Backends): Route[] {
  async function render(ctx: Context, requestedOffset: number) {
    const telegramId = userIdOf(ctx);
    let offset = requestedOffset;
    let page = await backends.listRequests({ telegramId, limit: PAGE_SIZE, offset }, callOf(ctx));
    if (page.items.length === 0 && page.total > 0) {
      // The list shrank since the buttons were drawn: show the last page instead.
      offset = Math.floor((page.total - 1) / PAGE_SIZE) * PAGE_SIZE;
      page = await backends.listRequests({ telegramId, limit: PAGE_SIZE, offset }, callOf(ctx));
    }
    if (page.total === 0) return { text: messages.noRequests, buttons: [] };
    const buttons = [];
    if (offset > 0)
      buttons.push({
        text: messages.previous,
        callback_data: encodeCallbackData('my.page', [Math.max(0, offset - PAGE_SIZE)]),
      });
    if (offset + page.items.length < page.total)
      buttons.push({
        text: messages.next,
        callback_data: encodeCallbackData('my.page', [offset + PAGE_SIZE]),
      });
    return { text: messages.requestPage(page.items, offset, page.total), buttons };
  }

  const list = command('myrequests', async function myRequests(ctx) {
    const { text, buttons } = await render(ctx, 0);
    await ctx.reply(text, {
      ...HTML,
      ...(buttons.length > 0 ? { reply_markup: { inline_keyboard: [buttons] } } : {}),
    });
  });

  const page = callback(/^my\.page:\d{1,6}$/, async function myRequestsPage(ctx) {
    const offset = Number(decodeCallbackData(ctx.callbackQuery?.data).args[0]);
    const { text, buttons } = await render(ctx, offset);
    await ctx.answerCallbackQuery();
    await editText(ctx, text, { reply_markup: { inline_keyboard: [buttons] } });
  });

  return [list, page];
}

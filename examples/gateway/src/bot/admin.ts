import {
  CHANNELS,
  decodeCallbackData,
  encodeCallbackData,
  publish,
  ServiceError,
} from '@portcullis/core';
import { type Context, callback, command, type Route } from '@portcullis/telegram-adapter';
import type { Backends } from '../backends';
import { messages } from '../messages';
import { callOf, editText, HTML, userIdOf } from './shared';

/** Pending requests shown at once by `/admin`. */
const PENDING_SHOWN = 5;

/**
 * `/admin`: for users both in the gateway's allow-list and admin-service,
 * the pending requests with approve/reject buttons. A decision goes to
 * request-service, is audited in admin-service and published as
 * `admin_action`; the list is redrawn.
 */
export function adminRoutes(backends: Backends, adminIds: readonly number[]): Route[] {
  const allowed = new Set(adminIds);
  const isAdmin = async (ctx: Context) => {
    const id = userIdOf(ctx);
    return allowed.has(id) && (await backends.isAdmin(id, callOf(ctx)));
  };

  async function pendingView(ctx: Context, note?: string) {
    const page = await backends.listRequests(
      { status: 'pending', limit: PENDING_SHOWN, offset: 0 },
      callOf(ctx),
    );
    if (page.items.length === 0)
      return { text: note ? `${note}\n\n${messages.noPending}` : messages.noPending, keyboard: [] };
    const keyboard = page.items.map((r) => [
      { text: `✅ ${r.id}`, callback_data: encodeCallbackData('adm.ok', [r.id]) },
      { text: `❌ ${r.id}`, callback_data: encodeCallbackData('adm.no', [r.id]) },
    ]);
    return { text: messages.pending(page.items, page.total, note), keyboard };
  }

  const admin = command('admin', async function admin(ctx) {
    if (!(await isAdmin(ctx))) return void (await ctx.reply(messages.notAdmin, HTML));
    const { text, keyboard } = await pendingView(ctx);
    await ctx.reply(text, {
      ...HTML,
      ...(keyboard.length > 0 ? { reply_markup: { inline_keyboard: keyboard } } : {}),
    });
  });

  const decide = callback(/^adm\.(ok|no):/, async function decide(ctx) {
    if (!(await isAdmin(ctx)))
      return ctx.answerCallbackQuery({ text: 'Administrators only.', show_alert: true });
    let id: string | undefined;
    try {
      id = decodeCallbackData(ctx.callbackQuery?.data).args[0];
    } catch {
      id = undefined;
    }
    if (id === undefined) return ctx.answerCallbackQuery({ text: messages.buttonExpired });
    const decision = (ctx.match as RegExpExecArray)[1] === 'ok' ? 'approve' : 'reject';
    const actor = userIdOf(ctx);
    let note: string;
    try {
      await backends.decideRequest(id, decision, actor, callOf(ctx));
      await backends.audit(
        { actorTelegramId: actor, action: decision, targetType: 'service_request', targetId: id },
        callOf(ctx),
      );
      publish(CHANNELS.business, { name: 'admin_action', kind: decision });
      note = messages.decided(id, decision);
      await ctx.answerCallbackQuery({ text: decision === 'approve' ? 'Approved' : 'Rejected' });
    } catch (error) {
      if (!(error instanceof ServiceError && (error.status === 409 || error.status === 404)))
        throw error;
      note = messages.alreadyDecided;
      await ctx.answerCallbackQuery({ text: messages.alreadyDecided });
    }
    const { text, keyboard } = await pendingView(ctx, note);
    await editText(ctx, text, { reply_markup: { inline_keyboard: keyboard } });
  });

  return [admin, decide];
}

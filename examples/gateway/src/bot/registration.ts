import { CHANNELS, phoneE164Schema, publish } from '@portcullis/core';
import { command, type Route } from '@portcullis/telegram-adapter';
import type { Backends } from '../backends';
import { messages } from '../messages';
import { callOf, HTML, REMOVE_KEYBOARD, userIdOf } from './shared';

/** A contact's phone as E.164: Telegram sends it without `+` from some clients. */
export function contactPhone(raw: string): string | undefined {
  const trimmed = raw.trim();
  const parsed = phoneE164Schema.safeParse(trimmed.startsWith('+') ? trimmed : `+${trimmed}`);
  return parsed.success ? parsed.data : undefined;
}

/**
 * `/start` (with or without a deep-link payload): a registered user is
 * welcomed back; anyone else is asked for their contact with a reply
 * keyboard button. Their own contact registers them in users-service.
 */
export function registrationRoutes(backends: Backends): Route[] {
  const start = command('start', async function start(ctx) {
    const userId = userIdOf(ctx);
    const user = await backends.findUser(userId, callOf(ctx));
    if (user !== undefined) {
      await ctx.reply(messages.welcomeBack(user.name), REMOVE_KEYBOARD);
      return;
    }
    await ctx.reply(messages.welcome(ctx.from?.first_name ?? 'there'), {
      ...HTML,
      reply_markup: {
        keyboard: [[{ text: messages.shareContactButton, request_contact: true }]],
        resize_keyboard: true,
        one_time_keyboard: true,
      },
    });
  });

  const contact: Route = {
    updateTypes: ['message'],
    middleware: async function contact(ctx, next) {
      const shared = ctx.update.message?.contact;
      if (shared === undefined) return next();
      const userId = userIdOf(ctx);
      if (shared.user_id !== userId) {
        await ctx.reply(messages.contactNotYours, HTML);
        return;
      }
      const phone = contactPhone(shared.phone_number);
      if (phone === undefined) {
        await ctx.reply(messages.phoneInvalid, HTML);
        return;
      }
      const name =
        [shared.first_name, shared.last_name].filter(Boolean).join(' ').trim().slice(0, 64) ||
        'User';
      const user = await backends.registerUser({ telegramId: userId, name, phone }, callOf(ctx));
      publish(CHANNELS.business, { name: 'user_registered' });
      await ctx.reply(messages.registered(user.name), REMOVE_KEYBOARD);
    },
  };
  return [start, contact];
}

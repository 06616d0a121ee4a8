import { compose, errorBoundary } from '@portcullis/core';
import type { RateLimiter } from '@portcullis/redis-ratelimit';
import { type Bot, type Context, command, type Route } from '@portcullis/telegram-adapter';
import type { Backends } from '../backends';
import { requestFlow } from '../flows/request-flow';
import { messages } from '../messages';
import { adminRoutes } from './admin';
import { labelThreats, rateLimitUsers, replyToError } from './middleware';
import { myRequestsRoutes } from './my-requests';
import { registrationRoutes } from './registration';
import { requestRoutes } from './request-conversation';
import { assignRequestId, HTML, REMOVE_KEYBOARD } from './shared';
import { shiftsRoutes } from './shifts';

/** What the reference bot needs from the gateway. */
export interface GatewayBotDeps {
  readonly backends: Backends;
  /** Per-user limits: the seed's `messages` (20/min + 100/h, burst +5) for every message, `commands` (5/min, burst +2) for commands. */
  readonly limiters: { readonly messages: RateLimiter; readonly commands: RateLimiter };
  /** Telegram user ids allowed to use /admin (also checked by admin-service). */
  readonly adminIds: readonly number[];
}

/**
 * Registers every middleware and handler of the reference gateway on `bot`:
 * request id → error boundary (friendly replies when a backend is down) →
 * per-user rate limits → threat labels → commands, callbacks and the
 * `/request` conversation.
 */
export function registerGatewayBot(bot: Bot, deps: GatewayBotDeps): void {
  const flow = bot.flow(requestFlow);

  const help = command('help', async function help(ctx) {
    await ctx.reply(messages.help, HTML);
  });
  const cancel = command('cancel', async function cancel(ctx) {
    const active = await flow.cancel(ctx);
    await ctx.reply(active ? messages.cancelled : messages.nothingToCancel, REMOVE_KEYBOARD);
  });

  const routes: Route[] = [
    help,
    cancel,
    ...registrationRoutes(deps.backends),
    ...requestRoutes(flow, deps.backends),
    ...myRequestsRoutes(deps.backends),
    ...shiftsRoutes(deps.backends),
    ...adminRoutes(deps.backends, deps.adminIds),
  ];

  const fallback = async function fallback(ctx: Context) {
    if (ctx.callbackQuery !== undefined)
      return ctx.answerCallbackQuery({ text: messages.buttonExpired });
    if (ctx.update.message === undefined || ctx.chat === undefined) return;
    await ctx.reply(ctx.command !== undefined ? messages.unknownCommand : messages.help, HTML);
  };

  const requestContext = function requestContext(ctx: Context, next: () => Promise<void>) {
    assignRequestId(ctx);
    return next();
  };

  bot.route({
    updateTypes: [...new Set(routes.flatMap((r) => r.updateTypes))],
    middleware: compose<Context>(
      requestContext,
      errorBoundary(
        replyToError,
        rateLimitUsers(deps.limiters),
        labelThreats(),
        ...routes.map((r) => r.middleware),
        fallback,
      ),
    ),
  });
}

import {
  CHANNELS,
  createThreatDetector,
  MapTrimmer,
  type MiddlewareLike,
  publish,
  rootMiddlewareCause,
  ServiceError,
} from '@portcullis/core';
import type { RateLimiter } from '@portcullis/redis-ratelimit';
import type { Context } from '@portcullis/telegram-adapter';
import { messages } from '../messages';
import { HTML } from './shared';

/** `ServiceError` codes that mean "the backend is down", answered with a friendly reply. */
export const UNAVAILABLE_CODES: ReadonlySet<string> = new Set([
  'circuit_open',
  'timeout',
  'network',
  'bulkhead_full',
]);

/** Whether `error` (or the error a middleware wrapped) is a backend being down. */
export function unavailableService(error: unknown): string | undefined {
  const root = rootMiddlewareCause(error);
  return root instanceof ServiceError && UNAVAILABLE_CODES.has(root.code)
    ? root.service
    : undefined;
}

/**
 * The error boundary's handler: a backend that is down gets a friendly
 * "try again in a minute", anything else a generic apology and is rethrown
 * (so the bot's `onError` logs it). Callbacks are always answered.
 */
export async function replyToError(error: unknown, ctx: Context): Promise<void> {
  const service = unavailableService(error);
  const text = service ? messages.serviceUnavailable(service) : messages.somethingWentWrong;
  try {
    if (ctx.callbackQuery !== undefined && !ctx.callbackAnswered) await ctx.answerCallbackQuery();
    if (ctx.chat !== undefined) await ctx.reply(text, HTML);
  } catch {
    // Telegram itself failing must not hide the original error.
    publish(CHANNELS.error, { code: 'telegram_api', where: 'error_reply' });
  }
  if (service === undefined) throw error;
}

/** Limiters of {@link rateLimitUsers}. */
export interface UserLimiters {
  readonly messages: RateLimiter;
  readonly commands: RateLimiter;
}

const MAX_NOTICES = 10_000;

/**
 * Per-user rate limits: every message and callback spends one unit of
 * `messages`, a command one more of `commands`. A limited user is told once
 * per limited period (not once per message), and nothing else runs.
 */
export function rateLimitUsers(
  limiters: UserLimiters,
  now: () => number = () => Date.now(),
): MiddlewareLike<Context> {
  // userId → until when the user has been told to slow down (bounded, oldest dropped first).
  const notifiedUntil = new Map<number, number>();
  const trimmer = new MapTrimmer(notifiedUntil);
  return async function rateLimitUsers(ctx, next) {
    const userId = ctx.from?.id;
    const isMessage = ctx.update.message !== undefined;
    if (userId === undefined || (!isMessage && ctx.callbackQuery === undefined)) return next();
    const key = `user:${userId}`;
    let result = await limiters.messages.consume(key);
    if (result.allowed && isMessage && ctx.command !== undefined)
      result = await limiters.commands.consume(key);
    if (result.allowed) return next();

    const at = now();
    const told = (notifiedUntil.get(userId) ?? 0) > at;
    if (!told) {
      notifiedUntil.delete(userId);
      notifiedUntil.set(userId, at + result.retryAfterMs);
      trimmer.trim(MAX_NOTICES);
    }
    const text = messages.slowDown(result.retryAfterMs);
    if (ctx.callbackQuery !== undefined)
      await ctx.answerCallbackQuery(told ? {} : { text, show_alert: false });
    else if (!told) await ctx.reply(text, HTML);
  };
}

/** Labels text and callback data with core's threat detector (metrics only; nothing is blocked). */
export function labelThreats(): MiddlewareLike<Context> {
  const detect = createThreatDetector();
  return function labelThreats(ctx, next) {
    const text = ctx.text;
    if (text !== undefined) detect(text, 'message_text');
    const data = ctx.callbackQuery?.data;
    if (data !== undefined) detect(data, 'callback_data');
    return next();
  };
}

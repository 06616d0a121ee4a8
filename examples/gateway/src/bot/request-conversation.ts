import { createHash } from 'node:crypto';
import {
  CHANNELS,
  decodeCallbackData,
  encodeCallbackData,
  type Flow,
  publish,
} from '@portcullis/core';
import {
  type BotFlow,
  type Context,
  callback,
  command,
  inState,
  type Route,
} from '@portcullis/telegram-adapter';
import type { Backends } from '../backends';
import {
  REQUEST_CATEGORIES,
  type RequestDraft,
  requestDraftSchema,
  type requestFlow,
  URGENCY_LEVELS,
} from '../flows/request-flow';
import { CATEGORY_LABELS, messages, URGENCY_LABELS } from '../messages';
import { callOf, editText, HTML, rows, userIdOf } from './shared';

/** The `/request` flow bound to the bot's conversation storage. */
export type RequestFlow = BotFlow<RequestFlowSchemas>;
type RequestFlowSchemas = typeof requestFlow extends Flow<infer S> ? S : never;

const categoryKeyboard = {
  inline_keyboard: rows(
    REQUEST_CATEGORIES.map((c) => ({
      text: CATEGORY_LABELS[c] ?? c,
      callback_data: encodeCallbackData('req.cat', [c]),
    })),
    2,
  ),
};
const urgencyKeyboard = {
  inline_keyboard: rows(
    URGENCY_LEVELS.map((u) => ({
      text: URGENCY_LABELS[u] ?? u,
      callback_data: encodeCallbackData('req.urg', [u]),
    })),
    2,
  ),
};
const confirmKeyboard = {
  inline_keyboard: [
    [
      { text: '✅ Confirm', callback_data: encodeCallbackData('req.confirm') },
      { text: '✏️ Edit', callback_data: encodeCallbackData('req.edit') },
      { text: '✖️ Cancel', callback_data: encodeCallbackData('req.cancel') },
    ],
  ],
};

/**
 * The idempotency key of a confirmed request: the same conversation at the
 * same version (a retried or double-tapped confirm) gives the same key, so
 * request-service creates one request.
 */
export function idempotencyKeyOf(conversationKey: string, startedAt: number, version: number) {
  return createHash('sha256')
    .update(`${conversationKey}\n${startedAt}\n${version}`)
    .digest('base64url')
    .slice(0, 32);
}

const argOf = (ctx: Context): string | undefined => {
  try {
    return decodeCallbackData(ctx.callbackQuery?.data).args[0];
  } catch {
    return undefined;
  }
};

const expired = (ctx: Context) => ctx.answerCallbackQuery({ text: messages.buttonExpired });

/** Text of a message in a text step; commands are left to the command routes. */
const plainText = (ctx: Context): string | undefined =>
  ctx.command === undefined ? ctx.update.message?.text : undefined;

/** `/request`: category → description → location → urgency → confirm, then request-service. */
export function requestRoutes(flow: RequestFlow, backends: Backends): Route[] {
  const start = command('request', async function startRequest(ctx) {
    await flow.start(ctx);
    await ctx.reply(messages.askCategory, { ...HTML, reply_markup: categoryKeyboard });
  });

  const chooseCategory = callback(/^req\.cat:/, async function chooseCategory(ctx) {
    const value = argOf(ctx);
    const snapshot = await flow.get(ctx);
    if (snapshot?.state !== 'category' || !REQUEST_CATEGORIES.some((c) => c === value))
      return expired(ctx);
    await flow.send(ctx, 'choose', value);
    await ctx.answerCallbackQuery();
    await editText(ctx, messages.askDescription(value!));
  });

  const description = inState(flow, 'description', async function description(ctx, next) {
    const text = plainText(ctx);
    if (text === undefined) return ctx.command === undefined ? reAsk(ctx) : next();
    const parsed = requestDraftSchema.shape.description.safeParse(text);
    if (!parsed.success) return void (await ctx.reply(messages.invalidDescription, HTML));
    const result = await flow.send(ctx, 'text', parsed.data);
    if (result.outcome !== 'transitioned')
      return void (await ctx.reply(messages.noConversation, HTML));
    await ctx.reply(messages.askLocation, HTML);
  });

  const location = inState(flow, 'location', async function location(ctx, next) {
    const text = plainText(ctx);
    if (text === undefined) return ctx.command === undefined ? reAsk(ctx) : next();
    const parsed = requestDraftSchema.shape.location.safeParse(text);
    if (!parsed.success) return void (await ctx.reply(messages.invalidLocation, HTML));
    const result = await flow.send(ctx, 'text', parsed.data);
    if (result.outcome !== 'transitioned')
      return void (await ctx.reply(messages.noConversation, HTML));
    await ctx.reply(messages.askUrgency, { ...HTML, reply_markup: urgencyKeyboard });
  });

  const waitingForButtons = inState(
    flow,
    ['category', 'urgency', 'confirm'],
    async function waitingForButtons(ctx, next) {
      if (ctx.update.message === undefined || ctx.command !== undefined) return next();
      await ctx.reply(messages.useButtons, HTML);
    },
  );

  const chooseUrgency = callback(/^req\.urg:/, async function chooseUrgency(ctx) {
    const value = argOf(ctx);
    const snapshot = await flow.get(ctx);
    if (snapshot?.state !== 'urgency' || !URGENCY_LEVELS.some((u) => u === value))
      return expired(ctx);
    const result = await flow.send(ctx, 'choose', value);
    if (result.outcome !== 'transitioned' || result.conversation?.state !== 'confirm')
      return expired(ctx);
    await ctx.answerCallbackQuery();
    await editText(ctx, messages.confirmRequest(result.conversation.data as RequestDraft), {
      reply_markup: confirmKeyboard,
    });
  });

  const confirm = callback('req.confirm', async function confirmRequest(ctx) {
    const snapshot = await flow.get(ctx);
    const key = flow.keyOf(ctx);
    if (snapshot?.state !== 'confirm' || key === undefined) return expired(ctx);
    const draft = snapshot.data as RequestDraft;
    const created = await backends.createRequest(
      userIdOf(ctx),
      draft,
      idempotencyKeyOf(key, snapshot.startedAt, snapshot.version),
      callOf(ctx),
    );
    publish(CHANNELS.business, { name: 'request_created', kind: draft.category });
    await flow.send(ctx, 'confirm');
    await ctx.answerCallbackQuery({ text: 'Request created' });
    await editText(ctx, messages.requestCreated(created.id));
  });

  const edit = callback('req.edit', async function editRequest(ctx) {
    const snapshot = await flow.get(ctx);
    if (snapshot?.state !== 'confirm') return expired(ctx);
    await flow.send(ctx, 'edit');
    await ctx.answerCallbackQuery();
    await editText(ctx, messages.askCategory, { reply_markup: categoryKeyboard });
  });

  const cancel = callback('req.cancel', async function cancelRequest(ctx) {
    const active = await flow.cancel(ctx);
    await ctx.answerCallbackQuery();
    await editText(ctx, active ? messages.cancelled : messages.nothingToCancel);
  });

  async function reAsk(ctx: Context): Promise<void> {
    const snapshot = await flow.get(ctx);
    await ctx.reply(
      snapshot?.state === 'location' ? messages.invalidLocation : messages.invalidDescription,
      HTML,
    );
  }

  return [
    start,
    chooseCategory,
    chooseUrgency,
    confirm,
    edit,
    cancel,
    description,
    location,
    waitingForButtons,
  ];
}

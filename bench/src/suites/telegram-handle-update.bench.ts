import { createMemoryConversationStorage, defineFlow } from '@portcullis/core';
import { createBot } from '@portcullis/telegram-adapter';
import { createUpdateFactory } from '@portcullis/telegram-adapter/testing';
import {
  Bot as GrammyBot,
  type Context as GrammyContext,
  type SessionFlavor,
  session,
} from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import type { BenchSuite } from '../harness';

const TOKEN = '123456:BENCH-token';
const botInfo = {
  id: 123456,
  is_bot: true,
  first_name: 'Bench',
  username: 'bench_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
} as UserFromGetMe;

/** 60% text, 25% commands with args, 15% callbacks, over 50 users, in a fixed shuffled order. */
function updateStream(size = 1000): Update[] {
  const factory = createUpdateFactory({ now: () => 1_767_225_600_000 });
  const stream: Update[] = [];
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let i = 0; i < size; i++) {
    const userId = 1000 + (i % 50);
    const pick = random();
    if (pick < 0.6) stream.push(factory.text(`hello number ${i}`, { userId }));
    else if (pick < 0.85) stream.push(factory.command('order', `${i} apples`, { userId }));
    else stream.push(factory.callback(`item:${i % 20}`, { userId }));
  }
  return stream;
}

const stream = updateStream();
let sink = 0;
const noop = (_ctx: unknown, next: () => Promise<void>) => next();

function portcullisCase() {
  const bot = createBot({
    token: TOKEN,
    botInfo,
    // In-process Bot API: every call succeeds without I/O, as grammY's transformer below.
    transport: async () => ({ ok: true, result: true }),
    conversationStorage: createMemoryConversationStorage(),
  });
  const flow = bot.flow(
    defineFlow({
      id: 'order',
      initial: 'awaiting',
      states: { awaiting: { on: { done: 'done' } }, done: { final: true } },
    }),
  );
  // Session/FSM on: load the conversation of every update, as grammY's session() does.
  bot.use((ctx, next) => flow.get(ctx).then(next));
  bot.use(noop, noop, noop);
  bot.command('order', (ctx) => {
    sink += ctx.command!.args.length;
  });
  bot.callback(/^item:(\d+)$/, (ctx) => {
    sink += (ctx.match as RegExpExecArray)[1]!.length;
  });
  bot.on('message', (ctx) => {
    sink += ctx.text?.length ?? 0;
  });
  let i = 0;
  return () => bot.handleUpdate(stream[i++ % stream.length]!);
}

function grammyCase() {
  const bot = new GrammyBot<GrammyContext & SessionFlavor<{ step: string }>>(TOKEN, { botInfo });
  // biome-ignore lint/suspicious/noExplicitAny: an in-process Bot API answering every method
  bot.api.config.use(async () => ({ ok: true, result: true }) as any);
  bot.use(session({ initial: () => ({ step: 'idle' }) }));
  bot.use(noop, noop, noop);
  bot.command('order', (ctx) => {
    sink += String(ctx.match).length;
  });
  bot.callbackQuery(/^item:(\d+)$/, async (ctx) => {
    sink += ctx.match[1]!.length;
    await ctx.answerCallbackQuery();
  });
  bot.on('message', (ctx) => {
    sink += ctx.message.text?.length ?? 0;
  });
  let i = 0;
  return () => bot.handleUpdate(stream[i++ % stream.length]!);
}

/**
 * The goal: Portcullis `handleUpdate` at least 1.5x grammY's on the
 * same in-process stream (60% text, 25% commands with args, 15% callbacks
 * answered; session/FSM on; 3 no-op middlewares). Both answer callbacks
 * through an in-process Bot API that does no I/O.
 */
export const telegramHandleUpdate: BenchSuite = {
  title: 'Telegram handleUpdate (mixed stream)',
  reference: 'grammY 1.46 handleUpdate',
  note: 'Goal: portcullis >= 1.5x grammY. Same updates, 3 no-op middlewares, session/FSM load per update, callbacks answered in-process.',
  cases: [
    { name: 'grammY 1.46 handleUpdate', fn: grammyCase() },
    { name: 'portcullis handleUpdate', fn: portcullisCase() },
  ],
};

export function telegramSink(): number {
  return sink;
}

import { createMemoryConversationStorage, defineFlow, isPortcullisError } from '@portcullis/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type BotApiTestServer, createBotApiTestServer } from '../testing/bot-api-server';
import { createUpdateFactory } from '../testing/update-factory';
import { type Bot, type BotOptions, createBot } from './bot';
import type { Context } from './context';

let server: BotApiTestServer;
let bot: Bot;
afterEach(async () => {
  await bot?.close();
  await server?.close();
});

async function setup(options: Partial<BotOptions> = {}) {
  server = await createBotApiTestServer({ me: { username: 'Shop_Bot' } });
  bot = createBot({ token: server.token, apiRoot: server.apiRoot, ...options });
  await bot.init();
  return { updates: createUpdateFactory() };
}

describe('commands', () => {
  it('matches /name with args and /start with its deep-link payload', async () => {
    const { updates } = await setup();
    const seen: unknown[] = [];
    bot.command('start', (ctx) => void seen.push(['start', ctx.command?.payload]));
    bot.command(['order', 'buy'], (ctx) => void seen.push([ctx.command?.name, ctx.match]));
    await bot.handleUpdate(updates.command('start', 'ref_42'));
    await bot.handleUpdate(updates.command('buy', '  3 apples '));
    await bot.handleUpdate(updates.command('start', 'not a payload!'));
    expect(seen).toEqual([
      ['start', 'ref_42'],
      ['buy', '3 apples'],
      ['start', undefined],
    ]);
  });

  it('accepts /cmd@ThisBot case-insensitively and ignores commands for other bots', async () => {
    const { updates } = await setup();
    const seen: string[] = [];
    bot.command('help', (ctx) => void seen.push(ctx.message!.text!));
    await bot.handleUpdate(updates.command('help', undefined, { botUsername: 'shop_bot' }));
    await bot.handleUpdate(updates.command('help', undefined, { botUsername: 'OtherBot' }));
    await bot.handleUpdate(updates.text('say /help'));
    expect(seen).toEqual(['/help@shop_bot']);
  });
});

describe('callbacks', () => {
  it('answers a callback the handler did not answer, exactly once', async () => {
    const { updates } = await setup();
    bot.callback(/^buy:(\d+)$/, (ctx) => ctx.reply(`buying ${(ctx.match as RegExpExecArray)[1]}`));
    bot.callback('help', (ctx) => ctx.answerCallbackQuery({ text: 'Help!' }));
    const buy = updates.callback('buy:7');
    const help = updates.callback('help');
    server.pushUpdate(buy, help);
    await bot.handleUpdate(buy);
    await bot.handleUpdate(help);
    expect(server.messages(1001).map((m) => m.text)).toEqual(['buying 7']);
    expect(server.callsOf('answerCallbackQuery').map((c) => c.params)).toEqual([
      { callback_query_id: buy.callback_query!.id },
      { text: 'Help!', callback_query_id: help.callback_query!.id },
    ]);
  });

  it('answers unmatched callbacks too, and a "query is too old" answer does not fail the update', async () => {
    const { updates } = await setup();
    const errors: unknown[] = [];
    bot.catch((e) => void errors.push(e));
    const stray = updates.callback('unknown');
    server.pushUpdate(stray);
    server.inject('answerCallbackQuery', { type: 'query-too-old' });
    await bot.handleUpdate(stray);
    expect(server.callsOf('answerCallbackQuery')).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('goes on with the handler when its own answer comes too late, and still fails on other answer errors', async () => {
    const { updates } = await setup();
    const errors: unknown[] = [];
    bot.catch((e) => void errors.push(e));
    bot.callback('late', async (ctx) => {
      await ctx.answerCallbackQuery({ text: 'Done' });
      await ctx.reply('done anyway');
    });
    bot.callback('long', async (ctx) => {
      await ctx.answerCallbackQuery({ text: 'x'.repeat(201) }); // 400 MESSAGE_TOO_LONG
      await ctx.reply('not reached');
    });
    const late = updates.callback('late');
    server.pushUpdate(late);
    server.inject('answerCallbackQuery', { type: 'query-too-old' });
    await bot.handleUpdate(late);
    expect(server.messages(1001).map((m) => m.text)).toEqual(['done anyway']);
    expect(errors).toEqual([]);

    const refused = updates.callback('long');
    server.pushUpdate(refused);
    await bot.handleUpdate(refused);
    expect(server.messages(1001).map((m) => m.text)).toEqual(['done anyway']);
    expect(errors).toHaveLength(1);
  });
});

describe('text, update types and errors', () => {
  it('matches text and regexes, and filters by update type', async () => {
    const { updates } = await setup();
    const seen: string[] = [];
    bot.hears('hi', () => void seen.push('exact'));
    bot.hears(
      /^order (\d+)$/,
      (ctx) => void seen.push(`order ${(ctx.match as RegExpExecArray)[1]}`),
    );
    bot.on('edited_message', (ctx) => void seen.push(`edited ${ctx.text}`));
    await bot.handleUpdate(updates.text('hi'));
    await bot.handleUpdate(updates.text('order 12'));
    await bot.handleUpdate(updates.editedText('fixed'));
    expect(seen).toEqual(['exact', 'order 12', 'edited fixed']);
    expect(bot.allowedUpdates()).toEqual(['edited_message', 'message']);
  });

  it('runs aroundUpdate around the whole stack of each update, errors included', async () => {
    const events: string[] = [];
    const { updates } = await setup({
      aroundUpdate: async (update, handle) => {
        events.push(`before ${update.update_id}`);
        await handle();
        events.push(`after ${update.update_id}`);
      },
    });
    bot.use((_ctx, next) => {
      events.push('middleware');
      return next();
    });
    bot.command('fail', () => {
      throw new Error('boom');
    });
    bot.catch(() => void events.push('caught'));
    const first = updates.command('help');
    const second = updates.command('fail');
    await bot.handleUpdate(first);
    await bot.handleUpdate(second);
    expect(events).toEqual([
      `before ${first.update_id}`,
      'middleware',
      `after ${first.update_id}`,
      `before ${second.update_id}`,
      'middleware',
      'caught',
      `after ${second.update_id}`,
    ]);
  });

  it('sends errors to the error boundary and still resolves', async () => {
    const { updates } = await setup();
    const caught: unknown[] = [];
    bot.catch(
      (error, ctx: Context) => void caught.push([ctx.update.update_id, (error as Error).message]),
    );
    bot.use(() => {
      throw new Error('boom');
    });
    await bot.handleUpdate(updates.text('x'));
    expect(caught).toHaveLength(1);
  });

  it('splits a long reply and refuses callback data over 64 bytes before sending', async () => {
    const { updates } = await setup({ outbound: { perChatPerSecond: 1000 } });
    bot.hears('long', (ctx) => ctx.reply(`${'a'.repeat(4000)}\n${'b'.repeat(200)}`));
    const errors: unknown[] = [];
    bot.catch((e) => void errors.push(e));
    bot.hears('bad', (ctx) =>
      ctx.reply('pick', {
        reply_markup: { inline_keyboard: [[{ text: 'x', callback_data: 'x'.repeat(65) }]] },
      }),
    );
    await bot.handleUpdate(updates.text('long'));
    await bot.handleUpdate(updates.text('bad'));
    expect(server.messages(1001).map((m) => m.text?.length)).toEqual([4001, 200]);
    expect(isPortcullisError((errors[0] as Error).cause, 'callback_data_too_long')).toBe(true);
  });
});

describe('conversations', () => {
  const signup = defineFlow({
    id: 'signup',
    initial: 'askName',
    states: {
      askName: { on: { name: 'askAge' } },
      askAge: { on: { age: 'done' } },
      done: { final: true },
    },
  });

  it('routes by FSM state, per chat and user', async () => {
    const { updates } = await setup();
    const flow = bot.flow(signup);
    const seen: string[] = [];
    bot.command('signup', (ctx) => flow.start(ctx));
    bot.inState(flow, 'askName', async (ctx) => {
      seen.push(`${ctx.from!.id} name ${ctx.text}`);
      await flow.send(ctx, 'name');
    });
    bot.inState(flow, 'askAge', (ctx) => void seen.push(`${ctx.from!.id} age ${ctx.text}`));
    const group = -500;
    await bot.handleUpdate(updates.command('signup', undefined, { groupId: group, userId: 1 }));
    await bot.handleUpdate(updates.text('Ada', { groupId: group, userId: 1 }));
    await bot.handleUpdate(updates.text('not in a flow', { groupId: group, userId: 2 }));
    await bot.handleUpdate(updates.text('36', { groupId: group, userId: 1 }));
    expect(seen).toEqual(['1 name Ada', '1 age 36']);
  });

  it('moves the conversation to the supergroup on migrate_to_chat_id', async () => {
    const { updates } = await setup();
    const flow = bot.flow(signup);
    const states: unknown[] = [];
    bot.command('signup', (ctx) => flow.start(ctx));
    bot.hears('where', async (ctx) => void states.push((await flow.get(ctx))?.state));
    await bot.handleUpdate(updates.command('signup', undefined, { groupId: -7, userId: 1001 }));
    await bot.handleUpdate(updates.migrateToSupergroup(-7, -1007));
    await bot.handleUpdate(updates.text('where', { groupId: -1007 }));
    await bot.handleUpdate(updates.text('where', { groupId: -7 }));
    expect(states).toEqual(['askName', undefined]);
  });

  it("moves every member's conversation, each on their first update in the supergroup, on any replica", async () => {
    const { updates } = await setup();
    const storage = createMemoryConversationStorage();
    // Two bots on one storage, as two replicas.
    const replicas = [0, 1].map(() =>
      createBot({ token: server.token, apiRoot: server.apiRoot, conversationStorage: storage }),
    );
    const states: unknown[] = [];
    for (const replica of replicas) {
      await replica.init();
      const flow = replica.flow(signup);
      replica.command('signup', (ctx) => flow.start(ctx));
      replica.hears('where', async (ctx) => {
        states.push(`${ctx.from!.id} ${(await flow.get(ctx))?.state}`);
      });
    }
    const [a, b] = replicas as [Bot, Bot];
    await a.handleUpdate(updates.command('signup', undefined, { groupId: -8, userId: 1 }));
    await a.handleUpdate(updates.command('signup', undefined, { groupId: -8, userId: 2 }));
    await a.handleUpdate(updates.command('signup', undefined, { groupId: -8, userId: 3 }));
    // User 1's client announces the migration to replica A.
    await a.handleUpdate(updates.migrateToSupergroup(-8, -1008, { userId: 1 }));
    await b.handleUpdate(updates.text('where', { groupId: -1008, userId: 2 }));
    await b.handleUpdate(updates.text('where', { groupId: -1008, userId: 1 }));
    await a.handleUpdate(updates.text('where', { groupId: -1008, userId: 3 }));
    await a.handleUpdate(updates.text('where', { groupId: -1008, userId: 4 }));
    expect(states).toEqual(['2 askName', '1 askName', '3 askName', '4 undefined']);
    // Nothing stays behind under the old group.
    await b.handleUpdate(updates.text('where', { groupId: -8, userId: 2 }));
    expect(states.at(-1)).toBe('2 undefined');
    for (const replica of replicas) await replica.close();
  });

  it('records the migration from the supergroup side too (migrate_from_chat_id)', async () => {
    const { updates } = await setup();
    const flow = bot.flow(signup);
    const states: unknown[] = [];
    bot.command('signup', (ctx) => flow.start(ctx));
    bot.hears('where', async (ctx) => void states.push((await flow.get(ctx))?.state));
    await bot.handleUpdate(updates.command('signup', undefined, { groupId: -9, userId: 5 }));
    await bot.handleUpdate(updates.migrateFromGroup(-1009, -9));
    await bot.handleUpdate(updates.text('where', { groupId: -1009, userId: 5 }));
    expect(states).toEqual(['askName']);
  });
});

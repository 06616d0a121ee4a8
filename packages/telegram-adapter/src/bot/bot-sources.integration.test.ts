import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type BotApiTestServer, createBotApiTestServer } from '../testing/bot-api-server';
import { createTestClock } from '../testing/test-clock';
import { until } from '../testing/until';
import { createUpdateFactory } from '../testing/update-factory';
import { type Bot, createBot } from './bot';

let server: BotApiTestServer;
let bot: Bot;
afterEach(async () => {
  await bot?.close();
  await server?.close();
});

describe('bot update sources, end to end against the test server', () => {
  it('polls with allowed_updates derived from its routes and replies through the scheduler', async () => {
    server = await createBotApiTestServer();
    bot = createBot({
      token: server.token,
      apiRoot: server.apiRoot,
      outbound: { perChatPerSecond: 1000 },
    });
    bot.command('start', (ctx) => ctx.reply('welcome'));
    bot.callback('ok', (ctx) => ctx.editMessageText('done'));
    const updates = createUpdateFactory();
    server.pushUpdate(updates.command('start'));
    void bot.startPolling({ timeoutSeconds: 1 });
    await until(() => server.messages().length === 1);
    expect(server.callsOf('getUpdates')[0]?.params.allowed_updates).toEqual([
      'callback_query',
      'message',
    ]);
    const sent = server.messages()[0]!;
    server.pushUpdate(updates.callback('ok', { messageId: sent.messageId }));
    await until(() => server.callsOf('answerCallbackQuery').length === 1);
    expect(server.messages().map((m) => m.text)).toEqual(['done']);
    await bot.stop();
    expect(
      server.pendingUpdates,
      JSON.stringify(server.callsOf('getUpdates').map((c) => [c.params.offset, c.status])),
    ).toEqual([]);
  });

  it('receives webhook deliveries with the secret and acknowledges them once handled', async () => {
    server = await createBotApiTestServer();
    bot = createBot({ token: server.token, apiRoot: server.apiRoot });
    await bot.init();
    const handled: number[] = [];
    bot.on('message', (ctx) => void handled.push(ctx.update.update_id));
    const http = createServer(bot.webhookHandler({ secretToken: 'secret_1' }));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
    await bot.api.raw.call('setWebhook', {
      url,
      secret_token: 'secret_1',
      allowed_updates: bot.allowedUpdates(),
    });
    const updates = createUpdateFactory();
    server.pushUpdate(updates.text('a'), updates.text('b', { userId: 2 }));
    await until(() => server.webhook.delivered.length === 2);
    http.close();
    expect(handled.sort()).toEqual([1, 2]);
    expect(server.webhook.attempts).toBe(2);
  });

  it('answers webhooks 503 (so Telegram re-sends) while getMe fails, then handles them', async () => {
    server = await createBotApiTestServer();
    bot = createBot({ token: server.token, apiRoot: server.apiRoot });
    const handled: number[] = [];
    bot.on('message', (ctx) => void handled.push(ctx.update.update_id));
    server.inject('getMe', { type: 'server-error' });
    const http = createServer(bot.webhookHandler());
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    server.webhook.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
    server.pushUpdate(createUpdateFactory().text('a'));
    await until(() => server.webhook.delivered.length === 1);
    http.close();
    expect(server.webhook.lastErrorMessage).toMatch(/503/);
    expect(handled).toEqual([1]);
  });

  it('cuts a hanging handler at its deadline; the chat’s next update still runs', async () => {
    server = await createBotApiTestServer();
    const clock = createTestClock();
    bot = createBot({
      token: server.token,
      apiRoot: server.apiRoot,
      clock,
      handlerTimeoutMs: 10_000,
    });
    await bot.init();
    const seen: string[] = [];
    bot.hears('hang', (ctx) => {
      ctx.signal.addEventListener('abort', () => seen.push('aborted'));
      return new Promise(() => {});
    });
    bot.hears('next', () => void seen.push('next'));
    const updates = createUpdateFactory();
    const hung = bot.pipeline.process(updates.text('hang'), 'webhook');
    const next = bot.pipeline.process(updates.text('next'), 'webhook');
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual([]);
    clock.advance(10_000);
    expect(await hung).toBe('timeout');
    expect(await next).toBe('handled');
    expect(seen).toEqual(['aborted', 'next']);
    expect(bot.pipeline.lanes).toBe(0);
  });
});

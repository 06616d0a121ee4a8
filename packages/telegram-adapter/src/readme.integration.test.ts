// The README's "Testing your bot" section is copied from this file.
import { afterEach, expect, it } from 'vitest';
import { createBot } from './index';
import { createTestServer, createUpdateFactory, until } from './testing';

let close: (() => Promise<void>) | undefined;
afterEach(() => close?.());

it('README: tests a bot end to end against the local Bot API server', async () => {
  const server = await createTestServer();
  const bot = createBot({ token: server.token, apiRoot: server.apiRoot });
  close = async () => {
    await bot.close();
    await server.close();
  };
  bot.command('start', (ctx) => ctx.reply(`Welcome, ${ctx.command?.payload ?? 'stranger'}!`));
  bot.callback(/^buy:(\d+)$/, (ctx) => ctx.editMessageText(`Bought item ${ctx.match?.[1]}`));

  const updates = createUpdateFactory();
  server.pushUpdate(updates.command('start', 'ref_42'));
  void bot.startPolling({ timeoutSeconds: 1 });
  await until(() => server.messages().length === 1);
  expect(server.messages()[0]?.text).toBe('Welcome, ref_42!');

  // Faults on demand: the next sendMessage gets 429 with retry_after.
  server.inject('sendMessage', { type: 'flood', retryAfter: 1 });
  const [sent] = server.messages();
  server.pushUpdate(updates.callback('buy:7', { messageId: sent!.messageId }));
  await until(() => server.answered('1'));
  expect(server.messages()[0]?.text).toBe('Bought item 7');
  await bot.stop();
});

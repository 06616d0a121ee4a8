// biome-ignore-all lint/suspicious/noExplicitAny: tests read loosely typed Bot API JSON
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { type BotApiTestServer, createBotApiTestServer } from './bot-api-server';
import { createTestClock } from './test-clock';
import { createUpdateFactory } from './update-factory';

let server: BotApiTestServer;
afterEach(async () => server?.close());

async function call(method: string, params: Record<string, unknown> = {}, token = server.token) {
  const response = await request(`${server.apiRoot}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  return { status: response.statusCode, body: (await response.body.json()) as Record<string, any> };
}

describe('Bot API test server', () => {
  it('answers getMe and records every call', async () => {
    server = await createBotApiTestServer({ me: { username: 'shop_bot' } });
    const { body } = await call('getMe');
    expect(body.result.username).toBe('shop_bot');
    expect(server.callsOf('getMe')).toHaveLength(1);
    expect(server.calls[0]).toMatchObject({ method: 'getMe', status: 200 });
  });

  it('rejects a wrong token with 401 and unknown methods with 404', async () => {
    server = await createBotApiTestServer();
    expect((await call('getMe', {}, '1:wrong')).status).toBe(401);
    expect((await call('noSuchMethod')).body).toMatchObject({ ok: false, error_code: 404 });
  });

  it('confirms updates only when getUpdates is called with a higher offset', async () => {
    server = await createBotApiTestServer();
    const updates = createUpdateFactory({ firstUpdateId: 10 });
    server.pushUpdate(updates.text('a'), updates.text('b'), updates.text('c'));
    const first = await call('getUpdates', { limit: 2 });
    expect(first.body.result.map((u: { update_id: number }) => u.update_id)).toEqual([10, 11]);
    const again = await call('getUpdates', { limit: 2 });
    expect(again.body.result.map((u: { update_id: number }) => u.update_id)).toEqual([10, 11]);
    const next = await call('getUpdates', { offset: 12 });
    expect(next.body.result.map((u: { update_id: number }) => u.update_id)).toEqual([12]);
    expect(server.pendingUpdates).toHaveLength(1);
  });

  it('filters by allowed_updates (kept until changed), and a negative offset keeps only the last updates', async () => {
    server = await createBotApiTestServer();
    const updates = createUpdateFactory();
    server.pushUpdate(updates.text('a'), updates.callback('b'), updates.text('c'));
    const types = async (params: Record<string, unknown>) =>
      (await call('getUpdates', params)).body.result.map((u: object) => Object.keys(u)[1]);
    expect(await types({ allowed_updates: ['callback_query'] })).toEqual(['callback_query']);
    expect(await types({})).toEqual(['callback_query']);
    expect(await types({ allowed_updates: [] })).toEqual(['message', 'callback_query', 'message']);
    expect(
      (await call('getUpdates', { offset: -1 })).body.result.map(
        (u: { update_id: number }) => u.update_id,
      ),
    ).toEqual([3]);
  });

  it('drops pending updates on setWebhook/deleteWebhook with drop_pending_updates', async () => {
    server = await createBotApiTestServer();
    server.pushUpdate(createUpdateFactory().text('old'));
    await call('deleteWebhook', { drop_pending_updates: true });
    expect(server.pendingUpdates).toEqual([]);
  });

  it('long-polls until an update arrives', async () => {
    server = await createBotApiTestServer();
    const pending = call('getUpdates', { timeout: 10 });
    await new Promise((r) => setTimeout(r, 20));
    server.pushUpdate(createUpdateFactory().text('late'));
    const { body } = await pending;
    expect(body.result[0].message.text).toBe('late');
  });

  it('terminates the older of two concurrent pollers with 409', async () => {
    server = await createBotApiTestServer();
    const older = call('getUpdates', { timeout: 10 });
    await new Promise((r) => setTimeout(r, 20));
    const newer = call('getUpdates', { timeout: 0 });
    expect((await older).body).toMatchObject({ ok: false, error_code: 409 });
    expect((await newer).status).toBe(200);
  });

  it('injects 429 with retry_after, 5xx and dropped connections', async () => {
    server = await createBotApiTestServer();
    server.inject('sendMessage', { type: 'flood', retryAfter: 7 }, { chatId: 5 });
    server.inject('getMe', { type: 'server-error' });
    server.inject('deleteMessage', { type: 'drop' });
    expect((await call('sendMessage', { chat_id: 6, text: 'x' })).status).toBe(200);
    expect((await call('sendMessage', { chat_id: 5, text: 'x' })).body).toMatchObject({
      error_code: 429,
      parameters: { retry_after: 7 },
    });
    expect((await call('getMe')).status).toBe(502);
    await expect(call('deleteMessage', { chat_id: 1, message_id: 1 })).rejects.toThrow();
    expect((await call('sendMessage', { chat_id: 5, text: 'x' })).status).toBe(200);
  });

  it('fails answerCallbackQuery with "query is too old" after 15 s on its clock', async () => {
    const clock = createTestClock();
    server = await createBotApiTestServer({ clock });
    const updates = createUpdateFactory();
    const [fresh, stale] = [updates.callback('a'), updates.callback('b')];
    server.pushUpdate(fresh, stale);
    expect(
      (await call('answerCallbackQuery', { callback_query_id: fresh.callback_query!.id })).status,
    ).toBe(200);
    clock.advance(15_001);
    const old = await call('answerCallbackQuery', { callback_query_id: stale.callback_query!.id });
    expect(old.body.description).toMatch(/query is too old/);
    expect(server.answered(fresh.callback_query!.id)).toBe(true);
  });

  it('keeps sent messages, applies edits and rejects oversized callback data', async () => {
    server = await createBotApiTestServer();
    const sent = await call('sendMessage', { chat_id: 7, text: 'hello' });
    const id = sent.body.result.message_id;
    await call('editMessageText', { chat_id: 7, message_id: id, text: 'edited' });
    expect(server.messages(7).map((m) => m.text)).toEqual(['edited']);
    const tooLong = await call('sendMessage', {
      chat_id: 7,
      text: 'x',
      reply_markup: { inline_keyboard: [[{ text: 'b', callback_data: 'é'.repeat(33) }]] },
    });
    expect(tooLong.body.description).toMatch(/BUTTON_DATA_INVALID/);
  });

  it('delivers updates to a webhook with the secret header and retries non-2xx answers', async () => {
    server = await createBotApiTestServer({ webhookRetryDelaysMs: [5, 5] });
    const seen: { secret: unknown; id: number; status: number }[] = [];
    let failures = 1;
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const status = failures-- > 0 ? 500 : 200;
        seen.push({
          secret: req.headers['x-telegram-bot-api-secret-token'],
          id: JSON.parse(body).update_id,
          status,
        });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    await call('setWebhook', { url, secret_token: 's3cret' });
    expect((await call('getUpdates')).status).toBe(409);
    server.pushUpdate(createUpdateFactory({ firstUpdateId: 1 }).text('hi'));
    for (let i = 0; i < 200 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    receiver.close();
    expect(seen).toEqual([
      { secret: 's3cret', id: 1, status: 500 },
      { secret: 's3cret', id: 1, status: 200 },
    ]);
    expect((await call('getWebhookInfo')).body.result.last_error_message).toMatch(/500/);
  });
});

import { getEventListeners } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPortcullisError } from '@portcullis/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type BotApiTestServer, createBotApiTestServer } from '../testing/bot-api-server';
import { createApiClient } from './api-client';
import { TelegramApiError, TelegramNetworkError } from './errors';

const TOKEN = '987654:SECRET-token-value';
let server: BotApiTestServer;
afterEach(async () => server?.close());

async function setup() {
  server = await createBotApiTestServer({ token: TOKEN });
  return createApiClient({ token: TOKEN, apiRoot: server.apiRoot });
}

function expectNoToken(error: unknown): void {
  const seen = [String(error), (error as Error).stack, JSON.stringify(error)];
  for (let cause = (error as Error).cause; cause; cause = (cause as Error).cause)
    seen.push(String(cause), (cause as Error).stack);
  for (const text of seen) expect(text ?? '').not.toContain('SECRET-token-value');
}

describe('Bot API client', () => {
  it('calls methods and returns their typed result', async () => {
    const api = await setup();
    expect((await api.call('getMe')).username).toBe('test_bot');
    const sent = await api.call('sendMessage', { chat_id: 5, text: 'hi' });
    expect(sent.text).toBe('hi');
    expect(server.callsOf('sendMessage')[0]?.params).toEqual({ chat_id: 5, text: 'hi' });
  });

  it('uses the test environment path when asked', async () => {
    server = await createBotApiTestServer({ token: TOKEN });
    const api = createApiClient({ token: TOKEN, apiRoot: server.apiRoot, testEnvironment: true });
    expect((await api.call('getMe')).is_bot).toBe(true);
  });

  it('turns ok:false into TelegramApiError with error_code, description and method', async () => {
    const api = await setup();
    const error = await api.call('deleteMessage', { chat_id: 1, message_id: 9 }).catch((e) => e);
    expect(error).toBeInstanceOf(TelegramApiError);
    expect(error).toMatchObject({ code: 'telegram_api', errorCode: 400, method: 'deleteMessage' });
    expect(error.message).toMatchInlineSnapshot(
      `"Bot API deleteMessage failed with 400: "Bad Request: message to delete not found""`,
    );
    expectNoToken(error);
  });

  it('exposes retry_after for 429 as telegram_flood_wait and migrate_to_chat_id', async () => {
    const api = await setup();
    server.inject('sendMessage', { type: 'flood', retryAfter: 12 });
    server.inject('sendMessage', { type: 'migrated', toChatId: -1001234567890123 });
    const flood = await api.call('sendMessage', { chat_id: 1, text: 'x' }).catch((e) => e);
    expect(isPortcullisError(flood, 'telegram_flood_wait')).toBe(true);
    expect(flood.retryAfterSeconds).toBe(12);
    expect(flood.retryAfterMs).toBe(12_000);
    const migrated = await api.call('sendMessage', { chat_id: -5, text: 'x' }).catch((e) => e);
    expect(migrated.migrateToChatId).toBe(-1001234567890123);
  });

  it('reports dropped connections and refused connections as network errors without the token', async () => {
    const api = await setup();
    server.inject('getMe', { type: 'drop' });
    const dropped = await api.call('getMe').catch((e) => e);
    expect(dropped).toBeInstanceOf(TelegramNetworkError);
    expect(dropped.code).toBe('telegram_network');
    expect(dropped.retryable).toBe(true);
    expectNoToken(dropped);
    const refused = createApiClient({ token: TOKEN, apiRoot: 'http://127.0.0.1:1' });
    const error = await refused.call('getMe').catch((e) => e);
    expect(error.message).toMatch(/ECONNREFUSED/);
    expectNoToken(error);
  });

  it('reports a non-JSON answer (a proxy error page) as a network error', async () => {
    const proxy = createServer((_req, res) => res.writeHead(502).end('<html>bad gateway</html>'));
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const api = createApiClient({
      token: TOKEN,
      apiRoot: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    });
    const error = await api.call('getMe').catch((e) => e);
    proxy.close();
    expect(error.message).toMatchInlineSnapshot(
      `"Bot API getMe failed before an answer: HTTP 502 with a body that is not Bot API JSON"`,
    );
  });

  it('times out a slow answer', async () => {
    server = await createBotApiTestServer({ token: TOKEN });
    const api = createApiClient({ token: TOKEN, apiRoot: server.apiRoot, timeoutMs: 50 });
    server.inject('getMe', { type: 'hold' });
    const error = await api.call('getMe').catch((e) => e);
    expect(error).toBeInstanceOf(TelegramNetworkError);
    expect(error.message).toMatch(/Timeout/);
  });

  it('times out one call by its own timeoutMs, shorter than the client’s', async () => {
    server = await createBotApiTestServer({ token: TOKEN });
    const api = createApiClient({ token: TOKEN, apiRoot: server.apiRoot, timeoutMs: 30_000 });
    server.inject('getMe', { type: 'hold' });
    const started = performance.now();
    const error = await api.call('getMe', {}, { timeoutMs: 50 }).catch((e) => e);
    expect(error).toBeInstanceOf(TelegramNetworkError);
    expect(performance.now() - started).toBeLessThan(5000);
    await expect(api.call('getMe', {}, { timeoutMs: 0 })).rejects.toThrow(
      'Expected `timeoutMs` to be a positive integer, got 0',
    );
  });

  it('aborts a call when the caller’s signal aborts, and leaves nothing on a long-lived signal', async () => {
    const api = await setup();
    const shutdown = new AbortController();
    for (let i = 0; i < 20; i++) await api.call('getMe', {}, { signal: shutdown.signal });
    // One signal shared by every call (a bot's default, a shutdown signal): no listener stays behind.
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
    server.inject('getMe', { type: 'hold' });
    const pending = api.call('getMe', {}, { signal: shutdown.signal }).catch((e) => e);
    setTimeout(() => shutdown.abort(new Error('shutting down')), 20);
    const error = await pending;
    expect(error).toBeInstanceOf(TelegramNetworkError);
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
  });

  it('rejects a malformed token without echoing it', () => {
    expect(() => createApiClient({ token: 'not a token' })).toThrowErrorMatchingInlineSnapshot(
      `[TypeError: Expected \`token\` to be a bot token like \`123456:ABC-def\`, got "<redacted>"]`,
    );
  });
});

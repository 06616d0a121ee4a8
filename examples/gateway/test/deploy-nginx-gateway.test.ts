import { rmSync } from 'node:fs';
import { createUpdateFactory } from '@portcullis/telegram-adapter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoStack, startDemoStack } from '../src/demo/stack';
import { type EdgeConfig, httpsCall, startNginx, writeEdgeConfig } from './edge';

// The production edge (nginx/nginx.conf) in a real nginx, in front of the real
// gateway: the two files operators deploy together, checked together.
let stack: DemoStack;
let edge: EdgeConfig;
let stopNginx: (() => Promise<void>) | undefined;
const updates = createUpdateFactory({ firstUpdateId: 500 });
const USER = 424_242;

beforeAll(async () => {
  stack = await startDemoStack({ env: { TRUST_PROXY: 'true' } });
  edge = await writeEdgeConfig(Number(new URL(stack.gateway.url()).port), true);
  stopNginx = (await startNginx(edge)).stop;
}, 60_000);

afterAll(async () => {
  await stopNginx?.();
  await stack?.stop();
  if (edge) rmSync(edge.dir, { recursive: true, force: true });
});

const postUpdate = (body: string, secret = stack.config.TELEGRAM_WEBHOOK_SECRET ?? '') =>
  httpsCall(edge, '/telegram/webhook', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
    body,
  });

describe('nginx edge in front of the real gateway', () => {
  it('delivers a Telegram update over TLS to the bot, which answers through the Bot API', async () => {
    const response = await postUpdate(
      JSON.stringify(updates.command('help', undefined, { userId: USER })),
    );
    expect(response.status).toBe(200);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-powered-by']).toBeUndefined();
    await expect
      .poll(() => stack.telegram.messages(USER).map((message) => message.text))
      .toEqual([expect.stringMatching(/\/request/)]);
  });

  it("passes the gateway's own verdicts through: a wrong secret is 401 and handles nothing", async () => {
    const before = stack.telegram.messages(USER).length;
    const response = await postUpdate(
      JSON.stringify(updates.command('help', undefined, { userId: USER })),
      'not-the-secret',
    );
    expect(response.status).toBe(401);
    expect(stack.telegram.messages(USER)).toHaveLength(before);
  });

  it('exposes liveness but never /metrics or /ready publicly', async () => {
    expect((await httpsCall(edge, '/health')).status).toBe(200);
    expect((await httpsCall(edge, '/metrics')).status).toBe(404);
    expect((await httpsCall(edge, '/ready')).status).toBe(404);
    // The gateway itself serves them on the internal network.
    expect((await fetch(`${stack.gateway.url()}/metrics`)).status).toBe(200);
  });
});

/**
 * The baseline, assembled the obvious way and run as its own process: a grammY
 * bot behind `webhookCallback` on node:http, per-user limits with
 * rate-limiter-flexible on the same Redis, and a Standard-Webhooks-signed
 * fetch to its shifts backend. Same texts and same Bot API calls as the
 * reference gateway, none of its other machinery (no update dedup, no
 * breaker or retries, no outbound flood control, no metrics).
 *
 * Environment: PORT, API_ROOT, BOT_TOKEN, WEBHOOK_PATH, WEBHOOK_SECRET,
 * REDIS_URL, BACKEND_URL.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { Bot, webhookCallback } from 'grammy';
import { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { Webhook } from 'standardwebhooks';
import { messages } from '../../../examples/gateway/src/messages';
import { BASELINE_SHIFTS_PATH, BASELINE_SIGNING_SECRET } from './baseline-backend';
import { collectGarbageOnSignal } from './gc-signal';

collectGarbageOnSignal();

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new TypeError(`Expected ${name} in the environment, got nothing`);
  return value;
};

const token = env('BOT_TOKEN');
const redis = new Redis(env('REDIS_URL'), { maxRetriesPerRequest: 1 });
const perMinute = (keyPrefix: string, points: number) =>
  new RateLimiterRedis({ storeClient: redis, keyPrefix, points, duration: 60 });
// The reference gateway's per-user numbers (one window each: 20 messages and 5 commands a minute).
const messageLimit = perMinute('baseline:messages', 20);
const commandLimit = perMinute('baseline:commands', 5);
const signer = new Webhook(BASELINE_SIGNING_SECRET);
const backendUrl = new URL(BASELINE_SHIFTS_PATH, env('BACKEND_URL'));

const bot = new Bot(token, {
  client: { apiRoot: env('API_ROOT') },
  botInfo: {
    id: Number(token.split(':')[0]),
    is_bot: true,
    first_name: 'Test Bot',
    username: 'test_bot',
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  },
});

bot.use(async (ctx, next) => {
  const userId = ctx.from?.id;
  if (userId === undefined) return next();
  try {
    await messageLimit.consume(String(userId));
    if (ctx.message?.text?.startsWith('/')) await commandLimit.consume(String(userId));
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
    await ctx.reply(messages.slowDown(error.msBeforeNext), { parse_mode: 'HTML' });
    return;
  }
  await next();
});

bot.command('shifts', async (ctx) => {
  const body = JSON.stringify({ telegramId: ctx.from?.id, days: 7 });
  const id = `msg_${randomUUID()}`;
  let items: Parameters<typeof messages.shifts>[0];
  try {
    const response = await fetch(backendUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': signer.sign(id, new Date(), body),
      },
      body,
      signal: AbortSignal.timeout(3000),
    });
    if (!response.ok) throw new Error(`shifts backend answered ${response.status}`);
    items = ((await response.json()) as { items: typeof items }).items;
  } catch {
    await ctx.reply(messages.serviceUnavailable('shifts'), { parse_mode: 'HTML' });
    return;
  }
  await ctx.reply(items.length === 0 ? messages.noShifts : messages.shifts(items), {
    parse_mode: 'HTML',
  });
});

bot.on('message', (ctx) => ctx.reply(messages.help, { parse_mode: 'HTML' }));
bot.catch((error) => process.stderr.write(`update failed: ${String(error.error)}\n`));

const handleUpdate = webhookCallback(bot, 'http', { secretToken: env('WEBHOOK_SECRET') });
const webhookPath = env('WEBHOOK_PATH');
const server = createServer((req, res) => {
  if (req.method === 'POST' && req.url === webhookPath) {
    handleUpdate(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  } else if (req.method === 'GET' && req.url === '/health') {
    res.writeHead(200).end('ok');
  } else if (req.method === 'GET' && req.url === '/memory') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(process.memoryUsage()));
  } else {
    res.writeHead(404).end();
  }
});
server.keepAliveTimeout = 65_000;
server.listen(Number(env('PORT')), '127.0.0.1');

process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void redis.quit().finally(() => process.exit(0));
});

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update, UserFromGetMe } from '@grammyjs/types';
import { type Clock, systemClock } from '../clock';
import { BotApiMethods, type MethodAnswer, type StoredMessage } from './bot-api-methods';
import { apiError, type Fault, type FaultOptions, FaultTable, faultBody } from './faults';
import { UpdateQueue } from './update-queue';
import { WebhookDelivery, type WebhookInfoState } from './webhook-delivery';

/** Options of {@link createBotApiTestServer}. */
export interface BotApiTestServerOptions {
  /** The token the server accepts. @default '123456:TEST-token' */
  readonly token?: string;
  /** The bot's `getMe` answer. @default a bot named `test_bot` */
  readonly me?: Partial<UserFromGetMe>;
  /** Time source for message dates and callback query age. @default the real clock */
  readonly clock?: Clock;
  /** Age after which answerCallbackQuery fails with "query is too old". @default 15000 */
  readonly callbackQueryTtlMs?: number;
  /** Real-time delays between webhook delivery attempts. @default [50, 100, 200, 400] */
  readonly webhookRetryDelaysMs?: readonly number[];
}

/** One Bot API call the server received. */
export interface RecordedCall {
  readonly method: string;
  readonly params: Record<string, unknown>;
  /** The HTTP status answered (0 when the connection was dropped). */
  status: number;
  /** When it arrived, on the server's clock. */
  readonly at: number;
}

/** A local Bot API server over real HTTP on 127.0.0.1. */
export interface BotApiTestServer {
  /** Pass as `apiRoot` to the client or bot. */
  readonly apiRoot: string;
  readonly token: string;
  /** Every call received, in arrival order. */
  readonly calls: readonly RecordedCall[];
  /** Calls of one method. */
  callsOf(method: string): RecordedCall[];
  /** Queues updates for getUpdates or webhook delivery; tracks callback queries. */
  pushUpdate(...updates: Update[]): void;
  /** Updates not yet confirmed (polling) or not yet delivered (webhook). */
  readonly pendingUpdates: readonly Update[];
  /** Injects a fault into the next matching call(s) of `method` (`'*'` for any). */
  inject(method: string, fault: Fault, options?: FaultOptions): void;
  /** Removes every armed fault. */
  clearFaults(): void;
  /** Lets held (`{ type: 'hold' }`) requests answer now. */
  releaseHeld(): void;
  /** Messages the bot sent and still exist (after edits and deletes). */
  messages(chatId?: number): StoredMessage[];
  /** Whether callback query `id` was answered. */
  answered(callbackQueryId: string): boolean;
  /** The current webhook, as getWebhookInfo reports it. */
  readonly webhook: WebhookInfoState;
  /** Stops the server, ends long polls and webhook delivery. */
  close(): Promise<void>;
}

/**
 * Starts a Bot API test server on 127.0.0.1 (random port).
 *
 * @example
 * ```ts
 * const server = await createBotApiTestServer();
 * const bot = createBot({ token: server.token, apiRoot: server.apiRoot });
 * server.pushUpdate(updates.command('start'));
 * ```
 */
export async function createBotApiTestServer(
  options: BotApiTestServerOptions = {},
): Promise<BotApiTestServer> {
  const token = options.token ?? '123456:TEST-token';
  const clock = options.clock ?? systemClock;
  const me: UserFromGetMe = {
    id: Number(token.split(':')[0]) || 123456,
    is_bot: true,
    first_name: 'Test Bot',
    username: 'test_bot',
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    ...options.me,
  } as UserFromGetMe;
  const methods = new BotApiMethods(me, clock, options.callbackQueryTtlMs ?? 15_000);
  const faults = new FaultTable();
  const queue = new UpdateQueue();
  const webhook = new WebhookDelivery(queue, options.webhookRetryDelaysMs ?? [50, 100, 200, 400]);
  const calls: RecordedCall[] = [];
  const held = new Set<() => void>();
  const prefix = `/bot${token}/`;

  async function answer(
    method: string,
    params: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<MethodAnswer | 'drop'> {
    const fault = faults.take(method, params);
    if (fault?.type === 'drop') return 'drop';
    if (fault?.type === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
    if (fault?.type === 'hold')
      await new Promise<void>((resolve) => {
        held.add(resolve);
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    const faulted = fault ? faultBody(fault) : undefined;
    if (faulted) return faulted;
    switch (method) {
      case 'getUpdates':
        if (webhook.info.url)
          return apiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
          );
        return queue.getUpdates(params, signal);
      case 'setWebhook':
        return webhook.set(params);
      case 'deleteWebhook':
        return webhook.remove(params);
      case 'getWebhookInfo':
        return { status: 200, body: { ok: true, result: webhook.describe() } };
      default:
        return methods.call(method, params) ?? apiError(404, 'Not Found: method not found');
    }
  }

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!url.pathname.startsWith(prefix)) return send(res, apiError(401, 'Unauthorized'));
    const method = url.pathname.slice(prefix.length).replace(/^test\//, '');
    let params: Record<string, unknown>;
    try {
      params = { ...Object.fromEntries(url.searchParams), ...(await readJson(req)) };
    } catch {
      return send(res, apiError(400, 'Bad Request: invalid JSON'));
    }
    const call: RecordedCall = { method, params, status: 0, at: clock.now() };
    calls.push(call);
    const aborted = new AbortController();
    res.on('close', () => aborted.abort());
    const result = await answer(method, params, aborted.signal);
    if (result === 'drop') {
      req.socket.destroy();
      return;
    }
    call.status = result.status;
    send(res, result);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    calls,
    callsOf: (method) => calls.filter((c) => c.method === method),
    pushUpdate(...updates) {
      for (const update of updates) methods.track(update);
      queue.push(updates);
      webhook.kick();
    },
    get pendingUpdates() {
      return queue.pending;
    },
    inject: (method, fault, faultOptions) => faults.arm(method, fault, faultOptions),
    clearFaults: () => faults.clear(),
    releaseHeld() {
      for (const release of held) release();
      held.clear();
    },
    messages: (chatId) =>
      [...methods.messages.values()].filter((m) => chatId === undefined || m.chatId === chatId),
    answered: (id) => methods.answered(id),
    get webhook() {
      return webhook.info;
    },
    async close() {
      for (const release of held) release();
      held.clear();
      queue.close();
      webhook.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.length === 0) return {};
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null) throw new SyntaxError('not an object');
  return parsed as Record<string, unknown>;
}

function send(res: ServerResponse, answer: MethodAnswer): void {
  if (res.destroyed) return;
  const body = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Short name of {@link createBotApiTestServer}. */
export const createTestServer: typeof createBotApiTestServer = createBotApiTestServer;

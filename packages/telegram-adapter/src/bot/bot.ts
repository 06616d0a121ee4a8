import type { Update, UserFromGetMe } from '@grammyjs/types';
import {
  type ComposedMiddleware,
  type ConversationKeyStrategy,
  type ConversationStorage,
  compose,
  createMemoryConversationStorage,
  errorBoundary,
  type Flow,
  invalidOption,
  type MiddlewareLike,
} from '@portcullis/core';
import { type BotApiTransport, createApiClient } from '../client/api-client';
import type { Clock } from '../clock';
import { type ScheduledApi, scheduleApi } from '../outbound/scheduled-api';
import { createOutboundScheduler, type OutboundSchedulerOptions } from '../outbound/scheduler';
import type { DedupStore } from '../updates/dedup';
import { createMemoryDedupStore } from '../updates/dedup';
import {
  type DurableSink,
  durableIntake,
  queueHandler as queueHandlerFor,
} from '../updates/durable-intake';
import {
  createPoller,
  type Poller,
  type PollerOptions,
  type StopOptions,
} from '../updates/polling';
import { createUpdatePipeline, type UpdatePipeline } from '../updates/update-pipeline';
import type { UpdateType } from '../updates/update-type';
import {
  createWebhookHandler,
  fastifyWebhook,
  type NodeWebhookHandler,
  type WebhookOptions,
} from '../updates/webhook';
import { createChatMigrations } from './chat-migrations';
import { Context } from './context';
import { type BotFlow, bindFlow, inState, migrateConversations } from './conversations';
import { callback, command, hears, on, type Route, reportAnswerFailure } from './routes';

/** Options of {@link createBot}. */
export interface BotOptions {
  /** The bot token. Never appears in errors, logs or metrics. */
  readonly token: string;
  /** Bot API base URL (Telegram, a local Bot API server, or the test kit). @default 'https://api.telegram.org' */
  readonly apiRoot?: string;
  /** Use Telegram's test environment. @default false */
  readonly testEnvironment?: boolean;
  /** The bot's getMe answer, to skip the call at start (and in tests and benchmarks). */
  readonly botInfo?: UserFromGetMe;
  /** Replaces the HTTP transport of the Bot API client. @default undici */
  readonly transport?: BotApiTransport;
  /** Flood limits of the outbound scheduler (with `pacer`, shared over replicas). */
  readonly outbound?: Omit<OutboundSchedulerOptions, 'clock'>;
  /** Shared dedup for polling and webhooks (use the Redis store with replicas). @default memory */
  readonly dedup?: DedupStore;
  /** Chats handled at once. @default 100 */
  readonly concurrency?: number;
  /** A handler running longer is cut so its chat moves on. @default 30000 */
  readonly handlerTimeoutMs?: number;
  /** Conversation storage for flows (use the Redis storage with replicas). @default memory */
  readonly conversationStorage?: ConversationStorage;
  /** Whose conversation an update belongs to. @default 'chat+user' */
  readonly conversationKey?: ConversationKeyStrategy;
  /** Answer callback queries no route answered, at the end of the stack. @default true */
  readonly autoAnswerCallbacks?: boolean;
  /** Called with errors that escaped every middleware. @default logs the error's name and message */
  readonly onError?: (error: unknown, ctx: Context) => unknown;
  /** Time source for the scheduler and deadlines. @default the real clock */
  readonly clock?: Clock;
  /**
   * Runs around the handling of each update, e.g. to make a tracing span
   * active so every span of the update nests under it
   * (`(update, handle) => withUpdateSpan({ updateId: update.update_id, updateType: updateTypeOf(update) }, handle)`
   * with `@portcullis/metrics`). Must call `handle` once and return its promise.
   * @default none
   */
  readonly aroundUpdate?: (update: Update, handle: () => Promise<void>) => Promise<void>;
}

/**
 * A bot: middleware and routes on core's `compose()`, fed by long polling or a
 * webhook, replying through the outbound scheduler.
 */
export class Bot {
  /** The scheduled Bot API client. */
  readonly api: ScheduledApi;
  readonly #options: BotOptions;
  readonly #middleware: MiddlewareLike<Context>[] = [];
  readonly #updateTypes = new Set<UpdateType>();
  readonly #storage: ConversationStorage;
  readonly #strategy: ConversationKeyStrategy;
  #me: UserFromGetMe | undefined;
  #composed: ComposedMiddleware<Context> | undefined;
  #pipeline: UpdatePipeline | undefined;
  #poller: Poller | undefined;
  #errorHandler: (error: unknown, ctx: Context) => unknown;

  constructor(options: BotOptions) {
    if (typeof options !== 'object' || options === null)
      throw invalidOption('options', 'an object', options);
    this.#options = options;
    const client = createApiClient({
      token: options.token,
      apiRoot: options.apiRoot,
      testEnvironment: options.testEnvironment,
      transport: options.transport,
    });
    this.api = scheduleApi(
      client,
      createOutboundScheduler({ ...options.outbound, clock: options.clock }),
    );
    this.#me = options.botInfo;
    this.#storage = options.conversationStorage ?? createMemoryConversationStorage();
    this.#strategy = options.conversationKey ?? 'chat+user';
    this.#errorHandler =
      options.onError ??
      ((error: unknown, ctx: Context) => {
        const { name, message } =
          error instanceof Error ? error : { name: 'Error', message: String(error) };
        console.error(`[portcullis] update ${ctx.update.update_id} failed: ${name}: ${message}`);
      });
  }

  /** The bot's user; available after `init()` or when `botInfo` was given. */
  get me(): UserFromGetMe {
    if (this.#me === undefined)
      throw new TypeError('Call `await bot.init()` (or pass `botInfo`) before handling updates');
    return this.#me;
  }

  /** Calls getMe once (unless `botInfo` was given). */
  async init(): Promise<void> {
    this.#me ??= await this.api.raw.call('getMe');
  }

  /** Adds middleware that runs for every update. */
  use(...middleware: MiddlewareLike<Context>[]): this {
    return this.#add({ middleware: compose(...middleware), updateTypes: [] });
  }

  /** Adds a route built with `command()`, `callback()`, `hears()`, `on()` or `inState()`. */
  route(route: Route): this {
    return this.#add(route);
  }

  /** Handles `/name` (and `/name@ThisBot`); `ctx.command` has args and the `/start` payload. */
  command(names: string | readonly string[], ...middleware: MiddlewareLike<Context>[]): this {
    return this.#add(command(names, ...middleware));
  }

  /** Handles callback queries by data (string or regex); answers them when the handler did not. */
  callback(data: string | RegExp, ...middleware: MiddlewareLike<Context>[]): this {
    return this.#add(callback(data, ...middleware));
  }

  /** Handles message text equal to `text` or matching the regex. */
  hears(text: string | RegExp, ...middleware: MiddlewareLike<Context>[]): this {
    return this.#add(hears(text, ...middleware));
  }

  /** Handles updates of the given types. */
  on(types: UpdateType | readonly UpdateType[], ...middleware: MiddlewareLike<Context>[]): this {
    return this.#add(on(types, ...middleware));
  }

  /** Binds a conversation flow to this bot's storage and key strategy. */
  flow<Schemas>(flow: Flow<Schemas>): BotFlow<Schemas> {
    return bindFlow(flow, this.#storage, this.#strategy, undefined);
  }

  /** Handles updates whose conversation in `flow` is in one of `states`. */
  inState<Schemas>(
    flow: BotFlow<Schemas>,
    states: (keyof Schemas & string) | readonly (keyof Schemas & string)[],
    ...middleware: MiddlewareLike<Context>[]
  ): this {
    return this.#add(inState(flow, states, ...middleware));
  }

  /** Sets the handler for errors that escape every middleware. */
  catch(handler: (error: unknown, ctx: Context) => unknown): this {
    this.#errorHandler = handler;
    return this;
  }

  /** The update types the registered routes need, for `allowed_updates`. */
  allowedUpdates(): UpdateType[] {
    return [...this.#updateTypes].sort();
  }

  /**
   * Runs the middleware for one update. Errors go to the error handler, so
   * this resolves once the update was handled.
   */
  handleUpdate(update: Update, signal: AbortSignal = NEVER): Promise<void> {
    if (this.#me === undefined) return this.init().then(() => this.handleUpdate(update, signal));
    const ctx = new Context(update, this.api, this.#me, signal);
    this.#composed ??= this.#build();
    const composed = this.#composed;
    const around = this.#options.aroundUpdate;
    return around === undefined ? composed(ctx) : around(update, () => composed(ctx));
  }

  /** Dedup, per-chat ordering and deadlines in front of `handleUpdate` (shared by polling and webhooks). */
  get pipeline(): UpdatePipeline {
    this.#pipeline ??= createUpdatePipeline({
      handler: (update, signal) => this.handleUpdate(update, signal),
      dedup: this.#options.dedup ?? createMemoryDedupStore(),
      concurrency: this.#options.concurrency,
      handlerTimeoutMs: this.#options.handlerTimeoutMs,
      clock: this.#options.clock,
    });
    return this.#pipeline;
  }

  /**
   * Starts long polling with `allowed_updates` from the routes; resolves when
   * stopped. With `durable`, updates are appended to that queue (and confirmed
   * once it holds them) instead of handled here; consume it with `queueHandler()`.
   */
  async startPolling(
    options: Omit<PollerOptions, 'api' | 'pipeline'> & { readonly durable?: DurableSink } = {},
  ): Promise<void> {
    if (this.#poller?.running) throw new TypeError('The bot is already polling');
    await this.init();
    const { durable, ...pollerOptions } = options;
    this.#poller = createPoller({
      allowedUpdates: this.#updateTypes.size > 0 ? this.allowedUpdates() : undefined,
      clock: this.#options.clock,
      ...pollerOptions,
      api: this.api.raw,
      pipeline: durable ? durableIntake(durable) : this.pipeline,
    });
    return this.#poller.start();
  }

  /** Stops polling: drains in-flight handlers up to the deadline, then confirms the offset. */
  async stop(options?: StopOptions): Promise<void> {
    await this.#poller?.stop(options);
  }

  /** A consumer for a durable update queue: runs each update through this bot's pipeline. */
  queueHandler(): (update: Update) => Promise<void> {
    return queueHandlerFor(this.pipeline);
  }

  /** A node:http / express webhook handler feeding this bot's pipeline (answers 503 until getMe succeeds). */
  webhookHandler(options: Omit<WebhookOptions, 'pipeline' | 'durable'> = {}): NodeWebhookHandler {
    const handler = createWebhookHandler({
      clock: this.#options.clock,
      ...options,
      pipeline: this.pipeline,
    });
    return async (req, res) => {
      // Without getMe the update cannot be routed: let Telegram re-send it rather than acknowledge it.
      if (!(await this.#ready())) {
        res.writeHead(503).end();
        return;
      }
      return handler(req, res);
    };
  }

  /** A fastify route handler feeding this bot's pipeline (answers 503 until getMe succeeds). */
  fastifyWebhook(
    options: Omit<WebhookOptions, 'pipeline' | 'durable'> = {},
  ): ReturnType<typeof fastifyWebhook> {
    const handler = fastifyWebhook({
      clock: this.#options.clock,
      ...options,
      pipeline: this.pipeline,
    });
    return async (request, reply) => {
      if (!(await this.#ready())) {
        reply.code(503).send();
        return;
      }
      return handler(request, reply);
    };
  }

  async #ready(): Promise<boolean> {
    if (this.#me !== undefined) return true;
    try {
      await this.init();
      return true;
    } catch {
      return false;
    }
  }

  /** Stops polling and closes HTTP connections. */
  async close(): Promise<void> {
    await this.stop();
    this.api.scheduler.close();
    await this.api.raw.close();
  }

  #add(route: Route): this {
    if (this.#composed) throw new TypeError('Add middleware before the first update is handled');
    this.#middleware.push(route.middleware);
    for (const type of route.updateTypes) this.#updateTypes.add(type);
    return this;
  }

  #build(): ComposedMiddleware<Context> {
    const autoAnswer = this.#options.autoAnswerCallbacks ?? true;
    const storage = this.#storage;
    const strategy = this.#strategy;
    const migrations = createChatMigrations(storage, strategy);
    const migrate = async function migrateChat(ctx: Context, next: () => Promise<void>) {
      const message = ctx.update.message;
      const to = message?.migrate_to_chat_id;
      const from = message?.migrate_from_chat_id;
      if (message !== undefined && to !== undefined) {
        // The chat-wide conversation and the announcing member's move now;
        // other members' follow on their first update in the supergroup.
        const users = message.from ? [message.from.id] : [];
        await migrateConversations(storage, strategy, undefined, message.chat.id, to, users);
        await migrations.record(message.chat.id, to);
      } else if (message !== undefined && from !== undefined) {
        await migrations.record(from, message.chat.id);
      } else if (ctx.chat !== undefined && ctx.chat.type !== 'private' && ctx.from !== undefined) {
        await migrations.follow(ctx.chat.id, ctx.from.id);
      }
      return next();
    };
    const answerLeftovers = function answerCallbacks(ctx: Context) {
      if (ctx.update.callback_query !== undefined && !ctx.callbackAnswered)
        return ctx.answerCallbackQuery().catch(reportAnswerFailure);
    };
    const stack = compose<Context>(
      migrate,
      ...this.#middleware,
      ...(autoAnswer ? [answerLeftovers] : []),
    );
    return compose(errorBoundary((error, ctx) => this.#errorHandler(error, ctx), stack));
  }
}

const NEVER = new AbortController().signal;

/**
 * Creates a bot.
 *
 * @example
 * ```ts
 * const bot = createBot({ token: process.env.BOT_TOKEN! });
 * bot.command('start', (ctx) => ctx.reply(`Hello! Payload: ${ctx.command?.payload ?? 'none'}`));
 * bot.callback(/^buy:(\d+)$/, (ctx) => ctx.reply(`Buying ${ctx.match?.[1]}`));
 * await bot.startPolling();
 * ```
 */
export function createBot(options: BotOptions): Bot {
  return new Bot(options);
}

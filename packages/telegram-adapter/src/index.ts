/**
 * `@portcullis/telegram-adapter`: the Telegram side of a bot gateway — a Bot
 * API client, an outbound scheduler under Telegram's flood limits, lossless
 * long polling and webhooks with dedup and per-chat ordering, and routing on
 * core's `compose()`. Test bots with `@portcullis/telegram-adapter/testing`.
 *
 * @example
 * ```ts
 * import { createBot } from '@portcullis/telegram-adapter';
 *
 * const bot = createBot({ token: process.env.BOT_TOKEN! });
 * bot.command('start', (ctx) => ctx.reply('Hello!'));
 * await bot.startPolling();
 * ```
 *
 * @module
 */

// Bot, context and routing (on core's compose())
export type { BotOptions } from './bot/bot';
export { Bot, createBot } from './bot/bot';
export type { ParsedCommand } from './bot/command';
export { parseCommand } from './bot/command';
export type { AnswerExtra, EditExtra, ReplyExtra } from './bot/context';
export { Context } from './bot/context';
export type { BotFlow } from './bot/conversations';
export { bindFlow, inState, migrateConversations } from './bot/conversations';
export type { Route } from './bot/routes';
export { callback, command, hears, on } from './bot/routes';
// Bot API client
export type {
  ApiClient,
  ApiClientOptions,
  BotApiMethod,
  BotApiMethods,
  BotApiParams,
  BotApiResult,
  BotApiTransport,
  CallOptions,
} from './client/api-client';
export { createApiClient } from './client/api-client';
export { TelegramApiError, TelegramNetworkError } from './client/errors';
// Time
export type { Clock, TimerHandle } from './clock';
export { systemClock } from './clock';

// Durable ingest (Redis Streams, sharded by chat)
export type {
  DeadLetter,
  DurableUpdateHandler,
  DurableUpdateQueue,
  DurableUpdateQueueOptions,
} from './durable/durable-update-queue';
export { createDurableUpdateQueue } from './durable/durable-update-queue';
export type { RedisCallLike } from './durable/redis-streams-like';
export { orderingKeyOf, shardOf } from './durable/update-shard';
// Outbound scheduler and limits
export type {
  OutboundPacer,
  OutboundPacerRequest,
  OutboundPacerReservation,
} from './outbound/pacer';
export type { RedisOutboundPacerOptions } from './outbound/redis-pacer';
export { createRedisOutboundPacer } from './outbound/redis-pacer';
export type { ScheduledApi, ScheduledCallOptions } from './outbound/scheduled-api';
export { isFloodLimited, scheduleApi } from './outbound/scheduled-api';
export type {
  OutboundCall,
  OutboundPriority,
  OutboundScheduler,
  OutboundSchedulerOptions,
} from './outbound/scheduler';
export { createOutboundScheduler } from './outbound/scheduler';
export type { TextChunk } from './outbound/split';
export {
  checkCallbackData,
  MAX_CALLBACK_DATA_BYTES,
  MAX_CAPTION_LENGTH,
  MAX_TEXT_LENGTH,
  splitCaption,
  splitText,
} from './outbound/split';
// Receiving updates: pipeline (dedup, per-chat order, deadlines), polling
export type { ChatSequencer } from './updates/chat-sequencer';
export { createChatSequencer } from './updates/chat-sequencer';
export type {
  ClaimResult,
  DedupStore,
  DedupStoreOptions,
  MemoryDedupStoreOptions,
  RenewableDedupStore,
} from './updates/dedup';
export { createMemoryDedupStore } from './updates/dedup';
export type { DurableSink } from './updates/durable-intake';
export { durableIntake, queueHandler } from './updates/durable-intake';
export type { Poller, PollerOptions, StopOptions } from './updates/polling';
export { createPoller } from './updates/polling';
export { createRedisDedupStore, type RedisDedupStoreOptions } from './updates/redis-dedup';
export type {
  UpdateHandler,
  UpdateOutcome,
  UpdatePipeline,
  UpdatePipelineOptions,
} from './updates/update-pipeline';
export { createUpdatePipeline } from './updates/update-pipeline';
export type { UpdateType } from './updates/update-type';
export { isUpdate, updateTypeOf } from './updates/update-type';
export type {
  FastifyReplyLike,
  FastifyRequestLike,
  NodeWebhookHandler,
  WebhookAnswer,
  WebhookOptions,
  WebhookProcessor,
  WebhookTarget,
} from './updates/webhook';
export { createWebhookHandler, createWebhookProcessor, fastifyWebhook } from './updates/webhook';

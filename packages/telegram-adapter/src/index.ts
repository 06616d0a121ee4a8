/**
 * `@portcullis/telegram-adapter` — see README.md.
 *
 * @module
 */

export type {
  DeadLetter,
  DurableUpdateHandler,
  DurableUpdateQueue,
  DurableUpdateQueueOptions,
} from './durable/durable-update-queue';
// Durable ingest (Redis Streams, sharded by chat)
export { createDurableUpdateQueue } from './durable/durable-update-queue';
export type { RedisCallLike } from './durable/redis-streams-like';
export { orderingKeyOf, shardOf } from './durable/update-shard';

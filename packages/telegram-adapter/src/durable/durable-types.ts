/**
 * The durable update queue's contract: its options, what it offers and what
 * a dead letter holds. The Redis Streams work is in `durable-update-queue.ts`.
 */
import type { Update } from '@grammyjs/types';
import type { RedisCallLike } from './redis-streams-like';

/** Options for `createDurableUpdateQueue()`. */
export interface DurableUpdateQueueOptions {
  /** An ioredis `Redis` or `Cluster` (anything with `call()`). */
  readonly redis: RedisCallLike;
  /** Prefix of every key. @default 'portcullis:ingest' */
  readonly prefix?: string;
  /** Number of streams updates are sharded over by chat. Every replica must use the same value. @default 16 */
  readonly shards?: number;
  /** Consumer group name. @default 'gateway' */
  readonly group?: string;
  /** This replica's consumer name. @default `${hostname}-${pid}-${random}` */
  readonly consumerId?: string;
  /** How long a shard lease lives without renewal; a crashed replica's shards move after this. @default 15000 */
  readonly leaseMs?: number;
  /** Pause between reads of an empty shard. @default 100 */
  readonly pollIntervalMs?: number;
  /** Entries read per call. @default 32 */
  readonly batchSize?: number;
  /** Deliveries of one update (local retries and crashed replicas together) before it is dead-lettered. @default 5 */
  readonly maxAttempts?: number;
  /** Wait before a local retry, multiplied by the attempt number. @default 250 */
  readonly retryDelayMs?: number;
  /** Unhandled entries a shard may hold before `enqueue` refuses (so Telegram re-sends later). @default 100000 */
  readonly maxBacklog?: number;
}

/** An update that failed `maxAttempts` times, kept in the shard's dead-letter stream. */
export interface DeadLetter {
  readonly id: string;
  readonly update: Update;
  readonly attempts: number;
  readonly error: string;
}

/** Handles one update; a rejection means "not handled", and the update is retried. */
export type DurableUpdateHandler = (update: Update) => Promise<void>;

/** A Redis Streams queue between update intake and handling. See `createDurableUpdateQueue()`. */
export interface DurableUpdateQueue {
  /** Appends an update to its chat's shard; resolves once Redis has it. */
  enqueue(update: Update): Promise<string>;
  /** Starts consuming with `handler`. */
  start(handler: DurableUpdateHandler): void;
  /** Stops taking work, waits for the update in hand (up to `drainTimeoutMs`), releases leases. */
  stop(options?: { readonly drainTimeoutMs?: number }): Promise<void>;
  /** Shards this replica holds right now. */
  ownedShards(): readonly number[];
  /** The newest dead letters of a shard. */
  deadLetters(shard: number, count?: number): Promise<DeadLetter[]>;
  /** Key names of one shard (for operators and tests). */
  keysOf(shard: number): { readonly stream: string; readonly lease: string; readonly dead: string };
  /** The shard an update goes to. */
  shardOf(update: Update): number;
}

/**
 * The outbound scheduler's contract: its options, what it needs to know
 * about a call, and what it offers. The pacing itself is in `scheduler.ts`.
 */
import type { Clock } from '../clock';
import type { OutboundPacer } from './pacer';

/** Priority lanes, served in this order. */
export type OutboundPriority = 'reply' | 'normal' | 'broadcast';

/** Options of `createOutboundScheduler()`. */
export interface OutboundSchedulerOptions {
  /** Flood-limited messages per second to one chat. @default 1 */
  readonly perChatPerSecond?: number;
  /** Flood-limited messages per minute to one group (negative chat id). @default 20 */
  readonly perGroupPerMinute?: number;
  /** Flood-limited messages per second over all chats (raise for paid broadcast). @default 30 */
  readonly globalPerSecond?: number;
  /** Calls waiting at most; more reject with `outbound_queue_full`. @default 1000 */
  readonly maxQueueSize?: number;
  /** A 429 `retry_after` above this is capped and the call rejects instead of waiting. @default 60 */
  readonly maxRetryAfterSeconds?: number;
  /** Time a call may wait before it rejects with `outbound_deadline_exceeded`. @default 30000 */
  readonly defaultDeadlineMs?: number;
  /** Attempts of one call across 429 cooldowns. @default 3 */
  readonly maxAttempts?: number;
  /**
   * Shared flood limits over replicas (e.g. `createRedisOutboundPacer()`). A
   * flood-limited call that this scheduler's own limits let go then waits
   * for a slot from the pacer; a slot beyond the call's deadline rejects it
   * at once with `outbound_deadline_exceeded`. When the pacer fails or does
   * not answer within `pacerTimeoutMs`, the call goes on under the local
   * limits alone, `{ code, where: 'outbound' }` is published on core's
   * `CHANNELS.error`, and the pacer is skipped for `pacerBackoffMs`.
   * @default none: limits are per process
   */
  readonly pacer?: OutboundPacer;
  /** How long a pacer reservation may take before the call falls back to local pacing. @default 1000 */
  readonly pacerTimeoutMs?: number;
  /** After a pacer failure, how long calls use local pacing only before the pacer is tried again. @default 5000 */
  readonly pacerBackoffMs?: number;
  /** Time source. @default the real clock */
  readonly clock?: Clock;
}

/** What the scheduler needs to know about a call. */
export interface OutboundCall {
  /** The target chat: the per-chat limit and 429 cooldown scope. */
  readonly chatId?: number | string;
  /** Whether the call counts against flood limits (sending and editing messages). */
  readonly limited?: boolean;
  /** @default 'normal' */
  readonly priority?: OutboundPriority;
  /** Overrides `defaultDeadlineMs`. */
  readonly deadlineMs?: number;
}

/** Paces Bot API calls under Telegram's flood limits with one shared 429 cooldown per scope. */
export interface OutboundScheduler {
  /** Runs `send` when limits allow; rejects with a typed error when it cannot. */
  schedule<T>(call: OutboundCall, send: () => Promise<T>): Promise<T>;
  /** Calls waiting. */
  readonly depth: number;
  /** Chats and groups whose flood state is held; idle ones are forgotten, so it stays bounded. */
  readonly trackedChats: number;
  /** When the cooldown of `chatId` (or the global one) ends, in clock ms; 0 when none. */
  cooldownUntil(chatId?: number | string): number;
  /** Rejects every waiting call and stops timers. */
  close(): void;
}

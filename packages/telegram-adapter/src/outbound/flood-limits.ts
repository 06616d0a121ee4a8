import { SlidingLog } from './sliding-log';
import { TokenBucket } from './token-bucket';

/** The scope of calls without a chat, and of a bot-wide 429 cooldown. */
export const GLOBAL_SCOPE = '*';
/** Per-chat state held before idle entries are swept. */
const SWEEP_FLOOR = 1000;
/** Least time between two sweeps of idle chats while no call waits. */
const IDLE_SWEEP_EVERY_MS = 1000;

/** What the flood limits need to know about a call. */
export interface FloodScoped {
  /** The chat id as a string; undefined for calls without a chat. */
  readonly key: string | undefined;
  /** Whether the chat is a group (its per-minute limit applies). */
  readonly group: boolean;
  /** Whether the call counts against flood limits at all. */
  readonly limited: boolean;
}

/** Limits of {@link FloodLimits}, already checked. */
export interface FloodRates {
  /** Tokens per millisecond of one chat's bucket (capacity 1). */
  readonly perChatPerMs: number;
  /** Messages in any minute to one group. */
  readonly perGroupPerMinute: number;
  /** Messages in any second over all chats. */
  readonly globalPerSecond: number;
}

/**
 * Telegram's flood limits as this process sees them: one token bucket per
 * chat, one exact sliding log per group and one overall, and the 429
 * cooldowns per scope. Idle state is forgotten, so it stays bounded.
 */
export class FloodLimits {
  readonly #rates: FloodRates;
  readonly #chatBuckets = new Map<string, TokenBucket>();
  readonly #groupLogs = new Map<string, SlidingLog>();
  readonly #global: SlidingLog;
  readonly #cooldowns = new Map<string, number>();
  // Size of the per-chat maps that triggers a sweep; doubles with what a sweep keeps.
  #sweepAbove = SWEEP_FLOOR;
  #lastSweep = Number.NEGATIVE_INFINITY;

  constructor(rates: FloodRates) {
    this.#rates = rates;
    this.#global = new SlidingLog(rates.globalPerSecond, 1000);
  }

  /** Chats and groups whose state is held. */
  get trackedChats(): number {
    return this.#chatBuckets.size + this.#groupLogs.size;
  }

  /** Milliseconds until the 429 cooldowns that apply to `call` end (0 when none). */
  cooldownMs(call: FloodScoped, now: number): number {
    let wait = Math.max(0, (this.#cooldowns.get(GLOBAL_SCOPE) ?? 0) - now);
    if (call.key !== undefined) wait = Math.max(wait, (this.#cooldowns.get(call.key) ?? 0) - now);
    return wait;
  }

  /** Milliseconds until the overall limit lets one more limited call go (0: now). */
  globalWaitMs(now: number): number {
    return this.#global.waitMs(now);
  }

  /** Milliseconds until `call` may be sent (0 when it may go now). */
  waitMs(call: FloodScoped, now: number): number {
    let wait = this.cooldownMs(call, now);
    if (!call.limited || wait > 0) return wait;
    wait = this.#global.waitMs(now);
    if (call.key !== undefined) {
      wait = Math.max(wait, this.#bucketOf(call.key, now).waitMs(now));
      if (call.group) wait = Math.max(wait, this.#logOf(call.key).waitMs(now));
    }
    return wait;
  }

  /** Counts `call` as sent at `now`. */
  take(call: FloodScoped, now: number): void {
    if (!call.limited) return;
    this.#global.take(now);
    if (call.key !== undefined) {
      this.#bucketOf(call.key, now).take(now);
      if (call.group) this.#logOf(call.key).take(now);
    }
  }

  /** Holds every call of `scope` until `until` (the later of two cooldowns wins). */
  coolDown(scope: string, until: number): void {
    this.#cooldowns.set(scope, Math.max(this.#cooldowns.get(scope) ?? 0, until));
  }

  /** When the cooldown of `scope` ends, in clock ms; 0 when none. */
  cooldownUntil(scope: string): number {
    return this.#cooldowns.get(scope) ?? 0;
  }

  /**
   * Forgets idle state: whenever a map doubled since the last sweep
   * (amortised O(1) per call, for steady traffic that never empties the
   * queue), and at most once a second while `idle`.
   */
  maybeSweep(now: number, idle: boolean): void {
    const grown =
      this.#chatBuckets.size > this.#sweepAbove || this.#groupLogs.size > this.#sweepAbove;
    if (grown || (idle && now - this.#lastSweep >= IDLE_SWEEP_EVERY_MS)) this.#sweep(now);
  }

  #sweep(now: number): void {
    // A full bucket and an idle log equal fresh ones, so forgetting them
    // changes no decision.
    this.#lastSweep = now;
    if (this.#chatBuckets.size > SWEEP_FLOOR)
      for (const [key, bucket] of this.#chatBuckets)
        if (bucket.isFull(now)) this.#chatBuckets.delete(key);
    if (this.#groupLogs.size > SWEEP_FLOOR)
      for (const [key, log] of this.#groupLogs) if (log.isIdle(now)) this.#groupLogs.delete(key);
    for (const [scope, until] of this.#cooldowns) if (until <= now) this.#cooldowns.delete(scope);
    this.#sweepAbove = Math.max(
      SWEEP_FLOOR,
      2 * Math.max(this.#chatBuckets.size, this.#groupLogs.size),
    );
  }

  #bucketOf(key: string, now: number): TokenBucket {
    let bucket = this.#chatBuckets.get(key);
    if (bucket === undefined) {
      bucket = new TokenBucket(1, this.#rates.perChatPerMs, now);
      this.#chatBuckets.set(key, bucket);
    }
    return bucket;
  }

  #logOf(key: string): SlidingLog {
    let log = this.#groupLogs.get(key);
    if (log === undefined) {
      log = new SlidingLog(this.#rates.perGroupPerMinute, 60_000);
      this.#groupLogs.set(key, log);
    }
    return log;
  }
}

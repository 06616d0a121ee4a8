import {
  CHANNELS,
  invalidOption,
  PortcullisError,
  publish,
  truncateForMessage,
} from '@portcullis/core';
import { luaScript, runScript } from '../durable/redis-script';
import type { RedisCallLike } from '../durable/redis-streams-like';
import { positive, positiveInteger } from './option-checks';
import type { OutboundPacer, OutboundPacerReservation } from './pacer';

/** Options of {@link createRedisOutboundPacer}. */
export interface RedisOutboundPacerOptions {
  /** An ioredis `Redis` or `Cluster` (anything with `call()`). */
  readonly redis: RedisCallLike;
  /** Key prefix: keys are `<prefix>:chat:<chat id>` and `<prefix>:global`. @default 'portcullis:outbound' */
  readonly prefix?: string;
  /** Flood-limited messages per second to one chat, over all replicas. @default 1 */
  readonly perChatPerSecond?: number;
  /** Flood-limited messages per minute to one group, over all replicas. @default 20 */
  readonly perGroupPerMinute?: number;
  /** Flood-limited messages per second over all chats and replicas. @default 30 */
  readonly globalPerSecond?: number;
}

/**
 * Reserves the next slot of one key, a list of the latest reserved send
 * times (ascending, ms of Redis `TIME`): at least `spacing` after the last,
 * at most `limit` in any `window` (0: none), and no sooner than `minWait`
 * from now. Slots only move forward, so a list in append order is sorted.
 * Nothing is written when the slot is more than `maxWait` away. The key
 * expires when its last slot stops mattering.
 * KEYS[1] key; ARGV spacing, limit, window, minWait, maxWait.
 * Returns {wait, reserved}.
 */
const RESERVE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local spacing = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local at = now + tonumber(ARGV[4])
local n = redis.call('LLEN', KEYS[1])
if n > 0 then
  at = math.max(at, tonumber(redis.call('LINDEX', KEYS[1], -1)) + spacing)
  if limit > 0 and n >= limit then
    at = math.max(at, tonumber(redis.call('LINDEX', KEYS[1], -limit)) + window)
  end
end
if at - now > tonumber(ARGV[5]) then return {at - now, 0} end
redis.call('RPUSH', KEYS[1], string.format('%.0f', at))
redis.call('LTRIM', KEYS[1], -math.max(limit, 1), -1)
redis.call('PEXPIRE', KEYS[1], at - now + math.max(spacing, window, 1))
return {at - now, 1}
`;

const RESERVE = luaScript(RESERVE_SCRIPT);

/**
 * An {@link OutboundPacer} on Redis or Redis Cluster, so Telegram's flood
 * limits hold over every replica of a bot (pass it as `outbound.pacer`).
 *
 * Each reservation is one Lua script per key (EVALSHA, EVAL after NOSCRIPT)
 * with Redis `TIME` as the clock, so replicas' clocks do not matter. The
 * global key is reserved first; the chat key then gets a slot no sooner than
 * the global one, and the call sends at the chat slot. Every script touches
 * a single key, so it runs on Redis Cluster without hash tags and chats
 * spread over the shards (only the global key is one hot key). Per chat the
 * slots are exact (spacing and the group's sliding minute); a send lands on
 * its slot up to timer and network jitter of a few ms. The global limit counts the global slot, which a busy chat
 * may push later, so it can be exceeded briefly while both bind; Telegram's
 * 429 `retry_after` then pauses the scheduler as usual. Keys expire once
 * their last slot no longer matters, so idle chats leave nothing behind.
 * Redis failures reject with `PortcullisError` `rate_limiter_unavailable`.
 *
 * @example
 * ```ts
 * const bot = createBot({
 *   token,
 *   outbound: { pacer: createRedisOutboundPacer({ redis: new Redis(url) }) },
 * });
 * ```
 */
export function createRedisOutboundPacer(options: RedisOutboundPacerOptions): OutboundPacer {
  const redis = options?.redis;
  if (typeof redis?.call !== 'function')
    throw invalidOption('redis', 'an ioredis client or Cluster', redis);
  const prefix = options.prefix ?? 'portcullis:outbound';
  if (typeof prefix !== 'string' || prefix.length === 0)
    throw invalidOption('prefix', 'a non-empty string', prefix);
  const chatSpacingMs = Math.ceil(
    1000 / positive('perChatPerSecond', options.perChatPerSecond ?? 1),
  );
  const perGroup = positiveInteger('perGroupPerMinute', options.perGroupPerMinute ?? 20);
  const perSecond = positiveInteger('globalPerSecond', options.globalPerSecond ?? 30);

  async function reserveKey(
    key: string,
    args: [spacing: number, limit: number, windowMs: number],
    minWaitMs: number,
    maxWaitMs: number,
  ): Promise<OutboundPacerReservation> {
    const reply = await runScript(
      redis,
      RESERVE,
      key,
      ...args,
      Math.max(0, Math.ceil(minWaitMs)),
      Math.floor(maxWaitMs),
    );
    if (!Array.isArray(reply) || reply.length !== 2)
      throw new TypeError(`Unexpected reply ${truncateForMessage(JSON.stringify(reply), 60)}`);
    return { waitMs: Number(reply[0]), reserved: Number(reply[1]) === 1 };
  }

  return {
    async reserve(request) {
      const started = performance.now();
      try {
        const global = await reserveKey(
          `${prefix}:global`,
          [0, perSecond, 1000],
          0,
          request.maxWaitMs,
        );
        const result =
          !global.reserved || request.chatId === undefined
            ? global
            : await reserveKey(
                `${prefix}:chat:${request.chatId}`,
                request.group ? [chatSpacingMs, perGroup, 60_000] : [chatSpacingMs, 0, 0],
                global.waitMs,
                request.maxWaitMs,
              );
        publish(CHANNELS.redisCommand, () => ({
          operation: 'outbound_reserve',
          durationMs: performance.now() - started,
          ok: true,
        }));
        return result;
      } catch (error) {
        publish(CHANNELS.redisCommand, () => ({
          operation: 'outbound_reserve',
          durationMs: performance.now() - started,
          ok: false,
          errorCode: 'rate_limiter_unavailable',
        }));
        const message = error instanceof Error ? error.message : String(error);
        throw new PortcullisError(
          'rate_limiter_unavailable',
          `Redis outbound reservation failed: ${truncateForMessage(message, 120)}`,
          { cause: error },
        );
      }
    },
  };
}

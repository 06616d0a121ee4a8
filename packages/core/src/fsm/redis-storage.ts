import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { invalidOption, PortcullisError } from '../errors/portcullis-error';
import { CHANNELS, hasSubscribers, publish } from '../instrumentation/channels';
import { ConcurrentModificationError } from './errors';
import {
  type ConversationDeleteOptions,
  type ConversationSetOptions,
  type ConversationStorage,
  freshVersion,
  type StoredConversation,
  type VersionedConversation,
} from './storage';

/**
 * The few commands the Redis storage calls. An ioredis `Redis` or `Cluster`
 * fits; so does any client with the same shapes.
 */
export interface ConversationRedisLike {
  evalsha(sha: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
  hmget(key: string, ...fields: string[]): Promise<Array<string | null>>;
}

/** Options of {@link createRedisConversationStorage}. */
export interface RedisConversationStorageOptions {
  /** An ioredis `Redis` or `Cluster` (or anything shaped like {@link ConversationRedisLike}). */
  readonly redis: ConversationRedisLike;
  /**
   * Prepended to every key. Must not contain `{` or `}`: the key's own hash
   * tag decides the Cluster slot.
   * @default 'portcullis:fsm:'
   */
  readonly prefix?: string;
}

/**
 * Compare-and-set in one round trip. A conversation is a hash `{ v: version,
 * d: json }` with a PEXPIRE. KEYS[1] = key; ARGV = mode ('set' | 'del'),
 * expected version ('' = none for set, unconditional for del), json, ttl ms,
 * fresh version. Returns { 1, new version | deleted count } or { 0, actual version | '' }.
 */
export const CONVERSATION_CAS_SCRIPT = `
local current = redis.call('HGET', KEYS[1], 'v')
if ARGV[1] == 'del' then
  if ARGV[2] ~= '' and current ~= ARGV[2] then
    return {0, current or ''}
  end
  return {1, tostring(redis.call('DEL', KEYS[1]))}
end
local nextVersion
if ARGV[2] == '' then
  if current then
    return {0, current}
  end
  nextVersion = ARGV[5]
else
  if current ~= ARGV[2] then
    return {0, current or ''}
  end
  nextVersion = string.format('%.0f', tonumber(current) + 1)
end
redis.call('HSET', KEYS[1], 'v', nextVersion, 'd', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {1, nextVersion}
`;

const SCRIPT_SHA = createHash('sha1').update(CONVERSATION_CAS_SCRIPT).digest('hex');

type Operation = 'fsm_get' | 'fsm_cas' | 'fsm_delete';

/**
 * Conversation storage on Redis or Redis Cluster (ioredis is an optional peer:
 * pass your client). Writes are one Lua compare-and-set (EVALSHA, falling
 * back to EVAL after NOSCRIPT, e.g. after a restart or failover); each
 * conversation is one key, so it always lives in one Cluster slot.
 * Redis failures reject with `PortcullisError` `storage_unavailable`.
 *
 * @example
 * ```ts
 * const storage = createRedisConversationStorage({ redis: new Redis(url) });
 * ```
 */
export function createRedisConversationStorage(
  options: RedisConversationStorageOptions,
): ConversationStorage {
  const redis = options?.redis;
  if (
    typeof redis !== 'object' ||
    redis === null ||
    typeof redis.evalsha !== 'function' ||
    typeof redis.hmget !== 'function'
  ) {
    throw invalidOption('redis', 'an ioredis client (Redis or Cluster)', typeof redis);
  }
  const prefix = options.prefix ?? 'portcullis:fsm:';
  if (typeof prefix !== 'string' || prefix.includes('{') || prefix.includes('}')) {
    throw invalidOption('prefix', 'a string without `{` or `}`', prefix);
  }

  async function observe<T>(operation: Operation, run: () => Promise<T>): Promise<T> {
    const timed = hasSubscribers(CHANNELS.redisCommand);
    const started = timed ? performance.now() : 0;
    try {
      const result = await run();
      if (timed) {
        const durationMs = performance.now() - started;
        publish(CHANNELS.redisCommand, { operation, durationMs, ok: true });
      }
      return result;
    } catch (error) {
      if (error instanceof ConcurrentModificationError) {
        if (timed) {
          const durationMs = performance.now() - started;
          publish(CHANNELS.redisCommand, { operation, durationMs, ok: true });
        }
        throw error;
      }
      if (timed) {
        const durationMs = performance.now() - started;
        const errorCode = 'storage_unavailable';
        publish(CHANNELS.redisCommand, { operation, durationMs, ok: false, errorCode });
      }
      throw new PortcullisError('storage_unavailable', `Redis ${operation} failed`, {
        cause: error,
      });
    }
  }

  async function runScript(key: string, args: Array<string | number>): Promise<[number, string]> {
    let reply: unknown;
    try {
      reply = await redis.evalsha(SCRIPT_SHA, 1, key, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      reply = await redis.eval(CONVERSATION_CAS_SCRIPT, 1, key, ...args);
    }
    if (!Array.isArray(reply) || reply.length !== 2) {
      throw new TypeError(`Unexpected CAS script reply of type ${typeof reply}`);
    }
    return [Number(reply[0]), String(reply[1])];
  }

  const versionOrNull = (text: string): number | null => (text === '' ? null : Number(text));

  return {
    get(key: string): Promise<VersionedConversation | undefined> {
      return observe('fsm_get', async () => {
        const [version, json] = await redis.hmget(prefix + key, 'v', 'd');
        if (version === null || version === undefined || json === null || json === undefined) {
          return undefined;
        }
        return { value: JSON.parse(json) as StoredConversation, version: Number(version) };
      });
    },
    set(key: string, value: StoredConversation, setOptions: ConversationSetOptions) {
      const { expectedVersion, ttlMs } = setOptions;
      if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
        return Promise.reject(invalidOption('ttlMs', 'a positive number', ttlMs));
      }
      const json = JSON.stringify(value);
      return observe('fsm_cas', async () => {
        const expected = expectedVersion === null ? '' : String(expectedVersion);
        const ttl = Math.max(1, Math.ceil(ttlMs));
        const [ok, result] = await runScript(prefix + key, [
          'set',
          expected,
          json,
          ttl,
          freshVersion(),
        ]);
        if (ok !== 1)
          throw new ConcurrentModificationError(key, expectedVersion, versionOrNull(result));
        return Number(result);
      });
    },
    delete(key: string, deleteOptions: ConversationDeleteOptions = {}): Promise<boolean> {
      const expected = deleteOptions.expectedVersion;
      return observe('fsm_delete', async () => {
        const [ok, result] = await runScript(prefix + key, [
          'del',
          expected === undefined ? '' : String(expected),
          '',
          0,
          0,
        ]);
        if (ok !== 1) {
          throw new ConcurrentModificationError(key, expected ?? null, versionOrNull(result));
        }
        return result === '1';
      });
    },
  };
}

import { createHash } from 'node:crypto';
import type { RedisCallLike } from './redis-streams-like';

/** A Lua script and its SHA1, so it can be run by hash (EVALSHA). */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

/** Hashes a Lua script once, at module load. */
export function luaScript(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * Runs a one-key script by its hash, sending the text only when Redis
 * answers NOSCRIPT (its script cache is per node and empties on restart,
 * failover and SCRIPT FLUSH); that EVAL caches the script again. A NOSCRIPT
 * reply means the script did not run, so the fallback never runs it twice.
 */
export async function runScript(
  redis: RedisCallLike,
  script: LuaScript,
  key: string,
  ...args: Array<string | number>
): Promise<unknown> {
  try {
    return await redis.call('EVALSHA', script.sha, 1, key, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return redis.call('EVAL', script.source, 1, key, ...args);
  }
}

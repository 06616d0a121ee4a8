import { luaScript, runScript } from './redis-script';
import type { RedisCallLike } from './redis-streams-like';

// Take the lease if it is free, renew it if we hold it; never steal it.
const ACQUIRE_OR_RENEW = luaScript(`
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`);

// Release only a lease we hold.
const RELEASE = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`);

/** Takes or renews a shard lease for `consumerId`; true when held afterwards. */
export async function acquireLease(
  redis: RedisCallLike,
  key: string,
  consumerId: string,
  leaseMs: number,
): Promise<boolean> {
  return (await runScript(redis, ACQUIRE_OR_RENEW, key, consumerId, leaseMs)) === 1;
}

/** Releases a shard lease if `consumerId` holds it. */
export async function releaseLease(
  redis: RedisCallLike,
  key: string,
  consumerId: string,
): Promise<void> {
  await runScript(redis, RELEASE, key, consumerId);
}

import { describe, expect, it } from 'vitest';
import { luaScript, runScript } from './redis-script';
import type { RedisCallLike } from './redis-streams-like';

const script = luaScript("return redis.call('GET', KEYS[1])");

/** A client that answers each call with the next reply (an Error rejects). */
function replying(...replies: unknown[]) {
  const calls: unknown[][] = [];
  const redis: RedisCallLike = {
    call(...args) {
      calls.push(args);
      const reply = replies.shift();
      return reply instanceof Error ? Promise.reject(reply) : Promise.resolve(reply);
    },
  };
  return { redis, calls };
}

describe('runScript', () => {
  it('runs the script by its SHA1 alone while Redis has it cached', async () => {
    const { redis, calls } = replying('v');
    expect(script.sha).toBe('d3c21d0c2b9ca22f82737626a27bcaf5d288f99f'); // as SCRIPT LOAD answers
    expect(await runScript(redis, script, 'k', 'a', 1)).toBe('v');
    expect(calls).toEqual([['EVALSHA', script.sha, 1, 'k', 'a', 1]]);
  });

  it('sends the text once when Redis answers NOSCRIPT', async () => {
    const noscript = new Error('NOSCRIPT No matching script. Please use EVAL.');
    const { redis, calls } = replying(noscript, 'v');
    expect(await runScript(redis, script, 'k', 'a')).toBe('v');
    expect(calls).toEqual([
      ['EVALSHA', script.sha, 1, 'k', 'a'],
      ['EVAL', script.source, 1, 'k', 'a'],
    ]);
  });

  it('rethrows any other error without running the script again', async () => {
    const { redis, calls } = replying(new Error('ERR Error running script'));
    await expect(runScript(redis, script, 'k')).rejects.toThrow('ERR Error running script');
    expect(calls).toHaveLength(1);
  });
});

import { type RedisServer, startRedisServer } from '@portcullis/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisNonceStore } from './redis-nonce-store';
import { createSigner } from './signer';
import { createVerifier } from './verifier';

let server: RedisServer;
let redis: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url, { lazyConnect: false, maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

describe('createRedisNonceStore (real redis-server)', () => {
  it('claims each nonce once with SET NX and the TTL given, in milliseconds', async () => {
    const store = createRedisNonceStore({ redis, prefix: 'test:n:' });
    expect(await store.claim('k:abc', 330_000)).toBe(true);
    expect(await store.claim('k:abc', 330_000)).toBe(false);
    const ttl = await redis.pttl('test:n:k:abc');
    expect(ttl).toBeGreaterThan(329_000);
    expect(ttl).toBeLessThanOrEqual(330_000);
  });

  it('lets exactly one of many concurrent claims win', async () => {
    const store = createRedisNonceStore({ redis });
    const results = await Promise.all(
      Array.from({ length: 25 }, () => store.claim('race', 10_000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('stops a replay sent to another replica that shares the Redis', async () => {
    const secret = 'shared secret, at least thirty-two bytes';
    const replica = () =>
      createVerifier({
        keys: [{ id: 'k', secret }],
        audience: 'users',
        nonceStore: createRedisNonceStore({ redis }),
      });
    const request = { method: 'GET', url: '/v1/me', headers: {}, body: undefined };
    const signed = {
      ...request,
      headers: createSigner({ keyId: 'k', secret, audience: 'users' }).sign(request),
    };
    expect(await replica().verify(signed)).toMatchObject({ ok: true });
    expect(await replica().verify(signed)).toMatchObject({ ok: false, code: 'replayed' });
  });

  it('fails closed when Redis is down', async () => {
    const down = new Redis(server.url.replace(/:\d+$/, ':1'), {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    down.on('error', () => {});
    const verifier = createVerifier({
      keys: [{ id: 'k', secret: 'shared secret, at least thirty-two bytes' }],
      audience: 'users',
      nonceStore: createRedisNonceStore({ redis: down }),
    });
    const request = { method: 'GET', url: '/v1/me', headers: {}, body: undefined };
    const headers = createSigner({
      keyId: 'k',
      secret: 'shared secret, at least thirty-two bytes',
      audience: 'users',
    }).sign(request);
    await expect(verifier.verify({ ...request, headers })).rejects.toMatchObject({
      code: 'nonce_store_unavailable',
    });
    down.disconnect();
  });

  it('refuses a client without set()', () => {
    expect(() => createRedisNonceStore({ redis: {} as never })).toThrow(/redis/);
  });
});

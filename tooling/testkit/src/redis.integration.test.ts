import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedisServer } from './redis-server';

describe('startRedisServer', () => {
  let server: RedisServer;
  let client: Redis;

  beforeAll(async () => {
    server = await startRedisServer();
    client = new Redis(server.url, { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    client.disconnect();
    await server.stop();
  });

  it('runs a real redis-server on a free loopback port', async () => {
    expect(server.port).toBeGreaterThan(0);
    const info = await client.info('server');
    expect(info).toMatch(/redis_version:\d+\.\d+/);
    expect(info).toContain(`tcp_port:${server.port}`);
  });

  it('stores and reads real keys', async () => {
    await client.set('testkit:key', 'value', 'PX', 10_000);
    expect(await client.get('testkit:key')).toBe('value');
    expect(await client.pttl('testkit:key')).toBeGreaterThan(0);
  });

  it('restarts on the same port with empty memory', async () => {
    await client.set('testkit:before-restart', '1');
    await server.restart();
    const fresh = new Redis(server.url, { maxRetriesPerRequest: 1 });
    expect(await fresh.get('testkit:before-restart')).toBeNull();
    fresh.disconnect();
  });

  it('leaves no process behind after stop', async () => {
    const extra = await startRedisServer();
    const pid = extra.pid();
    expect(pid).toBeDefined();
    await extra.stop();
    expect(() => process.kill(pid!, 0)).toThrow();
  });

  it('requires the password it was started with', async () => {
    const secured = await startRedisServer({ password: 's3cret' });
    const anonymous = new Redis({
      port: secured.port,
      host: '127.0.0.1',
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
    });
    await expect(anonymous.get('x')).rejects.toThrow(/NOAUTH/);
    anonymous.disconnect();
    const authed = new Redis(secured.url);
    expect(await authed.ping()).toBe('PONG');
    authed.disconnect();
    await secured.stop();
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rateLimit, rateLimitHeaders } from './http';
import { createRateLimiter } from './limiter';
import { definePolicy } from './policy';
import { PRESETS } from './presets';

describe('rateLimitHeaders', () => {
  it('names every window of every policy in RateLimit-Policy and RateLimit, plus Retry-After when denied', async () => {
    const messages = createRateLimiter({ policy: PRESETS.messages });
    const commands = createRateLimiter({ policy: PRESETS.commands });
    const a = await messages.consume('u');
    for (let i = 0; i < 7; i++) await commands.consume('u');
    const b = await commands.consume('u');
    expect(rateLimitHeaders([a, b])).toEqual({
      'RateLimit-Policy':
        '"messages-minute";q=20;w=60, "messages-hour";q=100;w=3600, "commands-minute";q=5;w=60',
      RateLimit:
        '"messages-minute";r=19;t=60, "messages-hour";r=99;t=3600, "commands-minute";r=0;t=60',
      'Retry-After': '60',
    });
  });
});

describe('rateLimit options', () => {
  it('are validated at construction', () => {
    expect(() => rateLimit({ limits: [] })).toThrowErrorMatchingInlineSnapshot(
      `[TypeError: Expected \`limits\` to be a non-empty array of { limiter, key }, got []]`,
    );
  });
});

describe('rateLimit middleware on a real node:http server', () => {
  let server: Server;
  let url: string;
  const ip = createRateLimiter({
    policy: definePolicy({ name: 'ip', windows: [{ name: 'second', limit: 2, windowMs: 60_000 }] }),
  });
  const global = createRateLimiter({
    policy: definePolicy({
      name: 'global',
      windows: [{ name: 'minute', limit: 3, windowMs: 60_000 }],
    }),
  });

  beforeAll(async () => {
    const middleware = rateLimit({
      limits: [
        { limiter: global, key: () => 'all' },
        { limiter: ip, key: (req) => req.headers['x-client'] as string | undefined },
      ],
    });
    server = createServer((req, res) => {
      void middleware(req, res, () => res.end('ok'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers 429 with Retry-After and refunds the limits that had admitted the request', async () => {
    const call = (client: string) => fetch(url, { headers: { 'x-client': client } });
    expect((await call('a')).status).toBe(200);
    expect((await call('a')).status).toBe(200);
    const limited = await call('a');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(limited.headers.get('ratelimit')).toBe('"global-minute";r=0;t=60, "ip-second";r=0;t=60');
    const body = (await limited.json()) as { error: string; retryAfterMs: number };
    expect(body.error).toBe('rate_limited');
    expect(body.retryAfterMs).toBeGreaterThan(59_000);
    // The global unit taken by the denied request was given back.
    expect((await global.peek('all')).remaining).toEqual({ minute: 1 });
    expect((await call('b')).status).toBe(200);
    expect((await call('c')).status).toBe(429);
  });
});

describe('rateLimit middleware with keys built from requests, on a real node:http server', () => {
  const policy = definePolicy({
    name: 'ip',
    windows: [{ name: 'minute', limit: 1, windowMs: 60_000 }],
  });

  /** Serves `middleware` on 127.0.0.1; answers 500 when it throws. */
  async function serve(middleware: ReturnType<typeof rateLimit>) {
    const server = createServer((req, res) => {
      middleware(req, res, () => res.end('ok')).catch(() => {
        res.statusCode = 500;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    return {
      status: async (client: string) =>
        (await fetch(url, { headers: { 'x-client': client } })).status,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  it('limits an over-long key by its hash instead of failing the request', async () => {
    const limiter = createRateLimiter({ policy });
    const server = await serve(
      rateLimit({ limits: [{ limiter, key: (req) => `ip:${req.headers['x-client']}` }] }),
    );
    const long = 'x'.repeat(600);
    expect(await server.status(long)).toBe(200);
    expect(await server.status(long)).toBe(429);
    // Another over-long value is another subject.
    expect(await server.status(`${long}y`)).toBe(200);
    await server.close();
  });

  it('gives back what earlier limits took when a later one throws', async () => {
    const first = createRateLimiter({ policy });
    const broken = createRateLimiter({ policy });
    const server = await serve(
      rateLimit({
        limits: [
          { limiter: first, key: () => 'all' },
          { limiter: broken, key: () => 'all', cost: () => 5 },
        ],
      }),
    );
    expect(await server.status('a')).toBe(500);
    expect((await first.peek('all')).remaining).toEqual({ minute: 1 });
    await server.close();
  });
});

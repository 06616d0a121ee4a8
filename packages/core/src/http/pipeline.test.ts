import { subscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PortcullisError } from '../errors/portcullis-error';
import { CHANNELS } from '../instrumentation/channels';
import { cors } from './cors';
import { createHealthHandler } from './health';
import { composeHttp, createHttpPipeline } from './pipeline';
import { requestId } from './request-id';
import { sendJson } from './response';
import { securityHeaders } from './security-headers';
import { listen } from './test-server';
import type { HttpMiddleware } from './types';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('createHttpPipeline', () => {
  it('runs middlewares in order around the handler, each able to act after next()', async () => {
    const order: string[] = [];
    const tag =
      (name: string): HttpMiddleware =>
      async (_req, _res, next) => {
        order.push(`${name}:before`);
        await next();
        order.push(`${name}:after`);
      };
    const server = await listen(
      createHttpPipeline([tag('a'), tag('b')], (_req, res) => {
        order.push('handler');
        res.end('done');
      }),
    );
    close = server.close;
    expect(await (await fetch(server.url)).text()).toBe('done');
    expect(order).toEqual(['a:before', 'b:before', 'handler', 'b:after', 'a:after']);
  });

  it('applies security headers, CORS and the request id to health answers, errors and 404s alike', async () => {
    const health = createHealthHandler();
    const server = await listen(
      createHttpPipeline(
        [requestId(), securityHeaders(), cors({ origins: ['https://ops.example.com'] }), health],
        (req, res) => {
          if (req.url === '/boom') throw new Error('database password is hunter2');
          sendJson(res, 404, { error: 'not found' });
        },
      ),
    );
    close = server.close;
    for (const path of ['/health', '/ready', '/boom', '/missing']) {
      const response = await fetch(`${server.url}${path}`, {
        headers: { origin: 'https://ops.example.com', 'x-request-id': `req-${path.slice(1)}` },
      });
      expect(response.headers.get('x-request-id'), path).toBe(`req-${path.slice(1)}`);
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('access-control-allow-origin'), path).toBe(
        'https://ops.example.com',
      );
      expect(response.headers.get('server'), path).toBeNull();
    }
  });

  it('hides the message of unknown errors behind a JSON 500 with the request id', async () => {
    const events: unknown[] = [];
    const listener = (event: unknown) => events.push(event);
    subscribe(CHANNELS.error, listener);
    const seen: unknown[] = [];
    const server = await listen(
      createHttpPipeline(
        [requestId({ generate: () => 'rid-1' })],
        () => {
          throw new Error('database password is hunter2');
        },
        { onError: (error) => seen.push(error) },
      ),
    );
    close = server.close;
    const response = await fetch(server.url);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: { code: 'internal', message: 'Internal Server Error', requestId: 'rid-1' },
    });
    expect(seen).toHaveLength(1);
    expect(events).toContainEqual({ code: 'internal', where: 'http' });
  });

  it('answers a PortcullisError with its status, and its message only for client errors', async () => {
    const server = await listen(
      createHttpPipeline([], (req) => {
        if (req.url === '/bad')
          throw new PortcullisError('validation_failed', 'Expected `name` to be a string');
        throw new PortcullisError('circuit_open', 'users-service at 10.0.0.9 is unavailable');
      }),
    );
    close = server.close;
    const bad = await fetch(`${server.url}/bad`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: { code: 'validation_failed', message: 'Expected `name` to be a string' },
    });
    const open = await fetch(`${server.url}/open`);
    expect(open.status).toBe(503);
    expect(await open.json()).toMatchObject({
      error: { code: 'circuit_open', message: 'Service Unavailable' },
    });
  });

  it('stops when a middleware answers without calling next()', async () => {
    const server = await listen(
      createHttpPipeline([(_req, res) => sendJson(res, 401, { error: 'no' })], () => {
        throw new Error('must not run');
      }),
    );
    close = server.close;
    expect((await fetch(server.url)).status).toBe(401);
  });

  it('rejects next() called twice instead of running the handler again', async () => {
    const twice: HttpMiddleware = async (_req, _res, next) => {
      await next();
      await next();
    };
    let runs = 0;
    const errors: unknown[] = [];
    const server = await listen(
      createHttpPipeline(
        [twice],
        (_req, res) => {
          runs++;
          res.end('once');
        },
        { onError: (error) => errors.push(error) },
      ),
    );
    close = server.close;
    expect(await (await fetch(server.url)).text()).toBe('once');
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(runs).toBe(1);
    expect(String(errors[0])).toContain('next() called twice');
  });

  it('nests: a composed chain is itself a middleware that falls through to next', async () => {
    const inner = composeHttp([
      (req, res, next) => (req.url === '/inner' ? res.end('inner') : next()),
    ]);
    const server = await listen(createHttpPipeline([inner], (_req, res) => res.end('outer')));
    close = server.close;
    expect(await (await fetch(`${server.url}/inner`)).text()).toBe('inner');
    expect(await (await fetch(`${server.url}/x`)).text()).toBe('outer');
  });

  it('rejects invalid arguments at construction', () => {
    expect(() => createHttpPipeline(['x' as unknown as HttpMiddleware])).toThrow(TypeError);
    expect(() =>
      createHttpPipeline([], undefined, { onError: 1 as unknown as () => void }),
    ).toThrow(TypeError);
  });
});

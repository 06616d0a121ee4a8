import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type Context,
  type ContextManager,
  context,
  propagation,
  ROOT_CONTEXT,
  type TextMapPropagator,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CHANNELS, type ServiceRequestEvent, subscribe } from '../instrumentation/channels';
import { ServiceError } from './errors';
import { createServiceClient, type ServiceClient } from './service-client';
import { json, startTestServer, type TestServer } from './test-server';

let server: TestServer;
let behaviour: (
  req: import('node:http').IncomingMessage,
  res: import('node:http').ServerResponse,
  body: string,
) => void;
let events: ServiceRequestEvent[] = [];
let off: () => void;
const clients: ServiceClient[] = [];

function client(options: Partial<Parameters<typeof createServiceClient>[0]> = {}): ServiceClient {
  const created = createServiceClient({
    name: 'users',
    baseUrl: `${server.url}/api`,
    timeoutMs: 500,
    retry: { initialDelayMs: 1, maxDelayMs: 5 },
    ...options,
  });
  clients.push(created);
  return created;
}

async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  return error as ServiceError;
}

beforeAll(async () => {
  server = await startTestServer((req, res, body) => behaviour(req, res, body));
  off = subscribe(CHANNELS.serviceRequest, (event) => events.push(event));
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  server.requests.length = 0;
  events = [];
});
afterAll(async () => {
  off();
  await server.close();
});

describe('requests', () => {
  it('fills the route template, encodes params and query, sends X-Request-Id and reports the template', async () => {
    behaviour = (req, res) => json(res, 200, { id: 7, name: 'Ada', path: req.url });
    const User = z.object({ id: z.number(), name: z.string() });
    const { data, status } = await client().get('/users/:id', {
      params: { id: 'a/b' },
      query: { tag: ['x', 'y'], skip: undefined, page: 2 },
      schema: User,
      requestId: 'req-1',
    });
    expect(status).toBe(200);
    expect(data).toEqual({ id: 7, name: 'Ada' }); // zod strips the unknown key
    expect(events[0]?.durationMs).toBeGreaterThan(0);
    const [request] = server.requests;
    expect(request?.url).toBe('/api/users/a%2Fb?tag=x&tag=y&page=2');
    expect(request?.headers['x-request-id']).toBe('req-1');
    expect(request?.headers.accept).toBe('application/json');
    expect(events).toEqual([
      expect.objectContaining({
        service: 'users',
        method: 'GET',
        route: '/users/:id',
        status: 200,
        outcome: 'success',
        resendCount: 0,
        requestId: 'req-1',
      }),
    ]);
  });

  it('sends JSON bodies and signs every attempt through the hook, adding its headers', async () => {
    let calls = 0;
    behaviour = (_req, res, body) =>
      ++calls === 1 ? json(res, 503, {}) : json(res, 201, JSON.parse(body));
    const signed: Array<{
      method: string;
      url: string;
      body: string | undefined;
      headers: Record<string, string>;
    }> = [];
    const users = client({
      headers: { 'X-Gateway': 'g1' },
      signRequest: (request) => {
        signed.push({ ...request, body: request.body && Buffer.from(request.body).toString() });
        return { signature: `sig${signed.length}` };
      },
    });
    const { data } = await users.post('/users', { body: { name: 'Ada' }, idempotent: true });
    expect(data).toEqual({ name: 'Ada' });
    expect(signed).toHaveLength(2);
    expect(signed[0]).toMatchObject({
      method: 'POST',
      url: `${server.url}/api/users`,
      body: '{"name":"Ada"}',
      headers: { 'content-type': 'application/json', 'x-gateway': 'g1' },
    });
    expect(server.requests.map((r) => r.headers.signature)).toEqual(['sig1', 'sig2']);
  });

  it('sets one traceparent from the active OpenTelemetry context, replacing any given one', async () => {
    const storage = new AsyncLocalStorage<Context>();
    const manager: ContextManager = {
      active: () => storage.getStore() ?? ROOT_CONTEXT,
      with: (ctx, fn, thisArg, ...args) => storage.run(ctx, () => fn.call(thisArg, ...args)),
      bind: (_ctx, target) => target,
      enable: () => manager,
      disable: () => manager,
    };
    // A minimal W3C propagator: @opentelemetry/core is not a dependency of core.
    const w3c: TextMapPropagator = {
      inject(ctx, carrier, setter) {
        const span = trace.getSpanContext(ctx);
        if (span)
          setter.set(
            carrier,
            'traceparent',
            `00-${span.traceId}-${span.spanId}-0${span.traceFlags}`,
          );
      },
      extract: (ctx) => ctx,
      fields: () => ['traceparent'],
    };
    context.setGlobalContextManager(manager);
    propagation.setGlobalPropagator(w3c);
    try {
      behaviour = (_req, res) => json(res, 200, {});
      const spanContext = {
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
        traceFlags: TraceFlags.SAMPLED,
      };
      const active = trace.setSpanContext(ROOT_CONTEXT, spanContext);
      await context.with(active, () =>
        client().get('/health', {
          headers: { TraceParent: '00-ffffffffffffffffffffffffffffffff-ffffffffffffffff-00' },
        }),
      );
      expect(server.requests[0]?.headers.traceparent).toBe(
        '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      );
    } finally {
      propagation.disable();
      context.disable();
    }
  });
});

describe('misbehaving services', () => {
  it('times out a slow response with code timeout', async () => {
    behaviour = (_req, res) => setTimeout(() => json(res, 200, {}), 400);
    const error = await failure(client({ retry: false, timeoutMs: 100 }).get('/slow'));
    expect(error).toMatchObject({ code: 'timeout', service: 'users', route: '/slow', status: 0 });
    expect(error.message).toBe('users GET /slow: no complete response within 100 ms');
    expect(events.map((e) => e.outcome)).toEqual(['timeout']);
  });

  it('retries a GET after connection resets, reporting resendCount per attempt', async () => {
    behaviour = (req) => req.socket.destroy();
    const error = await failure(client().get('/users/:id', { params: { id: 1 } }));
    expect(error.code).toBe('network');
    expect(server.requests).toHaveLength(3);
    expect(events.map((e) => [e.outcome, e.resendCount])).toEqual([
      ['network', 0],
      ['network', 1],
      ['network', 2],
    ]);
  });

  it('recovers from 500s by retrying idempotent calls', async () => {
    let calls = 0;
    behaviour = (_req, res) =>
      ++calls <= 2 ? json(res, 500, { error: 'db' }) : json(res, 200, { ok: true });
    const { data } = await client().get('/users');
    expect(data).toEqual({ ok: true });
    expect(events.map((e) => `${e.status}:${e.outcome}`)).toEqual([
      '500:http_status',
      '500:http_status',
      '200:success',
    ]);
  });

  it('does not retry POST unless the call says it is idempotent', async () => {
    behaviour = (_req, res) => json(res, 500, {});
    const error = await failure(client().post('/requests', { body: {} }));
    expect(error).toMatchObject({ code: 'http_status', status: 500 });
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry a GET the call marks as not idempotent', async () => {
    behaviour = (_req, res) => json(res, 503, {});
    const error = await failure(client().get('/reports/run', { idempotent: false }));
    expect(error).toMatchObject({ code: 'http_status', status: 503 });
    expect(server.requests).toHaveLength(1);
  });

  it('reports a 4xx with a bounded body excerpt and without retrying', async () => {
    behaviour = (_req, res) => json(res, 404, { error: 'x'.repeat(5000) });
    const error = await failure(client().get('/users/:id', { params: { id: 9 } }));
    expect(error).toMatchObject({ code: 'http_status', status: 404, httpStatus: 502 });
    expect(error.bodyExcerpt).toHaveLength(512);
    expect(error.bodyExcerpt?.startsWith('{"error":"xxx')).toBe(true);
    expect(error.message).toBe('users GET /users/:id: expected a 2xx status, got 404');
    expect(server.requests).toHaveLength(1);
  });

  it('carries Retry-After of a 429 as retryAfterMs', async () => {
    behaviour = (_req, res) => {
      res.writeHead(429, { 'retry-after': '2' });
      res.end();
    };
    const error = await failure(client({ retry: false }).get('/users'));
    expect(error.retryAfterMs).toBe(2000);
  });

  it('rejects malformed JSON as invalid_response', async () => {
    behaviour = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id": 1,');
    };
    const error = await failure(client().get('/users'));
    expect(error).toMatchObject({ code: 'invalid_response', bodyExcerpt: '{"id": 1,' });
    expect(server.requests).toHaveLength(1);
  });

  it('rejects a body that does not match the schema with the zod issues', async () => {
    behaviour = (_req, res) => json(res, 200, { id: 'seven' });
    const error = await failure(client().get('/users', { schema: z.object({ id: z.number() }) }));
    expect(error.code).toBe('invalid_response');
    expect(error.issues).toEqual([expect.objectContaining({ path: ['id'], code: 'invalid_type' })]);
  });

  it('stops reading an oversized body and stays usable', async () => {
    let big = true;
    behaviour = (_req, res) =>
      big ? json(res, 200, { blob: 'x'.repeat(100_000) }) : json(res, 200, { ok: 1 });
    const users = client({ maxResponseBytes: 1024 });
    const error = await failure(users.get('/users'));
    expect(error.code).toBe('invalid_response');
    expect(error.message).toContain('at most 1024 bytes');
    big = false;
    await expect(users.get('/users')).resolves.toMatchObject({ data: { ok: 1 } });
  });

  it('cuts a streamed body of undeclared length at the limit too', async () => {
    behaviour = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no Content-Length
      res.write(`{"blob":"${'x'.repeat(4096)}`);
      res.end('"}');
    };
    const error = await failure(client({ maxResponseBytes: 1024 }).get('/users'));
    expect(error.code).toBe('invalid_response');
    expect(error.message).toContain('at most 1024 bytes');
  });

  it('reports a body cut short of its declared length as a network error', async () => {
    behaviour = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 100 });
      res.write('{"id":');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    const error = await failure(client({ retry: false }).get('/users'));
    expect(error.code).toBe('network');
  });

  it('gives up on a server that never answers, and honours the caller’s abort', async () => {
    behaviour = () => undefined;
    const users = client({ retry: false, timeoutMs: 150 });
    expect((await failure(users.get('/hang'))).code).toBe('timeout');
    const controller = new AbortController();
    const pending = users.get('/hang', { signal: controller.signal, timeoutMs: 5000 });
    setTimeout(() => controller.abort(), 20);
    expect((await failure(pending)).code).toBe('aborted');
  });

  it('rejects calls beyond the bulkhead with bulkhead_full', async () => {
    behaviour = (_req, res) => setTimeout(() => json(res, 200, {}), 100);
    const users = client({ bulkhead: { maxConcurrent: 1, maxQueue: 0 } });
    const first = users.get('/users');
    const error = await failure(users.get('/users'));
    expect(error.code).toBe('bulkhead_full');
    await first;
    expect(events.map((e) => e.outcome).sort()).toEqual(['bulkhead_full', 'success']);
  });
});

describe('circuit breaker', () => {
  it('opens on a failing service, rejects without sending, and recovers through half-open', async () => {
    let now = 1_000_000;
    let healthy = false;
    behaviour = (_req, res) => (healthy ? json(res, 200, { ok: true }) : json(res, 503, {}));
    const users = client({
      retry: false,
      breaker: { minimumCalls: 2, openMs: 10_000, halfOpenMaxCalls: 1, clock: { now: () => now } },
    });
    await failure(users.get('/users'));
    await failure(users.get('/users'));
    expect(users.breaker?.state).toBe('open');
    const rejected = await failure(users.get('/users'));
    expect(rejected).toMatchObject({ code: 'circuit_open', retryAfterMs: 10_000 });
    expect(server.requests).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ outcome: 'circuit_open', status: 0 });
    healthy = true;
    now += 10_000;
    expect(users.breaker?.state).toBe('half-open');
    await users.get('/users');
    expect(users.breaker?.state).toBe('closed');
  });

  it('does not count 4xx answers as service failures', async () => {
    behaviour = (_req, res) => json(res, 404, {});
    const users = client({ retry: false, breaker: { minimumCalls: 2 } });
    for (let i = 0; i < 4; i++) await failure(users.get('/users/:id', { params: { id: i } }));
    expect(users.breaker?.state).toBe('closed');
  });
});

describe('options', () => {
  it('are validated at construction', () => {
    expect(() => createServiceClient({ name: 'x', baseUrl: 'ftp://127.0.0.1' })).toThrow(
      'Expected `baseUrl` to be an absolute http(s) URL, got "ftp://127.0.0.1"',
    );
    expect(() => createServiceClient({ name: '', baseUrl: 'http://127.0.0.1' })).toThrow(TypeError);
  });

  it('rejects a call whose own input cannot make a request with invalid_request, sending nothing', async () => {
    const users = client();
    const missing = await failure(users.get('/users/:id'));
    expect(missing).toMatchObject({ code: 'invalid_request', route: '/users/:id', status: 0 });
    expect(missing.message).toBe(
      'users GET /users/:id: Expected `params.id` to be a value for route "/users/:id", got undefined',
    );
    const empty = await failure(users.get('/users/:id', { params: { id: '' } }));
    expect(empty.code).toBe('invalid_request');
    const badTimeout = await failure(users.get('/users', { timeoutMs: -1 }));
    expect(badTimeout.code).toBe('invalid_request');
    expect(server.requests).toHaveLength(0);
    expect(events).toHaveLength(0);
  });
});

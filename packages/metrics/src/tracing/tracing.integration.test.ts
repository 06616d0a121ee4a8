import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
} from '@opentelemetry/semantic-conventions';
import { CHANNELS, createServiceClient, PortcullisError, publish } from '@portcullis/core';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { instrumentTracing } from './instrument-tracing';
import { withUpdateSpan } from './update-span';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
let server: Server;
let url: string;
const received: string[] = [];
let stop: () => void = () => {};
let flaky = 0;

beforeAll(async () => {
  provider.register();
  server = createServer((req, res) => {
    received.push(String(req.headers.traceparent));
    const failNow = req.url === '/fail' || (req.url === '/flaky/7' && flaky++ === 0);
    res.writeHead(failNow ? 503 : 200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  stop();
  exporter.reset();
  received.length = 0;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});

/** One backend attempt the way the service client makes it: traceparent set, event published. */
async function callBackend(path: string, resendCount: number): Promise<number> {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  const started = performance.now();
  const res = await request(`${url}${path}`, { headers });
  await res.body.text();
  publish(CHANNELS.serviceRequest, {
    service: 'users',
    method: 'GET',
    route: path,
    status: res.statusCode,
    durationMs: performance.now() - started,
    outcome: res.statusCode < 400 ? 'success' : 'http_status',
    resendCount,
  });
  return res.statusCode;
}

describe('tracing', () => {
  it('gives a handled update one trace whose spans nest, and the backend sees the same trace id', async () => {
    stop = instrumentTracing();
    await withUpdateSpan({ updateId: 42, updateType: 'message' }, async () => {
      publish(CHANNELS.rateLimitDecision, {
        policy: 'per_user',
        allowed: true,
        engine: 'redis',
        fallback: false,
        durationMs: 0.4,
        usedBurst: false,
        blocked: false,
      });
      expect(await callBackend('/fail', 0)).toBe(503);
      expect(await callBackend('/users/:id', 1)).toBe(200);
      publish(CHANNELS.telegramApi, {
        method: 'sendMessage',
        status: 200,
        durationMs: 1,
        ok: true,
      });
      publish(CHANNELS.middleware, { name: 'router', durationMs: 2, outcome: 'success' });
    });

    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name).sort()).toEqual([
      'GET /fail',
      'GET /users/:id',
      'POST /bot{token}/sendMessage',
      'middleware router',
      'process message',
      'ratelimit per_user',
    ]);
    const root = spans.find((s) => s.name === 'process message')!;
    const traceId = root.spanContext().traceId;
    expect(root.kind).toBe(SpanKind.CONSUMER);
    expect(root.parentSpanContext).toBeUndefined();
    expect(root.attributes['messaging.message.id']).toBe('42');
    for (const span of spans) {
      expect(span.spanContext().traceId).toBe(traceId);
      if (span === root) continue;
      expect(span.parentSpanContext?.spanId, span.name).toBe(root.spanContext().spanId);
      const toMs = ([s, ns]: [number, number]) => s * 1e3 + ns / 1e6;
      expect(toMs(span.startTime), span.name).toBeGreaterThanOrEqual(toMs(root.startTime) - 1);
      expect(toMs(span.endTime), span.name).toBeLessThanOrEqual(toMs(root.endTime) + 1);
    }
    expect(received).toHaveLength(2);
    for (const traceparent of received) expect(traceparent.split('-')[1]).toBe(traceId);
  });

  it('makes one client span per attempt with the resend count and error type of current conventions', async () => {
    stop = instrumentTracing();
    await withUpdateSpan({ updateId: 1, updateType: 'callback_query' }, async () => {
      await callBackend('/fail', 0);
      await callBackend('/users/:id', 1);
    });
    const [first, second] = exporter
      .getFinishedSpans()
      .filter((s) => s.kind === SpanKind.CLIENT)
      .sort(
        (a, b) =>
          Number(a.attributes[ATTR_HTTP_REQUEST_RESEND_COUNT] ?? 0) -
          Number(b.attributes[ATTR_HTTP_REQUEST_RESEND_COUNT] ?? 0),
      );
    expect(first!.attributes).toMatchObject({
      [ATTR_HTTP_REQUEST_METHOD]: 'GET',
      [ATTR_HTTP_RESPONSE_STATUS_CODE]: 503,
      [ATTR_ERROR_TYPE]: '503',
      'url.template': '/fail',
      'service.peer.name': 'users',
    });
    expect(first!.attributes[ATTR_HTTP_REQUEST_RESEND_COUNT]).toBeUndefined();
    expect(first!.status.code).toBe(SpanStatusCode.ERROR);
    expect(second!.attributes[ATTR_HTTP_REQUEST_RESEND_COUNT]).toBe(1);
    expect(second!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('follows the core service client: one span per attempt, each sending the update trace id', async () => {
    stop = instrumentTracing();
    flaky = 0;
    const users = createServiceClient({
      name: 'users',
      baseUrl: url,
      retry: { maxAttempts: 2, initialDelayMs: 1, jitter: 'none' },
    });
    try {
      await withUpdateSpan({ updateId: 3, updateType: 'message' }, async () => {
        const response = await users.get('/flaky/:id', { params: { id: 7 } });
        expect(response.status).toBe(200);
      });
    } finally {
      await users.close();
    }
    const spans = exporter.getFinishedSpans();
    const root = spans.find((s) => s.name === 'process message')!;
    const attempts = spans.filter((s) => s.kind === SpanKind.CLIENT);
    expect(attempts.map((s) => s.name)).toEqual(['GET /flaky/:id', 'GET /flaky/:id']);
    expect(attempts.map((s) => s.attributes[ATTR_HTTP_REQUEST_RESEND_COUNT])).toEqual([
      undefined,
      1,
    ]);
    expect(attempts.map((s) => s.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE])).toEqual([503, 200]);
    for (const span of attempts)
      expect(span.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(received).toHaveLength(2);
    for (const traceparent of received) {
      expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
      expect(traceparent.split('-')[1]).toBe(root.spanContext().traceId);
    }
  });

  it('marks the update span failed with the error code and rethrows', async () => {
    const failure = new PortcullisError('circuit_open', 'users is unavailable');
    await expect(
      withUpdateSpan({ updateId: 2, updateType: 'message' }, () => Promise.reject(failure)),
    ).rejects.toBe(failure);
    const [span] = exporter.getFinishedSpans();
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes[ATTR_ERROR_TYPE]).toBe('circuit_open');
    expect(span!.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('records nothing once unsubscribed, and only the span kinds asked for', async () => {
    stop = instrumentTracing({ middlewareSpans: false, redisSpans: true });
    publish(CHANNELS.middleware, { name: 'router', durationMs: 1, outcome: 'error' });
    publish(CHANNELS.redisCommand, { operation: 'dedup_claim', durationMs: 1, ok: true });
    stop();
    publish(CHANNELS.redisCommand, { operation: 'dedup_claim', durationMs: 1, ok: true });
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['dedup_claim']);
  });
});

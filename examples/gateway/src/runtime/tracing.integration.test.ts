import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoUser } from '../demo/demo-user';
import { DEMO_USERS, type DemoStack, startDemoStack } from '../demo/stack';
import { startTracing, type Tracing } from './tracing';

interface ExportedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
}
interface ExportRequest {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans: Array<{ spans: ExportedSpan[] }>;
  }>;
}

// A collector's OTLP/HTTP endpoint on 127.0.0.1 that keeps what it receives.
const received: ExportRequest[] = [];
const paths: string[] = [];
let collector: Server;
let tracing: Tracing;
let stack: DemoStack;

beforeAll(async () => {
  collector = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    paths.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
    received.push(JSON.parse(Buffer.concat(chunks).toString()) as ExportRequest);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const port = (collector.address() as AddressInfo).port;
  tracing = startTracing({
    endpoint: `http://127.0.0.1:${port}`,
    serviceName: 'gateway-under-test',
  });
  stack = await startDemoStack();
});

afterAll(async () => {
  await stack?.stop();
  await tracing?.shutdown().catch(() => undefined);
  await new Promise((resolve) => collector?.close(resolve));
});

describe('tracing over OTLP/HTTP (OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  it('exports the spans of a handled update, one trace from webhook to backend call', async () => {
    const alice = new DemoUser(stack.telegram, DEMO_USERS.worker);
    await alice.say('/shifts');
    await tracing.shutdown(); // flushes the batch

    expect(paths[0]).toMatch(/^POST \/v1\/traces application\/json/);
    const resources = received.flatMap((r) => r.resourceSpans);
    expect(
      resources[0]?.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue,
    ).toBe('gateway-under-test');
    const spans = resources.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    const root = spans.find((span) => span.name === 'process message' && !span.parentSpanId);
    expect(root).toBeDefined();
    const trace = spans.filter((span) => span.traceId === root?.traceId);
    const names = trace.map((span) => span.name);
    // The update's middleware, its per-user limit, the signed backend call and
    // the reply all belong to the update's trace.
    expect(names).toEqual(
      expect.arrayContaining([
        'middleware rateLimitUsers',
        'ratelimit commands',
        'GET /v1/shifts',
        'POST /bot{token}/sendMessage',
      ]),
    );
    const ids = new Set(trace.map((span) => span.spanId));
    expect(trace.filter((span) => span !== root).every((s) => ids.has(s.parentSpanId ?? ''))).toBe(
      true,
    );
  });
});

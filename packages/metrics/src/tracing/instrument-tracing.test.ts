import { ProxyTracer, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { CHANNELS, publish } from '@portcullis/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { instrumentTracing } from './instrument-tracing';

const middlewareEvent = () =>
  publish(CHANNELS.middleware, { name: 'auth', durationMs: 2, outcome: 'success' });

let stop: () => void = () => {};
afterEach(() => {
  stop();
  trace.disable();
  vi.restoreAllMocks();
});

describe('instrumentTracing without an OTel SDK', () => {
  it('builds no spans while no tracer provider is registered, and records from the first event after one is', () => {
    const startSpan = vi.spyOn(ProxyTracer.prototype, 'startSpan');
    stop = instrumentTracing();
    middlewareEvent();
    expect(startSpan).not.toHaveBeenCalled();

    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    expect(trace.setGlobalTracerProvider(provider)).toBe(true);
    middlewareEvent();
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['middleware auth']);
  });

  it('always records on a tracer given explicitly', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    stop = instrumentTracing({ tracer: provider.getTracer('test') });
    middlewareEvent();
    expect(exporter.getFinishedSpans()).toHaveLength(1);
  });
});

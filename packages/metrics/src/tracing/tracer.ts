import {
  type Attributes,
  context,
  ProxyTracerProvider,
  type SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { VERSION } from '../version';

/** The instrumentation scope name Portcullis spans are created under. */
export const TRACER_NAME = '@portcullis/metrics';

/** The tracer to use: the given one, or the global provider's Portcullis tracer. */
export function resolveTracer(tracer: Tracer | undefined): Tracer {
  return tracer ?? trace.getTracer(TRACER_NAME, VERSION);
}

// The provider the API's global proxy delegates to while no SDK is registered.
const NO_PROVIDER = new ProxyTracerProvider().getDelegate();

/**
 * Whether spans from the global tracer provider would be recorded: false only
 * while no SDK has registered a provider (every span would be a no-op), so
 * span building can be skipped. Asked per event, so an SDK registered later
 * is used from its first event on. A global set by another copy of the API
 * counts as registered.
 */
export function globalTracerRegistered(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NO_PROVIDER;
}

/** What {@link recordFinishedSpan} needs to know about work that already ended. */
export interface FinishedWork {
  readonly name: string;
  readonly kind: SpanKind;
  readonly durationMs: number;
  readonly attributes: Attributes;
  /** Set when the work failed: becomes `error.type` and an ERROR status. */
  readonly errorType?: string;
}

/**
 * Records a span for work that just finished, as a child of the active
 * context (events are published synchronously inside the work's async
 * context, so the parent is whatever span was active around it).
 */
export function recordFinishedSpan(tracer: Tracer, work: FinishedWork): void {
  const end = performance.timeOrigin + performance.now();
  const span = tracer.startSpan(
    work.name,
    { kind: work.kind, startTime: end - work.durationMs, attributes: work.attributes },
    context.active(),
  );
  if (work.errorType !== undefined) {
    span.setAttribute('error.type', work.errorType);
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end(end);
}

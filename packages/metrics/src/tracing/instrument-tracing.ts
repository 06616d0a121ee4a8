import { SpanKind, type Tracer } from '@opentelemetry/api';
import { CHANNELS, subscribe } from '@portcullis/core';
import { type Binding, on } from '../instrument/binding';
import { globalTracerRegistered, recordFinishedSpan, resolveTracer } from './tracer';

/** Options of {@link instrumentTracing}. */
export interface TracingOptions {
  /**
   * The tracer spans are created with.
   * @default the global provider's `@portcullis/metrics` tracer
   */
  readonly tracer?: Tracer;
  /** One client span per backend request attempt. @default true */
  readonly serviceSpans?: boolean;
  /** One client span per Bot API call. @default true */
  readonly telegramSpans?: boolean;
  /** One span per middleware run. @default true */
  readonly middlewareSpans?: boolean;
  /** One span per rate-limit check. @default true */
  readonly rateLimitSpans?: boolean;
  /** One client span per Redis operation. @default false */
  readonly redisSpans?: boolean;
}

/**
 * Turns instrumentation events into OpenTelemetry spans (current semantic
 * conventions), children of the span active where the event was published.
 * With the global tracer and no OTel SDK registered, events build no spans
 * at all (they would be no-ops). Returns the function that removes every
 * listener it added.
 */
export function instrumentTracing(options: TracingOptions = {}): () => void {
  const tracer = resolveTracer(options.tracer);
  const recording = options.tracer === undefined ? globalTracerRegistered : () => true;
  const bindings: Binding[] = [];
  if (options.serviceSpans ?? true) bindings.push(serviceSpans(tracer));
  if (options.telegramSpans ?? true) bindings.push(telegramSpans(tracer));
  if (options.middlewareSpans ?? true) bindings.push(middlewareSpans(tracer));
  if (options.rateLimitSpans ?? true) bindings.push(rateLimitSpans(tracer));
  if (options.redisSpans ?? false) bindings.push(redisSpans(tracer));
  let unsubscribers = bindings.map(({ channel, listener }) =>
    subscribe(channel, (payload) => {
      if (!recording()) return;
      try {
        (listener as (payload: unknown) => void)(payload);
      } catch {
        // A span we cannot build must never break the work it describes.
      }
    }),
  );
  return () => {
    for (const unsubscribeOne of unsubscribers) unsubscribeOne();
    unsubscribers = [];
  };
}

function serviceSpans(tracer: Tracer): Binding {
  return on(CHANNELS.serviceRequest, (e) => {
    const attributes: Record<string, string | number> = {
      'http.request.method': e.method,
      'url.template': e.route,
      'service.peer.name': e.service,
    };
    if (e.status > 0) attributes['http.response.status_code'] = e.status;
    if (e.resendCount > 0) attributes['http.request.resend_count'] = e.resendCount;
    if (e.requestId !== undefined) attributes['portcullis.request_id'] = e.requestId;
    const failed = e.outcome !== 'success' || e.status >= 400;
    recordFinishedSpan(tracer, {
      name: `${e.method} ${e.route}`,
      kind: SpanKind.CLIENT,
      durationMs: e.durationMs,
      attributes,
      ...(failed ? { errorType: e.status >= 400 ? String(e.status) : e.outcome } : {}),
    });
  });
}

function telegramSpans(tracer: Tracer): Binding {
  return on(CHANNELS.telegramApi, (e) => {
    const template = `/bot{token}/${e.method}`;
    const attributes: Record<string, string | number> = {
      'http.request.method': 'POST',
      'url.template': template,
      'telegram.method': e.method,
    };
    if (e.status > 0) attributes['http.response.status_code'] = e.status;
    if (e.retryAfterSeconds !== undefined) attributes['telegram.retry_after'] = e.retryAfterSeconds;
    recordFinishedSpan(tracer, {
      name: `POST ${template}`,
      kind: SpanKind.CLIENT,
      durationMs: e.durationMs,
      attributes,
      ...(e.ok ? {} : { errorType: e.status > 0 ? String(e.status) : 'network' }),
    });
  });
}

function middlewareSpans(tracer: Tracer): Binding {
  return on(CHANNELS.middleware, (e) => {
    recordFinishedSpan(tracer, {
      name: `middleware ${e.name}`,
      kind: SpanKind.INTERNAL,
      durationMs: e.durationMs,
      attributes: { 'portcullis.middleware': e.name },
      ...(e.outcome === 'error' ? { errorType: 'middleware_failed' } : {}),
    });
  });
}

function rateLimitSpans(tracer: Tracer): Binding {
  return on(CHANNELS.rateLimitDecision, (e) => {
    const attributes: Record<string, string | boolean> = {
      'portcullis.ratelimit.policy': e.policy,
      'portcullis.ratelimit.allowed': e.allowed,
      'portcullis.ratelimit.engine': e.engine,
      'portcullis.ratelimit.fallback': e.fallback,
    };
    if (e.engine === 'redis') attributes['db.system.name'] = 'redis';
    if (e.deniedBy !== undefined) attributes['portcullis.ratelimit.denied_by'] = e.deniedBy;
    recordFinishedSpan(tracer, {
      name: `ratelimit ${e.policy}`,
      kind: e.engine === 'redis' ? SpanKind.CLIENT : SpanKind.INTERNAL,
      durationMs: e.durationMs,
      attributes,
    });
  });
}

function redisSpans(tracer: Tracer): Binding {
  return on(CHANNELS.redisCommand, (e) => {
    recordFinishedSpan(tracer, {
      name: e.operation,
      kind: SpanKind.CLIENT,
      durationMs: e.durationMs,
      attributes: { 'db.system.name': 'redis', 'db.operation.name': e.operation },
      ...(e.ok ? {} : { errorType: e.errorCode ?? 'redis_error' }),
    });
  });
}

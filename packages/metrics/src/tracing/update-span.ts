import { type Span, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { isPortcullisError } from '@portcullis/core';
import { resolveTracer } from './tracer';

/** The update a {@link withUpdateSpan} span covers. */
export interface UpdateSpanInfo {
  readonly updateId: number;
  /** Bot API update type (`message`, `callback_query`…). */
  readonly updateType: string;
}

/** Options of {@link withUpdateSpan}. */
export interface UpdateSpanOptions {
  /**
   * The tracer to create the span with.
   * @default the global provider's `@portcullis/metrics` tracer
   */
  readonly tracer?: Tracer;
}

/**
 * Runs `handle` inside a `process <update_type>` consumer span (OTel messaging
 * conventions) that is active for everything the handler awaits, so
 * middleware, limiter, service and Telegram spans nest under it and outbound
 * requests carry its trace id. A thrown error is recorded and rethrown.
 *
 * @example
 * ```ts
 * await withUpdateSpan({ updateId: update.update_id, updateType: 'message' }, () => bot.handle(update));
 * ```
 */
export function withUpdateSpan<T>(
  update: UpdateSpanInfo,
  handle: (span: Span) => Promise<T> | T,
  options: UpdateSpanOptions = {},
): Promise<T> {
  const tracer = resolveTracer(options.tracer);
  const attributes = {
    'messaging.system': 'telegram',
    'messaging.operation.type': 'process',
    'messaging.operation.name': 'process',
    'messaging.destination.name': update.updateType,
    'messaging.message.id': String(update.updateId),
  };
  return tracer.startActiveSpan(
    `process ${update.updateType}`,
    { kind: SpanKind.CONSUMER, attributes },
    async (span) => {
      try {
        return await handle(span);
      } catch (error) {
        span.setAttribute('error.type', isPortcullisError(error) ? error.code : errorName(error));
        span.setStatus({ code: SpanStatusCode.ERROR });
        if (error instanceof Error) span.recordException(error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '_OTHER';
}

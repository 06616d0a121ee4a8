import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/** A registered tracer provider, flushed and shut down on stop. */
export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * Registers an OpenTelemetry SDK exporting spans over OTLP/HTTP to
 * `endpoint` (Jaeger, Tempo, an OTel collector). Without it, every span the
 * packages start is a no-op.
 */
export function startTracing(options: {
  readonly endpoint: string;
  readonly serviceName: string;
}): Tracing {
  const exporter = new OTLPTraceExporter({
    url: new URL('/v1/traces', options.endpoint).toString(),
  });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  provider.register();
  return { shutdown: () => provider.shutdown() };
}

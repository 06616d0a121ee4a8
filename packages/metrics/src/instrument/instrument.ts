import diagnosticsChannel from 'node:diagnostics_channel';
import { invalidOption } from '@portcullis/core';
import type { Registry } from 'prom-client';
import {
  type CreateMetricsOptions,
  createMetrics,
  type PortcullisMetrics,
} from '../registry/create-metrics';
import { instrumentTracing, type TracingOptions } from '../tracing/instrument-tracing';
import { activeConversationsRecorder } from './active-conversations';
import { backendRecorders, setBreakerState } from './backend-recorders';
import type { Binding } from './binding';
import { gatewayRecorders } from './gateway-recorders';

/** Options of {@link instrument}. */
export interface InstrumentOptions extends Omit<CreateMetricsOptions, 'registry'> {
  /**
   * The catalog to record into. Give this or `registry`.
   * @default `createMetrics({ registry, ...options })`
   */
  readonly metrics?: PortcullisMetrics;
  /**
   * Registry to create the catalog on when `metrics` is not given.
   * @default a new `Registry`
   */
  readonly registry?: Registry;
  /**
   * Circuit breakers whose state gauge exists (closed = 1) before their first
   * event, so dashboards and alerts see every breaker from the first scrape.
   * @default []
   */
  readonly breakers?: readonly string[];
  /**
   * Also turn events into OpenTelemetry spans (`true` for the defaults of
   * {@link TracingOptions}). Without an OTel SDK registered spans are no-ops.
   * @default false
   */
  readonly tracing?: boolean | TracingOptions;
}

/** What {@link instrument} returns. */
export interface Instrumentation {
  /** The catalog events are recorded into. */
  readonly metrics: PortcullisMetrics;
  /** Removes every listener this instrumentation added; idempotent. */
  unsubscribe(): void;
}

/**
 * Subscribes to every Portcullis diagnostics channel and records its events
 * on the metric catalog. A listener never throws into the publisher: a bad
 * payload is counted on `instrumentation_listener_errors_total`.
 *
 * @example
 * ```ts
 * const { metrics, unsubscribe } = instrument({ breakers: ['users'] });
 * http.createServer(metricsHandler(metrics.registry)).listen(9464);
 * // on shutdown: unsubscribe();
 * ```
 */
export function instrument(options: InstrumentOptions = {}): Instrumentation {
  if (options.metrics !== undefined && options.registry !== undefined) {
    throw invalidOption('registry', 'omitted when `metrics` is given', 'a Registry');
  }
  const { metrics: given, breakers = [], tracing = false, ...createOptions } = options;
  const metrics = given ?? createMetrics(createOptions);
  for (const breaker of breakers) setBreakerState(metrics, breaker, 'closed');

  const conversations = activeConversationsRecorder(metrics);
  const bindings: Binding[] = [
    ...gatewayRecorders(metrics),
    ...conversations.bindings,
    ...backendRecorders(metrics),
  ];
  let unsubscribers: (() => void)[] = bindings.map(({ channel, listener }) => {
    const record = listener as (payload: unknown) => void;
    // One function per channel, straight on diagnostics_channel: this runs per event.
    const onMessage = (payload: unknown) => {
      try {
        record(payload);
      } catch {
        // diagnostics_channel would rethrow on the next tick and crash the process.
        metrics.inc('instrumentation_listener_errors_total', { channel });
      }
    };
    diagnosticsChannel.subscribe(channel, onMessage);
    return () => {
      diagnosticsChannel.unsubscribe(channel, onMessage);
    };
  });
  unsubscribers.push(conversations.stop);
  if (tracing !== false) unsubscribers.push(instrumentTracing(tracing === true ? {} : tracing));
  return {
    metrics,
    unsubscribe() {
      for (const unsubscribeOne of unsubscribers) unsubscribeOne();
      unsubscribers = [];
    },
  };
}

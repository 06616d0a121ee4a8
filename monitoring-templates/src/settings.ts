/**
 * The choices the templates make that an operator may want to change:
 * job name, thresholds, SLO targets. Everything else is derived from the
 * metrics catalog.
 */
import { DEFAULT_METRIC_PREFIX, METRIC_CATALOG, PROCESS_METRIC_NAMES } from '@portcullis/metrics';
import { createSchema, type MetricSchema } from './schema';

/** The Prometheus job that scrapes the gateway. */
export const GATEWAY_JOB = 'portcullis-gateway';

/** Where the alerts' `runbook_url` annotations point (anchors are the lower-cased alert names). */
export const RUNBOOK_BASE_URL =
  'https://github.com/portcullis-dev/portcullis/blob/main/monitoring-templates/MONITORING.md';

/** The runbook link of `alert`. */
export function runbookUrl(alert: string): string {
  return `${RUNBOOK_BASE_URL}#${alert.toLowerCase()}`;
}

/** Alert thresholds; each is named in the alert's description. */
export const THRESHOLDS = {
  /** Share of updates failing (failed or timed out) that pages. */
  criticalErrorRatio: 0.1,
  /** Share of updates failing that opens a ticket. */
  highErrorRatio: 0.02,
  /** p99 update handling time, seconds. */
  highLatencySeconds: 2,
  /** Share of a backend's attempts failing (5xx or no response). */
  serviceErrorRatio: 0.05,
  /** Share of a backend's attempts that timed out. */
  serviceTimeoutRatio: 0.05,
  /** Resident memory that pages, bytes. */
  criticalMemoryBytes: 1.5 * 1024 ** 3,
  /** Share of webhook requests answered with a failure. */
  webhookFailureRatio: 0.2,
  /** Share of rate-limit decisions that deny. */
  rateLimitDenyRatio: 0.2,
  /** 429 answers from Telegram within 5 minutes. */
  floodWaitsPer5m: 3,
  /** p99 event-loop lag, seconds. */
  eventLoopLagSeconds: 0.2,
  /** Share of Redis operations failing. */
  redisErrorRatio: 0.01,
  /** Share of signature verifications failing. */
  signatureFailureRatio: 0.05,
  /** Calls waiting in one outbound lane. */
  outboundQueueDepth: 100,
  /** Requests per second below which ratio alerts stay quiet (minimum-traffic guard). */
  minRequestsPerSecond: 0.1,
} as const;

/** Service-level objectives the burn-rate alerts protect (30-day windows). */
export const SLO = {
  /** Share of updates handled without failure or timeout. */
  updateSuccess: 0.995,
  /** Share of each backend's attempts answered without 5xx or network failure. */
  serviceSuccess: 0.995,
} as const;

/** The schema of the catalog the templates are generated from. */
export function portcullisSchema(): MetricSchema {
  return createSchema({
    catalog: METRIC_CATALOG,
    prefix: DEFAULT_METRIC_PREFIX,
    processMetricNames: PROCESS_METRIC_NAMES,
  });
}

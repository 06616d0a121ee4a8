/**
 * Recording rules: the ratios and percentiles that alerts and dashboards
 * share, named `level:metric:operation` after the Prometheus convention.
 */
import { analyzePromql } from '../promql';
import type { MetricSchema } from '../schema';

/** One recording rule. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
}

/** A named group of rules, as in a Prometheus rule file. */
export interface RuleGroup<Rule> {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly Rule[];
}

/** The windows the multi-window burn-rate alerts read. */
export const SLO_WINDOWS = ['5m', '30m', '1h', '6h'] as const;

/** One of {@link SLO_WINDOWS}. */
export type SloWindow = (typeof SLO_WINDOWS)[number];

/** Names of the recorded series, so alerts and dashboards never retype them. */
export interface RecordedNames {
  updateRate5m: string;
  updateRate1h: string;
  updateErrorRatio: Record<SloWindow, string>;
  updateLatencyP99: string;
  serviceRate5m: string;
  serviceRate1h: string;
  serviceErrorRatio: Record<SloWindow, string>;
  serviceLatencyP99: string;
}

const base = (metric: string) => metric.replace(/_total$/, '');

/**
 * Builds the recording rules and registers their outputs in `schema`, so
 * expressions that use them are checked like any catalog metric.
 */
export function recordingRules(schema: MetricSchema): {
  groups: RuleGroup<RecordingRule>[];
  names: RecordedNames;
} {
  const handled = schema.metric('updates_handled_total');
  const outcome = handled.label('outcome');
  const failedOutcomes = `${handled.value('outcome', 'failed')}|${handled.value('outcome', 'timeout')}`;
  const duration = schema.metric('update_handling_duration_seconds');
  const requests = schema.metric('service_requests_total');
  const service = requests.label('service');
  const statusClass = requests.label('status_class');
  const badStatus = `${requests.value('status_class', '5xx')}|${requests.value('status_class', 'none')}`;
  const serviceDuration = schema.metric('service_request_duration_seconds');

  const rules: RecordingRule[] = [];
  const groups: RuleGroup<RecordingRule>[] = [];
  const record = (name: string, expr: string): string => {
    rules.push({ record: name, expr });
    const usage = analyzePromql(expr, schema);
    schema.addRecorded(name, usage.output);
    return name;
  };

  // A ratio that is 0, not absent, while nothing failed: the numerator falls
  // back to the denominator times zero.
  const ratio = (bad: string, all: string, by: string, window: string) =>
    `(sum by (${by}) (rate(${bad}[${window}])) or sum by (${by}) (rate(${all}[${window}])) * 0)` +
    ` / sum by (${by}) (rate(${all}[${window}]))`;

  const updateBy = 'job';
  const serviceBy = `job, ${service}`;
  const updateErrorRatio = {} as Record<SloWindow, string>;
  const serviceErrorRatio = {} as Record<SloWindow, string>;
  const names: RecordedNames = {
    updateRate5m: record(
      `job:${base(handled.name)}:rate5m`,
      `sum by (${updateBy}) (rate(${handled.name}[5m]))`,
    ),
    updateRate1h: record(
      `job:${base(handled.name)}:rate1h`,
      `sum by (${updateBy}) (rate(${handled.name}[1h]))`,
    ),
    updateErrorRatio,
    updateLatencyP99: record(
      `job:${duration.name}:p99_rate5m`,
      `histogram_quantile(0.99, sum by (${updateBy}, le) (rate(${duration.bucket}[5m])))`,
    ),
    serviceRate5m: record(
      `job_service:${base(requests.name)}:rate5m`,
      `sum by (${serviceBy}) (rate(${requests.name}[5m]))`,
    ),
    serviceRate1h: record(
      `job_service:${base(requests.name)}:rate1h`,
      `sum by (${serviceBy}) (rate(${requests.name}[1h]))`,
    ),
    serviceErrorRatio,
    serviceLatencyP99: record(
      `job_service:${serviceDuration.name}:p99_rate5m`,
      `histogram_quantile(0.99, sum by (${serviceBy}, le) (rate(${serviceDuration.bucket}[5m])))`,
    ),
  };
  groups.push({ name: 'portcullis.recording', rules: rules.splice(0) });

  for (const window of SLO_WINDOWS) {
    updateErrorRatio[window] = record(
      `job:${base(handled.name)}:error_ratio_rate${window}`,
      ratio(`${handled.name}{${outcome}=~"${failedOutcomes}"}`, handled.name, updateBy, window),
    );
    serviceErrorRatio[window] = record(
      `job_service:${base(requests.name)}:error_ratio_rate${window}`,
      ratio(`${requests.name}{${statusClass}=~"${badStatus}"}`, requests.name, serviceBy, window),
    );
  }
  groups.push({ name: 'portcullis.slo.recording', rules: rules.splice(0) });
  return { groups, names };
}

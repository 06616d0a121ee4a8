/**
 * The shape of an alert as the templates define it: the rule Prometheus
 * loads, plus the `promtool test rules` cases that prove it fires and stays
 * quiet.
 */
import type { Severity } from '../alertmanager';
import { OVERVIEW_UID } from '../grafana/overview';
import { PERFORMANCE_UID } from '../grafana/performance';
import { SERVICES_UID } from '../grafana/services';
import { runbookUrl } from '../settings';

/** The dashboard to open first for each alert family (its uid). */
export const DASHBOARD_BY_FAMILY: Readonly<Record<string, string>> = {
  errors: OVERVIEW_UID,
  latency: OVERVIEW_UID,
  webhook: OVERVIEW_UID,
  availability: OVERVIEW_UID,
  ratelimit: OVERVIEW_UID,
  signing: OVERVIEW_UID,
  'slo-updates': OVERVIEW_UID,
  'circuit-breaker': SERVICES_UID,
  'service-errors': SERVICES_UID,
  'slo-service': SERVICES_UID,
  memory: PERFORMANCE_UID,
  runtime: PERFORMANCE_UID,
  redis: PERFORMANCE_UID,
  telegram: PERFORMANCE_UID,
  outbound: PERFORMANCE_UID,
  meta: PERFORMANCE_UID,
};

/** One input series of a promtool unit test (`values` in promtool's expanding notation). */
export interface TestSeries {
  readonly series: string;
  readonly values: string;
}

/** The promtool cases of one alert. */
export interface AlertTests {
  /** When to evaluate, e.g. `30m`. */
  readonly evalTime: string;
  /** Sample spacing of the input series. @default '1m' */
  readonly interval?: string;
  /** Input under which the alert fires. */
  readonly firing: readonly TestSeries[];
  /** Labels the firing alert gets from its expression (besides severity and family). */
  readonly firingLabels: Readonly<Record<string, string>>;
  /** Input close to the firing case under which the alert stays quiet. */
  readonly quiet: readonly TestSeries[];
  /** Further firing cases, for alerts with more than one way to fire. */
  readonly alsoFiring?: readonly {
    readonly why: string;
    readonly firing: readonly TestSeries[];
    readonly firingLabels: Readonly<Record<string, string>>;
  }[];
}

/** One alert and its tests. */
export interface AlertDefinition {
  readonly alert: string;
  readonly severity: Severity;
  /** Alerts of one family inhibit each other: critical silences warning. */
  readonly family: string;
  readonly expr: string;
  readonly for: string;
  /** One line; may use `{{ $labels.x }}` for labels the expression keeps. */
  readonly summary: string;
  /** What it means and the threshold; may use `{{ $labels.x }}`. */
  readonly description: string;
  readonly tests: AlertTests;
}

/** An alerting rule as written to the Prometheus rule file. */
export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

/** The Prometheus rule of `definition`. */
export function toAlertingRule(definition: AlertDefinition): AlertingRule {
  const dashboard = DASHBOARD_BY_FAMILY[definition.family];
  if (dashboard === undefined) {
    throw new Error(
      `Alert family \`${definition.family}\` has no dashboard in DASHBOARD_BY_FAMILY`,
    );
  }
  return {
    alert: definition.alert,
    expr: definition.expr,
    for: definition.for,
    labels: { severity: definition.severity, family: definition.family },
    annotations: {
      summary: definition.summary,
      description: definition.description,
      runbook_url: runbookUrl(definition.alert),
      // Grafana path, relative to your Grafana's base URL.
      dashboard: `/d/${dashboard}`,
    },
  };
}

/**
 * Renders the `{{ $labels.x }}` placeholders of an annotation the way
 * Prometheus does, so unit tests can expect exact annotations.
 */
export function renderAnnotation(template: string, labels: Readonly<Record<string, string>>) {
  return template.replace(/\{\{\s*\$labels\.([a-zA-Z_]\w*)\s*\}\}/g, (_, name: string) => {
    const value = labels[name];
    if (value === undefined) {
      throw new Error(`Annotation uses $labels.${name}, which the alert does not carry`);
    }
    return value;
  });
}

/** Formats a ratio as a percentage for descriptions (`0.05` → `5%`). */
export const percent = (ratio: number) => `${Number((ratio * 100).toFixed(2))}%`;

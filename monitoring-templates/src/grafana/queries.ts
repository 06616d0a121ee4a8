/** PromQL fragments the dashboards share. */
import type { LabelVariable, PanelQuery } from './builder';

/** Grafana's rate window: at least four scrape intervals. */
export const RATE = '$__rate_interval';

/** The `job` variable, fed by the label values of `metric`. */
export const JOB_VARIABLE = (metric: string): LabelVariable => ({
  name: 'job',
  label: 'Job',
  metric,
  labelName: 'job',
});

/** `name{job=~"$job", <label>=~"$<variable>"…, <label>="<value>"…}`. */
export function selector(
  name: string,
  variables: Readonly<Record<string, string>> = {},
  equal: Readonly<Record<string, string>> = {},
): string {
  const matchers = [
    'job=~"$job"',
    ...Object.entries(variables).map(([label, variable]) => `${label}=~"$${variable}"`),
    ...Object.entries(equal).map(([label, value]) => `${label}="${value}"`),
  ];
  return `${name}{${matchers.join(', ')}}`;
}

/** `name{job=~"$job"}`. */
export const jobOnly = (name: string) => selector(name);

/** p50, p90 and p99 of a histogram, per `by` labels. */
export function quantiles(
  bucket: string,
  by: readonly string[],
  variables: Readonly<Record<string, string>> = {},
  levels: readonly number[] = [0.5, 0.9, 0.99],
): PanelQuery[] {
  const grouping = ['le', ...by].join(', ');
  const suffix = by.map((label) => ` {{${label}}}`).join('');
  return levels.map((level) => ({
    expr: `histogram_quantile(${level}, sum by (${grouping}) (rate(${selector(bucket, variables)}[${RATE}])))`,
    legend: `p${Math.round(level * 100)}${suffix}`,
  }));
}

/** Small builders shared by the alert definitions. */
import { GATEWAY_JOB, THRESHOLDS } from '../settings';
import type { TestSeries } from './alert-model';

/** Target labels every test series carries, as a scrape would add them. */
export const TARGET = { job: GATEWAY_JOB, instance: 'gateway:9464' } as const;

/** A promtool input series: `name{labels, job, instance}` with `values`. */
export function series(
  name: string,
  labels: Readonly<Record<string, string>>,
  values: string,
): TestSeries {
  const all = { ...labels, ...TARGET };
  const text = Object.entries(all)
    .map(([key, value]) => `${key}="${value}"`)
    .join(', ');
  return { series: `${name}{${text}}`, values };
}

/**
 * `(sum by (by) (rate(bad[w])) / sum by (by) (rate(all[w])))` — the share of
 * `all` that is `bad`, per `by`.
 */
export function ratio(bad: string, all: string, by: string, window = '5m'): string {
  return `(sum by (${by}) (rate(${bad}[${window}])) / sum by (${by}) (rate(${all}[${window}])))`;
}

/** The minimum-traffic guard: `and <rate> > min`, so ratio alerts ignore a handful of requests. */
export function withTraffic(expr: string, rate: string): string {
  return `${expr} and ${rate} > ${THRESHOLDS.minRequestsPerSecond}`;
}

/** A number as PromQL writes it, without float noise (`0.07200000000000001` → `0.072`). */
export const num = (value: number) => String(Number(value.toPrecision(12)));

/**
 * Multi-window, multi-burn-rate SLO alerts (Google SRE workbook, chapter
 * "Alerting on SLOs"): a fast burn (14.4x over 1 h and 5 m, 2% of a 30-day
 * budget in an hour) pages; a slow burn (6x over 6 h and 30 m, 5% in six
 * hours) opens a ticket and is silenced by the fast burn of the same family.
 * The short window makes the alert stop soon after the burn stops; the
 * minimum-traffic guard keeps a handful of requests from paging anyone.
 */
import type { MetricSchema } from '../schema';
import { SLO } from '../settings';
import { type AlertDefinition, percent } from './alert-model';
import { num, series, TARGET, withTraffic } from './helpers';
import type { RecordedNames, SloWindow } from './recording';

/** One burn-rate tier. */
export interface BurnRate {
  readonly factor: number;
  readonly long: SloWindow;
  readonly short: SloWindow;
  readonly for: string;
}

/** The page tier: 14.4x over 1 h and 5 m. */
export const FAST_BURN: BurnRate = { factor: 14.4, long: '1h', short: '5m', for: '2m' };
/** The ticket tier: 6x over 6 h and 30 m. */
export const SLOW_BURN: BurnRate = { factor: 6, long: '6h', short: '30m', for: '15m' };

const burnExpr = (ratios: Record<SloWindow, string>, tier: BurnRate, slo: number) => {
  const threshold = num(tier.factor * (1 - slo));
  return `${ratios[tier.long]} > ${threshold} and ${ratios[tier.short]} > ${threshold}`;
};

const HOURS: Record<SloWindow, number> = { '5m': 5 / 60, '30m': 0.5, '1h': 1, '6h': 6 };
const SLO_PERIOD_HOURS = 30 * 24;

/** "over the last 1h and the last 5m (2% of the 30-day budget in 1h)". */
const windows = (tier: BurnRate) =>
  `over the last ${tier.long} and the last ${tier.short}; at this pace ${percent((tier.factor * HOURS[tier.long]) / SLO_PERIOD_HOURS)} of the 30-day budget is gone within ${tier.long}`;

/** The four burn-rate alerts: update handling and per backend, fast and slow. */
export function sloAlerts(schema: MetricSchema, recorded: RecordedNames): AlertDefinition[] {
  const handled = schema.metric('updates_handled_total');
  const requests = schema.metric('service_requests_total');
  const job = { job: TARGET.job };
  const updates = (outcome: string, values: string) =>
    series(
      handled.name,
      { update_type: 'message', outcome: handled.value('outcome', outcome) },
      values,
    );
  const attempts = (statusClass: string, values: string) =>
    series(
      requests.name,
      {
        service: 'users',
        method: 'POST',
        route: '/requests',
        status_class: requests.value('status_class', statusClass),
      },
      values,
    );
  const budget = (slo: number) => `${percent(slo)} (error budget ${percent(1 - slo)})`;
  return [
    {
      alert: 'UpdateErrorBudgetFastBurn',
      severity: 'critical',
      family: 'slo-updates',
      expr: withTraffic(
        burnExpr(recorded.updateErrorRatio, FAST_BURN, SLO.updateSuccess),
        recorded.updateRate1h,
      ),
      for: FAST_BURN.for,
      summary: `Update handling burns its error budget ${FAST_BURN.factor}x too fast on {{ $labels.job }}`,
      description: `Update failures exceed ${FAST_BURN.factor}x the budget of the ${budget(SLO.updateSuccess)} objective ${windows(FAST_BURN)}.`,
      tests: {
        evalTime: '70m',
        firing: [updates('handled', '0+60x80'), updates('failed', '0+10x80')],
        firingLabels: job,
        quiet: [updates('handled', '0+60x80'), updates('failed', '0+3x80')],
      },
    },
    {
      alert: 'UpdateErrorBudgetSlowBurn',
      severity: 'warning',
      family: 'slo-updates',
      expr: withTraffic(
        burnExpr(recorded.updateErrorRatio, SLOW_BURN, SLO.updateSuccess),
        recorded.updateRate1h,
      ),
      for: SLOW_BURN.for,
      summary: `Update handling burns its error budget ${SLOW_BURN.factor}x too fast on {{ $labels.job }}`,
      description: `Update failures exceed ${SLOW_BURN.factor}x the budget of the ${budget(SLO.updateSuccess)} objective ${windows(SLOW_BURN)}.`,
      tests: {
        evalTime: '90m',
        interval: '5m',
        firing: [updates('handled', '0+300x30'), updates('failed', '0+50x30')],
        firingLabels: job,
        quiet: [updates('handled', '0+300x30'), updates('failed', '0+5x30')],
      },
    },
    {
      alert: 'ServiceErrorBudgetFastBurn',
      severity: 'critical',
      family: 'slo-service',
      expr: withTraffic(
        burnExpr(recorded.serviceErrorRatio, FAST_BURN, SLO.serviceSuccess),
        recorded.serviceRate1h,
      ),
      for: FAST_BURN.for,
      summary: `Backend {{ $labels.service }} burns its error budget ${FAST_BURN.factor}x too fast`,
      description: `Failed attempts to {{ $labels.service }} exceed ${FAST_BURN.factor}x the budget of the ${budget(SLO.serviceSuccess)} objective ${windows(FAST_BURN)}.`,
      tests: {
        evalTime: '70m',
        firing: [attempts('2xx', '0+60x80'), attempts('5xx', '0+10x80')],
        firingLabels: { ...job, service: 'users' },
        quiet: [attempts('2xx', '0+60x80'), attempts('5xx', '0+3x80')],
      },
    },
    {
      alert: 'ServiceErrorBudgetSlowBurn',
      severity: 'warning',
      family: 'slo-service',
      expr: withTraffic(
        burnExpr(recorded.serviceErrorRatio, SLOW_BURN, SLO.serviceSuccess),
        recorded.serviceRate1h,
      ),
      for: SLOW_BURN.for,
      summary: `Backend {{ $labels.service }} burns its error budget ${SLOW_BURN.factor}x too fast`,
      description: `Failed attempts to {{ $labels.service }} exceed ${SLOW_BURN.factor}x the budget of the ${budget(SLO.serviceSuccess)} objective ${windows(SLOW_BURN)}.`,
      tests: {
        evalTime: '90m',
        interval: '5m',
        firing: [attempts('2xx', '0+300x30'), attempts('none', '0+50x30')],
        firingLabels: { ...job, service: 'users' },
        quiet: [attempts('2xx', '0+300x30'), attempts('5xx', '0+5x30')],
      },
    },
  ];
}

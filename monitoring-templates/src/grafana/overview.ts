/** The Overview dashboard: traffic, errors, latency, conversations, rate limits. */
import type { RecordedNames } from '../rules/recording';
import type { MetricSchema } from '../schema';
import type { DashboardSpec } from './builder';
import { conversationsAndBusinessRow, securityRow } from './overview-rows';
import { JOB_VARIABLE, jobOnly, quantiles, RATE } from './queries';

/** Stable uid of the Overview dashboard. */
export const OVERVIEW_UID = 'portcullis-overview';

/** The Overview dashboard. */
export function overviewDashboard(schema: MetricSchema, recorded: RecordedNames): DashboardSpec {
  const received = schema.metric('updates_received_total');
  const handled = schema.metric('updates_handled_total');
  const duplicates = schema.metric('updates_duplicate_total');
  const duration = schema.metric('update_handling_duration_seconds');
  const inFlight = schema.metric('updates_in_flight');
  const errors = schema.metric('errors_total');
  const conversations = schema.metric('fsm_conversations_active');
  const decisions = schema.metric('ratelimit_decisions_total');
  const blocked = schema.metric('ratelimit_blocked_total');
  const commands = schema.metric('commands_total');
  const webhook = schema.metric('webhook_requests_total');
  const callbacks = schema.metric('callbacks_total');
  const denials = schema.metric('ratelimit_denials_total');
  const fallback = schema.metric('ratelimit_fallback_total');
  const storeErrors = schema.metric('ratelimit_store_errors_total');
  const webhookDuration = schema.metric('webhook_request_duration_seconds');
  const lastReceived = schema.metric('update_last_received_timestamp_seconds');
  const failed = schema.metric('updates_failed_total');
  const middlewareErrors = schema.metric('middleware_errors_total');
  const burst = schema.metric('ratelimit_burst_used_total');
  const textRoutes = schema.metric('text_routes_total');
  const stateRoutes = schema.metric('state_routes_total');
  const j = jobOnly;
  return {
    uid: OVERVIEW_UID,
    title: 'Portcullis / Overview',
    description: 'Is the gateway healthy? Traffic, errors, latency, conversations and rate limits.',
    variables: [JOB_VARIABLE(received.name)],
    rows: [
      {
        title: 'At a glance',
        panels: [
          {
            title: 'Updates / s',
            description: 'Updates received per second, before deduplication.',
            type: 'stat',
            width: 4,
            unit: 'reqps',
            queries: [{ expr: `sum(rate(${j(received.name)}[${RATE}]))`, legend: 'updates/s' }],
          },
          {
            title: 'Failing updates',
            description: 'Share of handled updates that failed or timed out (5-minute rate).',
            type: 'stat',
            width: 4,
            unit: 'percentunit',
            queries: [{ expr: `max(${j(recorded.updateErrorRatio['5m'])})`, legend: 'failing' }],
          },
          {
            title: 'p99 handling time',
            description: '99th percentile of update handling time (5-minute rate).',
            type: 'stat',
            width: 4,
            unit: 's',
            queries: [{ expr: `max(${j(recorded.updateLatencyP99)})`, legend: 'p99' }],
          },
          {
            title: 'Active conversations',
            description: 'Conversations started and not yet ended, all flows.',
            type: 'stat',
            width: 4,
            queries: [{ expr: `sum(${j(conversations.name)})`, legend: 'active' }],
          },
          {
            title: 'Since last update',
            description: 'Seconds since the newest update arrived at any instance.',
            type: 'stat',
            width: 4,
            unit: 's',
            queries: [
              { expr: `time() - max(${j(lastReceived.name)})`, legend: 'since last update' },
            ],
          },
          {
            title: 'Instances up',
            description: 'Gateway instances Prometheus scrapes successfully.',
            type: 'stat',
            width: 4,
            queries: [{ expr: `sum(${j('up')})`, legend: 'up' }],
          },
        ],
      },
      {
        title: 'Traffic',
        panels: [
          {
            title: 'Updates received by type',
            description: 'Per Bot API update type and source (webhook or polling).',
            unit: 'reqps',
            stacked: true,
            queries: [
              {
                expr: `sum by (update_type, source) (rate(${j(received.name)}[${RATE}]))`,
                legend: '{{update_type}} ({{source}})',
              },
            ],
          },
          {
            title: 'Updates handled by outcome',
            description: 'handled, failed, unhandled (no route) or timeout.',
            unit: 'reqps',
            stacked: true,
            queries: [
              {
                expr: `sum by (${handled.label('outcome')}) (rate(${j(handled.name)}[${RATE}]))`,
                legend: '{{outcome}}',
              },
              {
                expr: `sum(rate(${j(duplicates.name)}[${RATE}]))`,
                legend: 'duplicates dropped',
              },
            ],
          },
          {
            title: 'Routes matched',
            description:
              'Commands, callbacks, text routes and conversation-state handlers matched, by registered name.',
            unit: 'reqps',
            queries: [
              {
                expr: `sum by (${commands.label('command')}) (rate(${j(commands.name)}[${RATE}]))`,
                legend: '/{{command}}',
              },
              {
                expr: `sum by (${callbacks.label('callback')}) (rate(${j(callbacks.name)}[${RATE}]))`,
                legend: 'callback {{callback}}',
              },
              {
                expr: `sum by (${textRoutes.label('route')}) (rate(${j(textRoutes.name)}[${RATE}]))`,
                legend: 'text {{route}}',
              },
              {
                expr: `sum by (${stateRoutes.label('state')}) (rate(${j(stateRoutes.name)}[${RATE}]))`,
                legend: 'state {{state}}',
              },
            ],
          },
          {
            title: 'Webhook requests',
            description: 'Webhook requests by how they were answered.',
            unit: 'reqps',
            queries: [
              {
                expr: `sum by (${webhook.label('outcome')}) (rate(${j(webhook.name)}[${RATE}]))`,
                legend: '{{outcome}}',
              },
            ],
          },
          {
            title: 'Webhook answer time',
            description: 'p50, p90 and p99 time to answer Telegram; it gives up after about 60 s.',
            unit: 's',
            width: 24,
            queries: quantiles(webhookDuration.bucket, []),
          },
        ],
      },
      {
        title: 'Errors and latency',
        panels: [
          {
            title: 'Errors by code',
            description:
              'Errors that reached an error boundary, by code and where they were caught.',
            unit: 'reqps',
            queries: [
              {
                expr: `sum by (${errors.label('error_code')}, ${errors.label('where')}) (rate(${j(errors.name)}[${RATE}]))`,
                legend: '{{error_code}} @ {{where}}',
              },
              {
                expr: `sum by (${failed.label('error_code')}) (rate(${j(failed.name)}[${RATE}]))`,
                legend: 'update failed: {{error_code}}',
              },
              {
                expr: `sum by (${middlewareErrors.label('middleware')}) (rate(${j(middlewareErrors.name)}[${RATE}]))`,
                legend: 'middleware {{middleware}} threw',
              },
            ],
          },
          {
            title: 'Update handling time',
            description: 'p50, p90 and p99 of the time from dispatch to the end of handling.',
            unit: 's',
            queries: quantiles(duration.bucket, []),
          },
          {
            title: 'Updates in flight',
            description:
              'Received and not yet handled or dropped. A steady climb means handlers are stuck.',
            queries: [{ expr: `sum(${j(inFlight.name)})`, legend: 'in flight' }],
          },
          {
            title: 'Active conversations by flow',
            description: 'Conversations started and not yet ended.',
            queries: [
              {
                expr: `sum by (${conversations.label('flow')}) (${j(conversations.name)})`,
                legend: '{{flow}}',
              },
            ],
          },
        ],
      },
      {
        title: 'Rate limits',
        panels: [
          {
            title: 'Rate-limit decisions',
            description: 'Allowed and denied decisions per policy.',
            unit: 'reqps',
            queries: [
              {
                expr: `sum by (${decisions.label('policy')}, ${decisions.label('outcome')}) (rate(${j(decisions.name)}[${RATE}]))`,
                legend: '{{policy}} {{outcome}}',
              },
              {
                expr: `sum by (${burst.label('policy')}) (rate(${j(burst.name)}[${RATE}]))`,
                legend: '{{policy}} allowed on burst',
              },
            ],
          },
          {
            title: 'Blocks, denials and fallbacks',
            description:
              'Blocked users, denials by the window that denied, decisions made in memory because Redis failed, and store errors.',
            unit: 'reqps',
            queries: [
              {
                expr: `sum by (${blocked.label('policy')}) (rate(${j(blocked.name)}[${RATE}]))`,
                legend: '{{policy}} blocked',
              },
              {
                expr: `sum by (${denials.label('policy')}, ${denials.label('window')}) (rate(${j(denials.name)}[${RATE}]))`,
                legend: '{{policy}} denied by {{window}}',
              },
              {
                expr: `sum by (${fallback.label('policy')}) (rate(${j(fallback.name)}[${RATE}]))`,
                legend: '{{policy}} memory fallback',
              },
              {
                expr: `sum by (${storeErrors.label('policy')}, ${storeErrors.label('action')}) (rate(${j(storeErrors.name)}[${RATE}]))`,
                legend: '{{policy}} store error ({{action}})',
              },
            ],
          },
        ],
      },
      securityRow(schema),
      conversationsAndBusinessRow(schema),
    ],
  };
}

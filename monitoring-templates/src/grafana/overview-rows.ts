/** Rows of the Overview dashboard about security, conversations and business events. */
import type { MetricSchema } from '../schema';
import type { RowSpec } from './builder';
import { jobOnly as j, RATE } from './queries';

/** Validation threats, signature verifications and their failure reasons. */
export function securityRow(schema: MetricSchema): RowSpec {
  const threats = schema.metric('validation_threats_total');
  const verifications = schema.metric('signing_verifications_total');
  const failures = schema.metric('signing_verification_failures_total');
  const signatures = schema.metric('signing_signatures_total');
  return {
    title: 'Security',
    panels: [
      {
        title: 'Validation threats',
        description: 'Inputs the threat detector labelled, by kind and where the text came from.',
        unit: 'reqps',
        queries: [
          {
            expr: `sum by (${threats.label('kind')}, ${threats.label('source')}) (rate(${j(threats.name)}[${RATE}]))`,
            legend: '{{kind}} in {{source}}',
          },
        ],
      },
      {
        title: 'Signatures',
        description:
          'Verifications (valid, invalid and why), and requests this gateway signed, by key id.',
        unit: 'reqps',
        queries: [
          {
            expr: `sum by (${verifications.label('outcome')}) (rate(${j(verifications.name)}[${RATE}]))`,
            legend: 'verified {{outcome}}',
          },
          {
            expr: `sum by (${failures.label('error_code')}) (rate(${j(failures.name)}[${RATE}]))`,
            legend: 'invalid: {{error_code}}',
          },
          {
            expr: `sum by (${signatures.label('key_id')}) (rate(${j(signatures.name)}[${RATE}]))`,
            legend: 'signed with {{key_id}}',
          },
        ],
      },
    ],
  };
}

/** Conversation outcomes and the reference gateway's business counters. */
export function conversationsAndBusinessRow(schema: MetricSchema): RowSpec {
  const started = schema.metric('fsm_conversations_started_total');
  const ended = schema.metric('fsm_conversations_ended_total');
  const transitions = schema.metric('fsm_transitions_total');
  const created = schema.metric('requests_created_total');
  const shifts = schema.metric('shifts_viewed_total');
  const admin = schema.metric('admin_actions_total');
  const other = schema.metric('business_events_total');
  const flow = started.label('flow');
  return {
    title: 'Conversations and business events',
    panels: [
      {
        title: 'Conversations started and ended',
        description: 'Per flow; many `expired` or `cancelled` endings point at a confusing step.',
        unit: 'reqps',
        queries: [
          {
            expr: `sum by (${flow}) (rate(${j(started.name)}[${RATE}]))`,
            legend: '{{flow}} started',
          },
          {
            expr: `sum by (${ended.label('flow')}, ${ended.label('reason')}) (rate(${j(ended.name)}[${RATE}]))`,
            legend: '{{flow}} {{reason}}',
          },
          {
            expr: `sum by (${transitions.label('flow')}, ${transitions.label('to')}) (rate(${j(transitions.name)}[${RATE}]))`,
            legend: '{{flow}} → {{to}}',
          },
        ],
      },
      {
        title: 'Business events',
        description: 'Requests created, shift schedules viewed, admin actions and other events.',
        unit: 'reqps',
        queries: [
          {
            expr: `sum by (${created.label('kind')}) (rate(${j(created.name)}[${RATE}]))`,
            legend: 'request created {{kind}}',
          },
          {
            expr: `sum by (${shifts.label('kind')}) (rate(${j(shifts.name)}[${RATE}]))`,
            legend: 'shifts viewed {{kind}}',
          },
          {
            expr: `sum by (${admin.label('action')}) (rate(${j(admin.name)}[${RATE}]))`,
            legend: 'admin {{action}}',
          },
          {
            expr: `sum by (${other.label('event')}) (rate(${j(other.name)}[${RATE}]))`,
            legend: '{{event}}',
          },
        ],
      },
    ],
  };
}

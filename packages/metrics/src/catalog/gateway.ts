import { BUCKETS, counter, gauge, seconds } from './define';
import { L, label } from './labels';
import type { MetricDefinition } from './types';

const OUTCOME = label('outcome', 'How handling ended', [
  'handled',
  'failed',
  'unhandled',
  'timeout',
]);

/** Update ingestion and handling. */
export const UPDATE_METRICS: readonly MetricDefinition[] = [
  counter('updates', 'updates_received_total', 'Updates received, before deduplication.', [
    L.updateType,
    label('source', 'Where the update came from', ['webhook', 'polling', 'queue']),
  ]),
  counter('updates', 'updates_duplicate_total', 'Updates dropped as duplicates.', [L.updateType]),
  counter('updates', 'updates_handled_total', 'Updates whose handling finished, by outcome.', [
    L.updateType,
    OUTCOME,
  ]),
  counter('updates', 'updates_failed_total', 'Updates whose handling failed or timed out.', [
    L.updateType,
    L.errorCode,
  ]),
  seconds(
    'updates',
    'update_handling_duration_seconds',
    'Time from dispatch to the end of handling of one update.',
    [L.updateType, OUTCOME],
    BUCKETS.request,
  ),
  gauge('updates', 'updates_in_flight', 'Updates received and not yet handled or dropped.', []),
  gauge(
    'updates',
    'update_last_received_timestamp_seconds',
    'Unix time of the last update received.',
    [],
    { unit: 'seconds' },
  ),
];

/** Router matches. */
export const ROUTING_METRICS: readonly MetricDefinition[] = [
  counter('routing', 'commands_total', 'Commands matched, by registered command name.', [
    label('command', 'Registered command name'),
  ]),
  counter('routing', 'callbacks_total', 'Callback queries matched, by registered callback name.', [
    label('callback', 'Registered callback route name'),
  ]),
  counter('routing', 'text_routes_total', 'Text messages matched by a text route.', [
    label('route', 'Registered text route name'),
  ]),
  counter('routing', 'state_routes_total', 'Updates routed to a conversation state handler.', [
    label('state', 'Registered state handler name'),
  ]),
];

/** Conversations (FSM). */
export const FSM_METRICS: readonly MetricDefinition[] = [
  counter('fsm', 'fsm_transitions_total', 'Conversation state transitions.', [
    L.flow,
    label('from', 'State before the transition'),
    label('to', 'State after the transition'),
  ]),
  gauge(
    'fsm',
    'fsm_conversations_active',
    'Conversations this process started or moved within their idle timeout and saw no end of.',
    [L.flow],
  ),
  counter('fsm', 'fsm_conversations_started_total', 'Conversations started.', [L.flow]),
  counter('fsm', 'fsm_conversations_ended_total', 'Conversations ended, by how they ended.', [
    L.flow,
    label('reason', 'How the conversation ended', ['completed', 'cancelled', 'expired']),
  ]),
];

/** Errors, validation, middleware. */
export const PIPELINE_METRICS: readonly MetricDefinition[] = [
  counter('errors', 'errors_total', 'Errors that reached an error boundary, by code.', [
    L.errorCode,
    label('where', 'Where the error was caught', [
      'update',
      'middleware',
      'service',
      'telegram',
      'webhook',
      'polling',
      'outbound',
      'ratelimit',
      'fsm',
    ]),
  ]),
  counter('validation', 'validation_threats_total', 'Inputs the threat detector labelled.', [
    label('kind', 'Threat kind', ['sql_injection', 'xss', 'command_injection', 'path_traversal']),
    label('source', 'Where the text came from, e.g. `message_text`, `callback_data`'),
  ]),
  seconds(
    'middleware',
    'middleware_duration_seconds',
    'Time spent in one middleware, including what it awaited downstream.',
    [L.middleware, label('outcome', 'Whether it threw', ['success', 'error'])],
    BUCKETS.local,
  ),
  counter('middleware', 'middleware_errors_total', 'Middleware runs that threw.', [L.middleware]),
];

/** Business counters of the reference gateway. */
export const BUSINESS_METRICS: readonly MetricDefinition[] = [
  counter('business', 'requests_created_total', 'Requests created by users.', [L.kind]),
  counter('business', 'shifts_viewed_total', 'Shift schedules viewed by users.', [L.kind]),
  counter('business', 'admin_actions_total', 'Administrative actions performed.', [
    label('action', 'Admin action, e.g. `approve`, `reject`'),
  ]),
  counter('business', 'business_events_total', 'Other application-level business events.', [
    label('event', 'Business event name'),
    L.kind,
  ]),
];

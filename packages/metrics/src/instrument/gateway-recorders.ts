import { CHANNELS } from '@portcullis/core';
import type { PortcullisMetrics } from '../registry/create-metrics';
import { type Binding, on, toSeconds } from './binding';

const ROUTE_METRIC: Readonly<Record<string, readonly [string, string]>> = {
  command: ['commands_total', 'command'],
  callback: ['callbacks_total', 'callback'],
  text: ['text_routes_total', 'route'],
  state: ['state_routes_total', 'state'],
};

const BUSINESS_METRIC: Readonly<Record<string, readonly [string, string]>> = {
  request_created: ['requests_created_total', 'kind'],
  shift_viewed: ['shifts_viewed_total', 'kind'],
  admin_action: ['admin_actions_total', 'action'],
};

/** Listeners for updates, routing, FSM, errors, validation, middleware, webhook and business events. */
export function gatewayRecorders(m: PortcullisMetrics): Binding[] {
  // Resolved once, with positional recorders: these run several times per update.
  const received = m.metric('updates_received_total').recorder(['update_type', 'source']);
  const inFlight = m.metric('updates_in_flight');
  const lastReceived = m.metric('update_last_received_timestamp_seconds');
  const handled = m.metric('updates_handled_total').recorder(['update_type', 'outcome']);
  const handling = m
    .metric('update_handling_duration_seconds')
    .recorder(['update_type', 'outcome']);
  const middleware = m.metric('middleware_duration_seconds').recorder(['middleware', 'outcome']);
  const routes = new Map(
    Object.entries(ROUTE_METRIC).map(([kind, [name, label]]) => [
      kind,
      m.metric(name).recorder([label]),
    ]),
  );
  return [
    on(CHANNELS.updateReceived, (e) => {
      received(1, e.updateType, e.source);
      inFlight.add(undefined, 1);
      lastReceived.assign(undefined, Date.now() / 1000);
    }),
    on(CHANNELS.updateDuplicate, (e) => {
      m.inc('updates_duplicate_total', { update_type: e.updateType });
      inFlight.add(undefined, -1);
    }),
    on(CHANNELS.updateHandled, (e) => {
      handled(1, e.updateType, e.outcome);
      handling(toSeconds(e.durationMs), e.updateType, e.outcome);
      if (e.outcome === 'failed' || e.outcome === 'timeout') {
        const code = e.errorCode ?? (e.outcome === 'timeout' ? 'handler_timeout' : 'internal');
        m.inc('updates_failed_total', { update_type: e.updateType, error_code: code });
      }
      inFlight.add(undefined, -1);
    }),
    on(CHANNELS.routeMatched, (e) => {
      routes.get(e.kind)?.(1, e.name);
    }),
    on(CHANNELS.fsmTransition, (e) => {
      m.inc('fsm_transitions_total', { flow: e.flow, from: e.from, to: e.to });
    }),
    on(CHANNELS.fsmConversation, (e) => {
      // fsm_conversations_active: see active-conversations.ts.
      if (e.action === 'started') m.inc('fsm_conversations_started_total', { flow: e.flow });
      else m.inc('fsm_conversations_ended_total', { flow: e.flow, reason: e.action });
    }),
    on(CHANNELS.error, (e) => m.inc('errors_total', { error_code: e.code, where: e.where })),
    on(CHANNELS.threatDetected, (e) => {
      for (const kind of e.kinds) m.inc('validation_threats_total', { kind, source: e.source });
    }),
    on(CHANNELS.middleware, (e) => {
      middleware(toSeconds(e.durationMs), e.name, e.outcome);
      if (e.outcome === 'error') m.inc('middleware_errors_total', { middleware: e.name });
    }),
    on(CHANNELS.webhookRequest, (e) => {
      m.inc('webhook_requests_total', { outcome: e.outcome });
      m.observe(
        'webhook_request_duration_seconds',
        { outcome: e.outcome },
        toSeconds(e.durationMs),
      );
    }),
    on(CHANNELS.business, (e) => {
      const target = BUSINESS_METRIC[e.name];
      if (target !== undefined) m.inc(target[0], { [target[1]]: e.kind });
      else m.inc('business_events_total', { event: e.name, kind: e.kind });
    }),
  ];
}

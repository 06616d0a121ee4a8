import diagnosticsChannel from 'node:diagnostics_channel';
import { CHANNELS, publish } from '@portcullis/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../registry/create-metrics';
import { type Instrumentation, instrument } from './instrument';
import { catalogSamples } from './test-samples';

let active: Instrumentation | undefined;
afterEach(() => active?.unsubscribe());

function start(options: Parameters<typeof instrument>[0] = {}): Instrumentation {
  active = instrument({ collectDefaultMetrics: false, ...options });
  return active;
}

describe('instrument', () => {
  it('subscribes to every channel and leaves no listener after unsubscribe', () => {
    const names = Object.values(CHANNELS);
    for (const name of names) expect(diagnosticsChannel.hasSubscribers(name), name).toBe(false);
    const instrumentation = start();
    for (const name of names) expect(diagnosticsChannel.hasSubscribers(name), name).toBe(true);
    instrumentation.unsubscribe();
    instrumentation.unsubscribe();
    for (const name of names) expect(diagnosticsChannel.hasSubscribers(name), name).toBe(false);
  });

  it('removes its tracing listeners too when tracing was turned on', () => {
    const instrumentation = start({ tracing: { redisSpans: true } });
    instrumentation.unsubscribe();
    for (const name of Object.values(CHANNELS)) {
      expect(diagnosticsChannel.hasSubscribers(name), name).toBe(false);
    }
  });

  it('stops recording after unsubscribe', async () => {
    const { metrics, unsubscribe } = start();
    unsubscribe();
    publish(CHANNELS.error, { code: 'timeout', where: 'service' });
    expect(await catalogSamples(metrics.registry)).toBe('');
  });

  it('records update ingestion and handling, keeping the in-flight gauge', async () => {
    const { metrics } = start();
    publish(CHANNELS.updateReceived, { updateId: 1, updateType: 'message', source: 'webhook' });
    publish(CHANNELS.updateReceived, { updateId: 1, updateType: 'message', source: 'webhook' });
    publish(CHANNELS.updateDuplicate, { updateId: 1, updateType: 'message' });
    publish(CHANNELS.updateReceived, {
      updateId: 2,
      updateType: 'callback_query',
      source: 'polling',
    });
    publish(CHANNELS.updateHandled, {
      updateId: 1,
      updateType: 'message',
      outcome: 'handled',
      durationMs: 12,
    });
    publish(CHANNELS.updateReceived, { updateId: 3, updateType: 'message', source: 'polling' });
    publish(CHANNELS.updateHandled, {
      updateId: 3,
      updateType: 'message',
      outcome: 'failed',
      durationMs: 40,
      errorCode: 'circuit_open',
    });
    const samples = (await catalogSamples(metrics.registry)).replace(/ 1\d{9}\.\d+$/m, ' <now>');
    expect(samples).toMatchInlineSnapshot(`
      "portcullis_updates_received_total{update_type="message",source="webhook"} 2
      portcullis_updates_received_total{update_type="callback_query",source="polling"} 1
      portcullis_updates_received_total{update_type="message",source="polling"} 1
      portcullis_updates_duplicate_total{update_type="message"} 1
      portcullis_updates_handled_total{update_type="message",outcome="handled"} 1
      portcullis_updates_handled_total{update_type="message",outcome="failed"} 1
      portcullis_updates_failed_total{update_type="message",error_code="circuit_open"} 1
      portcullis_update_handling_duration_seconds_sum{update_type="message",outcome="handled"} 0.012
      portcullis_update_handling_duration_seconds_count{update_type="message",outcome="handled"} 1
      portcullis_update_handling_duration_seconds_sum{update_type="message",outcome="failed"} 0.04
      portcullis_update_handling_duration_seconds_count{update_type="message",outcome="failed"} 1
      portcullis_updates_in_flight 1
      portcullis_update_last_received_timestamp_seconds <now>"
    `);
  });

  it('records routing, FSM, errors, threats, middleware, webhook and business events', async () => {
    const { metrics } = start();
    publish(CHANNELS.routeMatched, { kind: 'command', name: 'start' });
    publish(CHANNELS.routeMatched, { kind: 'callback', name: 'shift:view' });
    publish(CHANNELS.routeMatched, { kind: 'text', name: 'free_text' });
    publish(CHANNELS.routeMatched, { kind: 'state', name: 'ask_date' });
    const fsm = { flow: 'new_request', idleTimeoutMs: 900_000 };
    publish(CHANNELS.fsmConversation, { ...fsm, action: 'started', key: 'chat:1' });
    publish(CHANNELS.fsmTransition, {
      ...fsm,
      key: 'chat:1',
      from: 'idle',
      to: 'ask_date',
      event: 'begin',
    });
    publish(CHANNELS.fsmConversation, { ...fsm, action: 'started', key: 'chat:2' });
    publish(CHANNELS.fsmConversation, { ...fsm, action: 'completed', key: 'chat:2' });
    publish(CHANNELS.error, { code: 'validation_failed', where: 'middleware' });
    publish(CHANNELS.threatDetected, { kinds: ['xss', 'sql_injection'], source: 'message_text' });
    publish(CHANNELS.middleware, { name: 'rateLimit', durationMs: 0.5, outcome: 'success' });
    publish(CHANNELS.middleware, { name: 'router', durationMs: 3, outcome: 'error' });
    publish(CHANNELS.webhookRequest, { outcome: 'bad_secret', status: 401, durationMs: 1 });
    publish(CHANNELS.business, { name: 'request_created', kind: 'vacation' });
    publish(CHANNELS.business, { name: 'shift_viewed' });
    publish(CHANNELS.business, { name: 'admin_action', kind: 'approve' });
    publish(CHANNELS.business, { name: 'feedback_sent' });
    expect(await catalogSamples(metrics.registry)).toMatchInlineSnapshot(`
      "portcullis_commands_total{command="start"} 1
      portcullis_callbacks_total{callback="shift:view"} 1
      portcullis_text_routes_total{route="free_text"} 1
      portcullis_state_routes_total{state="ask_date"} 1
      portcullis_fsm_transitions_total{flow="new_request",from="idle",to="ask_date"} 1
      portcullis_fsm_conversations_active{flow="new_request"} 1
      portcullis_fsm_conversations_started_total{flow="new_request"} 2
      portcullis_fsm_conversations_ended_total{flow="new_request",reason="completed"} 1
      portcullis_errors_total{error_code="validation_failed",where="middleware"} 1
      portcullis_validation_threats_total{kind="xss",source="message_text"} 1
      portcullis_validation_threats_total{kind="sql_injection",source="message_text"} 1
      portcullis_middleware_duration_seconds_sum{middleware="rateLimit",outcome="success"} 0.0005
      portcullis_middleware_duration_seconds_count{middleware="rateLimit",outcome="success"} 1
      portcullis_middleware_duration_seconds_sum{middleware="router",outcome="error"} 0.003
      portcullis_middleware_duration_seconds_count{middleware="router",outcome="error"} 1
      portcullis_middleware_errors_total{middleware="router"} 1
      portcullis_webhook_requests_total{outcome="bad_secret"} 1
      portcullis_webhook_request_duration_seconds_sum{outcome="bad_secret"} 0.001
      portcullis_webhook_request_duration_seconds_count{outcome="bad_secret"} 1
      portcullis_requests_created_total{kind="vacation"} 1
      portcullis_shifts_viewed_total{kind="none"} 1
      portcullis_admin_actions_total{action="approve"} 1
      portcullis_business_events_total{event="feedback_sent",kind="none"} 1"
    `);
  });

  it('records a webhook update refused at maxInFlight as overloaded, not as other', async () => {
    const { metrics } = start();
    publish(CHANNELS.webhookRequest, { outcome: 'overloaded', status: 503, durationMs: 0.25 });
    expect(await catalogSamples(metrics.registry)).toMatchInlineSnapshot(`
      "portcullis_webhook_requests_total{outcome="overloaded"} 1
      portcullis_webhook_request_duration_seconds_sum{outcome="overloaded"} 0.00025
      portcullis_webhook_request_duration_seconds_count{outcome="overloaded"} 1"
    `);
  });

  it('records services, retries, breakers, bulkheads, limits, Redis, Telegram, outbound and signing', async () => {
    const { metrics } = start({ breakers: ['shifts'] });
    const service = { service: 'users', method: 'GET', route: '/users/:id' };
    publish(CHANNELS.serviceRequest, {
      ...service,
      status: 0,
      durationMs: 100,
      outcome: 'timeout',
      resendCount: 0,
    });
    publish(CHANNELS.retry, { name: 'users', attempt: 1, delayMs: 200, errorCode: 'timeout' });
    publish(CHANNELS.serviceRequest, {
      ...service,
      status: 200,
      durationMs: 20,
      outcome: 'success',
      resendCount: 1,
    });
    publish(CHANNELS.breakerCall, {
      name: 'users',
      outcome: 'failure',
      slow: true,
      durationMs: 100,
      state: 'closed',
    });
    publish(CHANNELS.breakerState, {
      name: 'users',
      from: 'closed',
      to: 'open',
      reason: 'failure-rate',
      timestamp: 1,
    });
    publish(CHANNELS.bulkhead, { name: 'users', action: 'queued', active: 4, queued: 2 });
    publish(CHANNELS.rateLimitDecision, {
      policy: 'per_user',
      allowed: false,
      deniedBy: 'minute',
      engine: 'redis',
      fallback: false,
      durationMs: 1,
      usedBurst: false,
      blocked: true,
    });
    publish(CHANNELS.rateLimitStoreError, {
      policy: 'per_user',
      errorCode: 'rate_limiter_unavailable',
      action: 'fallback',
    });
    publish(CHANNELS.redisCommand, {
      operation: 'fsm_cas',
      durationMs: 2,
      ok: false,
      errorCode: 'storage_unavailable',
    });
    publish(CHANNELS.telegramApi, {
      method: 'sendMessage',
      status: 429,
      durationMs: 30,
      retryAfterSeconds: 5,
      ok: false,
    });
    publish(CHANNELS.outboundQueue, { action: 'cooldown', lane: 'global', depth: 3 });
    publish(CHANNELS.outboundQueue, { action: 'sent', lane: 'global', depth: 2, waitMs: 1500 });
    publish(CHANNELS.signingVerify, {
      outcome: 'invalid',
      errorCode: 'signature_mismatch',
      durationMs: 0.2,
    });
    publish(CHANNELS.signingSign, { keyId: 'gw-2026', durationMs: 0.1 });
    expect(await catalogSamples(metrics.registry)).toMatchInlineSnapshot(`
      "portcullis_ratelimit_decisions_total{policy="per_user",outcome="denied"} 1
      portcullis_ratelimit_denials_total{policy="per_user",window="minute"} 1
      portcullis_ratelimit_check_duration_seconds_sum{policy="per_user",engine="redis"} 0.001
      portcullis_ratelimit_check_duration_seconds_count{policy="per_user",engine="redis"} 1
      portcullis_ratelimit_blocked_total{policy="per_user"} 1
      portcullis_ratelimit_store_errors_total{policy="per_user",error_code="rate_limiter_unavailable",action="fallback"} 1
      portcullis_service_requests_total{service="users",method="GET",route="/users/:id",status_class="none"} 1
      portcullis_service_requests_total{service="users",method="GET",route="/users/:id",status_class="2xx"} 1
      portcullis_service_request_duration_seconds_sum{service="users",method="GET",route="/users/:id"} 0.12000000000000001
      portcullis_service_request_duration_seconds_count{service="users",method="GET",route="/users/:id"} 2
      portcullis_service_request_errors_total{service="users",error_code="timeout"} 1
      portcullis_service_request_retries_total{service="users"} 1
      portcullis_retries_total{policy="users",error_code="timeout"} 1
      portcullis_retry_delay_seconds_sum{policy="users"} 0.2
      portcullis_retry_delay_seconds_count{policy="users"} 1
      portcullis_circuit_breaker_state{breaker="shifts",state="closed"} 1
      portcullis_circuit_breaker_state{breaker="users",state="open"} 1
      portcullis_circuit_breaker_transitions_total{breaker="users",from="closed",to="open"} 1
      portcullis_circuit_breaker_calls_total{breaker="users",outcome="failure"} 1
      portcullis_circuit_breaker_slow_calls_total{breaker="users"} 1
      portcullis_bulkhead_active{bulkhead="users"} 4
      portcullis_bulkhead_queue_depth{bulkhead="users"} 2
      portcullis_bulkhead_decisions_total{bulkhead="users",action="queued"} 1
      portcullis_redis_commands_total{operation="fsm_cas"} 1
      portcullis_redis_command_duration_seconds_sum{operation="fsm_cas"} 0.002
      portcullis_redis_command_duration_seconds_count{operation="fsm_cas"} 1
      portcullis_redis_command_errors_total{operation="fsm_cas",error_code="storage_unavailable"} 1
      portcullis_telegram_api_requests_total{method="sendMessage",status="429"} 1
      portcullis_telegram_api_request_duration_seconds_sum{method="sendMessage"} 0.03
      portcullis_telegram_api_request_duration_seconds_count{method="sendMessage"} 1
      portcullis_telegram_api_errors_total{method="sendMessage",status="429"} 1
      portcullis_telegram_api_rate_limited_total{method="sendMessage"} 1
      portcullis_telegram_api_retry_after_seconds_sum{method="sendMessage"} 5
      portcullis_telegram_api_retry_after_seconds_count{method="sendMessage"} 1
      portcullis_outbound_queue_depth{lane="global"} 2
      portcullis_outbound_queue_wait_seconds_sum{lane="global"} 1.5
      portcullis_outbound_queue_wait_seconds_count{lane="global"} 1
      portcullis_outbound_messages_total{lane="global",action="sent"} 1
      portcullis_outbound_cooldowns_total{lane="global"} 1
      portcullis_signing_verifications_total{outcome="invalid"} 1
      portcullis_signing_verification_failures_total{error_code="signature_mismatch"} 1
      portcullis_signing_verification_duration_seconds_sum 0.0002
      portcullis_signing_verification_duration_seconds_count 1
      portcullis_signing_signatures_total{key_id="gw-2026"} 1
      portcullis_signing_sign_duration_seconds_sum 0.0001
      portcullis_signing_sign_duration_seconds_count 1"
    `);
  });

  it('never throws into the publisher on a malformed payload, and counts it', async () => {
    const { metrics } = start();
    const channel = diagnosticsChannel.channel(CHANNELS.threatDetected);
    expect(() => channel.publish({ source: 'x' })).not.toThrow();
    expect(await catalogSamples(metrics.registry)).toMatchInlineSnapshot(
      `"portcullis_instrumentation_listener_errors_total{channel="portcullis:validation:threat"} 1"`,
    );
  });

  it('records into a catalog it was given and refuses both metrics and registry', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false, prefix: 'gw_' });
    active = instrument({ metrics });
    publish(CHANNELS.error, { code: 'internal', where: 'update' });
    expect(await catalogSamples(metrics.registry, 'gw_')).toBe(
      'gw_errors_total{error_code="internal",where="update"} 1',
    );
    expect(() => instrument({ metrics, registry: metrics.registry })).toThrow(TypeError);
  });
});

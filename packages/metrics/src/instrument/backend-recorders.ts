import { type BreakerState, CHANNELS } from '@portcullis/core';
import type { PortcullisMetrics } from '../registry/create-metrics';
import { type Binding, on, toSeconds } from './binding';

const BREAKER_STATES: readonly BreakerState[] = ['closed', 'open', 'half-open'];

/** Sets the state gauge of `breaker`: 1 for `state`, 0 for the others (all three series exist). */
export function setBreakerState(m: PortcullisMetrics, breaker: string, state: BreakerState): void {
  for (const s of BREAKER_STATES)
    m.set('circuit_breaker_state', { breaker, state: s }, s === state ? 1 : 0);
}

function statusClass(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : 'none';
}

/** Listeners for services, resilience, rate limiting, Redis, Telegram and signing events. */
export function backendRecorders(m: PortcullisMetrics): Binding[] {
  const knownBreakers = new Set<string>();
  // Positional recorders for the events of every update and every backend call.
  const decisions = m.metric('ratelimit_decisions_total').recorder(['policy', 'outcome']);
  const checks = m.metric('ratelimit_check_duration_seconds').recorder(['policy', 'engine']);
  const requests = m
    .metric('service_requests_total')
    .recorder(['service', 'method', 'route', 'status_class']);
  const requestDuration = m
    .metric('service_request_duration_seconds')
    .recorder(['service', 'method', 'route']);
  const breakerCalls = m.metric('circuit_breaker_calls_total').recorder(['breaker', 'outcome']);
  return [
    on(CHANNELS.serviceRequest, (e) => {
      requests(1, e.service, e.method, e.route, statusClass(e.status));
      requestDuration(toSeconds(e.durationMs), e.service, e.method, e.route);
      if (e.outcome !== 'success') {
        m.inc('service_request_errors_total', { service: e.service, error_code: e.outcome });
      }
      if (e.resendCount > 0) m.inc('service_request_retries_total', { service: e.service });
    }),
    on(CHANNELS.retry, (e) => {
      m.inc('retries_total', { policy: e.name, error_code: e.errorCode });
      m.observe('retry_delay_seconds', { policy: e.name }, toSeconds(e.delayMs));
    }),
    on(CHANNELS.breakerState, (e) => {
      knownBreakers.add(e.name);
      setBreakerState(m, e.name, e.to);
      m.inc('circuit_breaker_transitions_total', { breaker: e.name, from: e.from, to: e.to });
    }),
    on(CHANNELS.breakerCall, (e) => {
      if (!knownBreakers.has(e.name)) {
        knownBreakers.add(e.name);
        setBreakerState(m, e.name, e.state);
      }
      breakerCalls(1, e.name, e.outcome);
      if (e.slow) m.inc('circuit_breaker_slow_calls_total', { breaker: e.name });
    }),
    on(CHANNELS.bulkhead, (e) => {
      m.set('bulkhead_active', { bulkhead: e.name }, e.active);
      m.set('bulkhead_queue_depth', { bulkhead: e.name }, e.queued);
      if (e.action !== 'released')
        m.inc('bulkhead_decisions_total', { bulkhead: e.name, action: e.action });
    }),
    on(CHANNELS.rateLimitDecision, (e) => {
      const policy = e.policy;
      decisions(1, policy, e.allowed ? 'allowed' : 'denied');
      if (!e.allowed && e.deniedBy !== undefined)
        m.inc('ratelimit_denials_total', { policy, window: e.deniedBy });
      checks(toSeconds(e.durationMs), policy, e.engine);
      if (e.allowed && e.usedBurst) m.inc('ratelimit_burst_used_total', { policy });
      if (e.blocked) m.inc('ratelimit_blocked_total', { policy });
      if (e.fallback) m.inc('ratelimit_fallback_total', { policy });
    }),
    on(CHANNELS.rateLimitStoreError, (e) => {
      m.inc('ratelimit_store_errors_total', {
        policy: e.policy,
        error_code: e.errorCode,
        action: e.action,
      });
    }),
    on(CHANNELS.redisCommand, (e) => {
      m.inc('redis_commands_total', { operation: e.operation });
      m.observe(
        'redis_command_duration_seconds',
        { operation: e.operation },
        toSeconds(e.durationMs),
      );
      if (!e.ok) {
        m.inc('redis_command_errors_total', {
          operation: e.operation,
          error_code: e.errorCode ?? 'internal',
        });
      }
    }),
    on(CHANNELS.telegramApi, (e) => {
      const labels = { method: e.method, status: e.status };
      m.inc('telegram_api_requests_total', labels);
      m.observe(
        'telegram_api_request_duration_seconds',
        { method: e.method },
        toSeconds(e.durationMs),
      );
      if (!e.ok) m.inc('telegram_api_errors_total', labels);
      if (e.status === 429) m.inc('telegram_api_rate_limited_total', { method: e.method });
      if (e.retryAfterSeconds !== undefined) {
        m.observe('telegram_api_retry_after_seconds', { method: e.method }, e.retryAfterSeconds);
      }
    }),
    on(CHANNELS.outboundQueue, (e) => {
      m.set('outbound_queue_depth', { lane: e.lane }, e.depth);
      if (e.action === 'cooldown') m.inc('outbound_cooldowns_total', { lane: e.lane });
      else m.inc('outbound_messages_total', { lane: e.lane, action: e.action });
      if (e.action === 'sent' && e.waitMs !== undefined) {
        m.observe('outbound_queue_wait_seconds', { lane: e.lane }, toSeconds(e.waitMs));
      }
    }),
    on(CHANNELS.signingVerify, (e) => {
      m.inc('signing_verifications_total', { outcome: e.outcome });
      if (e.outcome === 'invalid') {
        m.inc('signing_verification_failures_total', { error_code: e.errorCode ?? 'unknown' });
      }
      m.observe('signing_verification_duration_seconds', undefined, toSeconds(e.durationMs));
    }),
    on(CHANNELS.signingSign, (e) => {
      m.inc('signing_signatures_total', { key_id: e.keyId });
      m.observe('signing_sign_duration_seconds', undefined, toSeconds(e.durationMs));
    }),
  ];
}

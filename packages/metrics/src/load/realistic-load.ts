import { CHANNELS, publish } from '@portcullis/core';
import { UPDATE_TYPES } from '../catalog/labels';

/**
 * Publishes the events of a busy production gateway — every update type and
 * outcome, 20 commands, 30 callbacks, 9 services with 6 routes each, 40 Bot API
 * methods, 12 middlewares, 5 policies — so the registry holds realistic label
 * sets. Test and benchmark helper; not exported from the package.
 */
export function publishRealisticLoad(): void {
  const outcomes = ['handled', 'failed', 'unhandled', 'timeout'] as const;
  for (const updateType of UPDATE_TYPES) {
    publish(CHANNELS.updateReceived, { updateId: 1, updateType, source: 'webhook' });
    publish(CHANNELS.updateReceived, { updateId: 1, updateType, source: 'polling' });
    publish(CHANNELS.updateDuplicate, { updateId: 1, updateType });
    for (const outcome of outcomes) {
      publish(CHANNELS.updateHandled, {
        updateId: 1,
        updateType,
        outcome,
        durationMs: 30,
        ...(outcome === 'failed' ? { errorCode: 'timeout' } : {}),
      });
    }
  }
  for (let i = 0; i < 20; i++) publish(CHANNELS.routeMatched, { kind: 'command', name: `cmd${i}` });
  for (let i = 0; i < 30; i++) publish(CHANNELS.routeMatched, { kind: 'callback', name: `cb${i}` });
  for (let s = 0; s < 9; s++) {
    for (let r = 0; r < 6; r++) {
      for (const [method, status, outcome] of [
        ['GET', 200, 'success'],
        ['POST', 201, 'success'],
        ['GET', 503, 'http_status'],
        ['POST', 0, 'timeout'],
      ] as const) {
        publish(CHANNELS.serviceRequest, {
          service: `svc${s}`,
          method,
          route: `/r${r}/:id`,
          status,
          durationMs: 12,
          outcome,
          resendCount: r % 2,
        });
      }
    }
    publish(CHANNELS.breakerState, {
      name: `svc${s}`,
      from: 'closed',
      to: 'open',
      reason: 'failure-rate',
      timestamp: 0,
    });
    publish(CHANNELS.bulkhead, { name: `svc${s}`, action: 'admitted', active: 1, queued: 0 });
    publish(CHANNELS.retry, { name: `svc${s}`, attempt: 1, delayMs: 100, errorCode: 'timeout' });
  }
  for (let m = 0; m < 40; m++) {
    for (const status of [200, 400, 429]) {
      publish(CHANNELS.telegramApi, {
        method: `method${m}`,
        status,
        durationMs: 50,
        ok: status === 200,
        ...(status === 429 ? { retryAfterSeconds: 3 } : {}),
      });
    }
  }
  for (let i = 0; i < 12; i++) {
    publish(CHANNELS.middleware, { name: `mw${i}`, durationMs: 1, outcome: 'success' });
    publish(CHANNELS.middleware, { name: `mw${i}`, durationMs: 1, outcome: 'error' });
  }
  for (let p = 0; p < 5; p++) {
    for (const allowed of [true, false]) {
      for (const engine of ['redis', 'memory'] as const) {
        publish(CHANNELS.rateLimitDecision, {
          policy: `policy${p}`,
          allowed,
          deniedBy: 'minute',
          engine,
          fallback: engine === 'memory',
          durationMs: 1,
          usedBurst: true,
          blocked: false,
        });
      }
    }
  }
  for (const operation of [
    'ratelimit_consume',
    'fsm_get',
    'fsm_cas',
    'dedup_claim',
    'nonce_claim',
  ]) {
    publish(CHANNELS.redisCommand, { operation, durationMs: 1, ok: true });
    publish(CHANNELS.redisCommand, { operation, durationMs: 1, ok: false, errorCode: 'timeout' });
  }
  for (const lane of ['private', 'group', 'global']) {
    publish(CHANNELS.outboundQueue, { action: 'sent', lane, depth: 2, waitMs: 300 });
    publish(CHANNELS.outboundQueue, { action: 'enqueued', lane, depth: 3 });
  }
  for (const outcome of ['accepted', 'bad_secret', 'bad_body', 'too_large'] as const) {
    publish(CHANNELS.webhookRequest, { outcome, status: 200, durationMs: 2 });
  }
  for (const flow of ['new_request', 'feedback', 'admin_review']) {
    const conversation = { flow, key: `chat:${flow}`, idleTimeoutMs: 900_000 };
    publish(CHANNELS.fsmConversation, { ...conversation, action: 'started' });
    publish(CHANNELS.fsmTransition, { ...conversation, from: 'idle', to: 'ask', event: 'begin' });
  }
  for (const code of ['timeout', 'circuit_open', 'validation_failed', 'internal', 'rate_limited']) {
    publish(CHANNELS.error, { code, where: 'update' });
  }
  publish(CHANNELS.signingVerify, { outcome: 'valid', keyId: 'k1', durationMs: 0.1 });
  publish(CHANNELS.signingSign, { keyId: 'k1', durationMs: 0.1 });
}

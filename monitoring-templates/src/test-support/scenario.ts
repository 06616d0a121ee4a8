/**
 * A demo scenario for the end-to-end test: realistic instrumentation events
 * published on core's channels, as a gateway handling traffic would publish
 * them — some updates fail, a backend times out, Telegram answers 429.
 */
import { CHANNELS, publish, type ThreatDetectedEvent } from '@portcullis/core';

const UPDATE_TYPES = ['message', 'callback_query'] as const;

/** Publishes one round of events; `round` varies outcomes so every series moves. */
export function publishRound(round: number): void {
  const jitter = (base: number) => base * (0.5 + ((round * 7919) % 100) / 100);
  for (const [index, updateType] of UPDATE_TYPES.entries()) {
    const updateId = round * 10 + index;
    publish(CHANNELS.updateReceived, { updateId, updateType, source: 'webhook' });
    publish(CHANNELS.routeMatched, { kind: 'command', name: 'start' });
    publish(CHANNELS.webhookRequest, {
      outcome: round % 7 === 0 ? 'failed' : 'accepted',
      status: round % 7 === 0 ? 500 : 200,
      durationMs: jitter(15),
    });
    publish(CHANNELS.rateLimitDecision, {
      policy: 'per-user',
      allowed: round % 5 !== 0,
      ...(round % 5 === 0 ? { deniedBy: 'minute' } : {}),
      engine: 'redis',
      fallback: round % 7 === 3,
      durationMs: jitter(0.8),
      usedBurst: round % 3 === 0,
      blocked: round % 10 === 0,
    });
    publish(CHANNELS.updateHandled, {
      updateId,
      updateType,
      outcome: round % 6 === 0 ? 'failed' : 'handled',
      durationMs: jitter(120),
      ...(round % 6 === 0 ? { errorCode: 'timeout' } : {}),
    });
  }
  publish(CHANNELS.updateDuplicate, { updateId: round * 10, updateType: 'message' });
  // An update type outside the catalog's list: recorded as `other`, counted as overflow.
  if (round % 17 === 0) publish(CHANNELS.updateDuplicate, { updateId: -round, updateType: 'nope' });
  publish(CHANNELS.routeMatched, { kind: 'callback', name: 'approve' });
  publish(CHANNELS.routeMatched, { kind: 'text', name: 'free_text' });
  publish(CHANNELS.routeMatched, { kind: 'state', name: 'details' });
  if (round % 9 === 0) {
    publish(CHANNELS.middleware, { name: 'validate', durationMs: 0.3, outcome: 'error' });
    // A buggy publisher: the listener cannot record it and counts a listener error.
    publish(CHANNELS.threatDetected, { source: 'message_text' } as unknown as ThreatDetectedEvent);
  }
  publish(CHANNELS.business, { name: 'request_created', kind: 'vacation' });
  publish(CHANNELS.business, { name: 'shift_viewed', kind: 'week' });
  publish(CHANNELS.business, { name: 'admin_action', kind: 'approve' });
  publish(CHANNELS.business, { name: 'feedback_sent' });
  publish(CHANNELS.signingSign, { keyId: 'k1', durationMs: 0.1 });
  const conversation = { flow: 'new_request', key: `chat:${round}`, idleTimeoutMs: 900_000 };
  publish(CHANNELS.fsmConversation, { ...conversation, action: 'started' });
  publish(CHANNELS.fsmTransition, { ...conversation, from: 'start', to: 'details', event: 'next' });
  if (round % 2 === 0) publish(CHANNELS.fsmConversation, { ...conversation, action: 'completed' });
  publish(CHANNELS.error, { code: 'timeout', where: 'service' });
  publish(CHANNELS.middleware, { name: 'rateLimit', durationMs: jitter(1), outcome: 'success' });
  if (round % 13 === 0) {
    publish(CHANNELS.threatDetected, { kinds: ['sql_injection'], source: 'message_text' });
  }

  // Backend calls: mostly fine, some 5xx, some timeouts with a retry.
  const failing = round % 4 === 0;
  publish(CHANNELS.serviceRequest, {
    service: 'users',
    method: 'GET',
    route: '/users/:id',
    status: failing ? 503 : 200,
    durationMs: jitter(40),
    outcome: failing ? 'http_status' : 'success',
    resendCount: 0,
  });
  publish(CHANNELS.serviceRequest, {
    service: 'requests',
    method: 'POST',
    route: '/requests',
    status: 0,
    durationMs: 5000,
    outcome: round % 3 === 0 ? 'timeout' : 'success',
    resendCount: round % 3 === 0 ? 1 : 0,
  });
  publish(CHANNELS.retry, { name: 'requests', attempt: 1, delayMs: 200, errorCode: 'timeout' });
  publish(CHANNELS.breakerCall, {
    name: 'users',
    outcome: failing ? 'failure' : 'success',
    slow: round % 4 === 1,
    durationMs: jitter(40),
    state: 'closed',
  });
  if (round % 8 === 4) {
    publish(CHANNELS.breakerState, {
      name: 'users',
      from: 'closed',
      to: 'open',
      reason: 'failure-rate',
      timestamp: Date.now(),
    });
  }
  publish(CHANNELS.bulkhead, {
    name: 'users',
    action: round % 6 === 0 ? 'rejected' : 'admitted',
    active: 2,
    queued: round % 3,
  });

  if (round % 7 === 3) {
    publish(CHANNELS.rateLimitStoreError, {
      policy: 'per-user',
      errorCode: 'rate_limiter_unavailable',
      action: 'fallback',
    });
  }
  publish(CHANNELS.redisCommand, {
    operation: 'ratelimit_consume',
    durationMs: jitter(0.6),
    ok: round % 9 !== 0,
    ...(round % 9 === 0 ? { errorCode: 'storage_unavailable' } : {}),
  });
  publish(CHANNELS.telegramApi, {
    method: 'sendMessage',
    status: round % 5 === 0 ? 429 : 200,
    durationMs: jitter(90),
    ok: round % 5 !== 0,
    ...(round % 5 === 0 ? { retryAfterSeconds: 3 } : {}),
  });
  publish(CHANNELS.outboundQueue, { action: 'enqueued', lane: 'global', depth: 3 + (round % 4) });
  publish(CHANNELS.outboundQueue, {
    action: 'sent',
    lane: 'global',
    depth: 2,
    waitMs: jitter(300),
  });
  if (round % 5 === 0)
    publish(CHANNELS.outboundQueue, { action: 'cooldown', lane: 'global', depth: 2 });
  publish(CHANNELS.signingVerify, {
    outcome: round % 11 === 0 ? 'invalid' : 'valid',
    keyId: 'k1',
    ...(round % 11 === 0 ? { errorCode: 'signature_mismatch' } : {}),
    durationMs: 0.2,
  });
}

/** Allocates short-lived garbage so the GC metrics have observations. */
export function churnMemory(): number {
  let total = 0;
  for (let i = 0; i < 200; i++) total += new Array(2_000).fill(i).length;
  return total;
}

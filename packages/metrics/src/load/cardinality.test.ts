import { CHANNELS, publish } from '@portcullis/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeRegistry } from '../exposition/serialize';
import { type Instrumentation, instrument } from '../instrument/instrument';

let instrumentation: Instrumentation;
beforeAll(() => {
  instrumentation = instrument({ collectDefaultMetrics: false, breakers: ['users'] });
});
afterAll(() => instrumentation.unsubscribe());

const UPDATE_TYPES = ['message', 'callback_query', 'edited_message'] as const;

/**
 * Everything one update from user `n` in chat `n` makes the gateway publish,
 * including the values a careless publisher or an attacker controls: unique
 * update and request ids, raw URLs instead of route templates, unregistered
 * command names, forged signing key ids.
 */
function oneUpdate(n: number): void {
  const updateType = UPDATE_TYPES[n % UPDATE_TYPES.length]!;
  publish(CHANNELS.updateReceived, { updateId: n, updateType, source: 'webhook' });
  publish(CHANNELS.webhookRequest, { outcome: 'accepted', status: 200, durationMs: 1 });
  publish(CHANNELS.rateLimitDecision, {
    policy: 'per_user',
    allowed: n % 10 !== 0,
    deniedBy: 'minute',
    engine: 'redis',
    fallback: false,
    durationMs: 0.5,
    usedBurst: n % 7 === 0,
    blocked: false,
  });
  publish(CHANNELS.routeMatched, { kind: 'command', name: n % 2 === 0 ? 'start' : `cmd_${n}` });
  publish(CHANNELS.middleware, { name: 'router', durationMs: 2, outcome: 'success' });
  publish(CHANNELS.fsmTransition, {
    flow: 'new_request',
    key: `chat:${n}`,
    idleTimeoutMs: 900_000,
    from: 'idle',
    to: 'ask_date',
    event: 'begin',
  });
  publish(CHANNELS.serviceRequest, {
    service: 'users',
    method: 'GET',
    route: n % 2 === 0 ? '/users/:id' : `/users/${n}`,
    status: 200,
    durationMs: 10,
    outcome: 'success',
    resendCount: 0,
    requestId: `req-${n}`,
  });
  publish(CHANNELS.breakerCall, {
    name: 'users',
    outcome: 'success',
    slow: false,
    durationMs: 10,
    state: 'closed',
  });
  publish(CHANNELS.redisCommand, { operation: 'fsm_cas', durationMs: 1, ok: true });
  publish(CHANNELS.telegramApi, { method: 'sendMessage', status: 200, durationMs: 20, ok: true });
  publish(CHANNELS.outboundQueue, { action: 'sent', lane: 'private', depth: 0, waitMs: 5 });
  publish(CHANNELS.signingVerify, {
    outcome: 'invalid',
    keyId: `forged-${n}`,
    errorCode: n % 2 === 0 ? 'signature_mismatch' : `bogus_${n}`,
    durationMs: 0.1,
  });
  publish(CHANNELS.business, { name: 'request_created', kind: 'vacation' });
  publish(CHANNELS.updateHandled, { updateId: n, updateType, outcome: 'handled', durationMs: 25 });
}

async function seriesCount(): Promise<number> {
  const text = await serializeRegistry(instrumentation.metrics.registry, 'prometheus');
  return text.split('\n').filter((line) => line.startsWith('portcullis_')).length;
}

describe('cardinality', () => {
  it('keeps a fixed number of series as 10,000 distinct users and chats go through the gateway', async () => {
    for (let n = 0; n < 1_000; n++) oneUpdate(n);
    const afterOneThousand = await seriesCount();
    for (let n = 1_000; n < 10_000; n++) oneUpdate(n);
    const afterTenThousand = await seriesCount();
    expect(afterTenThousand).toBe(afterOneThousand);
    expect(afterTenThousand).toMatchInlineSnapshot(`2026`);
  });

  it('counts the values it folded into other', async () => {
    const text = await serializeRegistry(instrumentation.metrics.registry, 'prometheus');
    expect(text).toMatch(
      /portcullis_metrics_label_overflow_total\{metric="commands_total"\} [1-9]\d{3}/,
    );
    expect(text).toContain('portcullis_commands_total{command="other"}');
    expect(text).not.toContain('req-');
    expect(text).not.toContain('forged-');
  });
});

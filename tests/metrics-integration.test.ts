import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  compose,
  conversationKey,
  createConversationRunner,
  createServiceClient,
  defineFlow,
  errorBoundary,
  type ServiceClient,
} from '@portcullis/core';
import { type Instrumentation, instrument, serializeRegistry } from '@portcullis/metrics';
import { createRateLimiter, definePolicy } from '@portcullis/redis-ratelimit';
import { createSigner, createVerifier } from '@portcullis/signing';
import {
  type ApiClient,
  createApiClient,
  createMemoryDedupStore,
  createUpdatePipeline,
  type UpdatePipeline,
} from '@portcullis/telegram-adapter';
import {
  type BotApiTestServer,
  createBotApiTestServer,
  createUpdateFactory,
} from '@portcullis/telegram-adapter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Events flow from the real packages — update pipeline and Bot API client
// (telegram-adapter), rate limiter (redis-ratelimit, memory engine), service
// client with breaker and retries, FSM runner and error boundary (core),
// signer and verifier (signing) — into instrument(), over real HTTP on
// 127.0.0.1 (a backend that verifies signatures, and the local Bot API server).

const SECRET = 'integration-secret-of-at-least-32-bytes!!';
const signer = createSigner({ keyId: 'gw-1', secret: SECRET, audience: 'users' });
const verifier = createVerifier({ keys: [{ id: 'gw-1', secret: SECRET }], audience: 'users' });

let instrumentation: Instrumentation;
let botApi: BotApiTestServer;
let backend: Server;
let users: ServiceClient;
let api: ApiClient;
let pipeline: UpdatePipeline;
let backendDown = false;

const flow = defineFlow({
  id: 'new_request',
  initial: 'askDate',
  states: {
    askDate: { on: { text: 'confirm', cancel: 'done' } },
    confirm: { on: { yes: 'done' } },
    done: { final: true },
  },
});
const runner = createConversationRunner({ flow });
const limiter = createRateLimiter({
  policy: definePolicy({
    name: 'per_user',
    windows: [{ name: 'minute', limit: 3, windowMs: 60_000 }],
  }),
});

interface Ctx {
  readonly chatId: number;
  readonly userId: number;
  readonly text: string;
}

const handle = compose<Ctx>(
  errorBoundary<Ctx>(
    async function replyWithApology(_error, ctx) {
      await api.call('sendMessage', { chat_id: ctx.chatId, text: 'Sorry, try again later.' });
    },
    [
      async function rateLimitPerUser(ctx, next) {
        const decision = await limiter.consume(`user:${ctx.userId}`);
        if (decision.allowed) await next();
      },
      async function newRequest(ctx) {
        const key = conversationKey({ chatId: ctx.chatId, userId: ctx.userId });
        if (ctx.text === '/start') await runner.start(key);
        else await runner.send(key, ctx.text === 'yes' ? 'yes' : 'text', ctx.text);
        await users.get('/users/:id', { params: { id: ctx.userId } });
        await api.call('sendMessage', { chat_id: ctx.chatId, text: 'Noted.' });
      },
    ],
  ),
);

beforeAll(async () => {
  instrumentation = instrument({ collectDefaultMetrics: false, breakers: ['users'] });
  botApi = await createBotApiTestServer();
  api = createApiClient({ token: botApi.token, apiRoot: botApi.apiRoot });
  backend = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const body = chunks.length > 0 ? new Uint8Array(Buffer.concat(chunks)) : undefined;
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([name, value]) => [name, String(value)]),
      );
      const result = await verifier.verify({
        method: req.method ?? 'GET',
        url: `http://127.0.0.1${req.url}`,
        headers,
        body,
      });
      const status = !result.ok ? 401 : backendDown ? 503 : 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 1 }));
    });
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  users = createServiceClient({
    name: 'users',
    baseUrl: `http://127.0.0.1:${(backend.address() as AddressInfo).port}`,
    retry: { maxAttempts: 2, initialDelayMs: 1, jitter: 'none' },
    breaker: { minimumCalls: 4, window: { type: 'count', size: 4 }, failureRateThreshold: 50 },
    signRequest: (request) => signer.sign(request),
  });
  pipeline = createUpdatePipeline({
    dedup: createMemoryDedupStore(),
    handler: async (update) => {
      const message = update.message!;
      await handle({ chatId: message.chat.id, userId: message.from!.id, text: message.text ?? '' });
    },
  });
});

afterAll(async () => {
  instrumentation.unsubscribe();
  await users.close();
  await botApi.close();
  await new Promise<void>((resolve) => backend.close(() => resolve()));
});

/** Deterministic view: non-zero samples, no buckets or sums (durations vary). */
async function exposition(): Promise<string> {
  const text = await serializeRegistry(instrumentation.metrics.registry, 'prometheus');
  return text
    .split('\n')
    .filter((line) => line.startsWith('portcullis_') && !line.endsWith(' 0'))
    .filter((line) => !/_bucket\{|_sum[{ ]|build_info|timestamp_seconds/.test(line))
    .join('\n');
}

describe('metrics across the packages', () => {
  it('records a conversation, a duplicate, a rate-limit denial, a failing backend and a Bot API flood', async () => {
    const updates = createUpdateFactory();
    const alice = { userId: 11 };
    const start = updates.command('start', undefined, alice);
    expect(await pipeline.process(start, 'webhook')).toBe('handled');
    expect(await pipeline.process(start, 'webhook')).toBe('duplicate');
    expect(await pipeline.process(updates.text('tomorrow', alice), 'polling')).toBe('handled');
    await pipeline.process(updates.text('yes', alice), 'polling');
    // The fourth update in a minute is over the per-user limit of 3.
    await pipeline.process(updates.text('again', alice), 'polling');

    backendDown = true;
    const bob = { userId: 22 };
    await pipeline.process(updates.command('start', undefined, bob), 'webhook');
    await pipeline.process(updates.text('later', bob), 'webhook');
    backendDown = false;

    botApi.inject('sendMessage', { type: 'flood', retryAfter: 7 });
    await pipeline.process(updates.command('start', undefined, { userId: 33 }), 'webhook');

    expect(await exposition()).toMatchInlineSnapshot(`
      "portcullis_updates_received_total{update_type="message",source="webhook"} 5
      portcullis_updates_received_total{update_type="message",source="polling"} 3
      portcullis_updates_duplicate_total{update_type="message"} 1
      portcullis_updates_handled_total{update_type="message",outcome="handled"} 6
      portcullis_updates_handled_total{update_type="message",outcome="failed"} 1
      portcullis_updates_failed_total{update_type="message",error_code="internal"} 1
      portcullis_update_handling_duration_seconds_count{update_type="message",outcome="handled"} 6
      portcullis_update_handling_duration_seconds_count{update_type="message",outcome="failed"} 1
      portcullis_fsm_transitions_total{flow="new_request",from="askDate",to="confirm"} 2
      portcullis_fsm_transitions_total{flow="new_request",from="confirm",to="done"} 1
      portcullis_fsm_conversations_active{flow="new_request"} 2
      portcullis_fsm_conversations_started_total{flow="new_request"} 3
      portcullis_fsm_conversations_ended_total{flow="new_request",reason="completed"} 1
      portcullis_errors_total{error_code="middleware_failed",where="middleware"} 3
      portcullis_errors_total{error_code="middleware_failed",where="update"} 1
      portcullis_middleware_duration_seconds_count{middleware="newRequest",outcome="success"} 3
      portcullis_middleware_duration_seconds_count{middleware="rateLimitPerUser",outcome="success"} 4
      portcullis_middleware_duration_seconds_count{middleware="errorBoundary",outcome="success"} 6
      portcullis_middleware_duration_seconds_count{middleware="newRequest",outcome="error"} 3
      portcullis_middleware_duration_seconds_count{middleware="rateLimitPerUser",outcome="error"} 3
      portcullis_middleware_duration_seconds_count{middleware="errorBoundary",outcome="error"} 1
      portcullis_middleware_errors_total{middleware="newRequest"} 3
      portcullis_middleware_errors_total{middleware="rateLimitPerUser"} 3
      portcullis_middleware_errors_total{middleware="errorBoundary"} 1
      portcullis_ratelimit_decisions_total{policy="per_user",outcome="allowed"} 6
      portcullis_ratelimit_decisions_total{policy="per_user",outcome="denied"} 1
      portcullis_ratelimit_denials_total{policy="per_user",window="minute"} 1
      portcullis_ratelimit_check_duration_seconds_count{policy="per_user",engine="memory"} 7
      portcullis_service_requests_total{service="users",method="GET",route="/users/:id",status_class="2xx"} 3
      portcullis_service_requests_total{service="users",method="GET",route="/users/:id",status_class="5xx"} 2
      portcullis_service_requests_total{service="users",method="GET",route="/users/:id",status_class="none"} 2
      portcullis_service_request_duration_seconds_count{service="users",method="GET",route="/users/:id"} 7
      portcullis_service_request_errors_total{service="users",error_code="http_status"} 2
      portcullis_service_request_errors_total{service="users",error_code="circuit_open"} 2
      portcullis_service_request_retries_total{service="users"} 1
      portcullis_retries_total{policy="users",error_code="http_status"} 1
      portcullis_retry_delay_seconds_count{policy="users"} 1
      portcullis_circuit_breaker_state{breaker="users",state="open"} 1
      portcullis_circuit_breaker_transitions_total{breaker="users",from="closed",to="open"} 1
      portcullis_circuit_breaker_calls_total{breaker="users",outcome="success"} 3
      portcullis_circuit_breaker_calls_total{breaker="users",outcome="failure"} 2
      portcullis_circuit_breaker_calls_total{breaker="users",outcome="rejected"} 2
      portcullis_bulkhead_decisions_total{bulkhead="users",action="admitted"} 5
      portcullis_telegram_api_requests_total{method="sendMessage",status="200"} 5
      portcullis_telegram_api_requests_total{method="sendMessage",status="429"} 1
      portcullis_telegram_api_request_duration_seconds_count{method="sendMessage"} 6
      portcullis_telegram_api_errors_total{method="sendMessage",status="429"} 1
      portcullis_telegram_api_rate_limited_total{method="sendMessage"} 1
      portcullis_telegram_api_retry_after_seconds_count{method="sendMessage"} 1
      portcullis_signing_verifications_total{outcome="valid"} 5
      portcullis_signing_verification_duration_seconds_count 5
      portcullis_signing_signatures_total{key_id="gw-1"} 5
      portcullis_signing_sign_duration_seconds_count 5"
    `);
  });

  it('exposes every catalog metric family, and stops recording after unsubscribe', async () => {
    const text = await serializeRegistry(instrumentation.metrics.registry, 'openmetrics');
    expect(text).toContain('# TYPE portcullis_updates_received counter');
    expect(text.endsWith('# EOF\n')).toBe(true);
    instrumentation.unsubscribe();
    const before = await exposition();
    await pipeline.process(createUpdateFactory({ firstUpdateId: 9_000 }).text('late'), 'webhook');
    expect(await exposition()).toBe(before);
  });
});

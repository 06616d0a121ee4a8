import { BUCKETS, counter, gauge, seconds } from './define';
import { L, label } from './labels';
import type { MetricDefinition } from './types';

/** Bot API calls. */
export const TELEGRAM_METRICS: readonly MetricDefinition[] = [
  counter('telegram', 'telegram_api_requests_total', 'Bot API calls, by method and status.', [
    L.telegramMethod,
    L.telegramStatus,
  ]),
  seconds(
    'telegram',
    'telegram_api_request_duration_seconds',
    'Duration of one Bot API call.',
    [L.telegramMethod],
    BUCKETS.request,
  ),
  counter('telegram', 'telegram_api_errors_total', 'Bot API calls that did not return ok.', [
    L.telegramMethod,
    L.telegramStatus,
  ]),
  counter('telegram', 'telegram_api_rate_limited_total', 'Bot API calls answered 429.', [
    L.telegramMethod,
  ]),
  seconds(
    'telegram',
    'telegram_api_retry_after_seconds',
    '`retry_after` values Telegram sent with 429 answers.',
    [L.telegramMethod],
    BUCKETS.retryAfter,
  ),
];

/** The outbound scheduler (flood control). */
export const OUTBOUND_METRICS: readonly MetricDefinition[] = [
  gauge('outbound', 'outbound_queue_depth', 'Calls waiting in the outbound scheduler.', [L.lane]),
  seconds(
    'outbound',
    'outbound_queue_wait_seconds',
    'Time a call waited in the outbound queue before it was sent.',
    [L.lane],
    BUCKETS.wait,
  ),
  counter('outbound', 'outbound_messages_total', 'Outbound calls, by what happened to them.', [
    L.lane,
    label('action', 'What happened', ['enqueued', 'sent', 'rejected', 'expired']),
  ]),
  counter('outbound', 'outbound_cooldowns_total', 'Shared 429 cooldowns the scheduler entered.', [
    L.lane,
  ]),
];

const WEBHOOK_OUTCOME = label('outcome', 'How the request was answered', [
  'accepted',
  'bad_secret',
  'bad_body',
  'too_large',
  'bad_method',
  'timeout',
  'failed',
  'overloaded',
]);

/** Webhook ingress. */
export const WEBHOOK_METRICS: readonly MetricDefinition[] = [
  counter('webhook', 'webhook_requests_total', 'Webhook requests, by outcome.', [WEBHOOK_OUTCOME]),
  seconds(
    'webhook',
    'webhook_request_duration_seconds',
    'Time to answer one webhook request.',
    [WEBHOOK_OUTCOME],
    BUCKETS.request,
  ),
];

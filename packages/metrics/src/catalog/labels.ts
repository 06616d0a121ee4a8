import { ERROR_CODES } from '@portcullis/core';
import type { LabelDefinition } from './types';

/** Update types as the Bot API names them, plus `unknown` for future ones. */
export const UPDATE_TYPES: readonly string[] = [
  'message',
  'edited_message',
  'channel_post',
  'edited_channel_post',
  'business_connection',
  'business_message',
  'edited_business_message',
  'deleted_business_messages',
  'message_reaction',
  'message_reaction_count',
  'inline_query',
  'chosen_inline_result',
  'callback_query',
  'shipping_query',
  'pre_checkout_query',
  'purchased_paid_media',
  'poll',
  'poll_answer',
  'my_chat_member',
  'chat_member',
  'chat_join_request',
  'chat_boost',
  'removed_chat_boost',
  'unknown',
];

/** Every core error code, plus `other` for codes from outside core. */
export const ERROR_CODE_VALUES: readonly string[] = Object.keys(ERROR_CODES);

/** Builds a label definition; a tiny helper that keeps the catalog readable. */
export function label(
  name: string,
  description: string,
  values?: readonly string[],
): LabelDefinition {
  return values === undefined ? { name, description } : { name, description, values };
}

/** Labels reused across groups (one object each, so docs can recognise them). */
export const L = {
  updateType: label('update_type', 'Bot API update type', UPDATE_TYPES),
  errorCode: label(
    'error_code',
    'Portcullis error code (`ERROR_CODES` in core)',
    ERROR_CODE_VALUES,
  ),
  service: label('service', 'Backend service name, as configured in the service client'),
  route: label('route', 'Route template such as `/users/:id`, never a raw URL'),
  httpMethod: label('method', 'HTTP method', [
    'GET',
    'HEAD',
    'POST',
    'PUT',
    'PATCH',
    'DELETE',
    'OPTIONS',
  ]),
  statusClass: label('status_class', 'HTTP status class; `none` when no response arrived', [
    '1xx',
    '2xx',
    '3xx',
    '4xx',
    '5xx',
    'none',
  ]),
  breaker: label('breaker', 'Circuit breaker name'),
  bulkhead: label('bulkhead', 'Bulkhead name'),
  policy: label('policy', 'Rate-limit policy name'),
  flow: label('flow', 'Conversation (FSM) flow name'),
  middleware: label('middleware', 'Middleware function name'),
  telegramMethod: label('method', 'Bot API method name such as `sendMessage`'),
  telegramStatus: label('status', 'Bot API `error_code`, 200 on success, 0 without response', [
    '0',
    '200',
    '400',
    '401',
    '403',
    '404',
    '409',
    '413',
    '429',
    '500',
    '502',
    '503',
    '504',
  ]),
  lane: label('lane', 'Outbound scheduler lane'),
  operation: label('operation', 'Redis operation such as `ratelimit_consume`, `fsm_cas`'),
  kind: label('kind', 'Bounded qualifier of a business event'),
} as const;

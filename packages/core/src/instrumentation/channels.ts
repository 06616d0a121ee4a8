import diagnosticsChannel from 'node:diagnostics_channel';

/**
 * Names of the `node:diagnostics_channel` channels Portcullis packages publish
 * on. `@portcullis/metrics` subscribes to them; anyone else may too. Publishing
 * costs one property read when nobody subscribes.
 *
 * Names are stable: add channels, never rename one.
 */
export const CHANNELS = {
  /** A circuit breaker changed state. Payload: {@link BreakerStateEvent}. */
  breakerState: 'portcullis:breaker:state',
  /** A call went through (or was rejected by) a circuit breaker. Payload: {@link BreakerCallEvent}. */
  breakerCall: 'portcullis:breaker:call',
  /** A bulkhead admitted, queued or rejected a call. Payload: {@link BulkheadEvent}. */
  bulkhead: 'portcullis:bulkhead',
  /** A retry policy is about to wait and try again. Payload: {@link RetryEvent}. */
  retry: 'portcullis:retry',
  /** One physical attempt of a backend service request finished. Payload: {@link ServiceRequestEvent}. */
  serviceRequest: 'portcullis:service:request',
  /** A middleware finished. Payload: {@link MiddlewareEvent}. */
  middleware: 'portcullis:middleware',
  /** A conversation moved between states. Payload: {@link FsmTransitionEvent}. */
  fsmTransition: 'portcullis:fsm:transition',
  /** A conversation started, ended or expired. Payload: {@link FsmConversationEvent}. */
  fsmConversation: 'portcullis:fsm:conversation',
  /** A threat detector labelled input. Payload: {@link ThreatDetectedEvent}. */
  threatDetected: 'portcullis:validation:threat',
  /** A rate limiter decided. Payload: {@link RateLimitDecisionEvent}. */
  rateLimitDecision: 'portcullis:ratelimit:decision',
  /** A rate limiter's store failed. Payload: {@link RateLimitStoreErrorEvent}. */
  rateLimitStoreError: 'portcullis:ratelimit:store-error',
  /** A Redis command issued by a Portcullis package finished. Payload: {@link RedisCommandEvent}. */
  redisCommand: 'portcullis:redis:command',
  /** An update arrived. Payload: {@link UpdateReceivedEvent}. */
  updateReceived: 'portcullis:update:received',
  /** An update was a duplicate and was dropped. Payload: {@link UpdateDuplicateEvent}. */
  updateDuplicate: 'portcullis:update:duplicate',
  /** An update was handled (successfully or not). Payload: {@link UpdateHandledEvent}. */
  updateHandled: 'portcullis:update:handled',
  /** The router matched a command or callback. Payload: {@link RouteMatchedEvent}. */
  routeMatched: 'portcullis:router:match',
  /** A Bot API call finished. Payload: {@link TelegramApiEvent}. */
  telegramApi: 'portcullis:telegram:api',
  /** The outbound scheduler queue changed. Payload: {@link OutboundQueueEvent}. */
  outboundQueue: 'portcullis:telegram:outbound',
  /** A webhook request was answered. Payload: {@link WebhookRequestEvent}. */
  webhookRequest: 'portcullis:webhook:request',
  /** An error reached an error boundary. Payload: {@link ErrorEvent}. */
  error: 'portcullis:error',
  /** An application-level business event. Payload: {@link BusinessEvent}. */
  business: 'portcullis:business',
  /**
   * A signature verification finished. Published by `@portcullis/signing`,
   * which declares the same name itself to stay dependency-free.
   * Payload: {@link SigningVerifyEvent}.
   */
  signingVerify: 'portcullis:signing:verify',
  /** A request was signed. Published by `@portcullis/signing`. Payload: {@link SigningSignEvent}. */
  signingSign: 'portcullis:signing:sign',
} as const;

/** One of the channel names in {@link CHANNELS}. */
export type ChannelName = (typeof CHANNELS)[keyof typeof CHANNELS];

/** The state of a circuit breaker. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Payload of {@link CHANNELS.breakerState}. */
export interface BreakerStateEvent {
  readonly name: string;
  readonly from: BreakerState;
  readonly to: BreakerState;
  /** Why it changed: thresholds, a manual call, or the open period ending. */
  readonly reason:
    | 'failure-rate'
    | 'slow-call-rate'
    | 'half-open-failed'
    | 'half-open-succeeded'
    | 'open-elapsed'
    | 'manual';
  readonly timestamp: number;
}

/** Payload of {@link CHANNELS.breakerCall}. */
export interface BreakerCallEvent {
  readonly name: string;
  readonly outcome: 'success' | 'failure' | 'rejected' | 'ignored';
  readonly slow: boolean;
  readonly durationMs: number;
  readonly state: BreakerState;
}

/** Payload of {@link CHANNELS.bulkhead}. */
export interface BulkheadEvent {
  readonly name: string;
  readonly action: 'admitted' | 'queued' | 'rejected' | 'released';
  readonly active: number;
  readonly queued: number;
}

/** Payload of {@link CHANNELS.retry}. */
export interface RetryEvent {
  readonly name: string;
  /** The attempt that just failed, starting at 1. */
  readonly attempt: number;
  readonly delayMs: number;
  readonly errorCode: string;
}

/** Outcome of a service request attempt. */
export type ServiceRequestOutcome =
  | 'success'
  | 'http_status'
  | 'timeout'
  | 'network'
  | 'circuit_open'
  | 'bulkhead_full'
  | 'invalid_response'
  | 'aborted';

/** Payload of {@link CHANNELS.serviceRequest}. */
export interface ServiceRequestEvent {
  readonly service: string;
  readonly method: string;
  /** The route template (`/users/:id`), never the raw URL with ids. */
  readonly route: string;
  /** HTTP status, or 0 when no response arrived. */
  readonly status: number;
  readonly durationMs: number;
  readonly outcome: ServiceRequestOutcome;
  /** 0 for the first attempt, 1 for the first retry… (OTel `http.request.resend_count`). */
  readonly resendCount: number;
  readonly requestId?: string;
}

/** Payload of {@link CHANNELS.middleware}. */
export interface MiddlewareEvent {
  readonly name: string;
  readonly durationMs: number;
  readonly outcome: 'success' | 'error';
}

/** Payload of {@link CHANNELS.fsmTransition}. */
export interface FsmTransitionEvent {
  readonly flow: string;
  readonly from: string;
  readonly to: string;
  readonly event: string;
  /** The conversation's storage key (never a metric label: it names users). */
  readonly key: string;
  /** How long the conversation now lives without another transition. */
  readonly idleTimeoutMs: number;
}

/** Payload of {@link CHANNELS.fsmConversation}. */
export interface FsmConversationEvent {
  readonly flow: string;
  readonly action: 'started' | 'completed' | 'cancelled' | 'expired';
  /** The conversation's storage key (never a metric label: it names users). */
  readonly key: string;
  /** With `started`: how long the conversation lives without a transition. */
  readonly idleTimeoutMs?: number;
}

/** Kinds of threat the validator's detector labels. */
export type ThreatKind = 'sql_injection' | 'xss' | 'command_injection' | 'path_traversal';

/** Payload of {@link CHANNELS.threatDetected}. */
export interface ThreatDetectedEvent {
  readonly kinds: readonly ThreatKind[];
  /** Where the text came from (`message_text`, `callback_data`…), a bounded label. */
  readonly source: string;
}

/** Payload of {@link CHANNELS.rateLimitDecision}. */
export interface RateLimitDecisionEvent {
  readonly policy: string;
  readonly allowed: boolean;
  /** Name of the window that denied, when denied. */
  readonly deniedBy?: string;
  readonly engine: 'redis' | 'memory';
  /** True when the memory engine answered because Redis failed. */
  readonly fallback: boolean;
  readonly durationMs: number;
  readonly usedBurst: boolean;
  readonly blocked: boolean;
}

/** Payload of {@link CHANNELS.rateLimitStoreError}. */
export interface RateLimitStoreErrorEvent {
  readonly policy: string;
  readonly errorCode: string;
  readonly action: 'fail-open' | 'fail-closed' | 'fallback';
}

/** Payload of {@link CHANNELS.redisCommand}. */
export interface RedisCommandEvent {
  /** Bounded label such as `ratelimit_consume`, `fsm_cas`, `dedup_claim`. */
  readonly operation: string;
  readonly durationMs: number;
  readonly ok: boolean;
  readonly errorCode?: string;
}

/** Update types as the Bot API names them (`message`, `callback_query`…). */
export type UpdateTypeLabel = string;

/** Payload of {@link CHANNELS.updateReceived}. */
export interface UpdateReceivedEvent {
  readonly updateId: number;
  readonly updateType: UpdateTypeLabel;
  readonly source: 'webhook' | 'polling' | 'queue';
}

/** Payload of {@link CHANNELS.updateDuplicate}. */
export interface UpdateDuplicateEvent {
  readonly updateId: number;
  readonly updateType: UpdateTypeLabel;
}

/** Payload of {@link CHANNELS.updateHandled}. */
export interface UpdateHandledEvent {
  readonly updateId: number;
  readonly updateType: UpdateTypeLabel;
  readonly outcome: 'handled' | 'failed' | 'unhandled' | 'timeout';
  readonly durationMs: number;
  readonly errorCode?: string;
}

/** Payload of {@link CHANNELS.routeMatched}. */
export interface RouteMatchedEvent {
  readonly kind: 'command' | 'callback' | 'text' | 'state';
  /** The registered route name (never free text from users). */
  readonly name: string;
}

/** Payload of {@link CHANNELS.telegramApi}. */
export interface TelegramApiEvent {
  readonly method: string;
  /** Bot API `error_code` or 200; 0 when no response arrived. */
  readonly status: number;
  readonly durationMs: number;
  readonly retryAfterSeconds?: number;
  readonly ok: boolean;
}

/** Payload of {@link CHANNELS.outboundQueue}. */
export interface OutboundQueueEvent {
  readonly action: 'enqueued' | 'sent' | 'rejected' | 'expired' | 'cooldown';
  readonly lane: string;
  readonly depth: number;
  /** Time the call waited in the queue, for `sent`. */
  readonly waitMs?: number;
}

/** Payload of {@link CHANNELS.webhookRequest}. */
export interface WebhookRequestEvent {
  /** `overloaded`: refused (503) because `maxInFlight` updates were in flight. */
  readonly outcome:
    | 'accepted'
    | 'bad_secret'
    | 'bad_body'
    | 'too_large'
    | 'bad_method'
    | 'timeout'
    | 'failed'
    | 'overloaded';
  readonly status: number;
  readonly durationMs: number;
}

/** Payload of {@link CHANNELS.error}. */
export interface ErrorEvent {
  readonly code: string;
  /** Where it was caught: a bounded label such as `update`, `middleware`, `service`. */
  readonly where: string;
}

/** Payload of {@link CHANNELS.business}. */
export interface BusinessEvent {
  /** A bounded event name such as `request_created`, `shift_viewed`, `admin_action`. */
  readonly name: string;
  /** A bounded qualifier such as `approve` / `reject`. */
  readonly kind?: string;
}

/** Payload of {@link CHANNELS.signingVerify}. */
export interface SigningVerifyEvent {
  readonly outcome: 'valid' | 'invalid';
  readonly keyId?: string;
  readonly errorCode?: string;
  readonly durationMs: number;
}

/** Payload of {@link CHANNELS.signingSign}. */
export interface SigningSignEvent {
  readonly keyId: string;
  readonly durationMs: number;
}

/** Maps each channel name to the payload type published on it. */
export interface ChannelPayloads {
  'portcullis:breaker:state': BreakerStateEvent;
  'portcullis:breaker:call': BreakerCallEvent;
  'portcullis:bulkhead': BulkheadEvent;
  'portcullis:retry': RetryEvent;
  'portcullis:service:request': ServiceRequestEvent;
  'portcullis:middleware': MiddlewareEvent;
  'portcullis:fsm:transition': FsmTransitionEvent;
  'portcullis:fsm:conversation': FsmConversationEvent;
  'portcullis:validation:threat': ThreatDetectedEvent;
  'portcullis:ratelimit:decision': RateLimitDecisionEvent;
  'portcullis:ratelimit:store-error': RateLimitStoreErrorEvent;
  'portcullis:redis:command': RedisCommandEvent;
  'portcullis:update:received': UpdateReceivedEvent;
  'portcullis:update:duplicate': UpdateDuplicateEvent;
  'portcullis:update:handled': UpdateHandledEvent;
  'portcullis:router:match': RouteMatchedEvent;
  'portcullis:telegram:api': TelegramApiEvent;
  'portcullis:telegram:outbound': OutboundQueueEvent;
  'portcullis:webhook:request': WebhookRequestEvent;
  'portcullis:error': ErrorEvent;
  'portcullis:business': BusinessEvent;
  'portcullis:signing:verify': SigningVerifyEvent;
  'portcullis:signing:sign': SigningSignEvent;
}

/**
 * Publishes `payload` on `name` when someone listens. Build the payload lazily
 * with a function when building it costs anything.
 */
export function publish<Name extends ChannelName>(
  name: Name,
  payload: ChannelPayloads[Name] | (() => ChannelPayloads[Name]),
): void {
  const channel = channelFor(name);
  if (!channel.hasSubscribers) return;
  channel.publish(typeof payload === 'function' ? payload() : payload);
}

/** Whether anyone listens on `name`; lets hot paths skip timing work. */
export function hasSubscribers(name: ChannelName): boolean {
  return channelFor(name).hasSubscribers;
}

// Strong references: channel objects are weakly held by Node, and looking one
// up by name on every publish costs more than a Map read.
const channelCache = new Map<string, diagnosticsChannel.Channel>();

function channelFor(name: string): diagnosticsChannel.Channel {
  let channel = channelCache.get(name);
  if (channel === undefined) {
    channel = diagnosticsChannel.channel(name);
    channelCache.set(name, channel);
  }
  return channel;
}

/**
 * Subscribes a typed listener to `name` and returns the function that
 * unsubscribes it.
 */
export function subscribe<Name extends ChannelName>(
  name: Name,
  listener: (payload: ChannelPayloads[Name]) => void,
): () => void {
  const wrapped = (message: unknown) => listener(message as ChannelPayloads[Name]);
  diagnosticsChannel.subscribe(name, wrapped);
  return () => {
    diagnosticsChannel.unsubscribe(name, wrapped);
  };
}

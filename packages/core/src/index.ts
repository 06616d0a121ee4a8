/**
 * `@portcullis/core`: the primitives every bot gateway needs and no transport
 * owns — errors with stable codes, resilience policies, middleware
 * composition, the conversation FSM, validators and escaping, the service
 * client, node:http helpers, and the instrumentation channel names.
 *
 * @example
 * ```ts
 * import { PortcullisError, isPortcullisError } from '@portcullis/core';
 *
 * try {
 *   throw new PortcullisError('circuit_open', 'users-service is unavailable');
 * } catch (error) {
 *   if (isPortcullisError(error, 'circuit_open')) console.log(error.httpStatus); // 503
 * }
 * ```
 *
 * @module
 */

// Collections
export { MapTrimmer } from './collections/map-trimmer';
export type { ErrorCode } from './errors/error-codes';
// Errors
export { ERROR_CODES, isErrorCode } from './errors/error-codes';
export type { PortcullisErrorOptions } from './errors/portcullis-error';
export {
  invalidOption,
  isPortcullisError,
  PortcullisError,
  truncateForMessage,
} from './errors/portcullis-error';
export type {
  BreakerCallEvent,
  BreakerState,
  BreakerStateEvent,
  BulkheadEvent,
  BusinessEvent,
  ChannelName,
  ChannelPayloads,
  ErrorEvent,
  FsmConversationEvent,
  FsmTransitionEvent,
  MiddlewareEvent,
  OutboundQueueEvent,
  RateLimitDecisionEvent,
  RateLimitStoreErrorEvent,
  RedisCommandEvent,
  RetryEvent,
  RouteMatchedEvent,
  ServiceRequestEvent,
  ServiceRequestOutcome,
  SigningSignEvent,
  SigningVerifyEvent,
  TelegramApiEvent,
  ThreatDetectedEvent,
  ThreatKind,
  UpdateDuplicateEvent,
  UpdateHandledEvent,
  UpdateReceivedEvent,
  UpdateTypeLabel,
  WebhookRequestEvent,
} from './instrumentation/channels';
// Instrumentation
export { CHANNELS, hasSubscribers, publish, subscribe } from './instrumentation/channels';

// Resilience (circuit breaker, retry, timeout, bulkhead, policy composition)
export type { Bulkhead, BulkheadOptions } from './resilience/bulkhead';
export { bulkhead } from './resilience/bulkhead';
export type {
  CircuitBreaker,
  CircuitBreakerSnapshot,
} from './resilience/circuit-breaker';
export { createCircuitBreaker } from './resilience/circuit-breaker';
export type { CircuitBreakerOptions } from './resilience/circuit-breaker-options';
export { BulkheadFullError, CircuitOpenError, TimeoutError } from './resilience/errors';
export type { Clock, ExecuteOptions, Policy, PolicyFunction } from './resilience/policy';
export { policy } from './resilience/policy';
export type { RetryJitter, RetryOptions } from './resilience/retry';
export { retry } from './resilience/retry';
export type { SlidingWindowOptions, WindowCounts } from './resilience/sliding-window';
export type { TimeoutOptions } from './resilience/timeout';
export { timeout } from './resilience/timeout';

// Service client
export type { ServiceErrorFields } from './service-client/errors';
export { BODY_EXCERPT_CHARS, ServiceError } from './service-client/errors';
export type {
  ResponseSchema,
  ServiceClientOptions,
  ServiceRequestOptions,
  ServiceResponse,
  SignRequestHook,
} from './service-client/options';
export type { QueryParams, RouteParams } from './service-client/route';
export type { HttpMethod, ServiceClient } from './service-client/service-client';
export { createServiceClient } from './service-client/service-client';

// Middleware composition

export type { Predicate } from './middleware/branching';
export { branch, filter, route } from './middleware/branching';
export { compose, named, passThrough } from './middleware/compose';
export type { ErrorHandler } from './middleware/error-boundary';
export { errorBoundary } from './middleware/error-boundary';
export {
  ANONYMOUS_MIDDLEWARE,
  MiddlewareError,
  rootMiddlewareCause,
} from './middleware/middleware-error';
export type {
  ComposedMiddleware,
  Middleware,
  MiddlewareLike,
  NextFunction,
} from './middleware/types';

// Conversation FSM and storages

export type {
  ConversationIds,
  ConversationKeyStrategy,
} from './fsm/conversation-key';
export { CONVERSATION_KEY_STRATEGIES, conversationKey } from './fsm/conversation-key';
export type {
  DataOf,
  Flow,
  FlowDefinition,
  HookArgs,
  StateConfig,
  StateOf,
  StatesConfig,
  TransitionArgs,
  TransitionConfig,
} from './fsm/define-flow';
export { defineFlow } from './fsm/define-flow';
export type { ConversationErrorCode } from './fsm/errors';
export { ConcurrentModificationError, ConversationError } from './fsm/errors';
export type { MemoryConversationStorageOptions } from './fsm/memory-storage';
export { createMemoryConversationStorage } from './fsm/memory-storage';
export type {
  ConversationRedisLike,
  RedisConversationStorageOptions,
} from './fsm/redis-storage';
export {
  CONVERSATION_CAS_SCRIPT,
  createRedisConversationStorage,
} from './fsm/redis-storage';
export { createConversationRunner } from './fsm/runner';
export type {
  ConversationRunner,
  ConversationRunnerOptions,
  ConversationSnapshot,
  SendResult,
} from './fsm/runner-types';
export type {
  ConversationDeleteOptions,
  ConversationSetOptions,
  ConversationStorage,
  StoredConversation,
  VersionedConversation,
} from './fsm/storage';

// Validators, escaping and threat detection

export type { NamedPattern } from './validation/all-patterns';
export { INPUT_PATTERNS } from './validation/all-patterns';
export type { CallbackArg, CallbackData } from './validation/callback-data';
export {
  CALLBACK_DATA_MAX_BYTES,
  decodeCallbackData,
  encodeCallbackData,
} from './validation/callback-data';
export type { DateRange, DateRangeOptions } from './validation/dates';
export { dateRangeSchema, isoDateSchema, isoDateTimeSchema } from './validation/dates';
export type { MarkdownV2Context } from './validation/escape';
export { escapeHtml, escapeMarkdownV2 } from './validation/escape';
export {
  emailSchema,
  phoneE164Schema,
  TELEGRAM_ID_MAX,
  telegramChatIdSchema,
  telegramUserIdSchema,
  telegramUsernameSchema,
  uuidSchema,
} from './validation/identifiers';
export type { ValidationIssueCode } from './validation/issues';
export {
  Invalid,
  issueCodeOf,
  toValidationError,
  VALIDATION_ISSUE_CODES,
  validator,
} from './validation/issues';
export type {
  MoneyAmount,
  MoneyAmountOptions,
  Pagination,
  PaginationOptions,
} from './validation/money-pagination';
export { moneyAmountSchema, paginationSchema } from './validation/money-pagination';
export type { SafeFilenameOptions } from './validation/paths';
export { resolveInside, safeFilename, safePathSegment } from './validation/paths';
export { VALIDATION_PATTERNS } from './validation/patterns';
export type {
  FreeTextOptions,
  PostalAddressOptions,
  SanitizeTextOptions,
} from './validation/text';
export {
  freeTextSchema,
  postalAddressSchema,
  sanitizeText,
} from './validation/text';
export type {
  ThreatDetector,
  ThreatDetectorOptions,
  ThreatSignature,
} from './validation/threats';
export {
  createThreatDetector,
  detectThreats,
  normalizeForThreatDetection,
  THREAT_NORMALIZATION_PATTERNS,
  THREAT_PATTERNS,
} from './validation/threats';

// node:http helpers

export type { CorsOptions } from './http/cors';
export { cors } from './http/cors';
export type {
  HealthCheck,
  HealthCheckDefinition,
  HealthCheckResult,
  HealthHandler,
  HealthHandlerOptions,
  HealthReport,
} from './http/health';
export { createHealthHandler } from './http/health';
export type { HttpPipelineOptions } from './http/pipeline';
export { composeHttp, createHttpPipeline } from './http/pipeline';
export type { RequestIdOptions } from './http/request-id';
export { getRequestId, requestId } from './http/request-id';
export { sendJson } from './http/response';
export type { HttpRouteTable } from './http/routes';
export { httpRoutes } from './http/routes';
export type { HstsOptions, SecurityHeadersOptions } from './http/security-headers';
export { resolveSecurityHeaders, securityHeaders } from './http/security-headers';
export type { HttpHandler, HttpMiddleware } from './http/types';

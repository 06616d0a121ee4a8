/**
 * `@portcullis/telegram-adapter/testing`: a local Bot API server over real
 * HTTP with fault injection, update factories and a controllable clock.
 *
 * @module
 */
export type { StoredMessage } from './testing/bot-api-methods';
export type {
  BotApiTestServer,
  BotApiTestServerOptions,
  RecordedCall,
} from './testing/bot-api-server';
export { createBotApiTestServer, createTestServer } from './testing/bot-api-server';
export type { Fault, FaultOptions } from './testing/faults';
export type { TestClock } from './testing/test-clock';
export { createTestClock, settle } from './testing/test-clock';
export { until } from './testing/until';
export type {
  MessageOptions,
  UpdateFactory,
  UpdateFactoryOptions,
} from './testing/update-factory';
export { createUpdateFactory } from './testing/update-factory';
export type { WebhookInfoState } from './testing/webhook-delivery';

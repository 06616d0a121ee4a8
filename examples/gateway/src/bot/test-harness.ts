/**
 * Test support for the bot's integration tests (not shipped): the test kit's
 * Bot API server, the four real example services on 127.0.0.1 port 0 verifying
 * signatures, the gateway's signed backends, and helpers to drive the bot.
 */
import type { Update } from '@grammyjs/types';
import type { ConversationStorage } from '@portcullis/core';
import { createAdminService } from '@portcullis/example-admin-service';
import {
  createMemoryRequestStore,
  createRequestsService,
} from '@portcullis/example-requests-service';
import { listen, type RunningService, type ServiceApp } from '@portcullis/example-service-kit';
import { createMemoryShiftStore, createShiftsService } from '@portcullis/example-shifts-service';
import { createMemoryUserStore, createUsersService } from '@portcullis/example-users-service';
import {
  createMemoryEngine,
  createRateLimiter,
  PRESETS,
  type RateLimitEngine,
  type RateLimiter,
} from '@portcullis/redis-ratelimit';
import { type Bot, createBot } from '@portcullis/telegram-adapter';
import {
  type BotApiTestServer,
  createBotApiTestServer,
  createUpdateFactory,
  type StoredMessage,
  type UpdateFactory,
} from '@portcullis/telegram-adapter/testing';
import { type Backends, createBackends } from '../backends';
import { registerGatewayBot } from './index';

const KEY_ID = 'gateway-test';
const SECRET = 'a-test-secret-of-at-least-thirty-two-bytes!';
const SERVICES = ['users', 'requests', 'shifts', 'admin'] as const;
type ServiceName = (typeof SERVICES)[number];

/** The admin of every harness (in the gateway's list and admin-service's). */
export const ADMIN_ID = 9001;

/** Options of {@link startHarness}. */
export interface HarnessOptions {
  /** Limiters; @default generous ones, so only the rate-limit tests meet limits. */
  readonly limiters?: { readonly messages: RateLimiter; readonly commands: RateLimiter };
  readonly conversationStorage?: ConversationStorage;
}

/** A running bot with its backends. */
export interface Harness {
  readonly bot: Bot;
  readonly api: BotApiTestServer;
  readonly backends: Backends;
  readonly updates: UpdateFactory;
  /** Milliseconds added to the backends' breaker clock. */
  advanceBreakerClock(ms: number): void;
  /** Handles one update (callbacks are registered with the server first, so they can be answered). */
  send(update: Update): Promise<void>;
  /** Presses an inline button of the bot's message. */
  press(userId: number, data: string, message: StoredMessage): Promise<Update>;
  /** A contact message from `userId` sharing `contactUserId`'s phone. */
  contact(userId: number, phone: string, contactUserId?: number): Update;
  /** Messages the bot sent (or edited) in the private chat of `userId`. */
  chat(userId: number): StoredMessage[];
  /** The last message in the chat of `userId`. */
  last(userId: number): StoredMessage;
  /** Finds the callback data of the button whose data starts with `prefix`. */
  button(message: StoredMessage, prefix: string): string;
  stop(service: ServiceName): Promise<void>;
  restart(service: ServiceName): Promise<void>;
  close(): Promise<void>;
}

/** Memory limiters far above anything the tests send, except where a test means to hit them. */
export function generousLimiters(engine: RateLimitEngine = createMemoryEngine()) {
  const policy = { windows: [{ name: 'minute', limit: 10_000, windowMs: 60_000 }], burst: 0 };
  return {
    messages: createRateLimiter({ policy: { ...policy, name: 'messages' }, engine }),
    commands: createRateLimiter({ policy: { ...policy, name: 'commands' }, engine }),
  };
}

/** The seed's limiters (`PRESETS.messages`, `PRESETS.commands`) on `engine`. */
export function seedLimiters(engine: RateLimitEngine = createMemoryEngine()) {
  return {
    messages: createRateLimiter({ policy: PRESETS.messages, engine }),
    commands: createRateLimiter({ policy: PRESETS.commands, engine }),
  };
}

/** Starts everything on 127.0.0.1. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const keys = [{ id: KEY_ID, secret: SECRET }];
  const log = () => {};
  const userStore = createMemoryUserStore();
  const requestStore = createMemoryRequestStore();
  const shiftStore = createMemoryShiftStore({ demoSchedule: true });
  const apps: Record<ServiceName, () => ServiceApp> = {
    users: () => createUsersService({ keys, log, store: userStore }),
    requests: () => createRequestsService({ keys, log, store: requestStore }),
    shifts: () => createShiftsService({ keys, log, store: shiftStore }),
    admin: () => createAdminService({ keys, log, adminTelegramIds: [ADMIN_ID] }),
  };
  const running = {} as Record<ServiceName, RunningService>;
  const ports = {} as Record<ServiceName, number>;
  for (const name of SERVICES) {
    running[name] = await listen(apps[name]());
    ports[name] = running[name].port;
  }
  const url = (name: ServiceName) => `http://127.0.0.1:${ports[name]}`;
  let breakerOffsetMs = 0;
  const breakerClock = { now: () => Date.now() + breakerOffsetMs };
  const backends = createBackends({
    urls: {
      users: url('users'),
      requests: url('requests'),
      shifts: url('shifts'),
      admin: url('admin'),
    },
    signing: { keyId: KEY_ID, secret: SECRET },
    timeoutMs: 1000,
    clientOptions: {
      breaker: {
        window: { type: 'count', size: 20 },
        minimumCalls: 5,
        failureRateThreshold: 50,
        openMs: 5000,
        clock: breakerClock,
      },
      retry: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 10 },
    },
  });

  const api = await createBotApiTestServer({ me: { username: 'portcullis_test_bot' } });
  const bot = createBot({
    token: api.token,
    apiRoot: api.apiRoot,
    outbound: { perChatPerSecond: 1000, globalPerSecond: 1000 },
    ...(options.conversationStorage ? { conversationStorage: options.conversationStorage } : {}),
    onError: () => {},
  });
  registerGatewayBot(bot, {
    backends,
    limiters: options.limiters ?? generousLimiters(),
    adminIds: [ADMIN_ID],
  });
  await bot.init();
  const updates = createUpdateFactory({ firstUpdateId: 1 });

  const send = async (update: Update) => {
    if (update.callback_query) api.pushUpdate(update);
    await bot.handleUpdate(update);
  };
  let contactMessageId = 900_000;
  return {
    bot,
    api,
    backends,
    updates,
    advanceBreakerClock(ms) {
      breakerOffsetMs += ms;
    },
    send,
    async press(userId, data, message) {
      const update = updates.callback(data, { userId, messageId: message.messageId });
      await send(update);
      return update;
    },
    contact(userId, phone, contactUserId = userId) {
      return {
        update_id: updates.nextUpdateId + 100_000 + contactMessageId,
        message: {
          message_id: contactMessageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: userId, type: 'private', first_name: 'Test' },
          from: { id: userId, is_bot: false, first_name: 'Test' },
          contact: {
            phone_number: phone,
            first_name: 'Ada',
            last_name: 'Lovelace',
            user_id: contactUserId,
          },
        },
      } as Update;
    },
    chat: (userId) => api.messages(userId),
    last(userId) {
      const all = api.messages(userId);
      const message = all.at(-1);
      if (!message) throw new Error(`No message in chat ${userId}`);
      return message;
    },
    button(message, prefix) {
      const rows = (message.replyMarkup as { inline_keyboard?: { callback_data?: string }[][] })
        ?.inline_keyboard;
      const data = rows?.flat().find((b) => b.callback_data?.startsWith(prefix))?.callback_data;
      if (data === undefined) throw new Error(`No button ${prefix}… on: ${message.text}`);
      return data;
    },
    stop: (service) => running[service].close(),
    async restart(service) {
      running[service] = await listen(apps[service](), { port: ports[service] });
    },
    async close() {
      await bot.close();
      await backends.close();
      await api.close();
      await Promise.all(SERVICES.map((name) => running[name].close()));
    },
  };
}

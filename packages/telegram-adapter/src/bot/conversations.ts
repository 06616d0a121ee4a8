import {
  CHANNELS,
  type ConversationKeyStrategy,
  type ConversationRunner,
  type ConversationSnapshot,
  type ConversationStorage,
  compose,
  conversationKey,
  createConversationRunner,
  type Flow,
  type MiddlewareLike,
  publish,
  type SendResult,
} from '@portcullis/core';
import type { Context } from './context';
import type { Route } from './routes';

/** A flow bound to a bot: its runner, keyed from the update (per chat+user by default). */
export interface BotFlow<Schemas> {
  readonly runner: ConversationRunner<Schemas>;
  /** The conversation key of `ctx`, or `undefined` when the update has no chat/user. */
  keyOf(ctx: Context): string | undefined;
  /** The active conversation of `ctx` (loaded once per update). */
  get(ctx: Context): Promise<ConversationSnapshot<Schemas> | undefined>;
  start(ctx: Context, data?: unknown): Promise<ConversationSnapshot<Schemas>>;
  send(ctx: Context, event: string, payload?: unknown): Promise<SendResult<Schemas>>;
  cancel(ctx: Context): Promise<boolean>;
}

const loaded = new WeakMap<Context, Map<string, Promise<unknown>>>();

/** Binds `flow` to `storage` with the bot's key strategy. */
export function bindFlow<Schemas>(
  flow: Flow<Schemas>,
  storage: ConversationStorage,
  strategy: ConversationKeyStrategy,
  botId: number | undefined,
): BotFlow<Schemas> {
  const runner = createConversationRunner({ flow, storage });
  const keyOf = (ctx: Context) => {
    const chatId = ctx.chat?.id;
    const userId = ctx.from?.id;
    if (
      (strategy !== 'user' && chatId === undefined) ||
      (strategy !== 'chat' && userId === undefined)
    )
      return undefined;
    return conversationKey({ botId, chatId, userId }, strategy);
  };
  const forget = (ctx: Context) => loaded.get(ctx)?.delete(flow.id);
  const requireKey = (ctx: Context) => {
    const key = keyOf(ctx);
    if (key === undefined)
      throw new TypeError(`Conversation ${flow.id} needs an update with a chat and a user`);
    return key;
  };
  return {
    runner,
    keyOf,
    get(ctx) {
      const key = keyOf(ctx);
      if (key === undefined) return Promise.resolve(undefined);
      let perCtx = loaded.get(ctx);
      if (!perCtx) {
        perCtx = new Map();
        loaded.set(ctx, perCtx);
      }
      let pending = perCtx.get(flow.id) as
        | Promise<ConversationSnapshot<Schemas> | undefined>
        | undefined;
      if (!pending) {
        pending = runner.get(key);
        perCtx.set(flow.id, pending);
      }
      return pending;
    },
    async start(ctx, data) {
      forget(ctx);
      return runner.start(requireKey(ctx), data);
    },
    async send(ctx, event, payload) {
      forget(ctx);
      return runner.send(requireKey(ctx), event, payload);
    },
    async cancel(ctx) {
      forget(ctx);
      return runner.cancel(requireKey(ctx));
    },
  };
}

/** Runs `middleware` when the conversation of `ctx` in `flow` is in one of `states`. */
export function inState<Schemas>(
  flow: BotFlow<Schemas>,
  states: (keyof Schemas & string) | readonly (keyof Schemas & string)[],
  ...middleware: MiddlewareLike<Context>[]
): Route {
  const wanted = new Set<string>(typeof states === 'string' ? [states] : states);
  const inner = compose<Context>(...middleware);
  return {
    updateTypes: [],
    middleware: async function inState(ctx, next) {
      const snapshot = await flow.get(ctx);
      if (snapshot === undefined || !wanted.has(snapshot.state)) return next();
      publish(CHANNELS.routeMatched, () => ({
        kind: 'state',
        name: `${flow.runner.flow.id}:${snapshot.state}`,
      }));
      return inner(ctx, next);
    },
  };
}

/**
 * Moves conversations of a group that became a supergroup to the new chat
 * id: the chat-wide conversation and those of `userIds`. The storage cannot
 * list keys, so the bot moves other members' per-user conversations lazily
 * (see `createChatMigrations`).
 */
export async function migrateConversations(
  storage: ConversationStorage,
  strategy: ConversationKeyStrategy,
  botId: number | undefined,
  fromChatId: number,
  toChatId: number,
  userIds: readonly number[],
): Promise<number> {
  if (strategy === 'user') return 0;
  const pairs =
    strategy === 'chat'
      ? [
          [
            conversationKey({ botId, chatId: fromChatId }, 'chat'),
            conversationKey({ botId, chatId: toChatId }, 'chat'),
          ],
        ]
      : userIds.map((userId) => [
          conversationKey({ botId, chatId: fromChatId, userId }),
          conversationKey({ botId, chatId: toChatId, userId }),
        ]);
  let moved = 0;
  for (const [from, to] of pairs) {
    const found = await storage.get(from!);
    if (!found) continue;
    const ttlMs = Math.max(1, found.value.updatedAt + 86_400_000 - Date.now());
    try {
      await storage.set(to!, found.value, { expectedVersion: null, ttlMs });
      await storage.delete(from!, { expectedVersion: found.version });
      moved++;
    } catch {
      // A conversation already exists under the new id (it wins) or the old one changed meanwhile.
      publish(CHANNELS.error, { code: 'concurrent_modification', where: 'fsm_migration' });
    }
  }
  return moved;
}

import {
  type ConversationKeyStrategy,
  type ConversationStorage,
  conversationKey,
  isPortcullisError,
} from '@portcullis/core';
import { migrateConversations } from './conversations';
import { RecentMap } from './recent-map';

/** The flow id of the marker a migration leaves in the conversation storage. */
export const CHAT_MIGRATION_FLOW = 'portcullis:chat-migration';
/** How long a migration is remembered: members' conversations older than this are not moved. */
export const CHAT_MIGRATION_TTL_MS = 86_400_000;
const NO_MARKER_CACHE_MS = 60_000;
const CACHE_LIMIT = 10_000;

/**
 * Moves the per-user conversations of a group that became a supergroup,
 * lazily: the migration is recorded in the conversation storage (so every
 * replica sees it), and each member's conversation follows on that member's
 * first update in the supergroup. The storage cannot list keys, so this is
 * the only way members other than the one whose update announced the
 * migration keep their conversation.
 */
export interface ChatMigrations {
  /** Records that `toChatId` continues `fromChatId` (idempotent). */
  record(fromChatId: number, toChatId: number): Promise<void>;
  /** Moves `userId`'s conversation into `chatId` if `chatId` continues a migrated group (once per chat and user). */
  follow(chatId: number, userId: number): Promise<void>;
}

const markerKey = (chatId: number) => `${conversationKey({ chatId }, 'chat')}:migrated-from`;

/**
 * Creates the lazy migration of per-user conversations for a bot's storage.
 * Only `'chat+user'` keys need it: `'chat'` conversations move at once, and
 * `'user'` keys do not contain the chat.
 */
export function createChatMigrations(
  storage: ConversationStorage,
  strategy: ConversationKeyStrategy,
  now: () => number = Date.now,
): ChatMigrations {
  // chat id → the group it continues (or null: none, until `until`).
  const markers = new RecentMap<number, { from: number | null; until: number }>(CACHE_LIMIT);
  const followed = new RecentMap<string, true>(CACHE_LIMIT);

  async function continues(chatId: number): Promise<number | null> {
    const cached = markers.get(chatId);
    if (cached !== undefined && cached.until > now()) return cached.from;
    const found = await storage.get(markerKey(chatId));
    const data = found?.value.data as { fromChatId?: unknown } | undefined;
    const from =
      found?.value.flow === CHAT_MIGRATION_FLOW && typeof data?.fromChatId === 'number'
        ? data.fromChatId
        : null;
    const until =
      from === null ? now() + NO_MARKER_CACHE_MS : found!.value.updatedAt + CHAT_MIGRATION_TTL_MS;
    markers.set(chatId, { from, until });
    return from;
  }

  return {
    async record(fromChatId, toChatId) {
      const at = now();
      try {
        await storage.set(
          markerKey(toChatId),
          {
            flow: CHAT_MIGRATION_FLOW,
            state: 'migrated',
            data: { fromChatId },
            startedAt: at,
            updatedAt: at,
          },
          { expectedVersion: null, ttlMs: CHAT_MIGRATION_TTL_MS },
        );
      } catch (error) {
        // Both service messages (migrate_to and migrate_from) record it; the first wins.
        if (!isPortcullisError(error, 'concurrent_modification')) throw error;
      }
      markers.set(toChatId, { from: fromChatId, until: at + CHAT_MIGRATION_TTL_MS });
    },
    async follow(chatId, userId) {
      if (strategy !== 'chat+user') return;
      const key = `${chatId}:${userId}`;
      if (followed.has(key)) return;
      const from = await continues(chatId);
      if (from !== null)
        await migrateConversations(storage, strategy, undefined, from, chatId, [userId]);
      // A chat without a marker is asked again after NO_MARKER_CACHE_MS.
      if (from !== null) followed.set(key, true);
    },
  };
}

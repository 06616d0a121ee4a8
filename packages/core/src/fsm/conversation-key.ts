import { invalidOption } from '../errors/portcullis-error';
import { VALIDATION_PATTERNS } from '../validation/patterns';

/**
 * Whose conversation an update belongs to:
 * - `'chat+user'` (default): each user has their own conversation in each chat
 *   (in a group, two members fill in two forms at once);
 * - `'chat'`: one conversation per chat, shared by its members;
 * - `'user'`: one conversation per user, following them across chats.
 */
export type ConversationKeyStrategy = 'chat+user' | 'chat' | 'user';

/** The ids a conversation key is built from (Telegram ids, up to 52 bits). */
export interface ConversationIds {
  /** Separates bots that share one storage. Omit for a single bot. */
  readonly botId?: number | string | bigint;
  readonly chatId?: number | string | bigint;
  readonly userId?: number | string | bigint;
}

/** The strategies {@link conversationKey} understands. */
export const CONVERSATION_KEY_STRATEGIES: readonly ConversationKeyStrategy[] = [
  'chat+user',
  'chat',
  'user',
];

function idText(name: string, value: number | string | bigint | undefined): string {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string' && VALIDATION_PATTERNS.integerText.test(value)) return value;
  throw invalidOption(name, 'an integer id', value);
}

/**
 * Builds the storage key of a conversation: `{b:<bot>:c:<chat>:u:<user>}`
 * (segments per strategy). The whole key is one Redis Cluster hash tag, so
 * every key of one conversation maps to one slot; a storage prefixes it
 * (`portcullis:fsm:{c:42:u:7}`).
 *
 * @example
 * ```ts
 * conversationKey({ chatId: -100123, userId: 42 }); // '{c:-100123:u:42}'
 * conversationKey({ botId: 1, chatId: 5 }, 'chat'); // '{b:1:c:5}'
 * ```
 */
export function conversationKey(
  ids: ConversationIds,
  strategy: ConversationKeyStrategy = 'chat+user',
): string {
  if (typeof ids !== 'object' || ids === null) throw invalidOption('ids', 'an object', ids);
  const parts: string[] = [];
  if (ids.botId !== undefined) parts.push(`b:${idText('botId', ids.botId)}`);
  switch (strategy) {
    case 'chat+user':
      parts.push(`c:${idText('chatId', ids.chatId)}`, `u:${idText('userId', ids.userId)}`);
      break;
    case 'chat':
      parts.push(`c:${idText('chatId', ids.chatId)}`);
      break;
    case 'user':
      parts.push(`u:${idText('userId', ids.userId)}`);
      break;
    default:
      throw invalidOption('strategy', `one of ${CONVERSATION_KEY_STRATEGIES.join(', ')}`, strategy);
  }
  return `{${parts.join(':')}}`;
}

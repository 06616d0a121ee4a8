import type { CallbackQuery, Chat, Message, MessageEntity, Update, User } from '@grammyjs/types';

/** Options of {@link createUpdateFactory}. */
export interface UpdateFactoryOptions {
  /** The first `update_id` handed out. @default 1 */
  readonly firstUpdateId?: number;
  /** Source of `date` fields, in ms. @default Date.now */
  readonly now?: () => number;
}

/** Where a factory-made message happens and who sends it. */
export interface MessageOptions {
  /** Private chat with this user id, unless `chat` is given. @default 1001 */
  readonly userId?: number;
  /** A group chat id (negative) to post in instead of the private chat. */
  readonly groupId?: number;
  /** Overrides the `from` user. */
  readonly from?: Partial<User>;
}

/** Builds well-formed updates for tests. */
export interface UpdateFactory {
  /** A text message. */
  text(text: string, options?: MessageOptions): Update;
  /** A command message: `/name args` with a `bot_command` entity at offset 0. */
  command(name: string, args?: string, options?: MessageOptions & { botUsername?: string }): Update;
  /** A callback query from a button under a bot message. */
  callback(data: string, options?: MessageOptions & { messageId?: number }): Update;
  /** An edited text message. */
  editedText(text: string, options?: MessageOptions & { messageId?: number }): Update;
  /** A service message in the old group announcing its migration to a supergroup. */
  migrateToSupergroup(
    groupId: number,
    supergroupId: number,
    o?: Pick<MessageOptions, 'userId'>,
  ): Update;
  /** The service message the new supergroup starts with, naming the group it continues. */
  migrateFromGroup(supergroupId: number, groupId: number): Update;
  /** The next `update_id` this factory will hand out. */
  readonly nextUpdateId: number;
}

/**
 * Creates an update factory with sequential `update_id`s and message ids.
 *
 * @example
 * ```ts
 * const updates = createUpdateFactory();
 * await bot.handleUpdate(updates.command('start', 'ref_42'));
 * ```
 */
export function createUpdateFactory(options: UpdateFactoryOptions = {}): UpdateFactory {
  let updateId = options.firstUpdateId ?? 1;
  let messageId = 1;
  let callbackId = 1;
  const now = options.now ?? Date.now;

  const userOf = (o: MessageOptions = {}): User => ({
    id: o.userId ?? 1001,
    is_bot: false,
    first_name: 'Test',
    username: `user${o.userId ?? 1001}`,
    language_code: 'en',
    ...o.from,
  });
  const chatOf = (o: MessageOptions = {}): Chat =>
    o.groupId !== undefined
      ? { id: o.groupId, type: 'group', title: 'Test group' }
      : { id: o.userId ?? 1001, type: 'private', first_name: 'Test' };
  const message = (text: string, o: MessageOptions = {}, entities?: MessageEntity[]) =>
    ({
      message_id: messageId++,
      date: Math.floor(now() / 1000),
      chat: chatOf(o),
      from: userOf(o),
      text,
      ...(entities ? { entities } : {}),
    }) as Message.TextMessage & Update.NonChannel;

  return {
    text: (text, o) => ({ update_id: updateId++, message: message(text, o) }),
    command(name, args, o = {}) {
      const head = `/${name}${o.botUsername ? `@${o.botUsername}` : ''}`;
      const text = args ? `${head} ${args}` : head;
      const entity: MessageEntity = { type: 'bot_command', offset: 0, length: head.length };
      return { update_id: updateId++, message: message(text, o, [entity]) };
    },
    callback(data, o = {}) {
      const query: CallbackQuery = {
        id: String(callbackId++),
        from: userOf(o),
        chat_instance: 'ci',
        data,
        message: {
          message_id: o.messageId ?? messageId++,
          date: Math.floor(now() / 1000),
          chat: chatOf(o),
          text: 'Pick one',
          from: { id: 42, is_bot: true, first_name: 'Bot' },
        } as Message,
      };
      return { update_id: updateId++, callback_query: query };
    },
    editedText(text, o = {}) {
      const edited: Message.TextMessage & Update.NonChannel & Update.Edited = {
        ...message(text, o),
        edit_date: Math.floor(now() / 1000),
      };
      if (o.messageId !== undefined) edited.message_id = o.messageId;
      return { update_id: updateId++, edited_message: edited };
    },
    migrateToSupergroup(groupId, supergroupId, o = {}) {
      const base = message('', { ...o, groupId });
      const { text: _text, ...rest } = base;
      return {
        update_id: updateId++,
        message: { ...rest, migrate_to_chat_id: supergroupId } as Message.MigrateToChatIdMessage &
          Update.NonChannel,
      };
    },
    migrateFromGroup(supergroupId, groupId) {
      const { text: _text, ...rest } = message('', { groupId: supergroupId });
      return {
        update_id: updateId++,
        message: {
          ...rest,
          chat: { id: supergroupId, type: 'supergroup', title: 'Test group' },
          migrate_from_chat_id: groupId,
        } as Message.MigrateFromChatIdMessage & Update.NonChannel,
      };
    },
    get nextUpdateId() {
      return updateId;
    },
  };
}

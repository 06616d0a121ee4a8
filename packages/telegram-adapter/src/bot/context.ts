import type {
  CallbackQuery,
  Chat,
  InlineKeyboardMarkup,
  Message,
  Update,
  User,
  UserFromGetMe,
} from '@grammyjs/types';
import { CHANNELS, publish } from '@portcullis/core';
import type { BotApiParams } from '../client/api-client';
import { TelegramApiError } from '../client/errors';
import type { ScheduledApi } from '../outbound/scheduled-api';
import { checkCallbackData, splitText } from '../outbound/split';
import { type UpdateType, updateTypeOf } from '../updates/update-type';
import { type ParsedCommand, parseCommand } from './command';

/** Extra `sendMessage` parameters for {@link Context.reply}. */
export type ReplyExtra = Omit<BotApiParams<'sendMessage'>, 'chat_id' | 'text'>;
/** Extra parameters for {@link Context.editMessageText}. */
export type EditExtra = Omit<
  BotApiParams<'editMessageText'>,
  'chat_id' | 'message_id' | 'inline_message_id' | 'text'
>;
/** Extra parameters for {@link Context.answerCallbackQuery}. */
export type AnswerExtra = Omit<BotApiParams<'answerCallbackQuery'>, 'callback_query_id'>;

const NOT_PARSED = Symbol('not parsed');

/**
 * What every middleware receives: the typed update, shortcuts to its parts,
 * reply helpers that go through the outbound scheduler, the route match and
 * the command parsed from the message.
 */
export class Context {
  /** The update being handled. */
  readonly update: Update;
  /** The scheduled Bot API client. */
  readonly api: ScheduledApi;
  /** The bot's own user (from getMe). */
  readonly me: UserFromGetMe;
  /** Aborts when the handler deadline passes. */
  readonly signal: AbortSignal;
  /** What the matching route captured: the regex match, or the matched text/data. */
  match: RegExpExecArray | string | undefined;
  /** Scratch space for middleware to pass values down the stack. */
  readonly state: Record<string, unknown> = {};
  /** Whether the callback query was answered (the router answers it when not). */
  callbackAnswered = false;
  #command: ParsedCommand | undefined | typeof NOT_PARSED = NOT_PARSED;

  constructor(update: Update, api: ScheduledApi, me: UserFromGetMe, signal: AbortSignal) {
    this.update = update;
    this.api = api;
    this.me = me;
    this.signal = signal;
  }

  /** The update type (`message`, `callback_query`…). */
  get updateType(): UpdateType | 'unknown' {
    return updateTypeOf(this.update);
  }

  /** The message of a message, edited message, channel post or callback query. */
  get message(): Message | undefined {
    const u = this.update;
    return (u.message ??
      u.edited_message ??
      u.channel_post ??
      u.edited_channel_post ??
      u.callback_query?.message) as Message | undefined;
  }

  get callbackQuery(): CallbackQuery | undefined {
    return this.update.callback_query;
  }

  /** The chat the update happened in. */
  get chat(): Chat | undefined {
    return this.message?.chat ?? this.update.my_chat_member?.chat ?? this.update.chat_member?.chat;
  }

  /** The user the update came from. */
  get from(): User | undefined {
    const u = this.update;
    return (
      u.callback_query?.from ??
      u.message?.from ??
      u.edited_message?.from ??
      u.inline_query?.from ??
      u.my_chat_member?.from
    );
  }

  /** The text or caption of the message. */
  get text(): string | undefined {
    const message = this.update.message ?? this.update.edited_message ?? this.update.channel_post;
    return message?.text ?? message?.caption;
  }

  /** The command in the message, addressed to this bot (parsed once). */
  get command(): ParsedCommand | undefined {
    if (this.#command === NOT_PARSED)
      this.#command = parseCommand(this.update.message, this.me.username);
    return this.#command;
  }

  /**
   * Sends `text` to the chat, in the `reply` priority lane. Text over 4096
   * characters is split without breaking entities; resolves to the last message.
   */
  async reply(text: string, extra: ReplyExtra = {}): Promise<Message.TextMessage> {
    const chatId = this.#chatId('reply');
    checkMarkup(extra.reply_markup);
    const chunks =
      text.length > 4096
        ? splitText(text, extra.entities ?? [])
        : [{ text, entities: extra.entities }];
    let last: Message.TextMessage | undefined;
    for (const [index, chunk] of chunks.entries()) {
      const isLast = index === chunks.length - 1;
      last = await this.api.call(
        'sendMessage',
        {
          ...extra,
          ...(chunk.entities && chunk.entities.length > 0
            ? { entities: chunk.entities }
            : { entities: undefined }),
          ...(isLast ? {} : { reply_markup: undefined }),
          chat_id: chatId,
          text: chunk.text,
        },
        { priority: 'reply', signal: this.signal },
      );
    }
    return last!;
  }

  /**
   * Answers the callback query (once; later calls do nothing). An answer
   * Telegram refuses as too late ("query is too old") is reported on the
   * error channel, not thrown: the button has stopped waiting, and the
   * handler's work must go on (a queued update handled after a crash, say).
   */
  async answerCallbackQuery(extra: AnswerExtra = {}): Promise<void> {
    const query = this.update.callback_query;
    if (query === undefined)
      throw new TypeError('answerCallbackQuery needs a callback_query update');
    if (this.callbackAnswered) return;
    this.callbackAnswered = true;
    try {
      await this.api.call(
        'answerCallbackQuery',
        { ...extra, callback_query_id: query.id },
        { priority: 'reply' },
      );
    } catch (error) {
      if (!isLateAnswer(error)) throw error;
      publish(CHANNELS.error, { code: 'telegram_api', where: 'callback_answer' });
    }
  }

  /** Edits the text of the message this update is about (a callback's message, usually). */
  async editMessageText(text: string, extra: EditExtra = {}): Promise<unknown> {
    const message = this.message;
    if (message === undefined)
      throw new TypeError('editMessageText needs an update with a message');
    checkMarkup(extra.reply_markup);
    return this.api.call(
      'editMessageText',
      { ...extra, chat_id: message.chat.id, message_id: message.message_id, text },
      { priority: 'reply', signal: this.signal },
    );
  }

  /** Shows a chat action ("typing…"). */
  async sendChatAction(action: BotApiParams<'sendChatAction'>['action'] = 'typing'): Promise<void> {
    await this.api.call(
      'sendChatAction',
      { chat_id: this.#chatId('sendChatAction'), action },
      { priority: 'reply' },
    );
  }

  #chatId(helper: string): number {
    const id = this.chat?.id;
    if (id === undefined) throw new TypeError(`${helper} needs an update with a chat`);
    return id;
  }
}

function checkMarkup(markup: unknown): void {
  const rows = (markup as InlineKeyboardMarkup | undefined)?.inline_keyboard;
  if (!Array.isArray(rows)) return;
  for (const row of rows)
    for (const button of row)
      if ('callback_data' in button) checkCallbackData(button.callback_data);
}

/** Telegram's refusal of a callback answer that came too late (or for an unknown query). */
function isLateAnswer(error: unknown): boolean {
  return (
    error instanceof TelegramApiError &&
    error.errorCode === 400 &&
    /query is too old|query ID is invalid/i.test(error.description)
  );
}

import type { Message, Update, UserFromGetMe } from '@grammyjs/types';
import type { Clock } from '../clock';
import { apiError } from './faults';

/** What a method implementation answers. */
export interface MethodAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

const ok = (result: unknown): MethodAnswer => ({ status: 200, body: { ok: true, result } });
const badRequest = (what: string) => apiError(400, `Bad Request: ${what}`);

/** A message the bot sent, as the test server stored it. */
export interface StoredMessage {
  readonly chatId: number;
  readonly messageId: number;
  text: string | undefined;
  replyMarkup: unknown;
  readonly raw: Message;
}

/** The chat and message state behind the test server's message methods. */
export class BotApiMethods {
  readonly me: UserFromGetMe;
  readonly messages = new Map<string, StoredMessage>();
  readonly #clock: Clock;
  readonly #callbackTtlMs: number;
  readonly #callbackQueries = new Map<string, { createdAt: number; answered: boolean }>();
  #nextMessageId = 1_000;

  constructor(me: UserFromGetMe, clock: Clock, callbackTtlMs: number) {
    this.me = me;
    this.#clock = clock;
    this.#callbackTtlMs = callbackTtlMs;
  }

  /** Registers the callback queries inside an update so they can be answered. */
  track(update: Update): void {
    const query = update.callback_query;
    if (query)
      this.#callbackQueries.set(query.id, { createdAt: this.#clock.now(), answered: false });
  }

  call(method: string, p: Record<string, unknown>): MethodAnswer | undefined {
    switch (method) {
      case 'getMe':
        return ok(this.me);
      case 'logOut':
      case 'close':
      case 'setMyCommands':
      case 'deleteMyCommands':
        return ok(true);
      case 'sendChatAction':
        return p.chat_id === undefined ? badRequest('chat not found') : ok(true);
      case 'sendMessage':
        return this.#send(p);
      case 'editMessageText':
        return this.#edit(p, 'text');
      case 'editMessageReplyMarkup':
        return this.#edit(p, 'reply_markup');
      case 'deleteMessage': {
        const key = `${p.chat_id}:${p.message_id}`;
        if (!this.messages.delete(key)) return badRequest('message to delete not found');
        return ok(true);
      }
      case 'answerCallbackQuery':
        return this.#answer(p);
      default:
        return undefined;
    }
  }

  #send(p: Record<string, unknown>): MethodAnswer {
    const chatId = Number(p.chat_id);
    if (!Number.isFinite(chatId)) return badRequest('chat not found');
    const text = typeof p.text === 'string' ? p.text : '';
    if (text.length === 0) return badRequest('message text is empty');
    if (text.length > 4096) return badRequest('message is too long');
    if (!markupIsValid(p.reply_markup)) return badRequest('BUTTON_DATA_INVALID');
    const raw = {
      message_id: this.#nextMessageId++,
      date: Math.floor(this.#clock.now() / 1000),
      chat:
        chatId < 0
          ? { id: chatId, type: 'group', title: 'Group' }
          : { id: chatId, type: 'private', first_name: 'User' },
      from: {
        id: this.me.id,
        is_bot: true,
        first_name: this.me.first_name,
        username: this.me.username,
      },
      text,
      ...(p.reply_markup ? { reply_markup: p.reply_markup } : {}),
    } as unknown as Message;
    this.messages.set(`${chatId}:${raw.message_id}`, {
      chatId,
      messageId: raw.message_id,
      text,
      replyMarkup: p.reply_markup,
      raw,
    });
    return ok(raw);
  }

  #edit(p: Record<string, unknown>, field: 'text' | 'reply_markup'): MethodAnswer {
    const stored = this.messages.get(`${p.chat_id}:${p.message_id}`);
    if (!stored) return badRequest('message to edit not found');
    if (!markupIsValid(p.reply_markup)) return badRequest('BUTTON_DATA_INVALID');
    if (field === 'text') {
      const text = typeof p.text === 'string' ? p.text : '';
      if (text.length === 0) return badRequest('message text is empty');
      if (
        text === stored.text &&
        JSON.stringify(p.reply_markup) === JSON.stringify(stored.replyMarkup)
      )
        return badRequest(
          'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
        );
      stored.text = text;
    }
    stored.replyMarkup = p.reply_markup;
    return ok({
      ...stored.raw,
      text: stored.text,
      reply_markup: stored.replyMarkup,
      edit_date: Math.floor(this.#clock.now() / 1000),
    });
  }

  #answer(p: Record<string, unknown>): MethodAnswer {
    const query = this.#callbackQueries.get(String(p.callback_query_id));
    const tooOld = badRequest(
      'query is too old and response timeout expired or query ID is invalid',
    );
    if (!query || query.answered) return tooOld;
    if (this.#clock.now() - query.createdAt > this.#callbackTtlMs) return tooOld;
    if (typeof p.text === 'string' && p.text.length > 200) return badRequest('MESSAGE_TOO_LONG');
    query.answered = true;
    return ok(true);
  }

  /** Whether the callback query `id` was answered. */
  answered(id: string): boolean {
    return this.#callbackQueries.get(id)?.answered === true;
  }
}

function markupIsValid(markup: unknown): boolean {
  if (markup === undefined || markup === null) return true;
  const rows = (markup as { inline_keyboard?: unknown }).inline_keyboard;
  if (!Array.isArray(rows)) return true;
  for (const row of rows)
    for (const button of Array.isArray(row) ? row : []) {
      const data = (button as { callback_data?: unknown }).callback_data;
      if (typeof data === 'string' && (data.length === 0 || Buffer.byteLength(data) > 64))
        return false;
    }
  return true;
}

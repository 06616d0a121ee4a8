import type { Update, User } from '@grammyjs/types';
import type { BotApiTestServer, RecordedCall } from '@portcullis/telegram-adapter/testing';

/** What the bot did in answer to one user action. */
export interface BotReaction {
  /** Texts of messages sent or edited in the user's chat, in order. */
  readonly messages: readonly string[];
  /** Texts of callback-query answers (toasts). */
  readonly answers: readonly string[];
  /** Inline buttons of the last message sent or edited in answer (empty when none had any). */
  readonly buttons: ReadonlyArray<{ readonly text: string; readonly data: string }>;
}

interface InlineButton {
  text: string;
  callback_data?: string;
}

let nextUpdateId = 500_000;

/**
 * A scripted Telegram user talking to the bot through the test kit's Bot API
 * server: each action becomes a real update delivered to the gateway, and
 * resolves with what the bot sent back once the bot has gone quiet.
 */
export class DemoUser {
  readonly #telegram: BotApiTestServer;
  readonly #user: User;
  #lastButtons: Array<{ text: string; data: string; messageId: number }> = [];
  #nextMessageId = 1;

  readonly #busy: () => boolean;

  /**
   * @param busy Whether the gateway still has work in hand (updates in flight,
   *   replies queued behind Telegram's per-chat limit); an action settles only
   *   once it is false and the bot has been quiet for a moment.
   */
  constructor(
    telegram: BotApiTestServer,
    user: { id: number; first_name: string },
    busy: () => boolean = () => false,
  ) {
    this.#telegram = telegram;
    this.#user = { is_bot: false, ...user };
    this.#busy = busy;
  }

  get id(): number {
    return this.#user.id;
  }

  /** Sends a text message (a `/command` gets its `bot_command` entity). */
  say(text: string): Promise<BotReaction> {
    const command = /^\/[a-z_]+/i.exec(text);
    return this.#send({
      message: {
        ...this.#messageBase(),
        text,
        ...(command
          ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] }
          : {}),
      },
    } as Partial<Update>);
  }

  /** Shares the user's own contact (the reply to a `request_contact` button). */
  shareContact(phone: string): Promise<BotReaction> {
    return this.#send({
      message: {
        ...this.#messageBase(),
        contact: { phone_number: phone, first_name: this.#user.first_name, user_id: this.#user.id },
      },
    } as Partial<Update>);
  }

  /** Presses the inline button whose label matches, on the newest message that has one. */
  press(label: RegExp): Promise<BotReaction> {
    const button = this.#lastButtons.find((b) => label.test(b.text));
    if (button === undefined) {
      throw new Error(
        `No button matching ${label} (buttons: ${this.#lastButtons.map((b) => b.text).join(', ') || 'none'})`,
      );
    }
    return this.#send({
      callback_query: {
        id: `cq-${nextUpdateId}`,
        from: this.#user,
        chat_instance: `ci-${this.#user.id}`,
        data: button.data,
        message: {
          message_id: button.messageId,
          date: Math.floor(Date.now() / 1000),
          chat: { id: this.#user.id, type: 'private', first_name: this.#user.first_name },
          text: '',
        },
      },
    } as Partial<Update>);
  }

  #messageBase() {
    return {
      message_id: this.#nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: this.#user.id, type: 'private', first_name: this.#user.first_name },
      from: this.#user,
    };
  }

  async #send(partial: Partial<Update>): Promise<BotReaction> {
    const before = this.#telegram.calls.length;
    this.#telegram.pushUpdate({ update_id: nextUpdateId++, ...partial } as Update);
    const calls = await this.#settle(before);
    const mine = calls.filter((call) => call.params.chat_id === this.#user.id);
    const messages = mine
      .filter((call) => call.method === 'sendMessage' || call.method === 'editMessageText')
      .map((call) => String(call.params.text ?? ''));
    const answers = calls
      .filter(
        (call) => call.method === 'answerCallbackQuery' && typeof call.params.text === 'string',
      )
      .map((call) => String(call.params.text));
    const withButtons = [...mine].reverse().find((call) => this.#inlineButtons(call).length > 0);
    if (withButtons) {
      const messageId = this.#messageIdOf(withButtons);
      this.#lastButtons = this.#inlineButtons(withButtons).map((b) => ({
        text: b.text,
        data: b.callback_data!,
        messageId,
      }));
    }
    return {
      messages,
      answers,
      buttons: this.#lastButtons.map(({ text, data }) => ({ text, data })),
    };
  }

  #inlineButtons(call: RecordedCall): InlineButton[] {
    const markup = call.params.reply_markup as { inline_keyboard?: InlineButton[][] } | undefined;
    return (markup?.inline_keyboard ?? [])
      .flat()
      .filter((b) => typeof b.callback_data === 'string');
  }

  #messageIdOf(call: RecordedCall): number {
    if (typeof call.params.message_id === 'number') return call.params.message_id;
    const sent = this.#telegram.messages(this.#user.id).filter((m) => m.text === call.params.text);
    return sent.at(-1)?.messageId ?? 0;
  }

  /**
   * Waits until the gateway is idle and the bot made no call for a quiet
   * period: `quietMs` after its last call, or `silentMs` when it answered
   * nothing at all (a rate-limited user is ignored after one notice).
   */
  async #settle(
    before: number,
    quietMs = 150,
    silentMs = 600,
    timeoutMs = 10_000,
  ): Promise<RecordedCall[]> {
    const deadline = Date.now() + timeoutMs;
    let seen = before;
    let quietSince = Date.now();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const count = this.#telegram.calls.length;
      if (count !== seen) {
        seen = count;
        quietSince = Date.now();
      } else if (
        !this.#busy() &&
        Date.now() - quietSince >= (count > before ? quietMs : silentMs)
      ) {
        break;
      }
      if (Date.now() > deadline) break;
    }
    return this.#telegram.calls.slice(before);
  }
}

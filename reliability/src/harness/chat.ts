/** Helpers to read what the bot said in the test Bot API. */
import type { BotApiTestServer, StoredMessage } from '@portcullis/telegram-adapter/testing';

/** The callback data of the first button of `message` whose data starts with `prefix`. */
export function button(message: StoredMessage | undefined, prefix: string): string {
  const rows = (message?.replyMarkup as { inline_keyboard?: { callback_data?: string }[][] })
    ?.inline_keyboard;
  const data = rows?.flat().find((b) => b.callback_data?.startsWith(prefix))?.callback_data;
  if (data === undefined) throw new Error(`No button ${prefix}… on: ${message?.text}`);
  return data;
}

/** Texts the bot sent in `chat`, in order. */
export function texts(api: BotApiTestServer, chat: number): string[] {
  return api.messages(chat).map((m) => m.text ?? '');
}

/** How many messages in `chat` contain `fragment`. */
export function count(api: BotApiTestServer, chat: number, fragment: string): number {
  return texts(api, chat).filter((t) => t.includes(fragment)).length;
}

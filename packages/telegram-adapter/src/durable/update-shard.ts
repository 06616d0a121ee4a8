import type { Update } from '@grammyjs/types';

/**
 * The ordering key of an update: its chat when it has one (messages,
 * callbacks from a message, member changes…), else its user, else the update
 * id. Updates with the same key are handled in arrival order.
 */
export function orderingKeyOf(update: Update): string {
  const chatId =
    update.message?.chat.id ??
    update.edited_message?.chat.id ??
    update.channel_post?.chat.id ??
    update.edited_channel_post?.chat.id ??
    update.callback_query?.message?.chat.id ??
    update.my_chat_member?.chat.id ??
    update.chat_member?.chat.id ??
    update.chat_join_request?.chat.id ??
    update.message_reaction?.chat.id ??
    update.business_message?.chat.id;
  if (chatId !== undefined) return `c${chatId}`;
  const userId =
    update.callback_query?.from.id ??
    update.inline_query?.from.id ??
    update.chosen_inline_result?.from.id ??
    update.shipping_query?.from.id ??
    update.pre_checkout_query?.from.id ??
    update.poll_answer?.user?.id;
  if (userId !== undefined) return `u${userId}`;
  return `i${update.update_id}`;
}

/** FNV-1a over the key: stable across processes and languages, so every replica agrees. */
export function shardOf(key: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

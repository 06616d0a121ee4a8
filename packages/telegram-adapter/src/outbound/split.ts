import type { MessageEntity } from '@grammyjs/types';
import { CALLBACK_DATA_MAX_BYTES, invalidOption, PortcullisError } from '@portcullis/core';

/** Telegram's limit on message text, in UTF-16 code units after entity parsing. */
export const MAX_TEXT_LENGTH = 4096;
/** Telegram's limit on media captions. */
export const MAX_CAPTION_LENGTH = 1024;
/** Telegram's limit on `callback_data`, in bytes (core's `CALLBACK_DATA_MAX_BYTES`). */
export const MAX_CALLBACK_DATA_BYTES = CALLBACK_DATA_MAX_BYTES;

/** One piece of a split text with the entities that fall into it, offsets rebased. */
export interface TextChunk {
  readonly text: string;
  readonly entities: MessageEntity[];
}

/**
 * Splits `text` into chunks of at most `limit` UTF-16 code units, preferring
 * a line break, then a space, never inside an entity that fits in one chunk
 * and never between the halves of a surrogate pair. Joining the chunks gives
 * back `text`; an entity longer than `limit` is cut into one part per chunk.
 */
export function splitText(
  text: string,
  entities: readonly MessageEntity[] = [],
  limit = MAX_TEXT_LENGTH,
): TextChunk[] {
  if (!Number.isInteger(limit) || limit < 2) throw invalidOption('limit', 'an integer >= 2', limit);
  const chunks: TextChunk[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + limit);
    if (end < text.length) {
      const window = text.slice(start, end);
      const newline = window.lastIndexOf('\n');
      const space = window.lastIndexOf(' ');
      const soft = newline > 0 ? newline + 1 : space > 0 ? space + 1 : 0;
      if (soft > 0) end = start + soft;
      for (const e of entities) {
        const inside = e.offset < end && e.offset + e.length > end;
        if (inside && e.offset > start) end = e.offset;
      }
      if (isLowSurrogate(text.charCodeAt(end)) && end - 1 > start) end--;
    }
    chunks.push({ text: text.slice(start, end), entities: clip(entities, start, end) });
    start = end;
  }
  return chunks;
}

/** {@link splitText} with Telegram's caption limit (1024). */
export function splitCaption(text: string, entities: readonly MessageEntity[] = []): TextChunk[] {
  return splitText(text, entities, MAX_CAPTION_LENGTH);
}

function clip(entities: readonly MessageEntity[], start: number, end: number): MessageEntity[] {
  const out: MessageEntity[] = [];
  for (const e of entities) {
    const from = Math.max(e.offset, start);
    const to = Math.min(e.offset + e.length, end);
    if (to > from) out.push({ ...e, offset: from - start, length: to - from });
  }
  return out;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * Throws `callback_data_too_long` when `data` would not fit Telegram's 64
 * bytes (UTF-8) or is empty; returns it unchanged otherwise. Checks any data;
 * build structured data with core's `encodeCallbackData()`, which applies the
 * same limit.
 */
export function checkCallbackData(data: string): string {
  const bytes = Buffer.byteLength(data, 'utf8');
  if (bytes === 0 || bytes > MAX_CALLBACK_DATA_BYTES)
    throw new PortcullisError(
      'callback_data_too_long',
      `Expected callback data of 1–${MAX_CALLBACK_DATA_BYTES} bytes, got ${bytes} bytes`,
    );
  return data;
}

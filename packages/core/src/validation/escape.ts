import { VALIDATION_PATTERNS as P } from './patterns';

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
};

/**
 * Escapes text for Telegram's `HTML` parse mode (and HTML generally): `&`,
 * `<`, `>` and `"` become entities, so user text can never open a tag or
 * leave an attribute.
 */
export function escapeHtml(text: string): string {
  return String(text).replace(P.htmlSpecial, (char) => HTML_ENTITIES[char]!);
}

/** Where a piece of text goes in a MarkdownV2 message. */
export type MarkdownV2Context = 'text' | 'code' | 'link-url';

/**
 * Escapes text for Telegram's `MarkdownV2` parse mode, following the Bot API
 * rules: in normal text every one of `` _*[]()~`>#+-=|{}.! `` and `\` gets a
 * backslash; inside `code`/`pre` only `` ` `` and `\`; inside a link's
 * `(...)` URL only `)` and `\`.
 */
export function escapeMarkdownV2(text: string, context: MarkdownV2Context = 'text'): string {
  const pattern =
    context === 'code'
      ? P.markdownV2Code
      : context === 'link-url'
        ? P.markdownV2LinkUrl
        : P.markdownV2Special;
  return String(text).replace(pattern, (char) => `\\${char}`);
}

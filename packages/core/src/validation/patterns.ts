/**
 * Every regular expression the validators use, in one place so a test can
 * prove each is linear-time (no ReDoS) with the `recheck` analyser.
 * Validators do the rest with plain string code.
 */
// Built from strings: the linter refuses control characters in regex literals.
const CONTROL_CLASS =
  '[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u202A-\\u202E\\u2066-\\u2069\\uFEFF]';
const FILENAME_FORBIDDEN_CLASS = '[\\u0000-\\u001F\\u007F<>:"/\\\\|?*]';

export const VALIDATION_PATTERNS = {
  /** Decimal integer text, optionally negative, at most 20 digits. */
  integerText: /^-?[0-9]{1,20}$/,
  /** Telegram username body (5–32 characters, letter first, no trailing `_`). */
  username: /^[A-Za-z][A-Za-z0-9_]{3,30}[A-Za-z0-9]$/,
  /** RFC 9562 UUID in its canonical 8-4-4-4-12 form (any version, plus nil and max). */
  uuid: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  /** E.164: `+`, a non-zero first digit, 7–15 digits in all. */
  e164: /^\+[1-9][0-9]{6,14}$/,
  /** Phone punctuation users type between digits. */
  phoneSeparators: /[\s().-]/g,
  /** One dot-atom of an e-mail local part. */
  emailAtom: /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,64}$/,
  /** One DNS label. */
  domainLabel: /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/,
  /** A top-level domain: letters only (or an IDNA `xn--` label). */
  topLevelDomain: /^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/,
  /** `YYYY-MM-DD`. */
  isoDate: /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/,
  /** `YYYY-MM-DDTHH:MM[:SS[.fraction]]` followed by `Z` or an offset. */
  isoDateTime:
    /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:[0-9]{2})$/,
  /** Control characters removed from free text (C0 except tab/newline, DEL, C1, bidi overrides, BOM). */
  controlCharacters: new RegExp(CONTROL_CLASS, 'g'),
  /** Line breaks in any convention. */
  lineBreaks: /\r\n?/g,
  /** Runs of horizontal whitespace. */
  horizontalSpace: /[\t ]+/g,
  /** A money amount: integer part and optional fraction after `.` or `,`. */
  moneyAmount: /^([0-9]{1,15})(?:[.,]([0-9]{1,8}))?$/,
  /** A letter or digit in any script (text must contain one to mean anything). */
  letterOrDigit: /[\p{L}\p{N}]/u,
  /** Characters that must be escaped in Telegram HTML. */
  htmlSpecial: /[&<>"]/g,
  /** Characters that must be escaped in Telegram MarkdownV2 text. */
  markdownV2Special: /[_*[\]()~`>#+\-=|{}.!\\]/g,
  /** Characters that must be escaped inside MarkdownV2 `code` and `pre`. */
  markdownV2Code: /[`\\]/g,
  /** Characters that must be escaped inside a MarkdownV2 link URL `(...)`. */
  markdownV2LinkUrl: /[)\\]/g,
  /** A callback-data action name. */
  callbackAction: /^[A-Za-z0-9_.-]{1,32}$/,
  /** Characters a file name must not contain on common file systems. */
  filenameForbidden: new RegExp(FILENAME_FORBIDDEN_CLASS, 'g'),
  /** Windows device names that cannot be file names, with or without extension. */
  windowsReservedName: /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\.|$)/i,
} as const;

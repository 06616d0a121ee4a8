import type { z } from 'zod';
import { invalidOption } from '../errors/portcullis-error';
import { Invalid, validator } from './issues';
import { VALIDATION_PATTERNS as P } from './patterns';

/** Options of {@link sanitizeText}. */
export interface SanitizeTextOptions {
  /** Keep line breaks (as `\n`, at most 2 in a row); otherwise they become spaces. @default true */
  readonly multiline?: boolean;
}

/**
 * Cleans user text: lone surrogates become U+FFFD, NFC normalisation,
 * control and bidi-override characters removed, tabs and space runs
 * collapsed, line ends trimmed. Pure and total.
 */
export function sanitizeText(text: string, options: SanitizeTextOptions = {}): string {
  const multiline = options.multiline ?? true;
  // String#toWellFormed exists since Node 20; the ES2023 lib types lack it.
  let cleaned = (text as string & { toWellFormed(): string })
    .toWellFormed()
    .normalize('NFC')
    .replace(P.lineBreaks, '\n')
    .replace(P.controlCharacters, '');
  if (!multiline) cleaned = cleaned.replaceAll('\n', ' ');
  const lines = cleaned.split('\n').map((line) => line.replace(P.horizontalSpace, ' ').trim());
  // Collapse runs of blank lines to one blank line, without a regex.
  const kept: string[] = [];
  for (const line of lines) {
    if (line === '' && kept.length > 0 && kept[kept.length - 1] === '') continue;
    kept.push(line);
  }
  return kept.join('\n').trim();
}

/** Options of {@link freeTextSchema}. */
export interface FreeTextOptions extends SanitizeTextOptions {
  /** Fewest characters (UTF-16 units, as Telegram counts) after cleaning. @default 1 */
  readonly minLength?: number;
  /** Most characters after cleaning. @default 4096 (a Telegram message) */
  readonly maxLength?: number;
  /** Refuse input longer than this before cleaning, so cleaning stays cheap. @default 4 × maxLength */
  readonly maxInputLength?: number;
}

function lengthOptions(options: FreeTextOptions, defaults: { min: number; max: number }) {
  const minLength = options.minLength ?? defaults.min;
  const maxLength = options.maxLength ?? defaults.max;
  if (!Number.isSafeInteger(minLength) || minLength < 0) {
    throw invalidOption('minLength', 'a non-negative integer', minLength);
  }
  if (!Number.isSafeInteger(maxLength) || maxLength < Math.max(1, minLength)) {
    throw invalidOption('maxLength', `an integer of at least ${Math.max(1, minLength)}`, maxLength);
  }
  const maxInputLength = options.maxInputLength ?? maxLength * 4;
  if (!Number.isSafeInteger(maxInputLength) || maxInputLength < maxLength) {
    throw invalidOption('maxInputLength', `an integer of at least ${maxLength}`, maxInputLength);
  }
  return { minLength, maxLength, maxInputLength };
}

/**
 * Free text such as a message or a comment: cleaned with
 * {@link sanitizeText}, then bounded in length.
 */
export function freeTextSchema(options: FreeTextOptions = {}): z.ZodType<string, unknown> {
  const { minLength, maxLength, maxInputLength } = lengthOptions(options, { min: 1, max: 4096 });
  const multiline = options.multiline ?? true;
  return validator((value) => {
    if (typeof value !== 'string') return new Invalid('text_invalid', 'Expected text');
    if (value.length > maxInputLength) {
      return new Invalid('text_too_long', `Expected at most ${maxLength} characters`);
    }
    const text = sanitizeText(value, { multiline });
    if (text.length < minLength) {
      return new Invalid('text_too_short', `Expected at least ${minLength} characters`);
    }
    if (text.length > maxLength) {
      return new Invalid('text_too_long', `Expected at most ${maxLength} characters`);
    }
    return text;
  });
}

/** Options of {@link postalAddressSchema}. */
export interface PostalAddressOptions {
  /** Most characters after cleaning. @default 300 */
  readonly maxLength?: number;
  /** Most lines. @default 6 */
  readonly maxLines?: number;
}

/**
 * A postal address as bounded free text (addresses differ too much between
 * countries for a stricter shape): cleaned, 5–`maxLength` characters, at most
 * `maxLines` lines, containing letters or digits.
 */
export function postalAddressSchema(
  options: PostalAddressOptions = {},
): z.ZodType<string, unknown> {
  const { maxLength } = lengthOptions(
    { maxLength: options.maxLength ?? 300 },
    { min: 5, max: 300 },
  );
  const maxLines = options.maxLines ?? 6;
  if (!Number.isSafeInteger(maxLines) || maxLines < 1) {
    throw invalidOption('maxLines', 'a positive integer', maxLines);
  }
  const message = `Expected a postal address of 5–${maxLength} characters on at most ${maxLines} lines`;
  return validator((value) => {
    if (typeof value !== 'string' || value.length > maxLength * 4) {
      return new Invalid('address_invalid', message);
    }
    const text = sanitizeText(value, { multiline: true });
    const lines = text.split('\n');
    if (
      text.length < 5 ||
      text.length > maxLength ||
      lines.length > maxLines ||
      !P.letterOrDigit.test(text)
    ) {
      return new Invalid('address_invalid', message);
    }
    return text;
  });
}

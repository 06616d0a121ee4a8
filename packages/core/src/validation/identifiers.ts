import type { z } from 'zod';
import { Invalid, validator } from './issues';
import { VALIDATION_PATTERNS as P } from './patterns';

/** The Bot API's bound: ids have at most 52 significant bits. */
export const TELEGRAM_ID_MAX = 2 ** 52 - 1;

function integerFrom(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'bigint') {
    return value >= -TELEGRAM_ID_MAX && value <= TELEGRAM_ID_MAX ? Number(value) : undefined;
  }
  if (typeof value === 'string' && P.integerText.test(value)) {
    const parsed = Number(value);
    return Number.isSafeInteger(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** A Telegram user id: a positive integer below 2^52 (number, bigint or digit string). */
export const telegramUserIdSchema: z.ZodType<number, unknown> = validator((value) => {
  const id = integerFrom(value);
  return id !== undefined && id >= 1 && id <= TELEGRAM_ID_MAX
    ? id
    : new Invalid(
        'telegram_id_invalid',
        'Expected a Telegram user id: a positive integer below 2^52',
      );
});

/** A Telegram chat id: a non-zero integer within ±(2^52 − 1); groups are negative. */
export const telegramChatIdSchema: z.ZodType<number, unknown> = validator((value) => {
  const id = integerFrom(value);
  return id !== undefined && id !== 0 && Math.abs(id) <= TELEGRAM_ID_MAX
    ? id
    : new Invalid(
        'telegram_id_invalid',
        'Expected a Telegram chat id: a non-zero integer within ±2^52',
      );
});

/**
 * A Telegram username (5–32 of `A-Z a-z 0-9 _`, starting with a letter, no
 * trailing or doubled `_`); a leading `@` is accepted and removed.
 */
export const telegramUsernameSchema: z.ZodType<string, unknown> = validator((value) => {
  if (typeof value === 'string') {
    const name = value.startsWith('@') ? value.slice(1) : value;
    if (P.username.test(name) && !name.includes('__')) return name;
  }
  return new Invalid(
    'username_invalid',
    'Expected a Telegram username: 5–32 letters, digits or underscores, starting with a letter',
  );
});

/** A UUID in canonical 8-4-4-4-12 form; output lower-cased. */
export const uuidSchema: z.ZodType<string, unknown> = validator((value) =>
  typeof value === 'string' && P.uuid.test(value)
    ? value.toLowerCase()
    : new Invalid('uuid_invalid', 'Expected a UUID such as 123e4567-e89b-12d3-a456-426614174000'),
);

/**
 * A phone number in E.164 (`+4915123456789`). Spaces, dots, dashes and
 * parentheses are removed first; a leading `00` becomes `+`.
 */
export const phoneE164Schema: z.ZodType<string, unknown> = validator((value) => {
  if (typeof value === 'string' && value.length <= 32) {
    let compact = value.replace(P.phoneSeparators, '');
    if (compact.startsWith('00')) compact = `+${compact.slice(2)}`;
    if (P.e164.test(compact)) return compact;
  }
  return new Invalid(
    'phone_invalid',
    'Expected a phone number in international format, such as +4915123456789',
  );
});

function isEmail(value: string): boolean {
  if (value.length > 254) return false;
  const at = value.lastIndexOf('@');
  if (at < 1 || at !== value.indexOf('@')) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.length > 64 || !local.split('.').every((atom) => P.emailAtom.test(atom))) return false;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((label) => P.domainLabel.test(label))) return false;
  return P.topLevelDomain.test(labels[labels.length - 1]!);
}

/**
 * An e-mail address (dot-atom local part, DNS domain with a real TLD, RFC
 * 5321 length limits); surrounding spaces trimmed, domain lower-cased.
 * Quoted local parts and IP literals are refused on purpose.
 */
export const emailSchema: z.ZodType<string, unknown> = validator((value) => {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (isEmail(trimmed)) {
      const at = trimmed.indexOf('@');
      return `${trimmed.slice(0, at)}@${trimmed.slice(at + 1).toLowerCase()}`;
    }
  }
  return new Invalid('email_invalid', 'Expected an e-mail address such as name@example.com');
});

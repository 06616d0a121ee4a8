import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { dateRangeSchema, isoDateSchema, isoDateTimeSchema } from './dates';
import {
  emailSchema,
  phoneE164Schema,
  TELEGRAM_ID_MAX,
  telegramChatIdSchema,
  telegramUserIdSchema,
  telegramUsernameSchema,
  uuidSchema,
} from './identifiers';
import { issueCodeOf, toValidationError } from './issues';
import { moneyAmountSchema, paginationSchema } from './money-pagination';
import { freeTextSchema, postalAddressSchema, sanitizeText } from './text';

/** The stable code of the (single) issue a schema reports, or 'ok'. */
function codeOf(schema: z.ZodType<unknown, unknown>, value: unknown): string {
  const result = schema.safeParse(value);
  if (result.success) return 'ok';
  expect(result.error.issues).toHaveLength(1);
  return issueCodeOf(result.error.issues[0]!);
}

describe('telegram id schemas', () => {
  it('accept ids up to 52 bits as numbers, bigints and digit strings', () => {
    expect(telegramUserIdSchema.parse(123)).toBe(123);
    expect(telegramUserIdSchema.parse('7000000001')).toBe(7_000_000_001);
    expect(telegramUserIdSchema.parse(BigInt(TELEGRAM_ID_MAX))).toBe(TELEGRAM_ID_MAX);
    expect(telegramChatIdSchema.parse(-1001234567890)).toBe(-1001234567890);
  });

  it('refuse zero, negatives for users, fractions, and anything past 52 bits', () => {
    for (const bad of [0, -5, 1.5, 2 ** 52, '12a', '', null, Number.NaN]) {
      expect(codeOf(telegramUserIdSchema, bad)).toBe('telegram_id_invalid');
    }
    expect(codeOf(telegramChatIdSchema, 0)).toBe('telegram_id_invalid');
    expect(codeOf(telegramChatIdSchema, -(2 ** 52))).toBe('telegram_id_invalid');
    expect(telegramUserIdSchema.safeParse(0).error?.issues[0]?.message).toMatchInlineSnapshot(
      `"Expected a Telegram user id: a positive integer below 2^52"`,
    );
  });
});

describe('identifier schemas', () => {
  it('telegram usernames: 5–32 chars, letter first, @ removed, no trailing or doubled underscore', () => {
    expect(telegramUsernameSchema.parse('@Durov_Bot')).toBe('Durov_Bot');
    for (const bad of ['abcd', 'a'.repeat(33), '1abcde', 'abcde_', 'ab__cd', 'ab-cde', 5]) {
      expect(codeOf(telegramUsernameSchema, bad)).toBe('username_invalid');
    }
  });

  it('UUIDs in canonical form, lower-cased', () => {
    expect(uuidSchema.parse('123E4567-E89B-12D3-A456-426614174000')).toBe(
      '123e4567-e89b-12d3-a456-426614174000',
    );
    expect(codeOf(uuidSchema, '123e4567e89b12d3a456426614174000')).toBe('uuid_invalid');
  });

  it('E.164 phones, with separators and a 00 prefix normalised', () => {
    expect(phoneE164Schema.parse('+49 (151) 234-567.89')).toBe('+4915123456789');
    expect(phoneE164Schema.parse('0044 20 7946 0958')).toBe('+442079460958');
    for (const bad of ['+0123456789', '12345678', '+1234567890123456', '+49 abc', 'x'.repeat(40)]) {
      expect(codeOf(phoneE164Schema, bad)).toBe('phone_invalid');
    }
  });

  it('e-mail addresses: trimmed, domain lower-cased, length limits enforced', () => {
    expect(emailSchema.parse(' Ada.Lovelace+x@Example.COM ')).toBe('Ada.Lovelace+x@example.com');
    const bad = [
      'plain',
      'a@b',
      'a@@b.com',
      'a@b@c.com',
      '.a@b.com',
      'a..b@c.com',
      'a@-b.com',
      'a@b.c0m',
      `${'a'.repeat(65)}@b.com`,
      `a@${'b'.repeat(250)}.com`,
      '"quoted"@b.com',
    ];
    for (const value of bad) expect(codeOf(emailSchema, value), value).toBe('email_invalid');
  });
});

describe('date schemas', () => {
  it('accept real calendar dates only', () => {
    expect(isoDateSchema.parse('2024-02-29')).toBe('2024-02-29');
    expect(isoDateSchema.parse('0050-01-01')).toBe('0050-01-01');
    for (const bad of ['2023-02-29', '2024-13-01', '2024-04-31', '2024-1-01', '0000-01-01']) {
      expect(codeOf(isoDateSchema, bad), bad).toBe('date_invalid');
    }
  });

  it('accept date-times with a zone and refuse impossible times', () => {
    expect(isoDateTimeSchema.parse('2024-05-01T10:00:00+02:00').toISOString()).toBe(
      '2024-05-01T08:00:00.000Z',
    );
    for (const bad of ['2024-05-01T10:00:00', '2024-05-01T24:00Z', '2024-05-01T10:60Z']) {
      expect(codeOf(isoDateTimeSchema, bad), bad).toBe('datetime_invalid');
    }
  });

  it('date ranges: ordered, bounded, counted with both ends included', () => {
    const schema = dateRangeSchema({ maxDays: 31 });
    expect(schema.parse({ from: '2024-02-01', to: '2024-02-29' })).toEqual({
      from: '2024-02-01',
      to: '2024-02-29',
      days: 29,
    });
    expect(codeOf(schema, { from: '2024-03-02', to: '2024-03-01' })).toBe('date_range_invalid');
    expect(codeOf(schema, { from: '2024-01-01', to: '2024-02-01' })).toBe('date_range_too_long');
    expect(codeOf(schema, { from: 'x', to: '2024-02-01' })).toBe('date_invalid');
    expect(codeOf(schema, 'nope')).toBe('date_invalid');
  });
});

describe('text schemas', () => {
  it('sanitizeText removes control and bidi characters, normalises and collapses space', () => {
    expect(sanitizeText('  he\u0000llo\u202E  \t world \r\n\r\n\r\n\u0007next\uFEFF ')).toBe(
      'hello world\n\nnext',
    );
    expect(sanitizeText('a\nb', { multiline: false })).toBe('a b');
    expect(sanitizeText('e\u0301 \uD800')).toBe('é \uFFFD');
  });

  it('free text is cleaned before its length is checked', () => {
    const schema = freeTextSchema({ minLength: 2, maxLength: 5 });
    expect(schema.parse(' ab\u0000c ')).toBe('abc');
    expect(codeOf(schema, '\u0000a\u0001')).toBe('text_too_short');
    expect(codeOf(schema, 'abcdef')).toBe('text_too_long');
    expect(codeOf(schema, 'x'.repeat(100))).toBe('text_too_long');
    expect(codeOf(schema, 42)).toBe('text_invalid');
  });

  it('postal addresses are bounded multi-line text that must contain letters or digits', () => {
    const schema = postalAddressSchema({ maxLines: 3 });
    expect(schema.parse('Musterstraße 1\n10115 Berlin\n')).toBe('Musterstraße 1\n10115 Berlin');
    expect(codeOf(schema, 'a\nb\nc\nd\ne')).toBe('address_invalid');
    expect(codeOf(schema, '-----')).toBe('address_invalid');
    expect(codeOf(schema, 'x'.repeat(301))).toBe('address_invalid');
  });
});

describe('money and pagination schemas', () => {
  it('money amounts become exact integer minor units', () => {
    const eur = moneyAmountSchema();
    expect(eur.parse('12,5')).toEqual({ minorUnits: 1250, decimal: '12.50' });
    expect(eur.parse(0.1)).toEqual({ minorUnits: 10, decimal: '0.10' });
    expect(moneyAmountSchema({ fractionDigits: 0 }).parse('1200')).toEqual({
      minorUnits: 1200,
      decimal: '1200',
    });
    for (const bad of ['1.234', '-5', '1e3', '1,000.00', 0.1 + 0.2, Number.POSITIVE_INFINITY, '']) {
      expect(codeOf(eur, bad), String(bad)).toBe('amount_invalid');
    }
    expect(codeOf(eur, '0')).toBe('amount_out_of_range');
    expect(codeOf(moneyAmountSchema({ maxMinorUnits: 10_000 }), '100.01')).toBe(
      'amount_out_of_range',
    );
  });

  it('pagination takes defaults, coerces digit strings and enforces bounds', () => {
    const schema = paginationSchema({ maxLimit: 50 });
    expect(schema.parse(undefined)).toEqual({ limit: 20, offset: 0 });
    expect(schema.parse({ limit: '10', offset: '30' })).toEqual({ limit: 10, offset: 30 });
    for (const bad of [
      { limit: 0 },
      { limit: 51 },
      { offset: -1 },
      { offset: 1e6 },
      { limit: 'x' },
      5,
    ]) {
      expect(codeOf(schema, bad)).toBe('pagination_invalid');
    }
  });
});

describe('toValidationError', () => {
  it('lists paths and codes but never the rejected values', () => {
    const result = telegramUsernameSchema.safeParse('secret-value');
    const error = toValidationError(result.error!, 'username');
    expect(error).toMatchObject({ code: 'validation_failed', httpStatus: 400 });
    expect(error.details).toEqual({
      issues: [{ path: '', code: 'username_invalid', message: expect.any(String) }],
    });
    expect(JSON.stringify(error.details)).not.toContain('secret-value');
    expect(error.message).toMatchInlineSnapshot(
      `"Invalid username: (root): Expected a Telegram username: 5–32 letters, digits or underscores, starting with a letter"`,
    );
  });
});

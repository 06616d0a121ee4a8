import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dateRangeSchema, isoDateSchema, isoDateTimeSchema } from './dates';
import {
  emailSchema,
  phoneE164Schema,
  telegramChatIdSchema,
  telegramUserIdSchema,
  telegramUsernameSchema,
  uuidSchema,
} from './identifiers';
import { moneyAmountSchema, paginationSchema } from './money-pagination';
import { freeTextSchema, postalAddressSchema } from './text';

const schemas: ReadonlyArray<[string, z.ZodType<unknown, unknown>]> = [
  ['telegramUserId', telegramUserIdSchema],
  ['telegramChatId', telegramChatIdSchema],
  ['telegramUsername', telegramUsernameSchema],
  ['uuid', uuidSchema],
  ['phoneE164', phoneE164Schema],
  ['email', emailSchema],
  ['isoDate', isoDateSchema],
  ['isoDateTime', isoDateTimeSchema],
  ['dateRange', dateRangeSchema()],
  ['freeText', freeTextSchema()],
  ['postalAddress', postalAddressSchema()],
  ['moneyAmount', moneyAmountSchema()],
  ['pagination', paginationSchema()],
];

/** Anything a JSON body, a query string or a careless caller could hand over. */
const hostile = fc.oneof(
  fc.anything({
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
    withSparseArray: true,
    withNullPrototype: true,
    withObjectString: true,
    withBoxedValues: true,
  }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({
    unit: fc.constantFrom('@', '.', '-', '+', ' ', '0', '9', 'a', ':', 'T', 'Z', '%', '\u0000'),
    maxLength: 80,
  }),
  fc.record({ from: fc.string(), to: fc.string(), limit: fc.anything(), offset: fc.anything() }),
  fc.double(),
  fc.bigInt(),
);

describe('validators under fuzzing', () => {
  it.each(schemas)('%s only ever returns a result or a ZodError', (_name, schema) => {
    fc.assert(
      fc.property(hostile, (value) => {
        const result = schema.safeParse(value);
        if (!result.success) {
          expect(result.error).toBeInstanceOf(z.ZodError);
          expect(result.error.issues.length).toBeGreaterThan(0);
        }
        try {
          schema.parse(value);
        } catch (error) {
          expect(error).toBeInstanceOf(z.ZodError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it.each(schemas)('%s answers large hostile strings quickly (no hang)', (_name, schema) => {
    const started = performance.now();
    for (const unit of ['a', '@', '.', '0', '-', ' ', '\u0000', 'é', '%', ':']) {
      schema.safeParse(unit.repeat(100_000));
      schema.safeParse({ from: unit.repeat(100_000), to: unit, limit: unit.repeat(1000) });
    }
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

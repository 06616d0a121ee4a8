import type { z } from 'zod';
import { invalidOption } from '../errors/portcullis-error';
import { Invalid, validator } from './issues';
import { VALIDATION_PATTERNS as P } from './patterns';

/** Options of {@link moneyAmountSchema}. */
export interface MoneyAmountOptions {
  /** Digits after the decimal separator the currency has (2 for EUR, 0 for JPY). @default 2 */
  readonly fractionDigits?: number;
  /** Smallest amount in minor units (cents). @default 1 (zero refused) */
  readonly minMinorUnits?: number;
  /** Largest amount in minor units. @default 1e12 */
  readonly maxMinorUnits?: number;
}

/** A validated money amount. */
export interface MoneyAmount {
  /** The amount in minor units (cents): an exact integer, never a float. */
  readonly minorUnits: number;
  /** The amount as a decimal string with exactly `fractionDigits` digits (`'12.50'`). */
  readonly decimal: string;
}

/**
 * A non-negative money amount typed by a user (`12`, `12.5`, `12,50`) or
 * given as a number, converted to exact integer minor units.
 */
export function moneyAmountSchema(
  options: MoneyAmountOptions = {},
): z.ZodType<MoneyAmount, unknown> {
  const fractionDigits = options.fractionDigits ?? 2;
  if (!Number.isSafeInteger(fractionDigits) || fractionDigits < 0 || fractionDigits > 8) {
    throw invalidOption('fractionDigits', 'an integer from 0 to 8', fractionDigits);
  }
  const min = options.minMinorUnits ?? 1;
  const max = options.maxMinorUnits ?? 1e12;
  if (!Number.isSafeInteger(min) || min < 0) {
    throw invalidOption('minMinorUnits', 'a non-negative integer', min);
  }
  if (!Number.isSafeInteger(max) || max < min) {
    throw invalidOption('maxMinorUnits', `a safe integer of at least ${min}`, max);
  }
  const scale = 10 ** fractionDigits;
  const format = (minor: number): string => {
    if (fractionDigits === 0) return String(minor);
    const whole = Math.floor(minor / scale);
    return `${whole}.${String(minor % scale).padStart(fractionDigits, '0')}`;
  };
  return validator((value) => {
    const text =
      typeof value === 'number' && Number.isFinite(value)
        ? String(value)
        : typeof value === 'string' && value.length <= 40
          ? value.trim()
          : undefined;
    const match = text === undefined ? null : P.moneyAmount.exec(text);
    const fraction = match?.[2] ?? '';
    if (match === null || fraction.length > fractionDigits) {
      return new Invalid(
        'amount_invalid',
        fractionDigits === 0
          ? 'Expected a whole amount such as 1200'
          : `Expected an amount such as 12.50 (at most ${fractionDigits} decimals)`,
      );
    }
    const minor = Number(match[1]) * scale + Number(fraction.padEnd(fractionDigits, '0') || '0');
    if (!Number.isSafeInteger(minor) || minor < min || minor > max) {
      return new Invalid(
        'amount_out_of_range',
        `Expected an amount from ${format(min)} to ${format(max)}`,
      );
    }
    return { minorUnits: minor, decimal: format(minor) };
  });
}

/** Options of {@link paginationSchema}. */
export interface PaginationOptions {
  /** Page size when none is given. @default 20 */
  readonly defaultLimit?: number;
  /** Largest page size. @default 100 */
  readonly maxLimit?: number;
  /** Largest offset, so deep pages cannot be used to scan everything. @default 100000 */
  readonly maxOffset?: number;
}

/** Validated pagination. */
export interface Pagination {
  readonly limit: number;
  readonly offset: number;
}

function count(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string' && value.length <= 16 && P.integerText.test(value)) {
    return Number(value);
  }
  return undefined;
}

/**
 * `{ limit?, offset? }` as numbers or digit strings (query strings, callback
 * data); missing values take defaults.
 */
export function paginationSchema(options: PaginationOptions = {}): z.ZodType<Pagination, unknown> {
  const maxLimit = options.maxLimit ?? 100;
  const defaultLimit = options.defaultLimit ?? Math.min(20, maxLimit);
  const maxOffset = options.maxOffset ?? 100_000;
  if (!Number.isSafeInteger(maxLimit) || maxLimit < 1) {
    throw invalidOption('maxLimit', 'a positive integer', maxLimit);
  }
  if (!Number.isSafeInteger(defaultLimit) || defaultLimit < 1 || defaultLimit > maxLimit) {
    throw invalidOption('defaultLimit', `an integer from 1 to ${maxLimit}`, defaultLimit);
  }
  if (!Number.isSafeInteger(maxOffset) || maxOffset < 0) {
    throw invalidOption('maxOffset', 'a non-negative integer', maxOffset);
  }
  const message = `Expected limit from 1 to ${maxLimit} and offset from 0 to ${maxOffset}`;
  return validator((value) => {
    if (value !== undefined && (typeof value !== 'object' || value === null)) {
      return new Invalid('pagination_invalid', message);
    }
    const input = (value ?? {}) as Record<string, unknown>;
    const limit = input.limit === undefined ? defaultLimit : count(input.limit);
    const offset = input.offset === undefined ? 0 : count(input.offset);
    if (limit === undefined || offset === undefined) {
      return new Invalid('pagination_invalid', message);
    }
    if (limit < 1 || limit > maxLimit || offset < 0 || offset > maxOffset) {
      return new Invalid('pagination_invalid', message);
    }
    return { limit, offset };
  });
}

import type { z } from 'zod';
import { invalidOption } from '../errors/portcullis-error';
import { Invalid, validator } from './issues';
import { VALIDATION_PATTERNS as P } from './patterns';

const DAY_MS = 86_400_000;

function calendarDay(year: number, month: number, day: number): number | undefined {
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const time = Date.UTC(year, month - 1, day);
  const date = new Date(time);
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear undoes that.
  date.setUTCFullYear(year);
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date.getTime() : undefined;
}

function parseIsoDate(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = P.isoDate.exec(value);
  if (match === null) return undefined;
  return calendarDay(Number(match[1]), Number(match[2]), Number(match[3]));
}

const DATE_MESSAGE = 'Expected a calendar date as YYYY-MM-DD, such as 2024-02-29';

/** A real calendar date as `YYYY-MM-DD` (no 2023-02-29); output unchanged. */
export const isoDateSchema: z.ZodType<string, unknown> = validator((value) =>
  parseIsoDate(value) === undefined ? new Invalid('date_invalid', DATE_MESSAGE) : (value as string),
);

/**
 * An ISO 8601 date-time with an explicit zone (`2024-05-01T10:00:00Z`,
 * `…+02:00`); output as a `Date`.
 */
export const isoDateTimeSchema: z.ZodType<Date, unknown> = validator((value) => {
  const fail = new Invalid(
    'datetime_invalid',
    'Expected a date and time with a zone, such as 2024-05-01T10:00:00Z',
  );
  if (typeof value !== 'string') return fail;
  const match = P.isoDateTime.exec(value);
  if (match === null) return fail;
  const day = calendarDay(Number(match[1]), Number(match[2]), Number(match[3]));
  const [hour, minute, second] = [Number(match[4]), Number(match[5]), Number(match[6] ?? 0)];
  if (day === undefined || hour > 23 || minute > 59 || second > 59) return fail;
  const zone = match[7]!;
  if (zone !== 'Z' && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4, 6)) > 59)) return fail;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? fail : parsed;
});

/** Options of {@link dateRangeSchema}. */
export interface DateRangeOptions {
  /** Longest range accepted, in days, both ends included. @default 366 */
  readonly maxDays?: number;
}

/** A validated date range. */
export interface DateRange {
  readonly from: string;
  readonly to: string;
  /** Days covered, both ends included. */
  readonly days: number;
}

/**
 * A `{ from, to }` pair of `YYYY-MM-DD` dates with `from <= to` and at most
 * `maxDays` days, both ends included.
 */
export function dateRangeSchema(options: DateRangeOptions = {}): z.ZodType<DateRange, unknown> {
  const maxDays = options.maxDays ?? 366;
  if (!Number.isSafeInteger(maxDays) || maxDays < 1) {
    throw invalidOption('maxDays', 'a positive integer', maxDays);
  }
  return validator((value) => {
    const range =
      typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
    const from = parseIsoDate(range.from);
    const to = parseIsoDate(range.to);
    if (from === undefined || to === undefined) {
      return new Invalid('date_invalid', `Expected from and to as dates: ${DATE_MESSAGE}`);
    }
    if (from > to) return new Invalid('date_range_invalid', 'Expected from to be on or before to');
    const days = Math.round((to - from) / DAY_MS) + 1;
    if (days > maxDays) {
      return new Invalid('date_range_too_long', `Expected a range of at most ${maxDays} days`);
    }
    return { from: range.from as string, to: range.to as string, days };
  });
}

import { z } from 'zod';
import { PortcullisError } from '../errors/portcullis-error';

/**
 * Stable codes of the issues Portcullis validators report, in
 * `issue.params.code` of a zod `custom` issue. Add codes, never rename one.
 */
export const VALIDATION_ISSUE_CODES = [
  'telegram_id_invalid',
  'username_invalid',
  'uuid_invalid',
  'phone_invalid',
  'email_invalid',
  'date_invalid',
  'datetime_invalid',
  'date_range_invalid',
  'date_range_too_long',
  'address_invalid',
  'amount_invalid',
  'amount_out_of_range',
  'text_invalid',
  'text_too_short',
  'text_too_long',
  'pagination_invalid',
] as const;

/** One of {@link VALIDATION_ISSUE_CODES}. */
export type ValidationIssueCode = (typeof VALIDATION_ISSUE_CODES)[number];

/** A rejection inside a validator: code plus a message fit to show a user. */
export class Invalid {
  constructor(
    readonly code: ValidationIssueCode,
    readonly message: string,
  ) {}
}

/**
 * Wraps a total parse function (`value → result | Invalid`) as a zod schema
 * whose only failure is one `custom` issue with a stable code. The input is
 * never copied into the issue (it may be personal data).
 */
export function validator<T>(parse: (value: unknown) => T | Invalid): z.ZodType<T, unknown> {
  return z.unknown().transform((value, ctx) => {
    const result = parse(value);
    if (result instanceof Invalid) {
      ctx.addIssue({ code: 'custom', message: result.message, params: { code: result.code } });
      return z.NEVER;
    }
    return result;
  });
}

/** The stable code of a zod issue from a Portcullis validator, or zod's own code. */
export function issueCodeOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'custom') {
    const code = (issue.params as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string') return code;
  }
  return issue.code;
}

/**
 * Turns a `ZodError` into a `PortcullisError` (`validation_failed`) whose
 * details list each issue's path and code, never the rejected values.
 */
export function toValidationError(error: z.ZodError, what = 'input'): PortcullisError {
  const issues = error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    code: issueCodeOf(issue),
    message: issue.message,
  }));
  const first = issues[0];
  const summary = first === undefined ? 'invalid' : `${first.path || '(root)'}: ${first.message}`;
  return new PortcullisError('validation_failed', `Invalid ${what}: ${summary}`, {
    cause: error,
    details: { issues },
  });
}

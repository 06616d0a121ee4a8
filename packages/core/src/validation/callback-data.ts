import { invalidOption, PortcullisError } from '../errors/portcullis-error';
import { VALIDATION_PATTERNS as P } from './patterns';

/** Telegram's limit for `callback_data`, in bytes (UTF-8). */
export const CALLBACK_DATA_MAX_BYTES = 64;

/** A decoded callback payload: an action name and its string arguments. */
export interface CallbackData {
  readonly action: string;
  readonly args: readonly string[];
}

/** Values an argument may be given as; every one is encoded as text. */
export type CallbackArg = string | number | bigint | boolean;

// Only `%` and `:` need escaping: `:` separates fields, `%` starts an escape.
function escapeArg(arg: string): string {
  return arg.replaceAll('%', '%25').replaceAll(':', '%3A');
}

function unescapeArg(arg: string): string | undefined {
  let out = '';
  for (let i = 0; i < arg.length; i++) {
    const char = arg[i]!;
    if (char !== '%') {
      out += char;
      continue;
    }
    const code = arg.slice(i + 1, i + 3).toUpperCase();
    if (code === '25') out += '%';
    else if (code === '3A') out += ':';
    else return undefined;
    i += 2;
  }
  return out;
}

/**
 * Encodes an action and arguments as `action:arg1:arg2` for an inline
 * button, refusing anything over Telegram's 64-byte limit with
 * `callback_data_too_long` (so the button is never silently rejected by
 * Telegram).
 *
 * @example
 * ```ts
 * encodeCallbackData('approve', [42, 'page:2']); // 'approve:42:page%3A2'
 * ```
 */
export function encodeCallbackData(action: string, args: readonly CallbackArg[] = []): string {
  if (typeof action !== 'string' || !P.callbackAction.test(action)) {
    throw invalidOption('action', '1–32 characters of A-Z a-z 0-9 _ . -', action);
  }
  let data = action;
  for (const arg of args) {
    if (!['string', 'number', 'bigint', 'boolean'].includes(typeof arg)) {
      throw invalidOption('args', 'strings, numbers, bigints or booleans', typeof arg);
    }
    data += `:${escapeArg(String(arg))}`;
  }
  const bytes = Buffer.byteLength(data, 'utf8');
  if (bytes > CALLBACK_DATA_MAX_BYTES) {
    throw new PortcullisError(
      'callback_data_too_long',
      `Callback data for ${action} is ${bytes} bytes; Telegram allows at most ${CALLBACK_DATA_MAX_BYTES}`,
      { details: { action, bytes } },
    );
  }
  return data;
}

/**
 * Decodes `callback_data` made by {@link encodeCallbackData}. Clients can
 * send anything here, so every malformed value is refused with a typed
 * error: `callback_data_too_long` over 64 bytes, `callback_data_malformed`
 * otherwise.
 */
export function decodeCallbackData(data: unknown): CallbackData {
  const malformed = (why: string) =>
    new PortcullisError('callback_data_malformed', `Callback data is malformed: ${why}`);
  if (typeof data !== 'string') throw malformed(`expected a string, got ${typeof data}`);
  // Check the length in UTF-16 units first: a huge string is never measured byte by byte.
  if (
    data.length > CALLBACK_DATA_MAX_BYTES ||
    Buffer.byteLength(data, 'utf8') > CALLBACK_DATA_MAX_BYTES
  ) {
    throw new PortcullisError(
      'callback_data_too_long',
      `Callback data is longer than ${CALLBACK_DATA_MAX_BYTES} bytes`,
    );
  }
  const [action = '', ...raw] = data.split(':');
  if (!P.callbackAction.test(action)) throw malformed('the action name is invalid');
  const args: string[] = [];
  for (const part of raw) {
    const arg = unescapeArg(part);
    if (arg === undefined) throw malformed('an argument has an invalid % escape');
    args.push(arg);
  }
  return { action, args };
}

import type { ResponseParameters } from '@grammyjs/types';
import { PortcullisError, truncateForMessage } from '@portcullis/core';

/**
 * The Bot API answered `ok: false`. `code` is `telegram_flood_wait` for 429
 * and `telegram_api` otherwise. The token never appears in the message.
 */
export class TelegramApiError extends PortcullisError {
  /** The Bot API method called, e.g. `sendMessage`. */
  readonly method: string;
  /** Telegram's `error_code` (usually the HTTP status). */
  readonly errorCode: number;
  /** Telegram's `description`. */
  readonly description: string;
  /** Telegram's `parameters`, when sent. */
  readonly parameters: ResponseParameters | undefined;

  constructor(
    method: string,
    errorCode: number,
    description: string,
    parameters?: ResponseParameters,
    message?: string,
  ) {
    super(
      errorCode === 429 ? 'telegram_flood_wait' : 'telegram_api',
      message ??
        `Bot API ${method} failed with ${errorCode}: ${truncateForMessage(description, 200)}`,
      { details: { method, errorCode } },
    );
    this.method = method;
    this.errorCode = errorCode;
    this.description = description;
    this.parameters = parameters;
  }

  /** `parameters.retry_after` in seconds, for 429 answers. */
  get retryAfterSeconds(): number | undefined {
    return this.parameters?.retry_after;
  }

  /**
   * `retry_after` in milliseconds, the name core's `retry()` honours, so a
   * retried Bot API call waits out a 429 exactly instead of backing off.
   */
  get retryAfterMs(): number | undefined {
    const seconds = this.parameters?.retry_after;
    return seconds === undefined ? undefined : seconds * 1000;
  }

  /** `parameters.migrate_to_chat_id`: the supergroup a group became. */
  get migrateToChatId(): number | undefined {
    return this.parameters?.migrate_to_chat_id;
  }
}

/**
 * A Bot API call failed before a Bot API answer arrived (connection refused or
 * reset, timeout, a body that is not Bot API JSON). Retryable.
 */
export class TelegramNetworkError extends PortcullisError {
  /** The Bot API method called. */
  readonly method: string;

  constructor(method: string, reason: string, cause?: unknown) {
    super('telegram_network', `Bot API ${method} failed before an answer: ${reason}`, {
      cause,
      details: { method },
    });
    this.method = method;
  }
}

/** Replaces every occurrence of `token` (and its URL-encoded form) in `text`. */
export function redactToken(text: string, token: string): string {
  if (token.length === 0) return text;
  return text.split(token).join('<token>').split(encodeURIComponent(token)).join('<token>');
}

/** A copy of an unknown error whose message, stack and cause chain hold no token. */
export function sanitizeError(error: unknown, token: string, depth = 0): unknown {
  if (!(error instanceof Error) || depth > 4) return error;
  const copy = new Error(redactToken(error.message, token), {
    cause: sanitizeError(error.cause, token, depth + 1),
  });
  copy.name = error.name;
  copy.stack = redactToken(error.stack ?? '', token);
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) Object.assign(copy, { code });
  return copy;
}

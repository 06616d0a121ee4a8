/** A fault the test server injects instead of (or before) a normal answer. */
export type Fault =
  /** 429 Too Many Requests with `parameters.retry_after` (seconds). */
  | { readonly type: 'flood'; readonly retryAfter: number }
  /** A 5xx answer (default 502 Bad Gateway, as Telegram's front end sends). */
  | { readonly type: 'server-error'; readonly status?: number }
  /** 409 Conflict, as when another instance polls. */
  | { readonly type: 'conflict' }
  /** Answer normally, but only after `ms` real milliseconds. */
  | { readonly type: 'delay'; readonly ms: number }
  /** Hold the request open until `releaseHeld()` or `close()`. */
  | { readonly type: 'hold' }
  /** Destroy the connection without answering. */
  | { readonly type: 'drop' }
  /** 400 "query is too old" for answerCallbackQuery. */
  | { readonly type: 'query-too-old' }
  /** 400 with `parameters.migrate_to_chat_id`, as for a group that became a supergroup. */
  | { readonly type: 'migrated'; readonly toChatId: number };

/** Which calls a fault applies to. */
export interface FaultOptions {
  /** How many matching calls get the fault. @default 1 */
  readonly times?: number;
  /** Only calls whose `chat_id` equals this. */
  readonly chatId?: number | string;
}

interface ArmedFault {
  readonly method: string;
  readonly fault: Fault;
  readonly chatId: string | undefined;
  remaining: number;
}

/** Armed faults, consumed by matching calls in arming order. */
export class FaultTable {
  #armed: ArmedFault[] = [];

  arm(method: string, fault: Fault, options: FaultOptions = {}): void {
    const times = options.times ?? 1;
    if (!Number.isInteger(times) || times < 1)
      throw new TypeError(`Expected \`times\` to be a positive integer, got ${times}`);
    const chatId = options.chatId === undefined ? undefined : String(options.chatId);
    this.#armed.push({ method, fault, chatId, remaining: times });
  }

  take(method: string, params: Record<string, unknown>): Fault | undefined {
    const chatId = params.chat_id === undefined ? undefined : String(params.chat_id);
    const index = this.#armed.findIndex(
      (a) =>
        (a.method === method || a.method === '*') &&
        (a.chatId === undefined || a.chatId === chatId),
    );
    if (index === -1) return undefined;
    const armed = this.#armed[index]!;
    armed.remaining--;
    if (armed.remaining === 0) this.#armed.splice(index, 1);
    return armed.fault;
  }

  clear(): void {
    this.#armed = [];
  }
}

/** The Bot API error body for a fault that answers with an error, or undefined. */
export function faultBody(
  fault: Fault,
): { status: number; body: Record<string, unknown> } | undefined {
  switch (fault.type) {
    case 'flood':
      return apiError(429, `Too Many Requests: retry after ${fault.retryAfter}`, {
        retry_after: fault.retryAfter,
      });
    case 'server-error':
      return apiError(fault.status ?? 502, 'Bad Gateway');
    case 'conflict':
      return apiError(
        409,
        'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
      );
    case 'query-too-old':
      return apiError(
        400,
        'Bad Request: query is too old and response timeout expired or query ID is invalid',
      );
    case 'migrated':
      return apiError(400, 'Bad Request: group chat was upgraded to a supergroup chat', {
        migrate_to_chat_id: fault.toChatId,
      });
    default:
      return undefined;
  }
}

/** A Bot API error answer. */
export function apiError(
  status: number,
  description: string,
  parameters?: Record<string, unknown>,
): { status: number; body: Record<string, unknown> } {
  return {
    status,
    body: { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) },
  };
}

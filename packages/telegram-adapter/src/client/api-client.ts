import { performance } from 'node:perf_hooks';
import type { ApiMethods, ApiResponse, Opts } from '@grammyjs/types';
import { CHANNELS, hasSubscribers, invalidOption, publish } from '@portcullis/core';
import { Agent, request } from 'undici';
import { redactToken, sanitizeError, TelegramApiError, TelegramNetworkError } from './errors';

/** Bot API methods, with files given as strings (file ids or URLs). */
export type BotApiMethods = ApiMethods<never>;
/** Name of a Bot API method. */
export type BotApiMethod = keyof BotApiMethods;
/** Parameters of method `M`. */
export type BotApiParams<M extends BotApiMethod> = Opts<never>[M];
/** Result of method `M`. */
export type BotApiResult<M extends BotApiMethod> = ReturnType<BotApiMethods[M]>;

/**
 * Sends one Bot API request and returns Telegram's JSON answer. The default
 * uses undici; pass your own to run in-process (benchmarks) or through a proxy.
 * `timeoutMs` is the call's own timeout when it set one (`CallOptions`).
 */
export type BotApiTransport = (
  method: string,
  params: Record<string, unknown>,
  signal: AbortSignal | undefined,
  timeoutMs?: number,
) => Promise<ApiResponse<unknown>>;

/** Options of {@link createApiClient}. */
export interface ApiClientOptions {
  /** The bot token from @BotFather. Never appears in errors, logs or metrics. */
  readonly token: string;
  /** Base URL: Telegram, a local Bot API server, or the test kit's `apiRoot`. @default 'https://api.telegram.org' */
  readonly apiRoot?: string;
  /** Use Telegram's test environment (`/bot<token>/test/<method>`). @default false */
  readonly testEnvironment?: boolean;
  /** Time allowed for one call without a long-poll timeout. @default 30000 */
  readonly timeoutMs?: number;
  /** Replaces the HTTP transport. @default undici */
  readonly transport?: BotApiTransport;
}

/** Per-call options. */
export interface CallOptions {
  /** Aborts the call. */
  readonly signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for this call (a positive integer). */
  readonly timeoutMs?: number;
}

/** A typed Bot API client. */
export interface ApiClient {
  /** Calls `method`; rejects with {@link TelegramApiError} or {@link TelegramNetworkError}. */
  call<M extends BotApiMethod>(
    method: M,
    params?: BotApiParams<M>,
    options?: CallOptions,
  ): Promise<BotApiResult<M>>;
  /** Closes the HTTP connections. */
  close(): Promise<void>;
}

/**
 * Creates a Bot API client on undici.
 *
 * @example
 * ```ts
 * const api = createApiClient({ token: process.env.BOT_TOKEN! });
 * const me = await api.call('getMe');
 * ```
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const { token } = options;
  if (typeof token !== 'string' || !/^\d+:[\w-]+$/.test(token))
    throw invalidOption('token', 'a bot token like `123456:ABC-def`', '<redacted>');
  const apiRoot = (options.apiRoot ?? 'https://api.telegram.org').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(apiRoot)) throw invalidOption('apiRoot', 'an http(s) URL', apiRoot);
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    throw invalidOption('timeoutMs', 'a positive integer', timeoutMs);
  const base = `${apiRoot}/bot${token}/${options.testEnvironment ? 'test/' : ''}`;
  const agent = options.transport ? undefined : new Agent({ keepAliveTimeout: 30_000 });

  const httpTransport: BotApiTransport = async (method, params, signal, ownTimeoutMs) => {
    const callTimeout = (ownTimeoutMs ?? timeoutMs) + Number(params.timeout ?? 0) * 1000;
    const deadline = callDeadline(signal, callTimeout);
    let response: Awaited<ReturnType<typeof request>>;
    let text: string;
    try {
      try {
        response = await request(base + method, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(params),
          signal: deadline.signal,
          headersTimeout: callTimeout,
          bodyTimeout: callTimeout,
        });
      } catch (error) {
        throw new TelegramNetworkError(method, describe(error, token), sanitizeError(error, token));
      }
      try {
        text = await response.body.text();
      } catch (error) {
        throw new TelegramNetworkError(method, describe(error, token), sanitizeError(error, token));
      }
    } finally {
      deadline.dispose();
    }
    try {
      const parsed = JSON.parse(text) as ApiResponse<unknown>;
      if (typeof parsed === 'object' && parsed !== null && typeof parsed.ok === 'boolean')
        return parsed;
    } catch {
      // fall through: not Bot API JSON
    }
    throw new TelegramNetworkError(
      method,
      `HTTP ${response.statusCode} with a body that is not Bot API JSON`,
    );
  };
  const transport = options.transport ?? httpTransport;

  return {
    async call(method, params, callOptions) {
      const ownTimeoutMs = callOptions?.timeoutMs;
      if (ownTimeoutMs !== undefined && (!Number.isInteger(ownTimeoutMs) || ownTimeoutMs <= 0))
        throw invalidOption('timeoutMs', 'a positive integer', ownTimeoutMs);
      const timed = hasSubscribers(CHANNELS.telegramApi);
      const started = timed ? performance.now() : 0;
      let answer: ApiResponse<unknown>;
      try {
        answer = await transport(
          method,
          (params ?? {}) as Record<string, unknown>,
          callOptions?.signal,
          ownTimeoutMs,
        );
      } catch (error) {
        if (timed)
          publish(CHANNELS.telegramApi, {
            method,
            status: 0,
            durationMs: performance.now() - started,
            ok: false,
          });
        if (error instanceof TelegramNetworkError) throw error;
        throw new TelegramNetworkError(method, describe(error, token), sanitizeError(error, token));
      }
      if (answer.ok) {
        if (timed)
          publish(CHANNELS.telegramApi, {
            method,
            status: 200,
            durationMs: performance.now() - started,
            ok: true,
          });
        return answer.result as BotApiResult<typeof method>;
      }
      const retryAfter = answer.parameters?.retry_after;
      if (timed)
        publish(CHANNELS.telegramApi, {
          method,
          status: answer.error_code,
          durationMs: performance.now() - started,
          ok: false,
          ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
        });
      throw new TelegramApiError(
        method,
        answer.error_code,
        redactToken(String(answer.description ?? ''), token),
        answer.parameters,
      );
    },
    async close() {
      await agent?.close();
    },
  };
}

function describe(error: unknown, token: string): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const reason =
      error.name === 'TimeoutError' || error.name === 'AbortError' ? error.name : error.message;
    return redactToken(typeof code === 'string' ? `${code} ${reason}` : reason, token).slice(
      0,
      200,
    );
  }
  return 'unknown failure';
}

/** A call's abort signal: the caller's signal or the timeout, whichever comes first. */
interface CallDeadline {
  readonly signal: AbortSignal;
  /** Clears the timer and the listener on the caller's signal. */
  dispose(): void;
}

/**
 * Composes the caller's signal with a timeout by hand rather than with
 * `AbortSignal.any()`: on Node 20 every `any()` stays registered on its
 * source signals for their lifetime, so a long-lived signal (a bot's
 * never-aborting default, a process-wide shutdown signal) kept one entry per
 * API call — about 0.4 KB each, never freed.
 */
function callDeadline(signal: AbortSignal | undefined, timeoutMs: number): CallDeadline {
  const controller = new AbortController();
  const timer = setTimeout(
    () =>
      controller.abort(
        new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
      ),
    timeoutMs,
  );
  if (signal === undefined) {
    return { signal: controller.signal, dispose: () => clearTimeout(timer) };
  }
  const onAbort = () => controller.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
}

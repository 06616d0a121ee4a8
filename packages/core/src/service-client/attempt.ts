import diagnosticsChannel from 'node:diagnostics_channel';
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { context, propagation } from '@opentelemetry/api';
import type { Dispatcher, Pool } from 'undici';
import { isPortcullisError } from '../errors/portcullis-error';
import { CHANNELS, publish, type ServiceRequestOutcome } from '../instrumentation/channels';
import { abortedError } from '../resilience/errors';
import { NEVER_ABORTED } from '../resilience/policy';
import { type LimitedBody, parseRetryAfter, readBody } from './body';
import { BODY_EXCERPT_CHARS, ServiceError } from './errors';
import type {
  ResponseSchema,
  ServiceRequestOptions,
  ServiceResponse,
  SignRequestHook,
} from './options';

// Held at module level so an idle channel costs one property read per attempt.
const requestChannel = diagnosticsChannel.channel(CHANNELS.serviceRequest);

/** One logical call, shared by its attempts. */
export interface CallState {
  readonly service: string;
  readonly method: string;
  readonly route: string;
  readonly requestId: string | undefined;
  /** Physical attempts started so far. */
  attempts: number;
}

/** What every attempt of one call sends (headers are copied per attempt). */
export interface PreparedRequest {
  readonly method: string;
  readonly path: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer | undefined;
}

/** Builds headers and the JSON body once per call. */
export function prepareRequest(
  method: string,
  path: string,
  origin: string,
  defaultHeaders: Readonly<Record<string, string>>,
  options: ServiceRequestOptions<unknown>,
): PreparedRequest {
  const headers: Record<string, string> = { accept: 'application/json' };
  copyRequestHeaders(defaultHeaders, headers);
  if (options.headers !== undefined) copyRequestHeaders(options.headers, headers);
  let body: Buffer | undefined;
  if (options.body !== undefined) {
    body = Buffer.from(JSON.stringify(options.body));
    headers['content-type'] ??= 'application/json';
  }
  if (options.requestId !== undefined) headers['x-request-id'] = options.requestId;
  return { method, path, url: origin + path, headers, body };
}

/** Limits of an attempt. */
export interface AttemptSettings {
  readonly maxResponseBytes: number;
  readonly timeoutMs: number;
  readonly signRequest: SignRequestHook | undefined;
}

/**
 * Sends one physical attempt under its own deadline and turns the response
 * into data or a typed error. The deadline is built in rather than a
 * `timeout()` policy: undici is aborted through a plain EventEmitter, which
 * spares the AbortSignal listener bookkeeping that costs about a fifth of a
 * keep-alive round trip. It stays hard: the attempt rejects at the deadline
 * even if the signing hook hangs.
 */
export function sendAttempt<T>(
  pool: Pool,
  call: CallState,
  request: PreparedRequest,
  schema: ResponseSchema<T> | undefined,
  signal: AbortSignal,
  settings: AttemptSettings,
): Promise<ServiceResponse<T>> {
  if (signal.aborted) return Promise.reject(abortedError(signal));
  call.attempts++;
  // Timed only when someone listens: two clock reads are a tenth of the client's own cost.
  const started = requestChannel.hasSubscribers ? performance.now() : Number.NaN;
  const state: AttemptState = { status: 0, abort: new EventEmitter() };
  return new Promise<ServiceResponse<T>>((resolve, reject) => {
    let settled = false;
    const linked = signal !== NEVER_ABORTED;
    const settle = (error: unknown, response?: ServiceResponse<T>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (linked) signal.removeEventListener('abort', onAbort);
      const durationMs = Number.isNaN(started) ? 0 : performance.now() - started;
      if (response !== undefined) {
        publishAttempt(call, state.status, durationMs, 'success');
        resolve(response);
        return;
      }
      state.abort.emit('abort');
      publishAttempt(call, state.status, durationMs, outcomeOf(error));
      reject(error);
    };
    const onAbort = () =>
      settle(
        new ServiceError('aborted', 'aborted by the caller', {
          ...callFields(call),
          cause: signal.reason,
        }),
      );
    const timer = setTimeout(
      () =>
        settle(
          new ServiceError('timeout', `no complete response within ${settings.timeoutMs} ms`, {
            ...callFields(call),
            status: state.status,
          }),
        ),
      settings.timeoutMs,
    );
    if (linked) signal.addEventListener('abort', onAbort, { once: true });
    exchange(pool, call, request, schema, settings, state).then(
      (response) => settle(undefined, response),
      (error: unknown) => settle(error),
    );
  });
}

/** The fields every error of a call carries (built only when one is thrown). */
function callFields(call: CallState) {
  return { service: call.service, method: call.method, route: call.route };
}

interface AttemptState {
  status: number;
  readonly abort: EventEmitter;
}

async function exchange<T>(
  pool: Pool,
  call: CallState,
  request: PreparedRequest,
  schema: ResponseSchema<T> | undefined,
  settings: AttemptSettings,
  state: AttemptState,
): Promise<ServiceResponse<T>> {
  const headers: Record<string, string> = { ...request.headers };
  propagation.inject(context.active(), headers);
  if (settings.signRequest !== undefined) {
    const signed = await settings.signRequest({
      method: request.method,
      url: request.url,
      headers: { ...headers },
      body: request.body,
    });
    Object.assign(headers, lowerCaseKeys(signed));
  }
  // try/await rather than `.catch()`: each `.catch()` is one more promise per call.
  let response: Dispatcher.ResponseData;
  try {
    response = await pool.request({
      path: request.path,
      method: request.method,
      headers,
      body: request.body,
      signal: state.abort,
    });
  } catch (error) {
    throw networkError(call, error, 0);
  }
  const status = response.statusCode;
  state.status = status;
  let body: LimitedBody;
  try {
    body = await readBody(response, settings.maxResponseBytes);
  } catch (error) {
    throw networkError(call, error, status);
  }
  const { bytes, tooLarge } = body;
  const fields = { service: call.service, method: call.method, route: call.route, status };
  if (status < 200 || status >= 300) {
    const retryAfter = response.headers['retry-after'];
    throw new ServiceError('http_status', `expected a 2xx status, got ${status}`, {
      ...fields,
      bodyExcerpt: excerpt(bytes),
      retryAfterMs:
        status === 429 || status === 503 ? parseRetryAfter(retryAfter, Date.now()) : undefined,
    });
  }
  if (tooLarge) {
    throw new ServiceError(
      'invalid_response',
      `expected a body of at most ${settings.maxResponseBytes} bytes, got more`,
      { ...fields, bodyExcerpt: excerpt(bytes) },
    );
  }
  let data: unknown;
  if (bytes.length > 0 && request.method !== 'HEAD') {
    try {
      data = JSON.parse(bytes.toString('utf8'));
    } catch (cause) {
      throw new ServiceError('invalid_response', 'expected a JSON body, got malformed JSON', {
        ...fields,
        bodyExcerpt: excerpt(bytes),
        cause,
      });
    }
  }
  if (schema !== undefined) {
    const result = schema.safeParse(data);
    if (!result.success) {
      const { issues } = result.error;
      throw new ServiceError(
        'invalid_response',
        `expected a body matching the schema, got ${issues.length} issue(s)`,
        { ...fields, issues, bodyExcerpt: excerpt(bytes) },
      );
    }
    data = result.data;
  }
  return { status, headers: response.headers, data: data as T };
}

function networkError(call: CallState, cause: unknown, status: number): ServiceError {
  const code = (cause as { code?: unknown } | null)?.code;
  const reason = typeof code === 'string' ? code : ((cause as Error)?.name ?? 'error');
  return new ServiceError('network', `request failed (${reason})`, {
    service: call.service,
    method: call.method,
    route: call.route,
    status,
    cause,
  });
}

function excerpt(bytes: Buffer): string {
  return bytes
    .subarray(0, BODY_EXCERPT_CHARS * 4)
    .toString('utf8')
    .slice(0, BODY_EXCERPT_CHARS);
}

function outcomeOf(error: unknown): ServiceRequestOutcome {
  if (!isPortcullisError(error)) return 'network';
  switch (error.code) {
    case 'timeout':
    case 'http_status':
    case 'invalid_response':
    case 'aborted':
    case 'circuit_open':
    case 'bulkhead_full':
      return error.code;
    default:
      return 'network';
  }
}

/** Publishes one {@link CHANNELS.serviceRequest} event. */
export function publishAttempt(
  call: CallState,
  status: number,
  durationMs: number,
  outcome: ServiceRequestOutcome,
): void {
  if (!requestChannel.hasSubscribers) return;
  publish(CHANNELS.serviceRequest, () => ({
    service: call.service,
    method: call.method,
    route: call.route,
    status,
    durationMs,
    outcome,
    resendCount: Math.max(0, call.attempts - 1),
    ...(call.requestId === undefined ? {} : { requestId: call.requestId }),
  }));
}

/**
 * Copies headers into `target` with lower-case names, leaving out trace
 * context: it is set per attempt, never appended (a second `traceparent`
 * breaks the trace). Never `delete`s, which would turn `target` into a
 * slow dictionary-mode object that undici then walks on every request.
 */
function copyRequestHeaders(
  headers: Readonly<Record<string, string>>,
  target: Record<string, string>,
): void {
  for (const key in headers) {
    const name = key.toLowerCase();
    if (name !== 'traceparent' && name !== 'tracestate') target[name] = headers[key]!;
  }
}

/** Copies headers with lower-case names. */
export function lowerCaseKeys(
  headers: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  const result: Record<string, string> = {};
  if (headers)
    for (const [key, value] of Object.entries(headers)) result[key.toLowerCase()] = value;
  return result;
}

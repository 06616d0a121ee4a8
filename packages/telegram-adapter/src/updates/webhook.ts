import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Update } from '@grammyjs/types';
import { CHANNELS, invalidOption, publish, type WebhookRequestEvent } from '@portcullis/core';
import { type Clock, systemClock } from '../clock';
import type { UpdatePipeline } from './update-pipeline';
import { isUpdate } from './update-type';

/** Where updates go once a webhook request passed its checks. */
export type WebhookTarget =
  /** Handle in this process; answer 2xx once handled. */
  | { readonly pipeline: UpdatePipeline }
  /** Append to a durable queue; answer 2xx once it holds the update. */
  | { readonly durable: { enqueue(update: Update): Promise<unknown> } };

/** Options of {@link createWebhookHandler} and {@link fastifyWebhook}. */
export type WebhookOptions = WebhookTarget & {
  /** The `secret_token` given to setWebhook; requests without it get 401. Strongly recommended. */
  readonly secretToken?: string;
  /** Largest accepted body. @default 1048576 */
  readonly maxBodyBytes?: number;
  /** Time to handle (or durably accept) an update before answering; keep well under Telegram's 60 s. @default 10000 */
  readonly budgetMs?: number;
  /**
   * Answer when the budget passes while the handler still runs:
   * `'retry'` answers 503 so Telegram re-sends (dedup drops the re-send once handled; nothing is lost);
   * `'accept'` answers 200 and lets the handler finish (lost if the process dies meanwhile).
   * @default 'retry'
   */
  readonly onBudgetExceeded?: 'retry' | 'accept';
  /**
   * Updates accepted and not yet finished (handled, or held by the durable
   * queue) at most, as polling's `maxInFlight`. One counts from acceptance
   * until the pipeline settles it, which may be after its answer (past
   * `budgetMs`). Beyond it an update is refused with 503 Service Unavailable
   * and `Retry-After: 1`, before anything is claimed in the dedup store, so
   * Telegram re-sends it later (it re-sends every non-2xx answer) and the
   * re-send is handled as if new. 503, not 429: 429 says the client sent too
   * many requests, 503 that the server is overloaded for now, which is the
   * case here; it is also what the webhook answers for the other
   * "come back later" cases (budget passed, claimed elsewhere).
   * @default 1000
   */
  readonly maxInFlight?: number;
  /** Time source for the budget. @default the real clock */
  readonly clock?: Clock;
};

/** What a webhook request is answered with. */
export interface WebhookAnswer {
  readonly status: number;
  readonly outcome: WebhookRequestEvent['outcome'];
  /** Sent as the `Retry-After` header (with `overloaded`). */
  readonly retryAfterSeconds?: number;
}

/** The transport-independent webhook logic the node, express and fastify adapters share. */
export interface WebhookProcessor {
  (request: {
    readonly method: string | undefined;
    readonly headers: Readonly<Record<string, string | string[] | undefined>>;
    /** Raw bytes, text, or a body a framework already parsed. */
    readonly body: unknown;
  }): Promise<WebhookAnswer>;
  readonly maxBodyBytes: number;
  /** Updates accepted and not yet finished (see `maxInFlight`). */
  readonly inFlight: number;
}

const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
const ACCEPTED: WebhookAnswer = { status: 200, outcome: 'accepted' };
const FAILED: WebhookAnswer = { status: 503, outcome: 'failed' };
const OVERLOADED: WebhookAnswer = { status: 503, outcome: 'overloaded', retryAfterSeconds: 1 };

/** Builds the shared webhook logic; see {@link createWebhookHandler}. */
export function createWebhookProcessor(options: WebhookOptions): WebhookProcessor {
  const { secretToken } = options;
  if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken))
    throw invalidOption('secretToken', '1–256 characters of A-Z, a-z, 0-9, _ and -', '<redacted>');
  const maxBodyBytes = options.maxBodyBytes ?? 1_048_576;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes <= 0)
    throw invalidOption('maxBodyBytes', 'a positive integer', maxBodyBytes);
  const budgetMs = options.budgetMs ?? 10_000;
  if (!Number.isInteger(budgetMs) || budgetMs <= 0 || budgetMs >= 60_000)
    throw invalidOption('budgetMs', 'a positive integer below 60000', budgetMs);
  const policy = options.onBudgetExceeded ?? 'retry';
  const maxInFlight = options.maxInFlight ?? 1000;
  if (!Number.isInteger(maxInFlight) || maxInFlight <= 0)
    throw invalidOption('maxInFlight', 'a positive integer', maxInFlight);
  const clock = options.clock ?? systemClock;
  const expected = secretToken === undefined ? undefined : digest(secretToken);
  let inFlight = 0;

  // Holds a slot until the update is handled or queued, even past the answer.
  async function dispatch(update: Update): Promise<WebhookAnswer> {
    try {
      if ('durable' in options) {
        await options.durable.enqueue(update);
        return ACCEPTED;
      }
      return (await options.pipeline.process(update, 'webhook')) === 'busy' ? FAILED : ACCEPTED;
    } catch {
      return FAILED;
    } finally {
      inFlight--;
    }
  }

  async function decide(request: Parameters<WebhookProcessor>[0]): Promise<WebhookAnswer> {
    if (request.method !== 'POST') return { status: 405, outcome: 'bad_method' };
    if (expected !== undefined) {
      const given = request.headers[SECRET_HEADER];
      if (typeof given !== 'string' || !timingSafeEqual(digest(given), expected))
        return { status: 401, outcome: 'bad_secret' };
    }
    let update: unknown = request.body;
    if (typeof update === 'string' || Buffer.isBuffer(update)) {
      if (Buffer.byteLength(update) > maxBodyBytes) return { status: 413, outcome: 'too_large' };
      try {
        update = JSON.parse(update.toString());
      } catch {
        return { status: 400, outcome: 'bad_body' };
      }
    }
    if (!isUpdate(update)) return { status: 400, outcome: 'bad_body' };
    if (inFlight >= maxInFlight) return OVERLOADED;
    inFlight++;
    const work = dispatch(update);
    let timer: unknown;
    const budget = new Promise<WebhookAnswer>((resolve) => {
      timer = clock.setTimeout(
        () => resolve({ status: policy === 'retry' ? 503 : 200, outcome: 'timeout' }),
        budgetMs,
      );
    });
    try {
      return await Promise.race([work, budget]);
    } finally {
      clock.clearTimeout(timer);
    }
  }

  const processor = async (request: Parameters<WebhookProcessor>[0]) => {
    const started = performance.now();
    const answer = await decide(request);
    publish(CHANNELS.webhookRequest, () => ({
      outcome: answer.outcome,
      status: answer.status,
      durationMs: performance.now() - started,
    }));
    return answer;
  };
  return Object.defineProperties(processor, {
    maxBodyBytes: { value: maxBodyBytes },
    inFlight: { get: () => inFlight },
  }) as WebhookProcessor;
}

function retryAfter(answer: WebhookAnswer): Record<string, string> | undefined {
  return answer.retryAfterSeconds === undefined
    ? undefined
    : { 'retry-after': String(answer.retryAfterSeconds) };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** A node:http (and express) request handler. */
export type NodeWebhookHandler = (
  req: IncomingMessage & { body?: unknown },
  res: ServerResponse,
) => Promise<void>;

/**
 * Creates a webhook handler for node:http, also usable as an express route
 * (it reads `req.body` when a body parser ran, the raw stream otherwise).
 *
 * @example
 * ```ts
 * createServer(createWebhookHandler({ pipeline, secretToken: process.env.WEBHOOK_SECRET })).listen(8080);
 * ```
 */
export function createWebhookHandler(options: WebhookOptions): NodeWebhookHandler {
  const processor = createWebhookProcessor(options);
  return async (req, res) => {
    let body: unknown = req.body;
    if (body === undefined && req.method === 'POST') {
      const declared = Number(req.headers['content-length'] ?? 0);
      const read =
        declared > processor.maxBodyBytes ? undefined : await readBody(req, processor.maxBodyBytes);
      if (read === undefined) {
        publish(CHANNELS.webhookRequest, { outcome: 'too_large', status: 413, durationMs: 0 });
        res.writeHead(413, { connection: 'close' }).end();
        return;
      }
      body = read;
    }
    const answer = await processor({ method: req.method, headers: req.headers, body });
    res.writeHead(answer.status, retryAfter(answer)).end();
  };
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The parts of a fastify request the handler reads. */
export interface FastifyRequestLike {
  readonly method: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
}

/** The parts of a fastify reply the handler uses. */
export interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  /** Sets a header (fastify's replies have it; used for `Retry-After`). */
  header?(name: string, value: string): FastifyReplyLike;
  send(payload?: unknown): unknown;
}

/**
 * Creates a fastify route handler. Fastify parses JSON itself: set the route's
 * `bodyLimit` (fastify answers 413 and 400 for bodies it rejects).
 *
 * @example
 * ```ts
 * app.post('/telegram', { bodyLimit: 1_048_576 }, fastifyWebhook({ pipeline, secretToken }));
 * ```
 */
export function fastifyWebhook(
  options: WebhookOptions,
): (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<void> {
  const processor = createWebhookProcessor(options);
  return async (request, reply) => {
    const answer = await processor({
      method: request.method,
      headers: request.headers,
      body: request.body,
    });
    if (answer.retryAfterSeconds !== undefined)
      reply.header?.('retry-after', String(answer.retryAfterSeconds));
    reply.code(answer.status).send();
  };
}

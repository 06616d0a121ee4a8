import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createHealthHandler,
  createHttpPipeline,
  getRequestId,
  type HealthHandler,
  type HealthHandlerOptions,
  requestId,
  securityHeaders,
  sendJson,
} from '@portcullis/core';
import {
  createVerifier,
  type NonceStore,
  type VerificationKey,
  type Verifier,
  type VerifyResult,
  verifySignature,
} from '@portcullis/signing';
import { HttpError } from './errors';
import { createRouter, parseJson, type Route } from './router';

/** A structured log line (JSON). Never contains secrets or bodies. */
export type LogLine = Readonly<Record<string, unknown>>;

/** Options for {@link createServiceApp}. */
export interface ServiceAppOptions {
  /** Short service name: `users`, `requests`… */
  readonly name: string;
  /** Keys the gateway signs with (several during a rotation). */
  readonly keys: readonly VerificationKey[];
  /** Accepted `Portcullis-Audience` values. @default `${name}-service` */
  readonly audience?: string | readonly string[];
  /** The service's routes; every one is reachable only with a valid signature. */
  readonly routes: readonly Route[];
  /** Readiness checks for `/ready` (a database ping…). @default {} */
  readonly checks?: HealthHandlerOptions['checks'];
  /** Replay protection store. @default the signing package's memory store */
  readonly nonceStore?: NonceStore;
  /** Signature age limit. @default 300 */
  readonly maxAgeSeconds?: number;
  /** Where log lines go. @default one JSON line per entry on stdout */
  readonly log?: (line: LogLine) => void;
}

/** A service ready to be served by `http.createServer(app.listener)`. */
export interface ServiceApp {
  readonly name: string;
  readonly listener: (req: IncomingMessage, res: ServerResponse) => void;
  readonly health: HealthHandler;
  readonly verifier: Verifier;
}

const defaultLog = (line: LogLine): void => {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`);
};

/**
 * The common scaffolding of the example services: request id and security
 * headers on every response, unsigned `/health` and `/ready`, and everything
 * else behind `verifySignature` (unsigned, tampered, replayed or stale calls
 * get an opaque 401), then routing with JSON in and out.
 */
export function createServiceApp(options: ServiceAppOptions): ServiceApp {
  const log = options.log ?? defaultLog;
  const verifier = createVerifier({
    keys: options.keys,
    audience: options.audience ?? `${options.name}-service`,
    maxAgeSeconds: options.maxAgeSeconds ?? 300,
    ...(options.nonceStore === undefined ? {} : { nonceStore: options.nonceStore }),
  });
  const match = createRouter(options.routes);
  const health = createHealthHandler({ checks: options.checks ?? {} });

  const routed = verifySignature(
    verifier,
    async (req, res, verified) => {
      const url = new URL(req.url ?? '/', 'http://service.invalid');
      try {
        const { route, params } = match(req.method ?? 'GET', url.pathname);
        const result = await route.handler({
          params,
          query: url.searchParams,
          rawBody: verified.body,
          keyId: verified.keyId,
          requestId: getRequestId(req),
          req,
          json: (schema) => parseJson(schema, verified.body),
        });
        sendJson(res, result.status, result.body);
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        sendJson(res, error.status, {
          error: { code: error.code, message: error.message, details: error.details },
        });
      }
    },
    {
      onRejected: (result: Extract<VerifyResult, { ok: false }>, req) =>
        log({
          service: options.name,
          event: 'signature_rejected',
          code: result.code,
          keyId: result.keyId,
          method: req.method,
          requestId: getRequestId(req),
        }),
    },
  );

  const listener = createHttpPipeline([requestId(), securityHeaders(), health], routed, {
    onError: (error, req) =>
      log({
        service: options.name,
        event: 'error',
        message: error instanceof Error ? error.message : String(error),
        requestId: getRequestId(req),
      }),
  });
  return { name: options.name, listener, health, verifier };
}

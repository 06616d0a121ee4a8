import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalidOption, isSignatureError } from './errors';
import type { Verifier, VerifyResult } from './verifier';

/** What a verified handler receives besides `req` and `res`. */
export interface VerifiedRequest {
  /** The key id that verified. */
  readonly keyId: string;
  /** The raw body bytes that were verified (the request stream is consumed). */
  readonly body: Buffer;
}

/** A node:http handler that runs only for verified requests. */
export type VerifiedHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  verified: VerifiedRequest,
) => unknown;

/** Options for {@link verifySignature}. */
export interface VerifySignatureOptions {
  /**
   * Largest body read; larger requests get 413 without verification.
   * @default 1048576
   */
  readonly maxBodyBytes?: number;
  /** Called with each rejection (log `result.code` here; the caller only sees 401). */
  readonly onRejected?: (
    result: Extract<VerifyResult, { ok: false }>,
    req: IncomingMessage,
  ) => void;
  /**
   * Called when the nonce store or the handler fails (the caller gets 503 or
   * 500). Without it such errors are answered but not reported anywhere.
   */
  readonly onError?: (error: unknown, req: IncomingMessage) => void;
}

class BodyTooLargeError extends Error {}

function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError());
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function answer(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(text);
}

/**
 * Wraps a node:http handler so it only runs for requests whose signature
 * verifies. Reads the raw body (the bytes the digest covers), verifies, and
 * answers an opaque `401 Unauthorized` on any failure — the reason goes to
 * `onRejected`, never to the caller. A failing nonce store answers 503.
 *
 * @example
 * ```ts
 * createServer(verifySignature(verifier, (req, res, { keyId, body }) => res.end('ok')));
 * ```
 */
export function verifySignature(
  verifier: Verifier,
  handler: VerifiedHandler,
  options: VerifySignatureOptions = {},
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  if (typeof verifier?.verify !== 'function')
    throw invalidOption('verifier', 'a verifier from createVerifier()', verifier);
  const maxBodyBytes = options.maxBodyBytes ?? 1_048_576;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 0)
    throw invalidOption('maxBodyBytes', 'a non-negative integer', maxBodyBytes);
  return async function verifySignatureHandler(req, res) {
    let body: Buffer;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch (error) {
      answer(res, error instanceof BodyTooLargeError ? 413 : 400, 'Bad Request');
      return;
    }
    let result: VerifyResult;
    try {
      result = await verifier.verify({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        // headersDistinct keeps every line of a repeated header, so duplicates
        // are joined as RFC 9421 §2.1 says instead of silently dropped.
        headers: req.headersDistinct,
        body,
      });
    } catch (error) {
      options.onError?.(error, req);
      if (isSignatureError(error)) answer(res, error.httpStatus, 'Service Unavailable');
      else answer(res, 500, 'Internal Server Error');
      return;
    }
    if (!result.ok) {
      options.onRejected?.(result, req);
      answer(res, 401, 'Unauthorized');
      return;
    }
    try {
      await handler(req, res, { keyId: result.keyId, body });
    } catch (error) {
      // A rejected promise from a request listener would be an unhandled
      // rejection (a crash by default): answer 500 instead.
      options.onError?.(error, req);
      if (!res.headersSent) answer(res, 500, 'Internal Server Error');
      else res.destroy();
    }
  };
}

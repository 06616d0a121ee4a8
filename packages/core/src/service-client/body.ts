import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';

/** A response body read up to a limit. */
export interface LimitedBody {
  readonly bytes: Buffer;
  /** The body went on past the limit; `bytes` then holds its first `limit` bytes. */
  readonly tooLarge: boolean;
}

/**
 * Reads a response body of at most `limit` bytes. A declared `Content-Length`
 * within the limit is read in one piece by undici (the HTTP/1.1 parser ends a
 * body at its declared length, so it cannot outgrow the limit); otherwise the
 * stream is read chunk by chunk and cut at the limit.
 */
export async function readBody(
  response: Dispatcher.ResponseData,
  limit: number,
): Promise<LimitedBody> {
  const declared = response.headers['content-length'];
  if (typeof declared === 'string') {
    const length = Number(declared);
    if (Number.isSafeInteger(length) && length >= 0 && length <= limit) {
      const bytes = await response.body.bytes();
      return {
        bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        tooLarge: false,
      };
    }
  }
  return readLimited(response.body, limit);
}

/** Reads at most `limit` bytes; stops (and destroys the stream) past it. */
export async function readLimited(body: Readable, limit: number): Promise<LimitedBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (size + chunk.length > limit) {
      chunks.push(chunk.subarray(0, limit - size));
      body.destroy();
      return { bytes: Buffer.concat(chunks), tooLarge: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size), tooLarge: false };
}

/** Milliseconds from a `Retry-After` header (seconds or HTTP date), if valid. */
export function parseRetryAfter(
  value: string | string[] | undefined,
  now: number,
): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text === '') return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

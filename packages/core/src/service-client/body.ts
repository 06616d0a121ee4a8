import type { Readable } from 'node:stream';

/** Reads at most `limit` bytes; stops (and destroys the stream) past it. */
export async function readLimited(
  body: Readable,
  limit: number,
): Promise<{ bytes: Buffer; tooLarge: boolean }> {
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

import { createVerifier, type VerifyResult } from '../src/verifier';
import type { Vector, VectorFile } from './vectors';

/** Verifies a vector's request with a fresh TypeScript verifier configured as the file says. */
export async function runVector(file: VectorFile, vector: Vector): Promise<VerifyResult> {
  const config = file.verifier;
  const verifier = createVerifier({
    audience: config.audience,
    maxAgeSeconds: config.maxAgeSeconds,
    maxFutureSkewSeconds: config.maxFutureSkewSeconds,
    now: () => config.now * 1000,
    debug: true,
    keys: config.keys.map((k) => ({
      id: k.id,
      secret: Buffer.from(k.secretBase64, 'base64'),
      status: k.status,
      ...(k.verifyUntil === null ? {} : { verifyUntil: k.verifyUntil * 1000 }),
    })),
  });
  const headers: Record<string, string[]> = {};
  for (const [name, value] of vector.request.headers)
    headers[name] = [...(headers[name] ?? []), value];
  const body =
    vector.request.bodyBase64 === null
      ? undefined
      : Buffer.from(vector.request.bodyBase64, 'base64');
  let result: VerifyResult | undefined;
  for (let i = 0; i < vector.verifications; i++)
    result = await verifier.verify({
      method: vector.request.method,
      url: vector.request.target,
      headers,
      body,
    });
  return result!;
}

/** The part of a result a vector pins. */
export function outcomeOf(result: VerifyResult): Vector['expected'] {
  return {
    ok: result.ok,
    error: result.ok ? null : result.code,
    keyId: result.keyId ?? null,
    signatureBase: result.signatureBase ?? null,
  };
}

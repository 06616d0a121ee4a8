import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { verifyChannel } from './channels';
import { safeEqual } from './constant-time';
import { contentDigestMatches } from './content-digest';
import { invalidOption, SignatureError, type VerifyErrorCode } from './errors';
import { resolveKeys, type VerificationKey } from './keys';
import { createMemoryNonceStore, type NonceStore } from './nonce-store';
import { parseSignature } from './parse-signature';
import { hasBody, type SignableRequest } from './profile';

function storeFailed(cause: unknown): SignatureError {
  return new SignatureError('nonce_store_unavailable', 'The nonce store did not answer', { cause });
}

/** Options for {@link createVerifier}. */
export interface VerifierOptions {
  /** The keys accepted, by id, with their life-cycle status. */
  readonly keys: readonly VerificationKey[];
  /** This service's name (or names): `Portcullis-Audience` must equal one of them. */
  readonly audience: string | readonly string[];
  /**
   * How old `created` may be.
   * @default 300
   */
  readonly maxAgeSeconds?: number;
  /**
   * How far in the future `created` may be (sender clock ahead of ours).
   * @default 30
   */
  readonly maxFutureSkewSeconds?: number;
  /**
   * Where accepted nonces are recorded. Share one Redis store between
   * replicas, or a replay sent to another replica passes.
   * @default a memory store of 100000 entries (this process only)
   */
  readonly nonceStore?: NonceStore;
  /**
   * Return the verifier's signature base in every result, so integrators can
   * diff it with theirs. Never enable it where results reach untrusted callers.
   * @default false
   */
  readonly debug?: boolean;
  /**
   * Clock in epoch milliseconds (for test vectors).
   * @default Date.now
   */
  readonly now?: () => number;
}

/** What {@link Verifier.verify} found. */
export type VerifyResult =
  | {
      readonly ok: true;
      /** The key that verified. */
      readonly keyId: string;
      /** `created`, in epoch seconds. */
      readonly created: number;
      /** Set when `debug` is on. */
      readonly signatureBase?: string;
    }
  | {
      readonly ok: false;
      /** Why it was rejected. Answer callers with an opaque 401, log the code. */
      readonly code: VerifyErrorCode;
      /** The key id the request named, when it could be parsed. */
      readonly keyId?: string;
      /** Set when `debug` is on and the request got far enough to build one. */
      readonly signatureBase?: string;
    };

/** Verifies incoming requests. */
export interface Verifier {
  /**
   * Verifies `request` (raw body bytes). Resolves a result for every request;
   * rejects only with a `nonce_store_unavailable` {@link SignatureError}.
   */
  readonly verify: (request: SignableRequest) => Promise<VerifyResult>;
}

function positiveNumber(name: string, value: unknown, fallback: number): number {
  const resolved = value ?? fallback;
  if (typeof resolved !== 'number' || !Number.isFinite(resolved) || resolved < 0)
    throw invalidOption(name, 'a non-negative number', value);
  return resolved;
}

/**
 * Creates a verifier for the Portcullis profile of RFC 9421.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({
 *   keys: [{ id: 'gateway-2026-01', secret: process.env.SIGNING_SECRET! }],
 *   audience: 'users',
 * });
 * const result = await verifier.verify({ method, url, headers, body });
 * if (!result.ok) return reply(401); // log result.code, never send it
 * ```
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const keys = resolveKeys(options?.keys);
  const audiences = new Set(
    typeof options.audience === 'string' ? [options.audience] : (options.audience ?? []),
  );
  if (audiences.size === 0 || [...audiences].some((a) => typeof a !== 'string' || a === ''))
    throw invalidOption('audience', 'a non-empty string or list of strings', options.audience);
  const maxAge = positiveNumber('maxAgeSeconds', options.maxAgeSeconds, 300);
  const maxSkew = positiveNumber('maxFutureSkewSeconds', options.maxFutureSkewSeconds, 30);
  const nonceStore = options.nonceStore ?? createMemoryNonceStore();
  if (typeof nonceStore.claim !== 'function')
    throw invalidOption('nonceStore', 'an object with claim()', nonceStore);
  const debug = options.debug === true;
  const now = options.now ?? Date.now;
  const ttlMs = (maxAge + maxSkew) * 1000;

  // Synchronous up to the nonce claim, so a synchronous store (memory) costs
  // no extra promise turns on the hot path.
  function check(request: SignableRequest): VerifyResult | Promise<VerifyResult> {
    const parsed = parseSignature(request);
    if (!parsed.ok) return parsed.keyId === undefined ? { ok: false, code: parsed.code } : parsed;
    const { keyId, base, created, expires, nonce, mac, audience, digest } = parsed;
    const fail = (code: VerifyErrorCode): VerifyResult =>
      debug ? { ok: false, code, keyId, signatureBase: base } : { ok: false, code, keyId };
    const nowMs = now();
    const key = keys.get(keyId);
    if (key === undefined) return fail('unknown_key');
    if (key.status === 'revoked' || (key.status === 'verify-only' && nowMs > key.verifyUntilMs))
      return fail('revoked_key');
    if (!audiences.has(audience)) return fail('wrong_audience');
    const nowSeconds = Math.floor(nowMs / 1000);
    if (created > nowSeconds + maxSkew) return fail('not_yet_valid');
    if (nowSeconds - created > maxAge || (expires !== undefined && nowSeconds > expires))
      return fail('expired');
    if (hasBody(request.body) && !contentDigestMatches(digest!, request.body))
      return fail('digest_mismatch');
    const expected = createHmac('sha256', key.key).update(base).digest();
    if (!safeEqual(mac, expected)) return fail('signature_mismatch');
    // Only a verified request may spend a nonce: otherwise anyone could burn
    // the gateway's future nonces with forged requests.
    const accepted: VerifyResult = debug
      ? { ok: true, keyId, created, signatureBase: base }
      : { ok: true, keyId, created };
    const settle = (fresh: boolean) => (fresh ? accepted : fail('replayed'));
    let claimed: boolean | Promise<boolean>;
    try {
      claimed = nonceStore.claim(`${keyId}:${nonce}`, ttlMs);
    } catch (cause) {
      throw storeFailed(cause);
    }
    if (typeof claimed === 'boolean') return settle(claimed);
    return Promise.resolve(claimed).then(settle, (cause: unknown) => {
      throw storeFailed(cause);
    });
  }

  function published(result: VerifyResult, started: number): VerifyResult {
    const durationMs = performance.now() - started;
    verifyChannel.publish(
      result.ok
        ? { outcome: 'valid', keyId: result.keyId, durationMs }
        : {
            outcome: 'invalid',
            ...(result.keyId === undefined ? {} : { keyId: result.keyId }),
            errorCode: result.code,
            durationMs,
          },
    );
    return result;
  }

  const verify = (request: SignableRequest): Promise<VerifyResult> => {
    const started = verifyChannel.hasSubscribers ? performance.now() : -1;
    let outcome: VerifyResult | Promise<VerifyResult>;
    try {
      outcome = check(request);
    } catch (error) {
      return Promise.reject(error);
    }
    if (started < 0) return Promise.resolve(outcome);
    return Promise.resolve(outcome).then((result) => published(result, started));
  };
  return { verify };
}

import { createSecretKey, type KeyObject } from 'node:crypto';
import { invalidOption } from './errors';
import { isSfStringSafe } from './structured-fields';

/** Shortest secret accepted: 32 bytes, the output size of SHA-256 (RFC 2104 §3). */
export const MIN_SECRET_BYTES = 32;

/**
 * The life cycle of a key: `active` signs and verifies; `verify-only` verifies
 * (until `verifyUntil`, when set) while senders move to the next key;
 * `revoked` verifies nothing.
 */
export type KeyStatus = 'active' | 'verify-only' | 'revoked';

/** A shared secret a verifier accepts, by key id. */
export interface VerificationKey {
  /** The `keyid` senders name, e.g. `gateway-2026-01`. Printable ASCII. */
  readonly id: string;
  /** At least 32 bytes; a string is taken as its UTF-8 bytes. */
  readonly secret: Uint8Array | string;
  /** @default 'active' */
  readonly status?: KeyStatus;
  /**
   * For `verify-only`: the instant after which the key is treated as revoked.
   * @default no end
   */
  readonly verifyUntil?: Date | number;
}

/** A validated key, as the verifier holds it. */
export interface ResolvedKey {
  readonly id: string;
  readonly key: KeyObject;
  readonly status: KeyStatus;
  readonly verifyUntilMs: number;
}

/** Validates a key id: a non-empty printable-ASCII string of at most 256 characters. */
export function checkKeyId(id: unknown, name: string): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > 256 || !isSfStringSafe(id))
    throw invalidOption(name, 'a non-empty printable-ASCII string of at most 256 characters', id);
  return id;
}

/** Turns a secret into a KeyObject, refusing anything shorter than {@link MIN_SECRET_BYTES}. */
export function secretKey(secret: unknown, name: string): KeyObject {
  let bytes: Buffer;
  if (typeof secret === 'string') bytes = Buffer.from(secret, 'utf8');
  else if (secret instanceof Uint8Array) bytes = Buffer.from(secret);
  else throw invalidOption(name, 'a Uint8Array or string', typeof secret);
  // Never echo the secret itself: report only its length.
  if (bytes.byteLength < MIN_SECRET_BYTES)
    throw invalidOption(name, `at least ${MIN_SECRET_BYTES} bytes`, `${bytes.byteLength} bytes`);
  return createSecretKey(bytes);
}

/** Validates the verifier's key list and indexes it by id. */
export function resolveKeys(keys: unknown): Map<string, ResolvedKey> {
  if (!Array.isArray(keys) || keys.length === 0)
    throw invalidOption('keys', 'a non-empty array of keys', keys);
  const byId = new Map<string, ResolvedKey>();
  keys.forEach((entry: VerificationKey, i) => {
    const id = checkKeyId(entry?.id, `keys[${i}].id`);
    if (byId.has(id)) throw invalidOption(`keys[${i}].id`, 'unique', id);
    const status = entry.status ?? 'active';
    if (status !== 'active' && status !== 'verify-only' && status !== 'revoked')
      throw invalidOption(`keys[${i}].status`, "'active', 'verify-only' or 'revoked'", status);
    const until = entry.verifyUntil;
    const verifyUntilMs =
      until === undefined
        ? Number.POSITIVE_INFINITY
        : until instanceof Date
          ? until.getTime()
          : until;
    if (typeof verifyUntilMs !== 'number' || Number.isNaN(verifyUntilMs))
      throw invalidOption(`keys[${i}].verifyUntil`, 'a Date or epoch milliseconds', until);
    byId.set(id, { id, key: secretKey(entry.secret, `keys[${i}].secret`), status, verifyUntilMs });
  });
  return byId;
}

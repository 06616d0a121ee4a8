import { timingSafeEqual } from 'node:crypto';

/**
 * Constant-time equality of two byte strings. Unequal lengths return `false`
 * instead of throwing (`timingSafeEqual` throws a RangeError, which would turn
 * a truncated signature into a 500); the length of a MAC is not a secret.
 */
export function safeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  return timingSafeEqual(a, b);
}

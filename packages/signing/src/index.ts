/**
 * `@portcullis/signing`: RFC 9421 HTTP Message Signatures (hmac-sha256) with
 * RFC 9530 `Content-Digest`, key rotation and replay protection, for a
 * gateway that calls backend services and the services that verify it.
 * Depends on nothing but Node. The wire format is specified in PROFILE.md.
 *
 * @example
 * ```ts
 * import { createSigner, createVerifier } from '@portcullis/signing';
 *
 * const secret = 'a shared secret of at least 32 bytes!!';
 * const signer = createSigner({ keyId: 'k1', secret, audience: 'users' });
 * const verifier = createVerifier({ keys: [{ id: 'k1', secret }], audience: 'users' });
 * const request = { method: 'GET', url: 'http://users/v1/me', headers: {}, body: undefined };
 * const signed = { ...request, headers: signer.sign(request) };
 * console.log(await verifier.verify(signed)); // { ok: true, keyId: 'k1', created: … }
 * ```
 *
 * @module
 */

// Instrumentation
export type { SigningSignEvent, SigningVerifyEvent } from './channels';
export { SIGNING_CHANNELS } from './channels';
// Content-Digest (RFC 9530)
export type { DigestAlgorithm } from './content-digest';
export { contentDigest, contentDigestMatches } from './content-digest';
// Errors
export type { SignatureErrorCode, SignatureErrorOptions, VerifyErrorCode } from './errors';
export { isSignatureError, SignatureError, VERIFY_ERROR_CODES } from './errors';
// node:http helper
export type {
  VerifiedHandler,
  VerifiedRequest,
  VerifySignatureOptions,
} from './http';
export { verifySignature } from './http';
// Keys
export type { KeyStatus, VerificationKey } from './keys';
export { MIN_SECRET_BYTES } from './keys';
// Nonce stores
export type { MemoryNonceStore, MemoryNonceStoreOptions, NonceStore } from './nonce-store';
export { createMemoryNonceStore, NonceStoreFullError } from './nonce-store';
// Profile
export type { SignableRequest } from './profile';
export { ALGORITHM, AUDIENCE_HEADER, SIGNATURE_LABEL } from './profile';
// Nonce store on Redis
export type { RedisNonceClient, RedisNonceStoreOptions } from './redis-nonce-store';
export { createRedisNonceStore } from './redis-nonce-store';
// Signer
export type { Signer, SignerOptions, SignerRequest } from './signer';
export { createSigner } from './signer';
// Verifier
export type { Verifier, VerifierOptions, VerifyResult } from './verifier';
export { createVerifier } from './verifier';

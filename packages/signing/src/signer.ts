import { createHmac, type KeyObject, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { signChannel } from './channels';
import { contentDigest } from './content-digest';
import { describeValue, invalidOption } from './errors';
import { checkKeyId, secretKey } from './keys';
import {
  ALGORITHM,
  AUDIENCE_HEADER,
  buildSignatureBase,
  componentValue,
  coveredComponents,
  hasBody,
  indexHeaders,
  isBaseSafe,
  SIGNATURE_LABEL,
  splitTarget,
} from './profile';
import { serializeString } from './structured-fields';

/** Options for {@link createSigner}. */
export interface SignerOptions {
  /** The key id verifiers look the secret up by. Printable ASCII. */
  readonly keyId: string;
  /** The shared secret: at least 32 bytes; a string is taken as its UTF-8 bytes. */
  readonly secret: Uint8Array | string;
  /**
   * The service the requests are for, sent in `Portcullis-Audience`.
   * @default the request's own `Portcullis-Audience` header, else the URL's host name
   */
  readonly audience?: string;
  /**
   * Clock in epoch milliseconds (for test vectors).
   * @default Date.now
   */
  readonly now?: () => number;
  /**
   * Nonce source (for test vectors). Must never repeat within a window.
   * @default 16 random bytes, base64url
   */
  readonly nonce?: () => string;
}

/** The request a signer signs: the core service client's `SignRequestHook` argument. */
export interface SignerRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array | undefined;
}

/** Signs outgoing requests. */
export interface Signer {
  /** The key id this signer names. */
  readonly keyId: string;
  /**
   * Returns the headers to add: `Signature-Input`, `Signature`,
   * `Portcullis-Audience` and, with a body, `Content-Digest`. A bound
   * function: pass it around as `signRequest: signer.sign`.
   */
  readonly sign: (request: SignerRequest) => Record<string, string>;
}

// One randomBytes call per 256 nonces: drawing 16 bytes at a time costs more
// than the rest of signing.
const POOL_NONCES = 256;
let pool = Buffer.alloc(0);
let poolOffset = 0;
function randomNonce(): string {
  if (poolOffset >= pool.byteLength) {
    pool = randomBytes(16 * POOL_NONCES);
    poolOffset = 0;
  }
  const nonce = pool.toString('base64url', poolOffset, poolOffset + 16);
  poolOffset += 16;
  return nonce;
}

/**
 * Creates a signer for the Portcullis profile of RFC 9421 (hmac-sha256,
 * covering method, path, query, audience, content type and RFC 9530 digest).
 *
 * @example
 * ```ts
 * const signer = createSigner({ keyId: 'gateway-2026-01', secret: process.env.SIGNING_SECRET! });
 * const body = new TextEncoder().encode('{"name":"Ada"}');
 * const headers = { 'content-type': 'application/json' };
 * const added = signer.sign({ method: 'POST', url: 'http://users/v1/users', headers, body });
 * await fetch('http://users/v1/users', { method: 'POST', headers: { ...headers, ...added }, body });
 * ```
 */
export function createSigner(options: SignerOptions): Signer {
  const keyId = checkKeyId(options?.keyId, 'keyId');
  const key: KeyObject = secretKey(options.secret, 'secret');
  const audience = options.audience;
  if (audience !== undefined && (audience === '' || !isBaseSafe(audience)))
    throw invalidOption('audience', 'a non-empty printable-ASCII string', audience);
  const now = options.now ?? Date.now;
  const nextNonce = options.nonce ?? randomNonce;
  const keyParam = `;keyid=${serializeString(keyId)};alg="${ALGORITHM}"`;

  const sign = (request: SignerRequest): Record<string, string> => {
    const started = signChannel.hasSubscribers ? performance.now() : 0;
    const target = splitTarget(request.url);
    const withBody = hasBody(request.body);
    const fields = indexHeaders(request.headers);
    const added: Record<string, string> = {};
    const resolvedAudience = audience ?? fields.get(AUDIENCE_HEADER) ?? target.host;
    if (resolvedAudience === undefined || resolvedAudience === '')
      throw invalidOption(
        'audience',
        'set on the signer, in the request or by an absolute URL',
        request.url,
      );
    added['Portcullis-Audience'] = resolvedAudience;
    fields.set(AUDIENCE_HEADER, resolvedAudience);
    if (withBody) {
      if (!fields.has('content-type'))
        throw invalidOption('headers["content-type"]', 'set on a request with a body', undefined);
      const digest = contentDigest(request.body as Uint8Array);
      added['Content-Digest'] = digest;
      fields.set('content-digest', digest);
    }
    const components = coveredComponents(withBody);
    const values = components.map((name) => {
      const value = componentValue(name, request.method, target, fields)!;
      if (!isBaseSafe(value))
        throw invalidOption(name, 'printable ASCII (percent-encode URLs)', describeValue(value));
      return value;
    });
    const nonce = nextNonce();
    const created = Math.floor(now() / 1000);
    const params = `(${components.map((c) => `"${c}"`).join(' ')});created=${created}${keyParam};nonce=${serializeString(nonce)}`;
    const base = buildSignatureBase(components, values, params);
    const mac = createHmac('sha256', key).update(base).digest('base64');
    added['Signature-Input'] = `${SIGNATURE_LABEL}=${params}`;
    added.Signature = `${SIGNATURE_LABEL}=:${mac}:`;
    if (signChannel.hasSubscribers)
      signChannel.publish({ keyId, durationMs: performance.now() - started });
    return added;
  };
  return { keyId, sign };
}

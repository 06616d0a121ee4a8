import type { VerifyErrorCode } from './errors';
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
  type SignableRequest,
  splitTarget,
  type Target,
} from './profile';
import { type Member, parseDictionary, serializeInnerList } from './structured-fields';

/** A request's signature, parsed and checked against the profile, with its signature base. */
export type ParsedSignature =
  | {
      readonly ok: true;
      readonly keyId: string;
      readonly base: string;
      readonly created: number;
      readonly expires: number | undefined;
      readonly nonce: string;
      readonly mac: Uint8Array;
      readonly audience: string;
      /** The `Content-Digest` header, when the request has a body. */
      readonly digest: string | undefined;
    }
  | { readonly ok: false; readonly code: VerifyErrorCode; readonly keyId?: string };

const ALLOWED_PARAMS = new Set(['created', 'expires', 'keyid', 'alg', 'nonce']);

function failure(code: VerifyErrorCode, keyId?: string): ParsedSignature {
  return keyId === undefined ? { ok: false, code } : { ok: false, code, keyId };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Reads `Signature-Input` and `Signature` (label `sig1`), checks their shape
 * against the profile and builds the signature base the MAC must match. Does
 * no key, time, digest or MAC check.
 */
export function parseSignature(request: SignableRequest): ParsedSignature {
  const fields = indexHeaders(request.headers);
  const inputHeader = fields.get('signature-input');
  const signatureHeader = fields.get('signature');
  if (!inputHeader || !signatureHeader) return failure('missing_signature');
  let input: Member | undefined;
  let signature: Member | undefined;
  try {
    input = parseDictionary(inputHeader).get(SIGNATURE_LABEL);
    signature = parseDictionary(signatureHeader).get(SIGNATURE_LABEL);
  } catch {
    return failure('malformed_signature');
  }
  if (input === undefined && signature === undefined) return failure('missing_signature');
  if (input?.kind !== 'inner-list' || signature?.kind !== 'item')
    return failure('malformed_signature');
  if (signature.value.type !== 'bytes' || signature.params.length > 0)
    return failure('malformed_signature');

  let created: number | undefined;
  let expires: number | undefined;
  let keyId: string | undefined;
  let nonce: string | undefined;
  for (const [name, value] of input.params) {
    if (!ALLOWED_PARAMS.has(name)) return failure('malformed_signature');
    if (name === 'created' || name === 'expires') {
      if (value.type !== 'integer') return failure('malformed_signature');
      if (name === 'created') created = value.value;
      else expires = value.value;
    } else if (value.type !== 'string') return failure('malformed_signature');
    else if (name === 'keyid') keyId = value.value;
    else if (name === 'nonce') nonce = value.value;
    else if (value.value !== ALGORITHM) return failure('malformed_signature');
  }
  if (created === undefined || keyId === undefined || keyId === '' || !nonce)
    return failure('malformed_signature', keyId || undefined);

  const components: string[] = [];
  for (const item of input.items) {
    if (item.value.type !== 'string' || item.params.length > 0)
      return failure('malformed_signature', keyId);
    components.push(item.value.value);
  }
  const withBody = hasBody(request.body);
  if (!sameList(components, coveredComponents(withBody)))
    // A body added to, or stripped from, a signed request.
    return failure(
      sameList(components, coveredComponents(!withBody))
        ? 'digest_mismatch'
        : 'malformed_signature',
      keyId,
    );

  let target: Target;
  try {
    target = splitTarget(request.url);
  } catch {
    return failure('malformed_signature', keyId);
  }
  const values: string[] = [];
  for (const name of components) {
    const value = componentValue(name, request.method, target, fields);
    if (value === undefined)
      return failure(
        name === AUDIENCE_HEADER
          ? 'wrong_audience'
          : name === 'content-digest'
            ? 'digest_mismatch'
            : 'malformed_signature',
        keyId,
      );
    if (!isBaseSafe(value)) return failure('malformed_signature', keyId);
    values.push(value);
  }
  return {
    ok: true,
    keyId,
    base: buildSignatureBase(components, values, serializeInnerList(input)),
    created,
    expires,
    nonce,
    mac: signature.value.value,
    audience: values[3]!,
    digest: withBody ? values[5] : undefined,
  };
}

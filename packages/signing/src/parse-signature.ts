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

function failure(code: VerifyErrorCode, keyId?: string): Rejected {
  return keyId === undefined ? { ok: false, code } : { ok: false, code, keyId };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The `sig1` signature's fields, checked against the profile's parameter rules. */
export interface SignatureFields {
  readonly components: readonly string[];
  readonly created: number;
  readonly expires: number | undefined;
  readonly keyId: string;
  readonly nonce: string;
  readonly mac: Uint8Array;
  /** The `@signature-params` value: the inner list in canonical form. */
  readonly params: string;
}

type Rejected = Extract<ParsedSignature, { ok: false }>;
type FieldsResult = SignatureFields | Rejected;

// What this package's signer sends, matched in one step. Anything this
// accepts the general parser accepts with the same meaning, and its text is
// already canonical; everything else takes the general path.
const STRING = '[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]+';
const FAST_INPUT = new RegExp(
  `^sig1=(\\("@method" "@path" "@query" "${AUDIENCE_HEADER}"( "content-type" "content-digest")?\\)` +
    `;created=(0|[1-9]\\d{0,14});keyid="(${STRING})";alg="${ALGORITHM}";nonce="(${STRING})")$`,
);
const FAST_SIGNATURE = /^sig1=:([A-Za-z0-9+/]{43}=):$/;

/** The signer's own canonical form, read without the structured-field parser; `undefined` otherwise. */
export function readFieldsFast(input: string, signature: string): SignatureFields | undefined {
  const i = FAST_INPUT.exec(input);
  const s = FAST_SIGNATURE.exec(signature);
  if (i === null || s === null) return undefined;
  const mac = Buffer.from(s[1]!, 'base64');
  if (mac.toString('base64') !== s[1]) return undefined; // non-zero pad bits
  return {
    components: coveredComponents(i[2] !== undefined),
    created: Number(i[3]),
    expires: undefined,
    keyId: i[4]!,
    nonce: i[5]!,
    mac: new Uint8Array(mac.buffer, mac.byteOffset, mac.byteLength),
    params: i[1]!,
  };
}

/** Reads the `sig1` members with the general (strict) structured-field parser. */
export function readFieldsGeneral(inputHeader: string, signatureHeader: string): FieldsResult {
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
  return {
    components,
    created,
    expires,
    keyId,
    nonce,
    mac: signature.value.value,
    params: serializeInnerList(input),
  };
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
  const read =
    readFieldsFast(inputHeader, signatureHeader) ?? readFieldsGeneral(inputHeader, signatureHeader);
  if ('ok' in read) return read;
  const { components, created, expires, keyId, nonce, mac, params } = read;

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
    base: buildSignatureBase(components, values, params),
    created,
    expires,
    nonce,
    mac,
    audience: values[3]!,
    digest: withBody ? values[5] : undefined,
  };
}

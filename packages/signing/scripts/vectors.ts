/**
 * Builds the language-neutral test vectors in `vectors/*.json` from the
 * TypeScript signer, then checks every expected outcome against the verifier.
 * `pnpm --filter @portcullis/signing vectors`
 * rewrites the files; `src/vectors.test.ts` fails when they drift.
 */
import { createSigner } from '../src/signer';

/** One header line as sent: duplicates are separate lines. */
export type HeaderLine = readonly [name: string, value: string];

/** A vector's request, as a verifier receives it. */
export interface VectorRequest {
  readonly method: string;
  /** The raw request target (origin form). */
  readonly target: string;
  readonly headers: readonly HeaderLine[];
  /** Body bytes, base64; `null` when there is no body. */
  readonly bodyBase64: string | null;
}

/** A key as the verifier is configured with it. */
export interface VectorKey {
  readonly id: string;
  readonly secretBase64: string;
  readonly status: 'active' | 'verify-only' | 'revoked';
  /** Epoch seconds after which a verify-only key is revoked; `null` for none. */
  readonly verifyUntil: number | null;
}

/** One vector. */
export interface Vector {
  readonly name: string;
  readonly description: string;
  readonly request: VectorRequest;
  /** Verify the request this many times; the expectation is for the last one. */
  readonly verifications: number;
  readonly expected: {
    readonly ok: boolean;
    /** `null` when ok. */
    readonly error: string | null;
    /** The key id the request names, `null` when none could be read. */
    readonly keyId: string | null;
    /** The verifier's signature base, `null` when parsing stopped before one was built. */
    readonly signatureBase: string | null;
  };
}

/** A vectors file: the verifier configuration shared by its vectors, and the vectors. */
export interface VectorFile {
  readonly description: string;
  readonly verifier: {
    readonly audience: string;
    /** The verifier's clock, epoch seconds. */
    readonly now: number;
    readonly maxAgeSeconds: number;
    readonly maxFutureSkewSeconds: number;
    readonly keys: readonly VectorKey[];
  };
  readonly vectors: readonly Vector[];
}

const NOW = 1_767_225_600; // 2026-01-01T00:00:00Z
const secretOf = (label: string) => Buffer.from(`portcullis test vector secret: ${label}!`, 'utf8');
const KEYS: VectorKey[] = [
  {
    id: 'gateway-2026-01',
    secretBase64: secretOf('current').toString('base64'),
    status: 'active',
    verifyUntil: null,
  },
  {
    id: 'gateway-2025-12',
    secretBase64: secretOf('previous').toString('base64'),
    status: 'verify-only',
    verifyUntil: NOW + 3600,
  },
  {
    id: 'gateway-2025-11',
    secretBase64: secretOf('expired!').toString('base64'),
    status: 'verify-only',
    verifyUntil: NOW - 1,
  },
  {
    id: 'gateway-2025-06',
    secretBase64: secretOf('revoked!').toString('base64'),
    status: 'revoked',
    verifyUntil: null,
  },
];
export const VERIFIER = {
  audience: 'users',
  now: NOW,
  maxAgeSeconds: 300,
  maxFutureSkewSeconds: 30,
  keys: KEYS,
};

interface Draft {
  method?: string;
  target?: string;
  headers?: HeaderLine[];
  body?: Uint8Array;
  keyId?: string;
  secret?: Uint8Array;
  audience?: string;
  created?: number;
  nonce?: string;
}

/** Signs a draft request with the TypeScript signer; returns the header lines as sent. */
export function signDraft(draft: Draft): {
  method: string;
  target: string;
  headers: HeaderLine[];
  body: Uint8Array | undefined;
} {
  const method = draft.method ?? 'POST';
  const target = draft.target ?? '/v1/users';
  const body = draft.body;
  const headers: HeaderLine[] =
    draft.headers ?? (body ? [['content-type', 'application/json']] : []);
  const keyId = draft.keyId ?? 'gateway-2026-01';
  const signer = createSigner({
    keyId,
    secret:
      draft.secret ??
      Buffer.from(
        KEYS.find((k) => k.id === keyId)?.secretBase64 ?? KEYS[0]!.secretBase64,
        'base64',
      ),
    audience: draft.audience ?? 'users',
    now: () => (draft.created ?? NOW) * 1000,
    nonce: () => draft.nonce ?? 'bm9uY2UtMDAwMDAwMDE',
  });
  const combined: Record<string, string> = {};
  for (const [name, value] of headers)
    combined[name] = combined[name] === undefined ? value : `${combined[name]}, ${value}`;
  const added = signer.sign({ method, url: target, headers: combined, body });
  return {
    method,
    target,
    headers: [...headers, ...Object.entries(added).map(([n, v]) => [n.toLowerCase(), v] as const)],
    body,
  };
}

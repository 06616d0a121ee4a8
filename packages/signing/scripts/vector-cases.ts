import { outcomeOf, runVector } from './run-vector';
import { type HeaderLine, signDraft, VERIFIER, type Vector, type VectorFile } from './vectors';

type Signed = ReturnType<typeof signDraft>;
interface Case {
  readonly name: string;
  readonly description: string;
  readonly expect: string | null;
  readonly build: () => Signed;
  readonly verifications?: number;
}

const NOW = VERIFIER.now;
const JSON_BODY = new TextEncoder().encode('{"name":"Ada Lovelace","roles":["admin"]}');
const BINARY_BODY = new Uint8Array([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0x0a]);

const set = (s: Signed, name: string, value: string): Signed => ({
  ...s,
  headers: s.headers.map(([n, v]): HeaderLine => (n === name ? [n, value] : [n, v])),
});
const drop = (s: Signed, name: string): Signed => ({
  ...s,
  headers: s.headers.filter(([n]) => n !== name),
});
const add = (s: Signed, name: string, value: string): Signed => ({
  ...s,
  headers: [...s.headers, [name, value]],
});
const header = (s: Signed, name: string): string => s.headers.find(([n]) => n === name)![1];
const post = () => signDraft({ body: JSON_BODY });
const get = (target = '/v1/users/42?include=roles') => signDraft({ method: 'GET', target });

const POSITIVE: Case[] = [
  {
    name: 'get-without-body',
    description: 'GET with a query and no body: no content-digest, no content-type covered.',
    expect: null,
    build: () => get(),
  },
  {
    name: 'post-json',
    description: 'POST with a JSON body: content-type and content-digest covered.',
    expect: null,
    build: post,
  },
  {
    name: 'post-non-utf8-body',
    description: 'The digest covers bytes, whatever they encode.',
    expect: null,
    build: () =>
      signDraft({ body: BINARY_BODY, headers: [['content-type', 'application/octet-stream']] }),
  },
  {
    name: 'empty-query',
    description: 'A bare `?` and no query both give `@query: ?`.',
    expect: null,
    build: () => get('/v1/items?'),
  },
  {
    name: 'no-query',
    description: 'No query: `@query` is `?`.',
    expect: null,
    build: () => get('/v1/items'),
  },
  {
    name: 'dot-segments-kept',
    description: 'Paths are signed as sent: `//a/../b` is not normalised.',
    expect: null,
    build: () => get('//a/../b'),
  },
  {
    name: 'encoded-query',
    description: 'Percent-encoding is kept exactly as sent.',
    expect: null,
    build: () => get('/search?q=caf%C3%A9&path=%2Fetc&a=1&a=2'),
  },
  {
    name: 'verify-only-key-before-its-end',
    description: 'A verify-only key verifies until its end date.',
    expect: null,
    build: () => signDraft({ body: JSON_BODY, keyId: 'gateway-2025-12' }),
  },
  {
    name: 'header-name-case',
    description: 'Header names match case-insensitively.',
    expect: null,
    build: () => signDraft({ body: JSON_BODY, headers: [['Content-Type', 'application/json']] }),
  },
  {
    name: 'covered-value-whitespace-trimmed',
    description: 'Leading and trailing spaces of a field value are not part of it.',
    expect: null,
    build: () => set(post(), 'content-type', '  application/json \t'),
  },
  {
    name: 'duplicated-uncovered-header',
    description: 'Repeated headers that are not covered do not matter.',
    expect: null,
    build: () => add(add(post(), 'x-trace', 'a'), 'x-trace', 'b'),
  },
  {
    name: 'created-within-future-skew',
    description: '`created` 30 s ahead of the verifier is accepted.',
    expect: null,
    build: () => signDraft({ body: JSON_BODY, created: NOW + 30 }),
  },
  {
    name: 'created-at-max-age',
    description: '`created` exactly 300 s old is accepted.',
    expect: null,
    build: () => signDraft({ body: JSON_BODY, created: NOW - 300 }),
  },
];

const NEGATIVE: Case[] = [
  {
    name: 'no-signature-headers',
    description: 'Neither Signature-Input nor Signature.',
    expect: 'missing_signature',
    build: () => drop(drop(post(), 'signature'), 'signature-input'),
  },
  {
    name: 'signature-header-missing',
    description: 'Signature-Input without Signature.',
    expect: 'missing_signature',
    build: () => drop(post(), 'signature'),
  },
  {
    name: 'other-label-only',
    description: 'Only a signature under another label.',
    expect: 'missing_signature',
    build: () => {
      const s = post();
      return set(
        set(s, 'signature', header(s, 'signature').replace('sig1=', 'proxy=')),
        'signature-input',
        header(s, 'signature-input').replace('sig1=', 'proxy='),
      );
    },
  },
  {
    name: 'truncated-signature',
    description: 'The MAC cut to 16 bytes (length guard, no exception).',
    expect: 'signature_mismatch',
    build: () => {
      const s = post();
      const mac = Buffer.from(header(s, 'signature').slice(6, -1), 'base64');
      return set(s, 'signature', `sig1=:${mac.subarray(0, 16).toString('base64')}:`);
    },
  },
  {
    name: 'empty-signature',
    description: 'An empty byte sequence `sig1=::`.',
    expect: 'signature_mismatch',
    build: () => set(post(), 'signature', 'sig1=::'),
  },
  {
    name: 'signature-base64url',
    description: 'The MAC re-encoded as base64url is not a structured-field byte sequence.',
    expect: 'malformed_signature',
    build: () => {
      const s = post();
      const mac = Buffer.from(header(s, 'signature').slice(6, -1), 'base64');
      return set(s, 'signature', `sig1=:${mac.toString('base64url')}:`);
    },
  },
  {
    name: 'signature-pad-bits',
    description:
      'The last base64 character changed only in its pad bits: same bytes, non-canonical spelling.',
    expect: 'malformed_signature',
    build: () => {
      const s = post();
      const b64 = header(s, 'signature').slice(6, -1);
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
      const last = alphabet[alphabet.indexOf(b64.at(-2)!) + 1]!;
      return set(s, 'signature', `sig1=:${b64.slice(0, -2)}${last}=:`);
    },
  },
  {
    name: 'signature-as-string',
    description: 'The MAC sent as a string instead of a byte sequence.',
    expect: 'malformed_signature',
    build: () => {
      const s = post();
      return set(s, 'signature', `sig1="${header(s, 'signature').slice(6, -1)}"`);
    },
  },
  {
    name: 'lower-case-method',
    description: '`post` is not `POST`: methods are case-sensitive.',
    expect: 'signature_mismatch',
    build: () => ({ ...post(), method: 'post' }),
  },
  {
    name: 'upper-case-path',
    description: 'Paths are case-sensitive.',
    expect: 'signature_mismatch',
    build: () => ({ ...post(), target: '/V1/users' }),
  },
  {
    name: 'upper-case-key-id',
    description: 'Key ids are case-sensitive.',
    expect: 'unknown_key',
    build: () => {
      const s = post();
      return set(
        s,
        'signature-input',
        header(s, 'signature-input').replace('gateway-2026-01', 'GATEWAY-2026-01'),
      );
    },
  },
  {
    name: 'percent-encoding-case-changed',
    description: '`%c3%a9` is not `%C3%A9`.',
    expect: 'signature_mismatch',
    build: () => ({ ...get('/search?q=caf%C3%A9'), target: '/search?q=caf%c3%a9' }),
  },
  {
    name: 'query-reordered',
    description: 'Reordering query parameters breaks the signature.',
    expect: 'signature_mismatch',
    build: () => ({ ...get('/v1/users?a=1&b=2'), target: '/v1/users?b=2&a=1' }),
  },
  {
    name: 'query-re-encoded',
    description: '`%61` is not `a`.',
    expect: 'signature_mismatch',
    build: () => ({ ...get('/v1/users?name=a'), target: '/v1/users?name=%61' }),
  },
  {
    name: 'query-added',
    description: 'A query added to a request signed without one.',
    expect: 'signature_mismatch',
    build: () => ({ ...get('/v1/users'), target: '/v1/users?admin=1' }),
  },
  {
    name: 'dot-segments-resolved',
    description: 'Signed as `//a/../b`, received as `/b`.',
    expect: 'signature_mismatch',
    build: () => ({ ...get('//a/../b'), target: '/b' }),
  },
  {
    name: 'dot-segments-introduced',
    description: 'Signed as `/b`, received as `/a/../b`.',
    expect: 'signature_mismatch',
    build: () => ({ ...get('/b'), target: '/a/../b' }),
  },
  {
    name: 'duplicated-audience-header',
    description: 'Two audience lines are joined (`users, users`) and match no audience.',
    expect: 'wrong_audience',
    build: () => add(post(), 'portcullis-audience', 'users'),
  },
  {
    name: 'duplicated-content-type',
    description: 'Two content-type lines are joined and differ from what was signed.',
    expect: 'signature_mismatch',
    build: () => add(post(), 'content-type', 'application/json'),
  },
  {
    name: 'duplicated-signature-input',
    description: 'Two `sig1` members (from two header lines) are ambiguous.',
    expect: 'malformed_signature',
    build: () => {
      const s = post();
      return add(s, 'signature-input', header(s, 'signature-input'));
    },
  },
  {
    name: 'non-ascii-covered-header',
    description: 'Covered values must be printable ASCII.',
    expect: 'malformed_signature',
    build: () => set(post(), 'content-type', 'application/json; charset=\u00e9'),
  },
  {
    name: 'body-tampered',
    description: 'One byte of the body changed.',
    expect: 'digest_mismatch',
    build: () => ({
      ...post(),
      body: new TextEncoder().encode('{"name":"Ada Lovelace","roles":["admim"]}'),
    }),
  },
  {
    name: 'non-utf8-body-tampered',
    description: 'One bit of a binary body flipped.',
    expect: 'digest_mismatch',
    build: () => ({
      ...signDraft({ body: BINARY_BODY, headers: [['content-type', 'application/octet-stream']] }),
      body: new Uint8Array([0xff, 0xfe, 0x00, 0x81, 0xc3, 0x28, 0x0a]),
    }),
  },
  {
    name: 'body-stripped',
    description: 'The body removed from a signed POST.',
    expect: 'digest_mismatch',
    build: () => ({ ...post(), body: undefined }),
  },
  {
    name: 'body-added',
    description: 'A body added to a signed GET.',
    expect: 'digest_mismatch',
    build: () => ({ ...add(get(), 'content-type', 'application/json'), body: JSON_BODY }),
  },
  {
    name: 'digest-recomputed-for-tampered-body',
    description: 'Body and Content-Digest both replaced: the MAC no longer matches.',
    expect: 'signature_mismatch',
    build: () => {
      const body = new TextEncoder().encode('{"name":"Mallory"}');
      const forged = signDraft({ body });
      return { ...set(post(), 'content-digest', header(forged, 'content-digest')), body };
    },
  },
  {
    name: 'expired',
    description: '`created` 301 s old.',
    expect: 'expired',
    build: () => signDraft({ body: JSON_BODY, created: NOW - 301 }),
  },
  {
    name: 'not-yet-valid',
    description: '`created` 31 s in the future (one-sided windows accept these; we do not).',
    expect: 'not_yet_valid',
    build: () => signDraft({ body: JSON_BODY, created: NOW + 31 }),
  },
  {
    name: 'replayed',
    description: 'The same request verified twice: the second is a replay.',
    expect: 'replayed',
    build: post,
    verifications: 2,
  },
  {
    name: 'wrong-audience',
    description: 'Signed for `billing`, received by `users`.',
    expect: 'wrong_audience',
    build: () => signDraft({ body: JSON_BODY, audience: 'billing' }),
  },
  {
    name: 'unknown-key',
    description: 'A key id the verifier does not know.',
    expect: 'unknown_key',
    build: () =>
      signDraft({ body: JSON_BODY, keyId: 'gateway-1999-01', secret: Buffer.alloc(32, 7) }),
  },
  {
    name: 'revoked-key',
    description: 'A revoked key.',
    expect: 'revoked_key',
    build: () => signDraft({ body: JSON_BODY, keyId: 'gateway-2025-06' }),
  },
  {
    name: 'verify-only-key-after-its-end',
    description: 'A verify-only key past its end date counts as revoked.',
    expect: 'revoked_key',
    build: () => signDraft({ body: JSON_BODY, keyId: 'gateway-2025-11' }),
  },
  {
    name: 'wrong-secret',
    description: 'A known key id with another secret.',
    expect: 'signature_mismatch',
    build: () => signDraft({ body: JSON_BODY, secret: Buffer.alloc(32, 9) }),
  },
  {
    name: 'algorithm-from-request-refused',
    description: 'The algorithm comes from the key configuration: any other `alg` is refused.',
    expect: 'malformed_signature',
    build: () => {
      const s = post();
      return set(
        s,
        'signature-input',
        header(s, 'signature-input').replace('hmac-sha256', 'hmac-sha512'),
      );
    },
  },
  {
    name: 'component-omitted',
    description: 'Covered components are fixed by the profile; dropping `@query` is refused.',
    expect: 'malformed_signature',
    build: () => {
      const s = post();
      return set(s, 'signature-input', header(s, 'signature-input').replace(' "@query"', ''));
    },
  },
  {
    name: 'nonce-missing',
    description: 'A signature without a nonce.',
    expect: 'malformed_signature',
    build: () => {
      const s = post();
      return set(s, 'signature-input', header(s, 'signature-input').replace(/;nonce="[^"]*"/, ''));
    },
  },
  {
    name: 'created-tampered',
    description: '`created` moved by one second.',
    expect: 'signature_mismatch',
    build: () => {
      const s = post();
      return set(
        s,
        'signature-input',
        header(s, 'signature-input').replace(`created=${NOW}`, `created=${NOW - 1}`),
      );
    },
  },
];

async function toVector(c: Case): Promise<Vector> {
  const signed = c.build();
  const draft: Vector = {
    name: c.name,
    description: c.description,
    request: {
      method: signed.method,
      target: signed.target,
      headers: signed.headers,
      bodyBase64: signed.body === undefined ? null : Buffer.from(signed.body).toString('base64'),
    },
    verifications: c.verifications ?? 1,
    expected: { ok: c.expect === null, error: c.expect, keyId: null, signatureBase: null },
  };
  const file: VectorFile = { description: '', verifier: VERIFIER, vectors: [] };
  const outcome = outcomeOf(await runVector(file, draft));
  if (outcome.error !== c.expect)
    throw new Error(`vector ${c.name}: expected ${c.expect}, the verifier said ${outcome.error}`);
  return { ...draft, expected: outcome };
}

/** Builds `vectors/positive.json` and `vectors/negative.json`. */
export async function buildVectorFiles(): Promise<Record<string, VectorFile>> {
  const file = async (description: string, cases: Case[]): Promise<VectorFile> => ({
    description,
    verifier: VERIFIER,
    vectors: await Promise.all(cases.map(toVector)),
  });
  return {
    'positive.json': await file(
      'Requests a conforming verifier must accept (PROFILE.md).',
      POSITIVE,
    ),
    'negative.json': await file(
      'Requests a conforming verifier must reject, with the error code it must give (PROFILE.md).',
      NEGATIVE,
    ),
  };
}

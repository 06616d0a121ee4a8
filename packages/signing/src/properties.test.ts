import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSigner } from './signer';
import { createVerifier } from './verifier';

const secret = 'property test secret, 32 bytes or more';
const now = 1_767_225_600_000;

const tokenChars = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-._~'.split(''));
const segment = fc.string({ unit: tokenChars, minLength: 1, maxLength: 8 });
const requestArb = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
  path: fc.array(segment, { minLength: 0, maxLength: 4 }).map((s) => `/${s.join('/')}`),
  query: fc.option(
    fc
      .array(fc.tuple(segment, segment), { maxLength: 3 })
      .map((p) => p.map(([k, v]) => `${k}=${v}`).join('&')),
    { nil: undefined },
  ),
  body: fc.option(fc.uint8Array({ minLength: 1, maxLength: 64 }), { nil: undefined }),
  nonce: fc.string({ unit: tokenChars, minLength: 8, maxLength: 24 }),
  keyId: fc.constantFrom('gw-1', 'gw-2'),
});
type Drawn = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;
type Req = {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Uint8Array | undefined;
};

function signedRequest(r: Drawn): Req {
  const url = r.query === undefined ? r.path : `${r.path}?${r.query}`;
  const headers: Record<string, string> = r.body
    ? { 'content-type': 'application/octet-stream' }
    : {};
  const signer = createSigner({
    keyId: r.keyId,
    secret: `${r.keyId} ${secret}`,
    audience: 'users',
    now: () => now,
    nonce: () => r.nonce,
  });
  return {
    method: r.method,
    url,
    headers: { ...headers, ...signer.sign({ method: r.method, url, headers, body: r.body }) },
    body: r.body,
  };
}

const verifier = () =>
  createVerifier({
    keys: [
      { id: 'gw-1', secret: `gw-1 ${secret}` },
      { id: 'gw-2', secret: `gw-2 ${secret}` },
    ],
    audience: 'users',
    now: () => now,
  });

function flipByte(text: string, index: number, delta: number): string {
  const i = index % text.length;
  const code = ((text.charCodeAt(i) - 0x20 + delta) % 95) + 0x20; // stays printable ASCII
  return text.slice(0, i) + String.fromCharCode(code) + text.slice(i + 1);
}

/** Every covered part of a signed request, and how to change one byte of it. */
const mutations: Record<string, (r: Req, i: number, d: number) => Req | undefined> = {
  method: (r, i, d) => ({ ...r, method: flipByte(r.method, i, d) }),
  path: (r, i, d) => {
    const q = r.url.indexOf('?');
    const path = q === -1 ? r.url : r.url.slice(0, q);
    const changed = flipByte(path, i, d);
    if (changed[0] !== '/' || changed.includes('?')) return undefined;
    return { ...r, url: changed + (q === -1 ? '' : r.url.slice(q)) };
  },
  query: (r, i, d) => {
    const q = r.url.indexOf('?');
    if (q === -1 || q === r.url.length - 1) return undefined;
    return { ...r, url: r.url.slice(0, q + 1) + flipByte(r.url.slice(q + 1), i, d) };
  },
  body: (r, i, d) => {
    if (!r.body) return undefined;
    const body = Uint8Array.from(r.body);
    body[i % body.length] = (body[i % body.length]! + d) % 256;
    return { ...r, body };
  },
  audience: (r, i, d) => ({
    ...r,
    headers: { ...r.headers, 'Portcullis-Audience': flipByte('users', i, d) },
  }),
  contentType: (r, i, d) =>
    r.body && {
      ...r,
      headers: { ...r.headers, 'content-type': flipByte(r.headers['content-type']!, i, d) },
    },
  contentDigest: (r, i, d) =>
    r.body && {
      ...r,
      headers: { ...r.headers, 'Content-Digest': flipByte(r.headers['Content-Digest']!, i, d) },
    },
  signatureInputParams: (r, i, d) => {
    const input = r.headers['Signature-Input']!;
    const start = input.indexOf(';created=');
    const changed = input.slice(0, start) + flipByte(input.slice(start), i, d);
    return { ...r, headers: { ...r.headers, 'Signature-Input': changed } };
  },
  signature: (r, i, d) => ({
    ...r,
    headers: { ...r.headers, Signature: flipByte(r.headers.Signature!, i, d) },
  }),
};

describe('properties', () => {
  it('every signed request verifies (round trip)', async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        expect(await verifier().verify(signedRequest(r))).toMatchObject({
          ok: true,
          keyId: r.keyId,
        });
      }),
      { numRuns: 200 },
    );
  });

  it.each(Object.keys(mutations))('any single-byte change to the %s is rejected', async (part) => {
    await fc.assert(
      fc.asyncProperty(
        requestArb,
        fc.nat(200),
        fc.integer({ min: 1, max: 94 }),
        async (r, i, d) => {
          const original = signedRequest(r);
          const changed = mutations[part]!(original, i, d);
          fc.pre(changed !== undefined);
          expect((await verifier().verify(changed!)).ok).toBe(false);
        },
      ),
      { numRuns: 150 },
    );
  });
});

import { describe, expect, expectTypeOf, it } from 'vitest';
import { createSigner } from './signer';

const secret = 'a'.repeat(32);
const json = new TextEncoder().encode('{"a":1}');

/** The core service client's hook, as pinned in the issue. */
type SignRequestHook = (request: {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Uint8Array | undefined;
}) => Record<string, string>;

describe('createSigner', () => {
  it('returns Signature-Input, Signature, Content-Digest and the audience for a request with a body', () => {
    const signer = createSigner({
      keyId: 'k1',
      secret,
      audience: 'users',
      now: () => 1_700_000_000_500,
      nonce: () => 'n1',
    });
    const headers = signer.sign({
      method: 'POST',
      url: 'http://users.internal:8080/v1/users?x=1',
      headers: { 'content-type': 'application/json' },
      body: json,
    });
    expect(Object.keys(headers).sort()).toEqual([
      'Content-Digest',
      'Portcullis-Audience',
      'Signature',
      'Signature-Input',
    ]);
    expect(headers['Signature-Input']).toBe(
      'sig1=("@method" "@path" "@query" "portcullis-audience" "content-type" "content-digest");created=1700000000;keyid="k1";alg="hmac-sha256";nonce="n1"',
    );
    expect(headers.Signature).toMatch(/^sig1=:[A-Za-z0-9+/]{43}=:$/);
    expect(headers['Content-Digest']).toBe(
      'sha-256=:AVq9f1zFei3ZS3WQ8ErYCEJzkF7jPsXOvq5iJ2qX+GI=:',
    );
  });

  it('covers neither content-type nor a digest without a body, and treats an empty body as none', () => {
    const signer = createSigner({ keyId: 'k1', secret, audience: 'users' });
    for (const body of [undefined, new Uint8Array(0)]) {
      const headers = signer.sign({ method: 'GET', url: '/v1/users', headers: {}, body });
      expect(headers['Content-Digest']).toBeUndefined();
      expect(headers['Signature-Input']).toMatch(
        /^sig1=\("@method" "@path" "@query" "portcullis-audience"\);/,
      );
    }
  });

  it('takes the audience from the option, else the request header, else the URL host', () => {
    const sign = (audience: string | undefined, headers: Record<string, string>) =>
      createSigner({ keyId: 'k1', secret, audience }).sign({
        method: 'GET',
        url: 'http://billing:80/x',
        headers,
        body: undefined,
      })['Portcullis-Audience'];
    expect(sign('users', { 'Portcullis-Audience': 'other' })).toBe('users');
    expect(sign(undefined, { 'portcullis-audience': 'admin' })).toBe('admin');
    expect(sign(undefined, {})).toBe('billing');
    expect(() =>
      createSigner({ keyId: 'k1', secret }).sign({
        method: 'GET',
        url: '/x',
        headers: {},
        body: undefined,
      }),
    ).toThrow(TypeError);
  });

  it('uses a fresh random nonce for every request', () => {
    const signer = createSigner({ keyId: 'k1', secret, audience: 'users' });
    const nonces = new Set(
      Array.from(
        { length: 50 },
        () =>
          /nonce="([^"]+)"/.exec(
            signer.sign({ method: 'GET', url: '/', headers: {}, body: undefined })[
              'Signature-Input'
            ]!,
          )![1],
      ),
    );
    expect(nonces.size).toBe(50);
  });

  it('refuses a request with a body but no content-type, and non-ASCII covered values', () => {
    const signer = createSigner({ keyId: 'k1', secret, audience: 'users' });
    expect(() => signer.sign({ method: 'POST', url: '/x', headers: {}, body: json })).toThrow(
      /content-type/,
    );
    expect(() =>
      signer.sign({
        method: 'POST',
        url: '/x',
        headers: { 'content-type': 'text/plain; charset=é' },
        body: json,
      }),
    ).toThrow(/printable ASCII/);
  });

  it('signs the path and query of an absolute URL exactly as written, as undici sends them', () => {
    const signer = createSigner({
      keyId: 'k1',
      secret,
      audience: 'users',
      now: () => 0,
      nonce: () => 'n',
    });
    const sign = (url: string) =>
      signer.sign({ method: 'GET', url, headers: {}, body: undefined }).Signature;
    expect(sign('http://user:pw@users:8080/a/../b?q=%C3%A9#frag')).toBe(sign('/a/../b?q=%C3%A9'));
    expect(sign('https://users/')).toBe(sign('/'));
    expect(sign('https://users')).toBe(sign('/'));
    expect(sign('http://users/b')).not.toBe(sign('/a/../b'));
  });

  it('takes the audience from the URL host without userinfo, port or brackets', () => {
    const audienceOf = (url: string) =>
      createSigner({ keyId: 'k1', secret }).sign({
        method: 'GET',
        url,
        headers: {},
        body: undefined,
      })['Portcullis-Audience'];
    expect(audienceOf('http://svc:pw@Users.Internal:8080/x')).toBe('users.internal');
    expect(audienceOf('http://[::1]:8080/x')).toBe('::1');
  });

  it('refuses a URL that is neither absolute nor a path', () => {
    const signer = createSigner({ keyId: 'k1', secret, audience: 'users' });
    expect(() =>
      signer.sign({ method: 'GET', url: 'users/x', headers: {}, body: undefined }),
    ).toThrow(TypeError);
  });

  it.each([
    [
      'a 31-byte secret',
      { keyId: 'k', secret: 'a'.repeat(31) },
      /at least 32 bytes, got "31 bytes"/,
    ],
    ['an empty secret', { keyId: 'k', secret: new Uint8Array(0) }, /at least 32 bytes/],
    ['an empty key id', { keyId: '', secret }, /keyId/],
    ['a non-ASCII key id', { keyId: 'clé', secret }, /keyId/],
    ['an empty audience', { keyId: 'k', secret, audience: '' }, /audience/],
  ])('refuses %s at construction, without echoing the secret', (_label, options, message) => {
    expect(() => createSigner(options)).toThrow(message);
    try {
      createSigner(options);
    } catch (error) {
      expect((error as Error).message).not.toContain('a'.repeat(31));
    }
  });

  it('exposes sign as a bound function that fits the service client hook', () => {
    const { sign } = createSigner({ keyId: 'k1', secret, audience: 'users' });
    expect(sign({ method: 'GET', url: '/', headers: {}, body: undefined }).Signature).toMatch(
      /^sig1=/,
    );
    expectTypeOf(sign).toExtend<SignRequestHook>();
    const hook: SignRequestHook = sign;
    expect(typeof hook).toBe('function');
  });
});

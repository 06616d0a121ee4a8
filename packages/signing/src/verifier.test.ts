import diagnosticsChannel from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SIGNING_CHANNELS, type SigningSignEvent, type SigningVerifyEvent } from './channels';
import { isSignatureError } from './errors';
import { createMemoryNonceStore, type NonceStore } from './nonce-store';
import { createSigner } from './signer';
import { createVerifier, type VerifierOptions } from './verifier';

const current = 'current secret, thirty-two bytes long';
const previous = 'previous secret, thirty-two bytes long';
const body = new TextEncoder().encode('{"name":"Ada"}');

function signed(keyId = 'k2', secret = current, audience = 'users') {
  const request = {
    method: 'POST',
    url: '/v1/users',
    headers: { 'content-type': 'application/json' },
    body,
  };
  return {
    ...request,
    headers: { ...request.headers, ...createSigner({ keyId, secret, audience }).sign(request) },
  };
}

function verifier(overrides: Partial<VerifierOptions> = {}) {
  return createVerifier({
    keys: [
      { id: 'k2', secret: current },
      {
        id: 'k1',
        secret: previous,
        status: 'verify-only',
        verifyUntil: new Date('2026-01-01T01:00:00Z'),
      },
      { id: 'k0', secret: previous, status: 'revoked' },
    ],
    audience: 'users',
    ...overrides,
  });
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createVerifier', () => {
  it('accepts a signed request and names the key that verified', async () => {
    expect(await verifier().verify(signed())).toEqual({
      ok: true,
      keyId: 'k2',
      created: 1_767_225_600,
    });
  });

  it('rotates without downtime: a verify-only key verifies until its date, then counts as revoked', async () => {
    const v = verifier();
    expect(await v.verify(signed('k1', previous))).toMatchObject({ ok: true, keyId: 'k1' });
    vi.setSystemTime(new Date('2026-01-01T01:00:01Z'));
    expect(await v.verify(signed('k1', previous))).toMatchObject({
      ok: false,
      code: 'revoked_key',
    });
    expect(await v.verify(signed('k0', previous))).toMatchObject({
      ok: false,
      code: 'revoked_key',
    });
  });

  it('accepts requests up to maxAgeSeconds old and rejects them one second later', async () => {
    const request = signed();
    vi.setSystemTime(new Date('2026-01-01T00:05:00Z'));
    expect(await verifier().verify(request)).toMatchObject({ ok: true });
    vi.setSystemTime(new Date('2026-01-01T00:05:01Z'));
    expect(await verifier().verify(request)).toMatchObject({ ok: false, code: 'expired' });
  });

  it('rejects requests created further ahead than maxFutureSkewSeconds', async () => {
    vi.setSystemTime(new Date('2026-01-01T00:00:11Z'));
    const request = signed();
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    expect(await verifier({ maxFutureSkewSeconds: 10 }).verify(request)).toMatchObject({
      ok: false,
      code: 'not_yet_valid',
    });
    expect(await verifier({ maxFutureSkewSeconds: 11 }).verify(request)).toMatchObject({
      ok: true,
    });
  });

  it('accepts any of several audiences and nothing else', async () => {
    const v = verifier({ audience: ['users', 'users-v2'] });
    expect(await v.verify(signed('k2', current, 'users-v2'))).toMatchObject({ ok: true });
    expect(await v.verify(signed('k2', current, 'billing'))).toMatchObject({
      ok: false,
      code: 'wrong_audience',
    });
  });

  it('records a nonce only after the MAC verifies, so forgeries cannot burn nonces', async () => {
    const claims: string[] = [];
    const store: NonceStore = {
      claim: (key) => {
        claims.push(key);
        return true;
      },
    };
    const v = verifier({ nonceStore: store });
    const request = signed();
    const forged = {
      ...request,
      headers: {
        ...request.headers,
        Signature: 'sig1=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:',
      },
    };
    expect(await v.verify(forged)).toMatchObject({ ok: false, code: 'signature_mismatch' });
    expect(claims).toEqual([]);
    expect(await v.verify(request)).toMatchObject({ ok: true });
    expect(claims).toHaveLength(1);
    expect(claims[0]).toMatch(/^k2:/);
  });

  it('remembers nonces for the whole window (maxAge + skew) and rejects the replay', async () => {
    const ttls: number[] = [];
    const seen = new Set<string>();
    const store: NonceStore = {
      claim: (key, ttl) => {
        ttls.push(ttl);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      },
    };
    const v = verifier({ nonceStore: store, maxAgeSeconds: 60, maxFutureSkewSeconds: 5 });
    const request = signed();
    expect(await v.verify(request)).toMatchObject({ ok: true });
    expect(await v.verify(request)).toMatchObject({ ok: false, code: 'replayed' });
    expect(ttls).toEqual([65_000, 65_000]);
  });

  it('fails closed with a retryable 503 SignatureError when the nonce store fails', async () => {
    const cause = new Error('ECONNREFUSED');
    const v = verifier({ nonceStore: { claim: () => Promise.reject(cause) } });
    const error = await v.verify(signed()).catch((e: unknown) => e);
    expect(isSignatureError(error, 'nonce_store_unavailable')).toBe(true);
    expect(error).toMatchObject({ httpStatus: 503, retryable: true, cause });
  });

  it('fails closed as well when the memory store is full of live nonces', async () => {
    const v = verifier({ nonceStore: createMemoryNonceStore({ maxEntries: 1 }) });
    expect(await v.verify(signed())).toMatchObject({ ok: true });
    await expect(v.verify(signed())).rejects.toMatchObject({ code: 'nonce_store_unavailable' });
  });

  it('returns its signature base only in debug mode', async () => {
    const request = signed();
    expect(await verifier().verify(request)).not.toHaveProperty('signatureBase');
    const tampered = { ...request, method: 'PUT' };
    const result = await verifier({ debug: true }).verify(tampered);
    expect(result).toMatchObject({ ok: false, code: 'signature_mismatch' });
    expect(result.signatureBase?.split('\n')[0]).toBe('"@method": PUT');
  });

  it('publishes outcome, key id, error code and duration on portcullis:signing:* channels', async () => {
    const verifies: SigningVerifyEvent[] = [];
    const signs: SigningSignEvent[] = [];
    const onVerify = (m: unknown) => verifies.push(m as SigningVerifyEvent);
    const onSign = (m: unknown) => signs.push(m as SigningSignEvent);
    diagnosticsChannel.subscribe(SIGNING_CHANNELS.verify, onVerify);
    diagnosticsChannel.subscribe(SIGNING_CHANNELS.sign, onSign);
    try {
      const v = verifier();
      const request = signed();
      await v.verify(request);
      await v.verify(request);
      await v.verify({ ...request, headers: {} });
    } finally {
      diagnosticsChannel.unsubscribe(SIGNING_CHANNELS.verify, onVerify);
      diagnosticsChannel.unsubscribe(SIGNING_CHANNELS.sign, onSign);
    }
    expect(SIGNING_CHANNELS).toEqual({
      verify: 'portcullis:signing:verify',
      sign: 'portcullis:signing:sign',
    });
    expect(signs).toEqual([{ keyId: 'k2', durationMs: expect.any(Number) }]);
    expect(verifies).toEqual([
      { outcome: 'valid', keyId: 'k2', durationMs: expect.any(Number) },
      { outcome: 'invalid', keyId: 'k2', errorCode: 'replayed', durationMs: expect.any(Number) },
      { outcome: 'invalid', errorCode: 'missing_signature', durationMs: expect.any(Number) },
    ]);
  });

  it('verifies concurrently: of many copies of one request exactly one passes', async () => {
    const v = verifier();
    const request = signed();
    const results = await Promise.all(Array.from({ length: 20 }, () => v.verify(request)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it.each([
    ['no keys', { keys: [] }, /keys/],
    [
      'a 31-byte secret',
      { keys: [{ id: 'k', secret: 'x'.repeat(31) }] },
      /keys\[0\]\.secret.*at least 32 bytes, got "31 bytes"/,
    ],
    [
      'duplicate key ids',
      {
        keys: [
          { id: 'k', secret: current },
          { id: 'k', secret: previous },
        ],
      },
      /unique/,
    ],
    [
      'an unknown status',
      { keys: [{ id: 'k', secret: current, status: 'paused' as 'active' }] },
      /status/,
    ],
    ['an empty audience', { audience: '' }, /audience/],
    ['a negative maxAgeSeconds', { maxAgeSeconds: -1 }, /maxAgeSeconds/],
    ['a non-finite skew', { maxFutureSkewSeconds: Number.NaN }, /maxFutureSkewSeconds/],
  ])('refuses %s at construction', (_label, overrides, message) => {
    expect(() => verifier(overrides as Partial<VerifierOptions>)).toThrow(message);
  });
});

import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerifyErrorCode } from './errors';
import { verifySignature } from './http';
import { createSigner } from './signer';
import { createVerifier } from './verifier';

const secret = 'http test secret, thirty-two bytes+';
const signer = createSigner({ keyId: 'gw', secret, audience: 'users' });
const rejected: VerifyErrorCode[] = [];
let server: Server;
let origin: string;

beforeAll(async () => {
  const verifier = createVerifier({ keys: [{ id: 'gw', secret }], audience: 'users' });
  server = createServer(
    verifySignature(
      verifier,
      (_req, res, { keyId, body }) => {
        res.end(`${keyId}:${body.toString('utf8')}`);
      },
      { maxBodyBytes: 1024, onRejected: (result) => rejected.push(result.code) },
    ),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends raw header lines (duplicates allowed) with node:http. */
function send(path: string, method: string, lines: [string, string][], body?: Uint8Array) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const headers: Record<string, string[]> = {};
    for (const [name, value] of lines)
      headers[name.toLowerCase()] = [...(headers[name.toLowerCase()] ?? []), value];
    const req = httpRequest(`${origin}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

function signedLines(path: string, method: string, body?: Uint8Array): [string, string][] {
  const base: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
  return Object.entries({
    ...base,
    ...signer.sign({ method, url: `${origin}${path}`, headers: base, body }),
  });
}

describe('verifySignature (node:http)', () => {
  it('answers 500 and reports the error when the handler throws, and 503 when the nonce store fails', async () => {
    const errors: unknown[] = [];
    const failing = createServer(
      verifySignature(
        createVerifier({
          keys: [{ id: 'gw', secret }],
          audience: 'users',
          nonceStore: {
            claim: (key) => (key.endsWith('x') ? Promise.reject(new Error('down')) : true),
          },
        }),
        () => {
          throw new Error('handler bug');
        },
        { onError: (error) => errors.push(error) },
      ),
    );
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    const port = (failing.address() as AddressInfo).port;
    try {
      const call = async (nonce: string) => {
        const nonceSigner = createSigner({
          keyId: 'gw',
          secret,
          audience: 'users',
          nonce: () => nonce,
        });
        const headers = nonceSigner.sign({
          method: 'GET',
          url: `http://127.0.0.1:${port}/x`,
          headers: {},
          body: undefined,
        });
        return (await fetch(`http://127.0.0.1:${port}/x`, { headers })).status;
      };
      expect(await call('nonce-a')).toBe(500);
      expect(await call('nonce-x')).toBe(503);
      expect(errors.map((e) => (e as Error).message)).toEqual([
        'handler bug',
        'The nonce store did not answer',
      ]);
    } finally {
      await new Promise<void>((resolve) => failing.close(() => resolve()));
    }
  });

  it('runs the handler with the key id and the raw body for a signed request', async () => {
    const body = new TextEncoder().encode('{"name": "Ada" }');
    expect(
      await send('/v1/users?x=1', 'POST', signedLines('/v1/users?x=1', 'POST', body), body),
    ).toEqual({
      status: 200,
      text: 'gw:{"name": "Ada" }',
    });
  });

  it('answers an opaque 401 to a tampered body and reports the reason to onRejected only', async () => {
    const body = new TextEncoder().encode('{"amount":1}');
    const response = await send(
      '/pay',
      'POST',
      signedLines('/pay', 'POST', body),
      new TextEncoder().encode('{"amount":9}'),
    );
    expect(response).toEqual({ status: 401, text: 'Unauthorized' });
    expect(rejected.at(-1)).toBe('digest_mismatch');
  });

  it('sees repeated header lines joined, so a duplicated audience is rejected', async () => {
    const lines = signedLines('/v1/me', 'GET');
    lines.push(['Portcullis-Audience', 'users']);
    expect((await send('/v1/me', 'GET', lines)).status).toBe(401);
    expect(rejected.at(-1)).toBe('wrong_audience');
  });

  it('rejects unsigned requests and answers 413 past maxBodyBytes', async () => {
    expect((await send('/v1/me', 'GET', [])).status).toBe(401);
    expect(rejected.at(-1)).toBe('missing_signature');
    const big = new Uint8Array(2048).fill(0x61);
    expect((await send('/big', 'POST', signedLines('/big', 'POST', big), big)).status).toBe(413);
  });
});

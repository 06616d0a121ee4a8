import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerifyErrorCode } from '../src/index';
import { createUsersService } from './fastify';
import { newVerifier, signedFetch } from './frameworks.shared';

const rejected: VerifyErrorCode[] = [];
const app = createUsersService(newVerifier(), (code) => rejected.push(code));
let origin: string;

beforeAll(async () => {
  await app.listen({ port: 0, host: '127.0.0.1' });
  origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterAll(() => app.close());

describe('Fastify 5 example', () => {
  it('accepts a signed JSON POST whose spacing JSON.stringify would not reproduce', async () => {
    const response = await signedFetch(origin, '/v1/users', '{ "name" : "Ada",  "id": 1 }');
    expect(response.status).toBe(201);
    expect(JSON.parse(response.text)).toEqual({ created: { name: 'Ada', id: 1 }, by: 'gateway-1' });
  });

  it('accepts a signed GET with a path parameter and a query', async () => {
    const response = await signedFetch(origin, '/v1/users/42?fields=name');
    expect(JSON.parse(response.text)).toEqual({ id: '42', by: 'gateway-1' });
  });

  it('answers an opaque 401 to a tampered body', async () => {
    const tampered = await signedFetch(origin, '/v1/users', '{"name":"Ada"}', (sent) => {
      sent.body = '{"name":"Eve"}';
    });
    expect({ status: tampered.status, text: tampered.text }).toEqual({
      status: 401,
      text: 'Unauthorized',
    });
    expect(rejected.at(-1)).toBe('digest_mismatch');
  });

  it('answers 401 to a signature moved to another path, and to a replay', async () => {
    const moved = await signedFetch(origin, '/v1/users/42', undefined, (sent) => {
      sent.path = '/v1/users/43';
    });
    expect(moved.status).toBe(401);
    expect(rejected.at(-1)).toBe('signature_mismatch');
    const first = await signedFetch(origin, '/v1/users', '{"name":"Ada"}');
    expect(first.status).toBe(201);
    expect((await first.replay()).status).toBe(401);
    expect(rejected.at(-1)).toBe('replayed');
  });

  it('answers 401 to an unsigned request', async () => {
    expect((await fetch(`${origin}/v1/users/42`)).status).toBe(401);
    expect(rejected.at(-1)).toBe('missing_signature');
  });
});

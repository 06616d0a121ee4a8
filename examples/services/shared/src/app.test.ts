import { createSigner } from '@portcullis/signing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createServiceApp, type LogLine } from './app';
import { HttpError } from './errors';
import { route } from './router';
import { listen, type RunningService } from './serve';
import { signedClient } from './testing';

const SECRET = 'test-secret-of-at-least-32-bytes!!';
const logs: LogLine[] = [];
const app = createServiceApp({
  name: 'echo',
  keys: [{ id: 'gw-1', secret: SECRET }],
  log: (line) => logs.push(line),
  routes: [
    route('GET', '/v1/things/:id', ({ params, query, keyId, requestId }) => ({
      status: 200,
      body: { id: params.id, q: query.get('q'), keyId, requestId },
    })),
    route('POST', '/v1/things', ({ json }) => {
      const input = json(z.object({ name: z.string().min(1) }));
      if (input.name === 'taken') throw new HttpError(409, 'conflict', 'name is taken');
      return { status: 201, body: { created: input.name } };
    }),
  ],
});
let service: RunningService;
beforeAll(async () => {
  service = await listen(app);
});
afterAll(() => service.close());

const client = () =>
  signedClient({ baseUrl: service.url, keyId: 'gw-1', secret: SECRET, audience: 'echo-service' });

describe('createServiceApp', () => {
  it('routes a signed call with decoded params, the key id and the request id', async () => {
    const response = await client().request('GET', '/v1/things/a%20b?q=1', undefined, {
      'x-request-id': 'rid-7',
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id: 'a b', q: '1', keyId: 'gw-1', requestId: 'rid-7' });
    expect(response.headers.get('x-request-id')).toBe('rid-7');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('rejects an unsigned call with an opaque 401 and logs the reason', async () => {
    logs.length = 0;
    const response = await fetch(`${service.url}/v1/things/1`);
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('Unauthorized');
    expect(logs).toEqual([
      expect.objectContaining({
        service: 'echo',
        event: 'signature_rejected',
        code: expect.any(String),
      }),
    ]);
    expect(JSON.stringify(logs)).not.toContain(SECRET);
  });

  it('rejects a tampered body, a replay, a wrong audience and a stale signature', async () => {
    const url = `${service.url}/v1/things`;
    const headers = { 'content-type': 'application/json' };
    const sign = (body: string, options: { audience?: string; now?: () => number } = {}) =>
      createSigner({ keyId: 'gw-1', secret: SECRET, audience: 'echo-service', ...options }).sign({
        method: 'POST',
        url,
        headers,
        body: new TextEncoder().encode(body),
      });
    const post = (signature: Record<string, string>, body: string) =>
      fetch(url, { method: 'POST', headers: { ...headers, ...signature }, body });

    expect((await post(sign('{"name":"a"}'), '{"name":"admin"}')).status).toBe(401);
    const once = sign('{"name":"b"}');
    expect((await post(once, '{"name":"b"}')).status).toBe(201);
    expect((await post(once, '{"name":"b"}')).status).toBe(401);
    expect(
      (await post(sign('{"name":"c"}', { audience: 'users-service' }), '{"name":"c"}')).status,
    ).toBe(401);
    const old = () => Date.now() - 10 * 60 * 1000;
    expect((await post(sign('{"name":"d"}', { now: old }), '{"name":"d"}')).status).toBe(401);
  });

  it('answers JSON errors: validation issues, invalid JSON, route errors, 404 and 405', async () => {
    const c = client();
    const invalid = await c.request('POST', '/v1/things', { name: '' });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({
      error: { code: 'validation_failed', details: [{ path: 'name' }] },
    });
    expect((await c.request('POST', '/v1/things', { name: 'taken' })).body).toMatchObject({
      error: { code: 'conflict', message: 'name is taken' },
    });
    expect((await c.request('GET', '/v1/nothing')).status).toBe(404);
    expect((await c.request('DELETE', '/v1/things/1')).status).toBe(405);
  });

  it('serves /health and /ready without a signature, and drains on close', async () => {
    expect((await fetch(`${service.url}/health`)).status).toBe(200);
    expect((await fetch(`${service.url}/ready`)).status).toBe(200);
    const other = await listen(
      createServiceApp({
        name: 'x',
        keys: [{ id: 'k', secret: SECRET }],
        routes: [],
        log: () => {},
      }),
    );
    const closing = other.close();
    await closing;
    await expect(fetch(`${other.url}/health`)).rejects.toThrow();
  });
});

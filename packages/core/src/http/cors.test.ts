import { afterEach, describe, expect, it } from 'vitest';
import { cors } from './cors';
import { createHttpPipeline } from './pipeline';
import { sendJson } from './response';
import { listen } from './test-server';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function serve(options: Parameters<typeof cors>[0]) {
  const server = await listen(
    createHttpPipeline([cors(options)], (_req, res) => sendJson(res, 200, { ok: true })),
  );
  close = server.close;
  return server.url;
}

const ADMIN = 'https://admin.example.com';

describe('cors', () => {
  it('allows a listed origin on a simple request and always varies on Origin', async () => {
    const url = await serve({ origins: [ADMIN] });
    const response = await fetch(url, { headers: { origin: 'HTTPS://admin.example.com' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('HTTPS://admin.example.com');
    expect(response.headers.get('access-control-expose-headers')).toBe('x-request-id');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('vary')).toBe('Origin');
  });

  it('sends no CORS headers to an unlisted origin, nor to "null", but still answers', async () => {
    const url = await serve({ origins: [ADMIN] });
    for (const origin of [
      'https://evil.example',
      'null',
      'https://admin.example.com.evil.example',
    ]) {
      const response = await fetch(url, { headers: { origin } });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(response.headers.get('vary')).toBe('Origin');
    }
  });

  it('answers an allowed preflight with 204, methods, headers, max-age and credentials', async () => {
    const url = await serve({ origins: [ADMIN], credentials: true, methods: ['GET', 'POST'] });
    const response = await fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin: ADMIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'Content-Type, X-Request-Id',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ADMIN);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(response.headers.get('access-control-allow-headers')).toBe(
      'content-type, authorization, x-request-id',
    );
    expect(response.headers.get('access-control-max-age')).toBe('600');
    expect(response.headers.get('vary')).toBe(
      'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    );
  });

  it('refuses preflights with 403 for an unlisted origin, method or header', async () => {
    const url = await serve({ origins: (origin) => origin === ADMIN });
    const cases: Record<string, string>[] = [
      { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      { origin: ADMIN, 'access-control-request-method': 'DELETE' },
      {
        origin: ADMIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-secret',
      },
    ];
    for (const headers of cases) {
      const response = await fetch(url, { method: 'OPTIONS', headers });
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('passes a plain OPTIONS request (no preflight) to the handler', async () => {
    const url = await serve({ origins: [ADMIN] });
    const response = await fetch(url, { method: 'OPTIONS' });
    expect(response.status).toBe(200);
  });

  it('rejects wildcards, paths and bad tokens at construction', () => {
    expect(() => cors({ origins: ['*'] })).toThrow(TypeError);
    expect(() => cors({ origins: ['https://a.example/path'] })).toThrow(TypeError);
    expect(() => cors({ origins: [ADMIN], methods: ['GET POST'] })).toThrow(TypeError);
    expect(() => cors({ origins: [ADMIN], maxAgeSeconds: 1.5 })).toThrow(
      'Expected `maxAgeSeconds` to be a non-negative integer, got 1.5',
    );
  });
});

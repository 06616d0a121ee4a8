import { afterEach, describe, expect, it } from 'vitest';
import { createHttpPipeline } from './pipeline';
import { resolveSecurityHeaders, securityHeaders } from './security-headers';
import { listen } from './test-server';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('securityHeaders', () => {
  it('sets HSTS, nosniff, a JSON-API CSP, frame and referrer policies on every response', async () => {
    const server = await listen(createHttpPipeline([securityHeaders()]));
    close = server.close;
    const response = await fetch(`${server.url}/anything`);
    expect(response.status).toBe(404);
    expect(response.headers.get('strict-transport-security')).toBe(
      'max-age=31536000; includeSubDomains',
    );
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('removes Server and X-Powered-By even when the handler sets them, in every writeHead form', async () => {
    const server = await listen(
      createHttpPipeline([securityHeaders()], (req, res) => {
        res.setHeader('X-Powered-By', 'Express');
        if (req.url === '/object') res.writeHead(200, { Server: 'nginx', 'x-kept': 'yes' });
        else if (req.url === '/raw') res.writeHead(200, ['Server', 'nginx', 'X-Kept', 'yes']);
        else res.setHeader('server', 'nginx');
        res.end('ok');
      }),
    );
    close = server.close;
    for (const path of ['/object', '/raw', '/implicit']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.headers.get('server'), path).toBeNull();
      expect(response.headers.get('x-powered-by'), path).toBeNull();
      if (path !== '/implicit') expect(response.headers.get('x-kept'), path).toBe('yes');
      expect(await response.text()).toBe('ok');
    }
  });

  it('leaves out headers switched off and honours custom values', () => {
    const headers = Object.fromEntries(
      resolveSecurityHeaders({
        hsts: { maxAgeSeconds: 60, includeSubDomains: false, preload: true },
        contentSecurityPolicy: false,
        frameOptions: 'SAMEORIGIN',
        referrerPolicy: false,
      }),
    );
    expect(headers).toEqual({
      'x-content-type-options': 'nosniff',
      'strict-transport-security': 'max-age=60; preload',
      'x-frame-options': 'SAMEORIGIN',
    });
  });

  it('rejects invalid options at construction', () => {
    expect(() => securityHeaders({ hsts: { maxAgeSeconds: -1 } })).toThrow(
      'Expected `hsts.maxAgeSeconds` to be a non-negative integer, got -1',
    );
    expect(() => securityHeaders({ contentSecurityPolicy: 'a\r\nb' })).toThrow(TypeError);
    expect(() => securityHeaders({ frameOptions: 'ALLOW' as 'DENY' })).toThrow(TypeError);
    expect(() => securityHeaders({ removeHeaders: [''] })).toThrow(TypeError);
  });
});

import { rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpPipeline, requestId, securityHeaders, sendJson } from '@portcullis/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EdgeConfig, httpsCall, nginxTest, startNginx, writeEdgeConfig } from './edge';

/** A real node:http server standing in for the gateway behind nginx. */
interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}
const seen: Seen[] = [];
const upstream = createServer(
  createHttpPipeline([requestId(), securityHeaders()], async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    seen.push({
      method: req.method,
      url: req.url,
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    });
    res.setHeader('x-powered-by', 'stand-in');
    sendJson(res, 200, { ok: true });
  }),
);

let allowed: EdgeConfig;
let denied: EdgeConfig;
const stops: Array<() => Promise<void>> = [];

beforeAll(async () => {
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const port = (upstream.address() as AddressInfo).port;
  allowed = await writeEdgeConfig(port, true);
  denied = await writeEdgeConfig(port, false);
  stops.push((await startNginx(allowed)).stop, (await startNginx(denied)).stop);
}, 60_000);

afterAll(async () => {
  await Promise.all(stops.map((stop) => stop()));
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
  for (const config of [allowed, denied])
    if (config) rmSync(config.dir, { recursive: true, force: true });
});

const update = JSON.stringify({ update_id: 1, message: { message_id: 1, text: '/start' } });
const webhookHeaders = {
  'content-type': 'application/json',
  'x-telegram-bot-api-secret-token': 'test-secret',
};

describe('nginx edge config', () => {
  it('passes nginx -t with TLS material in place', async () => {
    const output = await nginxTest(allowed);
    expect(output).toContain('syntax is ok');
    expect(output).toContain('test is successful');
  });

  it('proxies a webhook POST over TLS, overwriting forwarded headers and hiding X-Powered-By', async () => {
    seen.length = 0;
    const response = await httpsCall(allowed, '/telegram/webhook', {
      method: 'POST',
      headers: { ...webhookHeaders, 'x-forwarded-for': '6.6.6.6', 'x-request-id': 'forged id' },
      body: update,
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ ok: true });
    expect(response.headers['strict-transport-security']).toBe(
      'max-age=31536000; includeSubDomains',
    );
    expect(response.headers['x-powered-by']).toBeUndefined();
    expect(response.headers.server).toBe('nginx'); // server_tokens off: no version
    expect(seen).toHaveLength(1);
    const [call] = seen;
    expect(call).toMatchObject({ method: 'POST', url: '/telegram/webhook', body: update });
    expect(call?.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(call?.headers['x-forwarded-proto']).toBe('https');
    expect(call?.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(response.headers['x-request-id']).toBe(call?.headers['x-request-id']);
  });

  it('refuses webhooks from networks outside the Telegram allow-list', async () => {
    seen.length = 0;
    const response = await httpsCall(denied, '/telegram/webhook', {
      method: 'POST',
      headers: webhookHeaders,
      body: update,
    });
    expect(response.status).toBe(403);
    expect(seen).toHaveLength(0);
  });

  it('refuses webhooks without the secret header and with other methods', async () => {
    seen.length = 0;
    const noSecret = await httpsCall(allowed, '/telegram/webhook', {
      method: 'POST',
      body: update,
    });
    const get = await httpsCall(allowed, '/telegram/webhook');
    expect(noSecret.status).toBe(403);
    expect(get.status).toBe(403);
    expect(seen).toHaveLength(0);
  });

  it('publishes /health but keeps /ready, /metrics and every other path private', async () => {
    seen.length = 0;
    expect((await httpsCall(allowed, '/health')).status).toBe(200);
    for (const path of ['/ready', '/metrics', '/', '/telegram/webhook/../../metrics', '/admin']) {
      const response = await httpsCall(allowed, path);
      expect(response.status, path).toBe(404);
      expect(response.headers['strict-transport-security'], path).toBe(
        'max-age=31536000; includeSubDomains',
      );
    }
    expect(seen.map((s) => s.url)).toEqual(['/health']);
  });

  it('answers its own container health check on the loopback port, without the gateway', async () => {
    seen.length = 0;
    const response = await fetch(`http://127.0.0.1:${allowed.healthPort}/nginx-health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    expect((await fetch(`http://127.0.0.1:${allowed.healthPort}/health`)).status).toBe(404);
    expect(seen).toHaveLength(0);
  });

  it('redirects plain HTTP to HTTPS', async () => {
    const response = await new Promise<{ status: number; location: string | undefined }>(
      (resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: allowed.httpPort,
            path: '/telegram/webhook',
            headers: { host: 'bot.example.com' },
          },
          (res) => {
            res.resume();
            resolve({ status: res.statusCode ?? 0, location: res.headers.location });
          },
        );
        req.once('error', reject);
        req.end();
      },
    );
    expect(response).toEqual({ status: 301, location: 'https://bot.example.com/telegram/webhook' });
  });

  it('rejects bodies over 1 MB with 413 before they reach the gateway', async () => {
    seen.length = 0;
    const response = await httpsCall(allowed, '/telegram/webhook', {
      method: 'POST',
      headers: {
        ...webhookHeaders,
        'content-length': String(2 * 1024 * 1024),
        connection: 'close',
      },
      body: '{}',
    }).catch((error: Error) => ({ status: -1, body: error.message, headers: {} }));
    expect(response.status).toBe(413);
    expect(seen).toHaveLength(0);
  });

  it('rate-limits /health at the edge with 429 after the burst', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 30; index++)
      statuses.push((await httpsCall(denied, '/health')).status);
    const passed = statuses.filter((status) => status === 200).length;
    expect(passed).toBeGreaterThanOrEqual(10);
    expect(passed).toBeLessThan(30);
    expect(statuses.filter((status) => status === 429).length).toBe(30 - passed);
  });
});

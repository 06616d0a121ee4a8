import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
// The README's "HTTP helpers" example, kept compiling and running here.
import {
  cors,
  createHealthHandler,
  createHttpPipeline,
  getRequestId,
  requestId,
  securityHeaders,
  sendJson,
} from '../index';

it('runs the README example: every response carries the id and security headers', async () => {
  const redis = { ping: async () => 'PONG' };
  // --- README start
  const health = createHealthHandler({
    checks: { redis: () => redis.ping(), users: { check: () => redis.ping(), timeoutMs: 500 } },
  });
  const app = createHttpPipeline(
    [requestId(), securityHeaders(), cors({ origins: ['https://admin.example.com'] }), health],
    (req, res) => sendJson(res, 200, { hello: 'world', requestId: getRequestId(req) }),
  );
  const server = (await import('node:http')).createServer(app).listen(0, '127.0.0.1');
  // --- README end (the README also calls health.drain() on SIGTERM)
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}/ready`);
  expect(response.status).toBe(200);
  expect(response.headers.get('x-request-id')).not.toBeNull();
  expect(response.headers.get('strict-transport-security')).not.toBeNull();
  health.drain();
  expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(503);
  await new Promise((resolve) => server.close(resolve));
});

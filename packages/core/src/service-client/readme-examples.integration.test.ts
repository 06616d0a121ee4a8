import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createCircuitBreaker } from '../resilience/circuit-breaker';
import { policy } from '../resilience/policy';
import { retry } from '../resilience/retry';
import { timeout } from '../resilience/timeout';
import { createServiceClient } from './service-client';
import { json, startTestServer, type TestServer } from './test-server';

// The README's examples, with the base URL of a local server.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer((req, res) =>
    req.method === 'GET' ? json(res, 200, { id: 42, name: 'Ada' }) : json(res, 201, { ok: true }),
  );
});
afterAll(() => server.close());

describe('README examples', () => {
  it('resilience: policy(retry, breaker, timeout) around fetch', async () => {
    const breaker = createCircuitBreaker({
      name: 'users',
      window: { type: 'time', sizeMs: 30_000 },
    });
    const resilient = policy(
      retry({ maxAttempts: 3, jitter: 'decorrelated', budgetMs: 5_000 }),
      breaker,
      timeout({ timeoutMs: 1_000 }),
    );
    const response = await resilient.execute((signal) =>
      fetch(`${server.url}/users/42`, { signal }),
    );
    expect(await response.json()).toEqual({ id: 42, name: 'Ada' });
  });

  it('service client: typed GET with a schema, then a POST', async () => {
    server.requests.length = 0;
    const User = z.object({ id: z.number(), name: z.string() });
    const users = createServiceClient({
      name: 'users',
      baseUrl: `${server.url}/api`,
      timeoutMs: 2_000,
    });
    const { data } = await users.get('/users/:id', {
      params: { id: 42 },
      schema: User,
      requestId: 'req-1',
    });
    expectTypeOf(data).toEqualTypeOf<{ id: number; name: string }>(); // inferred from the schema
    await users.post('/users/:id/requests', {
      params: { id: data.id },
      body: { kind: 'vacation' },
    });
    await users.close();
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /api/users/42',
      'POST /api/users/42/requests',
    ]);
  });
});

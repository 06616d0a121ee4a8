import { listen, type RunningService, signedClient } from '@portcullis/example-service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestsService } from './app';

const SECRET = 'requests-test-secret-at-least-32-bytes';
let service: RunningService;
beforeAll(async () => {
  service = await listen(
    createRequestsService({ keys: [{ id: 'gw', secret: SECRET }], log: () => {} }),
  );
});
afterAll(() => service.close());
const client = () =>
  signedClient({ baseUrl: service.url, keyId: 'gw', secret: SECRET, audience: 'requests-service' });
const body = {
  telegramId: 42,
  category: 'electrical',
  description: 'No power in the kitchen',
  location: 'Flat 3',
  urgency: 'critical',
};

describe('request-service over HTTP', () => {
  it('creates, lists with paging and reads requests', async () => {
    const created = await client().request<{ id: string; status: string }>(
      'POST',
      '/v1/requests',
      body,
    );
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('pending');
    await client().request('POST', '/v1/requests', { ...body, description: 'Second request text' });
    const page = await client().request('GET', '/v1/requests?telegramId=42&limit=1&offset=1');
    expect(page.body).toMatchObject({
      total: 2,
      limit: 1,
      offset: 1,
      items: [{ id: created.body.id }],
    });
    expect((await client().request('GET', `/v1/requests/${created.body.id}`)).status).toBe(200);
    expect((await client().request('GET', '/v1/requests/12345')).status).toBe(404);
    expect((await client().request('GET', '/v1/requests?limit=500')).status).toBe(400);
  });

  it('makes a retried POST with the same Idempotency-Key return the first request', async () => {
    const headers = { 'idempotency-key': 'conv-42-abcdef' };
    const first = await client().request<{ id: string }>('POST', '/v1/requests', body, headers);
    const retry = await client().request<{ id: string }>('POST', '/v1/requests', body, headers);
    expect([first.status, retry.status]).toEqual([201, 200]);
    expect(retry.body.id).toBe(first.body.id);
    const reused = await client().request(
      'POST',
      '/v1/requests',
      { ...body, urgency: 'low' },
      headers,
    );
    expect(reused.status).toBe(422);
    expect(
      (await client().request('POST', '/v1/requests', body, { 'idempotency-key': 'short' })).status,
    ).toBe(400);
  });

  it('approves a pending request once and answers 409 afterwards', async () => {
    const created = await client().request<{ id: string }>('POST', '/v1/requests', body);
    const path = `/v1/requests/${created.body.id}/decision`;
    const approved = await client().request('POST', path, {
      decision: 'approve',
      adminTelegramId: 1001,
    });
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: 1001 });
    const again = await client().request('POST', path, {
      decision: 'reject',
      adminTelegramId: 1001,
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      error: { code: 'not_pending', details: { status: 'approved' } },
    });
  });

  it('validates the conversation output and rejects unsigned calls', async () => {
    const bad = await client().request('POST', '/v1/requests', {
      ...body,
      category: 'magic',
      description: 'short',
    });
    expect(bad.status).toBe(400);
    expect((await fetch(`${service.url}/v1/requests`)).status).toBe(401);
    expect((await fetch(`${service.url}/ready`)).status).toBe(200);
  });
});

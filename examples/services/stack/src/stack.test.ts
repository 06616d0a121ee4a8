import { signedClient } from '@portcullis/example-service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExampleServices, SERVICE_NAMES, startExampleServices } from './stack';

const SECRET = 'stack-test-secret-of-at-least-32-bytes';
let services: ExampleServices;
beforeAll(async () => {
  services = await startExampleServices({
    keys: [{ id: 'gw', secret: SECRET }],
    adminTelegramIds: [1001],
  });
});
afterAll(() => services.close());
const client = (name: 'users' | 'requests' | 'shifts' | 'admin') =>
  signedClient({
    baseUrl: services.urls[name],
    keyId: 'gw',
    secret: SECRET,
    audience: services.audiences[name],
  });

describe('startExampleServices', () => {
  it('runs all four services, each verifying signatures for its own audience', async () => {
    for (const name of SERVICE_NAMES) {
      expect((await fetch(`${services.urls[name]}/ready`)).status, name).toBe(200);
    }
    expect(
      (await client('users').request('POST', '/v1/users', { telegramId: 5, name: 'Ada' })).status,
    ).toBe(201);
    expect((await client('admin').request('GET', '/v1/admins/1001')).body).toMatchObject({
      isAdmin: true,
    });
    const shifts = await client('shifts').request<{ items: unknown[] }>(
      'GET',
      '/v1/shifts?telegramId=5',
    );
    expect(shifts.body.items).toHaveLength(3);
    // a call signed for users-service is refused by requests-service
    const wrongAudience = signedClient({
      baseUrl: services.urls.requests,
      keyId: 'gw',
      secret: SECRET,
      audience: 'users-service',
    });
    expect((await wrongAudience.request('GET', '/v1/requests')).status).toBe(401);
  });

  it('simulates an outage: stop refuses connections, start recovers on the same URL with the same data', async () => {
    const created = await client('requests').request<{ id: string }>('POST', '/v1/requests', {
      telegramId: 5,
      category: 'it',
      description: 'Monitor flickers all day',
      location: 'Desk 4',
      urgency: 'low',
    });
    await services.stop('requests');
    expect(services.isRunning('requests')).toBe(false);
    await expect(fetch(`${services.urls.requests}/health`)).rejects.toThrow();
    await services.start('requests');
    expect((await fetch(`${services.urls.requests}/ready`)).status).toBe(200);
    expect(
      (await client('requests').request('GET', `/v1/requests/${created.body.id}`)).status,
    ).toBe(200);
  });
});

import { listen, type RunningService, signedClient } from '@portcullis/example-service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUsersService } from './app';

const SECRET = 'users-test-secret-at-least-32-bytes';
let service: RunningService;
beforeAll(async () => {
  service = await listen(
    createUsersService({ keys: [{ id: 'gw', secret: SECRET }], log: () => {} }),
  );
});
afterAll(() => service.close());
const client = () =>
  signedClient({ baseUrl: service.url, keyId: 'gw', secret: SECRET, audience: 'users-service' });

describe('users-service', () => {
  it('registers a user once and returns the same user on a second /start', async () => {
    const first = await client().request('POST', '/v1/users', { telegramId: 42, name: 'Ada' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ telegramId: 42, name: 'Ada', phone: null });
    const again = await client().request('POST', '/v1/users', {
      telegramId: 42,
      name: 'Ada L.',
      phone: '+441234567',
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      id: (first.body as { id: string }).id,
      name: 'Ada L.',
      phone: '+441234567',
    });
  });

  it('looks users up by Telegram id and by id, 404 otherwise', async () => {
    const created = await client().request<{ id: string }>('POST', '/v1/users', {
      telegramId: 7,
      name: 'Bo',
    });
    expect((await client().request('GET', '/v1/users/by-telegram/7')).body).toMatchObject({
      name: 'Bo',
    });
    expect((await client().request('GET', `/v1/users/${created.body.id}`)).status).toBe(200);
    expect((await client().request('GET', '/v1/users/by-telegram/999')).status).toBe(404);
    expect((await client().request('GET', '/v1/users/by-telegram/abc')).status).toBe(404);
  });

  it('validates registrations', async () => {
    const bad = await client().request('POST', '/v1/users', {
      telegramId: -1,
      name: '',
      phone: 'call me',
    });
    expect(bad.status).toBe(400);
    const paths = (bad.body as { error: { details: { path: string }[] } }).error.details.map(
      (d) => d.path,
    );
    expect(paths.sort()).toEqual(['name', 'phone', 'telegramId']);
  });

  it('rejects unsigned and tampered calls', async () => {
    expect((await fetch(`${service.url}/v1/users/by-telegram/42`)).status).toBe(401);
    const forged = await fetch(`${service.url}/v1/users`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        signature: 'sig1=:AAAA:',
        'signature-input': 'sig1=()',
      },
      body: JSON.stringify({ telegramId: 1, name: 'Mallory' }),
    });
    expect(forged.status).toBe(401);
  });
});

describe('README example', () => {
  it('runs as written', async () => {
    // --- README start (examples/services/README.md, "Use from code")
    const secret = 'a-secret-of-at-least-thirty-two-bytes';
    const users = await listen(createUsersService({ keys: [{ id: 'gateway-dev', secret }] })); // 127.0.0.1, free port
    const client = signedClient({
      baseUrl: users.url,
      keyId: 'gateway-dev',
      secret,
      audience: 'users-service',
    });
    const created = await client.request('POST', '/v1/users', { telegramId: 42, name: 'Ada' }); // status 201
    await users.close();
    // --- README end
    expect(created.status).toBe(201);
  });
});

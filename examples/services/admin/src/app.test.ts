import { listen, type RunningService, signedClient } from '@portcullis/example-service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminService } from './app';
import { createAuditLog } from './audit-log';

const SECRET = 'admin-test-secret-at-least-32-bytes!';
let service: RunningService;
beforeAll(async () => {
  service = await listen(
    createAdminService({
      keys: [{ id: 'gw', secret: SECRET }],
      adminTelegramIds: [1001],
      log: () => {},
    }),
  );
});
afterAll(() => service.close());
const client = () =>
  signedClient({ baseUrl: service.url, keyId: 'gw', secret: SECRET, audience: 'admin-service' });

describe('admin-service', () => {
  it('says who is an admin', async () => {
    expect((await client().request('GET', '/v1/admins/1001')).body).toEqual({
      telegramId: 1001,
      isAdmin: true,
    });
    expect((await client().request('GET', '/v1/admins/2002')).body).toEqual({
      telegramId: 2002,
      isAdmin: false,
    });
  });

  it('records admin actions newest first and refuses actions by non-admins', async () => {
    const entry = {
      actorTelegramId: 1001,
      action: 'approve',
      targetType: 'request',
      targetId: '17',
    };
    expect((await client().request('POST', '/v1/audit', entry)).status).toBe(201);
    expect(
      (
        await client().request('POST', '/v1/audit', {
          ...entry,
          action: 'reject',
          targetId: '18',
          note: 'dup',
        })
      ).status,
    ).toBe(201);
    const refused = await client().request('POST', '/v1/audit', {
      ...entry,
      actorTelegramId: 2002,
    });
    expect(refused.status).toBe(403);
    const listed = await client().request<{ items: { targetId: string; note: string | null }[] }>(
      'GET',
      '/v1/audit?limit=5',
    );
    expect(listed.body.items.map((i) => [i.targetId, i.note])).toEqual([
      ['18', 'dup'],
      ['17', null],
    ]);
    expect((await client().request('GET', '/v1/audit?limit=500')).status).toBe(400);
  });

  it('rejects unsigned calls', async () => {
    expect((await fetch(`${service.url}/v1/admins/1001`)).status).toBe(401);
  });
});

describe('createAuditLog', () => {
  it('keeps only the newest entries beyond its bound', () => {
    const log = createAuditLog({ maxEntries: 2 });
    for (const id of ['a', 'b', 'c'])
      log.append({
        actorTelegramId: 1,
        action: 'approve',
        targetType: 'request',
        targetId: id,
        note: null,
      });
    expect(log.latest(10).map((e) => e.targetId)).toEqual(['c', 'b']);
  });
});

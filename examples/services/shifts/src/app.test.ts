import { listen, type RunningService, signedClient } from '@portcullis/example-service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShiftsService } from './app';
import { createMemoryShiftStore } from './store';

const SECRET = 'shifts-test-secret-at-least-32-bytes';
const NOW = new Date('2026-03-02T12:00:00Z');
let service: RunningService;
beforeAll(async () => {
  const store = createMemoryShiftStore({
    now: () => NOW,
    demoSchedule: true,
    seed: [
      {
        telegramId: 5,
        startsAt: '2026-03-04T09:00:00Z',
        endsAt: '2026-03-04T17:00:00Z',
        location: 'B',
        role: 'Cook',
      },
      {
        telegramId: 5,
        startsAt: '2026-03-03T09:00:00Z',
        endsAt: '2026-03-03T17:00:00Z',
        location: 'A',
        role: 'Cook',
      },
      {
        telegramId: 5,
        startsAt: '2026-02-01T09:00:00Z',
        endsAt: '2026-02-01T17:00:00Z',
        location: 'old',
        role: 'Cook',
      },
      {
        telegramId: 5,
        startsAt: '2026-03-20T09:00:00Z',
        endsAt: '2026-03-20T17:00:00Z',
        location: 'far',
        role: 'Cook',
      },
    ],
  });
  service = await listen(
    createShiftsService({
      keys: [{ id: 'gw', secret: SECRET }],
      store,
      now: () => NOW,
      log: () => {},
    }),
  );
});
afterAll(() => service.close());
const client = () =>
  signedClient({ baseUrl: service.url, keyId: 'gw', secret: SECRET, audience: 'shifts-service' });

describe('shifts-service', () => {
  it("lists a worker's shifts of the next 7 days, earliest first", async () => {
    const response = await client().request<{ items: { location: string }[] }>(
      'GET',
      '/v1/shifts?telegramId=5',
    );
    expect(response.status).toBe(200);
    expect(response.body.items.map((s) => s.location)).toEqual(['A', 'B']);
    const wide = await client().request<{ items: unknown[] }>(
      'GET',
      '/v1/shifts?telegramId=5&days=31',
    );
    expect(wide.body.items).toHaveLength(3);
  });

  it('gives a worker without shifts a demo schedule when enabled', async () => {
    const response = await client().request<{ items: { startsAt: string }[] }>(
      'GET',
      '/v1/shifts?telegramId=77',
    );
    expect(response.body.items.map((s) => s.startsAt)).toEqual([
      '2026-03-03T09:00:00.000Z',
      '2026-03-04T09:00:00.000Z',
      '2026-03-05T09:00:00.000Z',
    ]);
  });

  it('creates shifts and validates them', async () => {
    const created = await client().request('POST', '/v1/shifts', {
      telegramId: 9,
      startsAt: '2026-03-03T08:00:00Z',
      endsAt: '2026-03-03T16:00:00Z',
      location: 'Gate',
      role: 'Guard',
    });
    expect(created.status).toBe(201);
    const bad = await client().request('POST', '/v1/shifts', {
      telegramId: 9,
      startsAt: '2026-03-03T16:00:00Z',
      endsAt: '2026-03-03T08:00:00Z',
      location: 'Gate',
      role: 'Guard',
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      error: { details: [{ path: 'endsAt', message: 'must be after startsAt' }] },
    });
    expect((await client().request('GET', '/v1/shifts?telegramId=x')).status).toBe(400);
  });

  it('rejects unsigned calls', async () => {
    expect((await fetch(`${service.url}/v1/shifts?telegramId=5`)).status).toBe(401);
  });
});

import type { ServiceClient } from '@portcullis/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBackends } from './backends';

const backends = createBackends({
  urls: {
    users: 'http://127.0.0.1:9',
    requests: 'http://127.0.0.1:9',
    shifts: 'http://127.0.0.1:9',
    admin: 'http://127.0.0.1:9',
  },
  signing: { keyId: 'gw', secret: 'a gateway secret of at least 32 bytes!!' },
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Answers every call of `client` without the network, recording what it was asked. */
function stub(client: ServiceClient, data: unknown) {
  const answer = async () => ({ status: 200, headers: {}, data });
  return [
    vi.spyOn(client, 'get').mockImplementation(answer),
    vi.spyOn(client, 'post').mockImplementation(answer),
  ];
}

describe('createBackends', () => {
  // zod compiles a schema on its first parse: a schema built per call was
  // compiled per call, about 2% of the gateway's CPU under load for /shifts.
  it('validates every call with a schema built once, not one per call', async () => {
    const spies = [
      ...stub(backends.clients.users, { id: 'u', telegramId: 1, name: 'Ada' }),
      ...stub(backends.clients.shifts, { items: [] }),
      ...stub(backends.clients.admin, { telegramId: 1, isAdmin: false }),
      ...stub(backends.clients.requests, { items: [], total: 0, limit: 5, offset: 0 }),
    ];
    for (let round = 0; round < 2; round++) {
      await backends.findUser(1);
      await backends.listShifts(1);
      await backends.isAdmin(1);
      await backends.listRequests({ telegramId: 1, limit: 5, offset: 0 });
    }
    const schemas = spies.flatMap((spy) =>
      spy.mock.calls.map((call) => (call[1] as { schema?: unknown } | undefined)?.schema),
    );
    expect(schemas).toHaveLength(8);
    expect(new Set(schemas).size).toBe(4);
    await backends.close();
  });
});

import { expect, it } from 'vitest';
import type { NewRequest, RequestStore } from './model';

/** What every request store must do; run against memory and a real PostgreSQL. */
export function requestStoreContract(
  makeStore: () => Promise<RequestStore>,
  timeoutMs = 5000,
): void {
  const input = (telegramId: number, description = 'The tap in room 4 leaks'): NewRequest => ({
    telegramId,
    category: 'plumbing',
    description,
    location: 'Room 4',
    urgency: 'high',
  });

  it(
    'creates pending requests with ids and timestamps',
    async () => {
      const store = await makeStore();
      const outcome = await store.create(input(1));
      expect(outcome.kind).toBe('created');
      if (outcome.kind !== 'created') return;
      expect(outcome.request).toMatchObject({
        ...input(1),
        status: 'pending',
        decidedBy: null,
        decisionNote: null,
      });
      expect(outcome.request.id).toMatch(/^[1-9]\d*$/);
      expect(await store.get(outcome.request.id)).toEqual(outcome.request);
      expect(await store.get('999999')).toBeUndefined();
      expect(await store.get('not-an-id')).toBeUndefined();
    },
    timeoutMs,
  );

  it(
    'replays an idempotency key with the same body and refuses it with another',
    async () => {
      const store = await makeStore();
      const first = await store.create(input(2), 'key-aaaaaaaa');
      const again = await store.create(input(2), 'key-aaaaaaaa');
      expect(again).toEqual({
        kind: 'replayed',
        request: first.kind === 'created' ? first.request : undefined,
      });
      expect(await store.create(input(2, 'A different description'), 'key-aaaaaaaa')).toEqual({
        kind: 'key_conflict',
      });
      expect((await store.list({ telegramId: 2, limit: 10, offset: 0 })).total).toBe(1);
    },
    timeoutMs,
  );

  it(
    'lists newest first with a filter, a page and the total',
    async () => {
      const store = await makeStore();
      for (let index = 0; index < 7; index++)
        await store.create(input(3, `Request number ${index} here`));
      await store.create(input(4));
      const page = await store.list({ telegramId: 3, limit: 3, offset: 3 });
      expect(page.total).toBe(7);
      expect(page.items.map((r) => r.description)).toEqual([
        'Request number 3 here',
        'Request number 2 here',
        'Request number 1 here',
      ]);
      expect(
        (await store.list({ telegramId: 3, status: 'approved', limit: 5, offset: 0 })).total,
      ).toBe(0);
    },
    timeoutMs,
  );

  it(
    'decides a pending request once; a second decision and unknown ids are refused',
    async () => {
      const store = await makeStore();
      const created = await store.create(input(5));
      if (created.kind !== 'created') throw new Error('not created');
      const decided = await store.decide(created.request.id, 'approved', 1001, 'ok');
      expect(decided).toMatchObject({
        kind: 'decided',
        request: { status: 'approved', decidedBy: 1001, decisionNote: 'ok' },
      });
      expect(await store.decide(created.request.id, 'rejected', 1002, null)).toMatchObject({
        kind: 'not_pending',
        request: { status: 'approved' },
      });
      expect(await store.decide('424242', 'approved', 1, null)).toEqual({ kind: 'not_found' });
      expect(
        (await store.list({ status: 'approved', limit: 50, offset: 0 })).items.map((r) => r.id),
      ).toContain(created.request.id);
    },
    timeoutMs,
  );

  it(
    'lets exactly one of two concurrent decisions win',
    async () => {
      const store = await makeStore();
      const created = await store.create(input(6));
      if (created.kind !== 'created') throw new Error('not created');
      const outcomes = await Promise.all([
        store.decide(created.request.id, 'approved', 1, null),
        store.decide(created.request.id, 'rejected', 2, null),
      ]);
      expect(outcomes.map((o) => o.kind).sort()).toEqual(['decided', 'not_pending']);
    },
    timeoutMs,
  );
}

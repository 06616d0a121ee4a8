import { type PostgresServer, startPostgres } from '@portcullis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestStore } from './model';
import { createPostgresRequestStore } from './postgres-store';
import { requestStoreContract } from './store-contract';

let server: PostgresServer;
const stores: RequestStore[] = [];
let database = 0;

beforeAll(async () => {
  server = await startPostgres({ password: 'requests-test' });
}, 60_000);
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await server?.stop();
});

/** A fresh database per test, so tests do not see each other's rows. */
async function freshStore(): Promise<RequestStore> {
  const url = await server.createDatabase(`requests_${++database}`);
  const store = await createPostgresRequestStore(url, { max: 4 });
  stores.push(store);
  return store;
}

describe('PostgreSQL request store (real PostgreSQL)', () => {
  requestStoreContract(freshStore, 30_000);

  it('keeps requests across store restarts (they are in the database, not in memory)', async () => {
    const name = `requests_${++database}`;
    const url = await server.createDatabase(name);
    const first = await createPostgresRequestStore(url);
    const created = await first.create({
      telegramId: 9,
      category: 'it',
      description: 'Laptop will not boot',
      location: 'Desk 12',
      urgency: 'normal',
    });
    await first.close();
    const second = await createPostgresRequestStore(url);
    stores.push(second);
    expect(created.kind).toBe('created');
    if (created.kind === 'created')
      expect(await second.get(created.request.id)).toEqual(created.request);
    expect(await server.query('SELECT count(*) FROM service_requests', name)).toBe('1');
  }, 30_000);

  it('fails readiness when the database is unreachable', async () => {
    const store = await freshStore();
    await store.ping();
    const other = await startPostgres();
    const doomed = await createPostgresRequestStore(other.url, { max: 1 });
    await other.stop();
    await expect(doomed.ping()).rejects.toThrow();
    await doomed.close();
  }, 30_000);
});

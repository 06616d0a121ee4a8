import { readFileSync } from 'node:fs';
import { readServiceConfig, runService } from '@portcullis/example-service-kit';
import { createRequestsService } from './app';
import { createMemoryRequestStore } from './memory-store';
import { createPostgresRequestStore } from './postgres-store';

const config = readServiceConfig('requests');
const databaseUrl =
  process.env.DATABASE_URL ||
  (process.env.DATABASE_URL_FILE ? readFileSync(process.env.DATABASE_URL_FILE, 'utf8').trim() : '');
const store = databaseUrl
  ? await createPostgresRequestStore(databaseUrl)
  : createMemoryRequestStore();
await runService(createRequestsService({ keys: config.keys, audience: config.audience, store }), {
  ...config,
  onClose: () => store.close(),
});

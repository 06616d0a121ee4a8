// A polling worker in its own process, so a test can kill it with SIGKILL
// mid-batch. Prints `started <id>` and `handled <id>` lines.
import { Redis } from 'ioredis';
import { createApiClient } from '../client/api-client';
import { createPoller } from './polling';
import { createRedisDedupStore } from './redis-dedup';
import { createUpdatePipeline } from './update-pipeline';

const env = process.env;
const redis = new Redis(Number(env.REDIS_PORT), '127.0.0.1');
const api = createApiClient({ token: env.BOT_TOKEN!, apiRoot: env.API_ROOT! });
const dedup = createRedisDedupStore({
  redis,
  prefix: env.DEDUP_PREFIX!,
  leaseMs: Number(env.LEASE_MS),
});
const pipeline = createUpdatePipeline({
  dedup,
  handler: async (update) => {
    process.stdout.write(`started ${update.update_id}\n`);
    if (update.message?.text === 'hang') await new Promise(() => {});
    process.stdout.write(`handled ${update.update_id}\n`);
  },
});
void createPoller({ api, pipeline, timeoutSeconds: 1, busyRetryMs: 20 }).start();

/**
 * Run in a child process by the leak test: exercises success, timeout,
 * retries and an open breaker against the URL in argv[2], prints `done` and
 * then does nothing. The process must exit on its own: no timer, socket or
 * breaker may keep it alive (the client is deliberately not closed).
 */
import { createServiceClient } from './service-client';

const users = createServiceClient({
  name: 'users',
  baseUrl: process.argv[2]!,
  timeoutMs: 100,
  keepAliveTimeoutMs: 60_000,
  retry: { initialDelayMs: 1, maxDelayMs: 5 },
  breaker: { minimumCalls: 2, openMs: 60_000 },
});

await users.get('/ok');
await users.get('/hang').catch(() => undefined);
await users.get('/fail').catch(() => undefined);
await users.get('/fail').catch(() => undefined);
console.log(`done ${users.breaker?.state}`);

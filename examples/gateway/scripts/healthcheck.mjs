#!/usr/bin/env node
// Container health check without curl or wget: exits 0 when the liveness
// endpoint answers 2xx within the timeout, 1 otherwise. Used by the
// Dockerfile's HEALTHCHECK and docker-compose.production.yml.
//
//   node healthcheck.mjs [url]   default http://127.0.0.1:$PORT/health (PORT default 8080)
//   HEALTHCHECK_TIMEOUT_MS       default 3000
const port = process.env.PORT || '8080';
const url = process.argv[2] || `http://127.0.0.1:${port}/health`;
const timeoutMs = Number(process.env.HEALTHCHECK_TIMEOUT_MS || 3000);

try {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  await response.body?.cancel();
  if (response.status >= 200 && response.status < 300) process.exit(0);
  console.error(`healthcheck: ${url} answered ${response.status}`);
} catch (error) {
  console.error(`healthcheck: ${url} failed: ${error instanceof Error ? error.message : error}`);
}
process.exit(1);

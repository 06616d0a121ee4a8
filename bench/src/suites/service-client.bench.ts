import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServiceClient, type ServiceClient } from '@portcullis/core';
import { Pool } from 'undici';
import type { BenchSuite } from '../harness';

const CONNECTIONS = 8;
const payload = JSON.stringify({ id: 42, name: 'Ada', roles: ['admin', 'user'] });
let server: Server | undefined;
let origin = '';
let pool: Pool | undefined;
let full: ServiceClient | undefined;
let bare: ServiceClient | undefined;
let sink: unknown;

async function startServer(): Promise<void> {
  if (server) return;
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': payload.length });
    res.end(payload);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function stopServer(): Promise<void> {
  const closing = server;
  server = undefined;
  if (!closing) return;
  closing.closeAllConnections();
  await new Promise((resolve) => closing.close(resolve));
}

/**
 * A local keep-alive JSON server in the same process; every case parses the
 * JSON body. The limit is a plain `undici.request` on a Pool with the same
 * number of connections; the Portcullis client adds route templating, headers,
 * retry + breaker + bulkhead + timeout and an instrumentation event per call.
 */
export const serviceClientSuite: BenchSuite = {
  title: 'Service client vs plain undici.request',
  reference: 'undici.request (limit)',
  concurrency: 16,
  note: 'Goal: the full policy stack costs under 15% (ratio >= 0.85x).',
  cases: [
    {
      name: 'undici.request (limit)',
      setup: async () => {
        await startServer();
        pool = new Pool(origin, { connections: CONNECTIONS });
      },
      fn: async () => {
        const { body } = await pool!.request({
          path: '/users/42',
          method: 'GET',
          headers: { accept: 'application/json' },
        });
        sink = await body.json();
      },
      teardown: async () => {
        await pool?.close();
        await stopServer();
      },
    },
    {
      name: 'portcullis client, full stack',
      setup: async () => {
        await startServer();
        full = createServiceClient({ name: 'users', baseUrl: origin, connections: CONNECTIONS });
      },
      fn: async () => {
        sink = (await full!.get('/users/:id', { params: { id: 42 } })).data;
      },
      teardown: () => full?.close(),
    },
    {
      name: 'portcullis client, deadline only',
      setup: async () => {
        await startServer();
        bare = createServiceClient({
          name: 'users-bare',
          baseUrl: origin,
          connections: CONNECTIONS,
          retry: false,
          breaker: false,
          bulkhead: false,
        });
      },
      fn: async () => {
        sink = (await bare!.get('/users/:id', { params: { id: 42 } })).data;
      },
      teardown: () => bare?.close(),
    },
  ],
};

export function serviceClientSink(): unknown {
  return sink;
}

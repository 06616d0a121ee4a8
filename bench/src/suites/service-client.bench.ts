import { type ChildProcess, spawn } from 'node:child_process';
import { createServiceClient, type ServiceClient } from '@portcullis/core';
import { Pool } from 'undici';
import type { BenchSuite } from '../harness';

const CONNECTIONS = 8;
let server: ChildProcess | undefined;
let origin = '';
let pool: Pool | undefined;
let full: ServiceClient | undefined;
let bare: ServiceClient | undefined;
let sink: unknown;

// The backend runs in its own process, as a real one would: in the same
// process it would compete with the client for the event loop.
const SERVER = `
const { createServer } = require('node:http');
const payload = JSON.stringify({ id: 42, name: 'Ada', roles: ['admin', 'user'] });
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': payload.length });
  res.end(payload);
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.on('disconnect', () => process.exit(0));
`;

async function startServer(): Promise<void> {
  if (server) return;
  const child = spawn(process.execPath, ['-e', SERVER], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  server = child;
  const port = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
  });
  origin = `http://127.0.0.1:${port}`;
}

async function stopServer(): Promise<void> {
  const child = server;
  server = undefined;
  if (!child) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill();
  await exited;
}

/**
 * A local keep-alive JSON server in a child process; every case parses the
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

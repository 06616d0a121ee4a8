import { createServer, IncomingMessage, type Server, ServerResponse } from 'node:http';
import { type AddressInfo, Socket } from 'node:net';
import {
  cors,
  createHealthHandler,
  createHttpPipeline,
  httpRoutes,
  requestId,
  securityHeaders,
  sendJson,
} from '@portcullis/core';
import { Pool } from 'undici';
import type { BenchCase, BenchSuite } from '../harness';

const ORIGIN = 'https://ops.example.com';

function answer(_req: IncomingMessage, res: ServerResponse): void {
  sendJson(res, 200, { ok: true });
}

/** A case that sends GET /api over keep-alive connections to a real server on 127.0.0.1. */
function httpCase(
  name: string,
  listener: (req: IncomingMessage, res: ServerResponse) => void,
): BenchCase {
  let server: Server | undefined;
  let pool: Pool | undefined;
  return {
    name,
    setup: async () => {
      server = createServer(listener);
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      pool = new Pool(`http://127.0.0.1:${port}`, { connections: 16, pipelining: 1 });
    },
    fn: async () => {
      const response = await pool!.request({
        path: '/api',
        method: 'GET',
        headers: { origin: ORIGIN },
      });
      await response.body.dump();
      if (response.statusCode !== 200) throw new Error(`unexpected ${response.statusCode}`);
    },
    teardown: async () => {
      await pool?.close();
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    },
  };
}

/** Cost of the core node:http helpers on every response, over real HTTP. */
export const httpPipeline: BenchSuite = {
  title: 'HTTP helpers: request id + security headers + CORS + health + routes, over real HTTP',
  note: 'Requests per second with 16 keep-alive connections from undici on one machine (client and server share the CPU). Goal: the helpers cost under 15% against a bare node:http handler.',
  concurrency: 16,
  rounds: 11,
  roundMs: 400,
  cases: [
    httpCase('bare node:http handler', answer),
    httpCase(
      'portcullis createHttpPipeline',
      createHttpPipeline([
        requestId(),
        securityHeaders(),
        cors({ origins: [ORIGIN] }),
        createHealthHandler(),
        httpRoutes({ '/api': { GET: answer } }),
      ]),
    ),
  ],
};

/** A request/response pair without a socket: measures the helpers alone, not the network stack. */
function fakeExchange(): [IncomingMessage, ServerResponse] {
  const req = new IncomingMessage(new Socket());
  req.method = 'GET';
  req.url = '/api';
  req.headers = { origin: ORIGIN, 'x-request-id': 'bench-1' };
  return [req, new ServerResponse(req)];
}

function inProcessCase(
  name: string,
  listener: (req: IncomingMessage, res: ServerResponse) => void,
): BenchCase {
  return {
    name,
    fn: () =>
      new Promise<void>((resolve) => {
        const [req, res] = fakeExchange();
        // Without a socket 'finish' never fires: count the response done at end().
        const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
        res.end = ((...args: unknown[]) => {
          const result = end(...args);
          resolve();
          return result;
        }) as typeof res.end;
        listener(req, res);
      }),
  };
}

/** Cost of the same helpers per response, without sockets (less noise on a shared machine). */
export const httpPipelineInProcess: BenchSuite = {
  title: 'HTTP helpers in process: request id + security headers + CORS + health + routes',
  note: 'Responses per second built in process (IncomingMessage/ServerResponse without a socket), so only the per-response work of the helpers is compared with a bare handler that sends the same JSON.',
  rounds: 11,
  cases: [
    inProcessCase('bare handler (sendJson)', answer),
    inProcessCase(
      'portcullis createHttpPipeline',
      createHttpPipeline([
        requestId(),
        securityHeaders(),
        cors({ origins: [ORIGIN] }),
        createHealthHandler(),
        httpRoutes({ '/api': { GET: answer } }),
      ]),
    ),
  ],
};

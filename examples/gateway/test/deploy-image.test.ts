import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { signedClient } from '@portcullis/example-service-kit';
import { freePort, type PostgresServer, startPostgres } from '@portcullis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_DIR } from './edge';

const run = promisify(execFile);
const SECRET = 'image-test-secret-at-least-32-bytes!';
const outdir = mkdtempSync(join(tmpdir(), 'portcullis-bundle-'));
const children: ChildProcess[] = [];
let pg: PostgresServer;

beforeAll(async () => {
  // The same command the Dockerfile's build stage runs, for two of its entries.
  await run(process.execPath, [
    join(GATEWAY_DIR, 'scripts/bundle.mjs'),
    '--outdir',
    outdir,
    'users-service',
    'requests-service',
  ]);
  pg = await startPostgres({ password: 'image-test' });
}, 60_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await pg?.stop();
  rmSync(outdir, { recursive: true, force: true });
});

/** Starts a bundle the way the runtime image does: plain node, no node_modules, no TypeScript. */
async function startBundle(name: string, env: Record<string, string>) {
  const port = await freePort();
  const child = spawn(process.execPath, [join(outdir, `${name}.js`)], {
    cwd: outdir,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      SIGNING_KEY_ID: 'gw',
      SIGNING_SECRET: SECRET,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk));
  const deadline = Date.now() + 15_000;
  while (!output.includes('"listening"')) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`${name} did not start: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, port, url: `http://127.0.0.1:${port}`, output: () => output };
}

function healthcheck(url: string, timeoutMs = 3000) {
  return run(process.execPath, [join(GATEWAY_DIR, 'scripts/healthcheck.mjs'), url], {
    env: { PATH: process.env.PATH, HEALTHCHECK_TIMEOUT_MS: String(timeoutMs) },
  }).then(
    () => 0,
    (error: { code?: number }) => error.code ?? -1,
  );
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('runtime image contents', () => {
  it('runs a bundled service without node_modules, passes the health check and exits 0 on SIGTERM', async () => {
    const users = await startBundle('users-service', {});
    expect(await healthcheck(`${users.url}/health`)).toBe(0);
    const client = signedClient({
      baseUrl: users.url,
      keyId: 'gw',
      secret: SECRET,
      audience: 'users-service',
    });
    expect((await client.request('POST', '/v1/users', { telegramId: 1, name: 'Ada' })).status).toBe(
      201,
    );
    expect((await fetch(`${users.url}/v1/users/by-telegram/1`)).status).toBe(401);
    const exited = exitOf(users.child);
    users.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 30_000);

  it('bundles pg: the request service stores requests in PostgreSQL when DATABASE_URL is set', async () => {
    const requests = await startBundle('requests-service', { DATABASE_URL: pg.url });
    const client = signedClient({
      baseUrl: requests.url,
      keyId: 'gw',
      secret: SECRET,
      audience: 'requests-service',
    });
    const created = await client.request('POST', '/v1/requests', {
      telegramId: 5,
      category: 'it',
      description: 'Printer on floor 2 is jammed',
      location: 'Floor 2',
      urgency: 'low',
    });
    expect(created.status).toBe(201);
    expect(await pg.query('SELECT description FROM service_requests')).toBe(
      'Printer on floor 2 is jammed',
    );
    expect((await fetch(`${requests.url}/ready`)).status).toBe(200);
    const exited = exitOf(requests.child);
    requests.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 30_000);

  it('fails to start with a message naming the missing variables, never a secret', async () => {
    const failed = await run(process.execPath, [join(outdir, 'users-service.js')], {
      cwd: outdir,
      env: { PATH: process.env.PATH, SIGNING_SECRET: 'too-short-secret' },
    }).catch((error: { code: number; stderr: string }) => error);
    expect('code' in failed && failed.code).toBe(1);
    const stderr = (failed as { stderr: string }).stderr;
    expect(stderr).toContain('SIGNING_KEY_ID: is required');
    expect(stderr).not.toContain('too-short-secret');
  }, 30_000);
});

describe('healthcheck.mjs', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/ok') res.end('{}');
      else if (req.url === '/hang')
        return; // never answers
      else {
        res.statusCode = 503;
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('exits 0 on 2xx and 1 on 503, on a refused connection and on a timeout', async () => {
    expect(await healthcheck(`${base}/ok`)).toBe(0);
    expect(await healthcheck(`${base}/down`)).toBe(1);
    expect(await healthcheck(`http://127.0.0.1:${await freePort()}/health`)).toBe(1);
    expect(await healthcheck(`${base}/hang`, 200)).toBe(1);
  }, 20_000);
});

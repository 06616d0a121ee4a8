import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestServer, type TestServer } from './test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer((req, res) => {
    if (req.url === '/ok') json(res, 200, { ok: true });
    else if (req.url === '/fail') json(res, 503, {});
    // '/hang' never answers
  });
});
afterAll(() => server.close());

describe('resource hygiene', () => {
  it('lets a process that used the client exit on its own, with keep-alive sockets and an open breaker', async () => {
    const fixture = fileURLToPath(new URL('./leak-check.fixture.ts', import.meta.url));
    const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, server.url], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let doneAt = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('done')) doneAt ||= Date.now();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exit = await new Promise<number | string>((resolve) => {
      const kill = setTimeout(() => {
        child.kill('SIGKILL');
        resolve('killed: still alive 15 s after start');
      }, 15_000);
      child.on('exit', (code) => {
        clearTimeout(kill);
        resolve(code ?? -1);
      });
    });
    expect(exit, output).toBe(0);
    expect(output).toContain('done open');
    // Well under keepAliveTimeoutMs (60 s) and openMs (60 s): nothing held the loop.
    expect(Date.now() - doneAt).toBeLessThan(5000);
  });
});

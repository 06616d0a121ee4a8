import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigner } from './signer';

const verifyPy = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'examples',
  'python-service',
  'verify.py',
);
const vectorsDir = join(import.meta.dirname, '..', 'vectors');
const run = promisify(execFile);

describe('examples/python-service/verify.py (stdlib only)', () => {
  it('passes every vector in vectors/*.json', async () => {
    const { stdout } = await run('python3', [verifyPy, 'vectors', vectorsDir]);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const summary = lines.at(-1)!;
    expect(lines.filter((l) => l.passed === false)).toEqual([]);
    expect(summary).toEqual({ total: 51, failures: 0 });
  });

  describe('verifying live requests signed by the TypeScript signer', () => {
    const secret = Buffer.from('live test secret, thirty-two bytes or more');
    let server: ChildProcess;
    let base: string;

    beforeAll(async () => {
      server = spawn('python3', [
        verifyPy,
        'serve',
        '--audience',
        'users',
        '--key',
        `live-1=${secret.toString('base64')}`,
      ]);
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: server.stdout! }).once('line', resolve);
        server.once('exit', (code) => reject(new Error(`verify.py exited with ${code}`)));
      });
      base = `http://127.0.0.1:${/listening (\d+)/.exec(line)![1]}`;
    });
    afterAll(() => {
      server.kill();
    });

    const signer = createSigner({ keyId: 'live-1', secret, audience: 'users' });

    async function send(
      path: string,
      body: string | undefined,
      tamper?: (h: Record<string, string>) => void,
    ) {
      const bytes = body === undefined ? undefined : new TextEncoder().encode(body);
      const headers: Record<string, string> = bytes ? { 'content-type': 'application/json' } : {};
      Object.assign(
        headers,
        signer.sign({ method: bytes ? 'POST' : 'GET', url: base + path, headers, body: bytes }),
      );
      tamper?.(headers);
      const response = await fetch(base + path, {
        method: bytes ? 'POST' : 'GET',
        headers,
        body: bytes,
      });
      return { status: response.status, text: await response.text() };
    }

    it('accepts a signed POST with a JSON body and a signed GET with a query', async () => {
      expect(await send('/v1/users', '{"name":"Ada"}')).toEqual({
        status: 200,
        text: 'verified live-1',
      });
      expect(await send('/v1/users/42?include=roles&x=%2F', undefined)).toEqual({
        status: 200,
        text: 'verified live-1',
      });
    });

    it('answers an opaque 401 to a replay, a tampered digest and a wrong audience', async () => {
      const bytes = new TextEncoder().encode('{"name":"Ada"}');
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      Object.assign(
        headers,
        signer.sign({ method: 'POST', url: `${base}/v1/users`, headers, body: bytes }),
      );
      const first = await fetch(`${base}/v1/users`, { method: 'POST', headers, body: bytes });
      expect(first.status).toBe(200);
      const replay = await fetch(`${base}/v1/users`, { method: 'POST', headers, body: bytes });
      expect({ status: replay.status, text: await replay.text() }).toEqual({
        status: 401,
        text: 'Unauthorized',
      });
      const tampered = await send('/v1/users', '{"name":"Ada"}', (h) => {
        h['Content-Digest'] = 'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:';
      });
      expect(tampered.status).toBe(401);
      const wrongAudience = await send('/v1/users', undefined, (h) => {
        h['Portcullis-Audience'] = 'billing';
      });
      expect(wrongAudience.status).toBe(401);
    });
  });
});

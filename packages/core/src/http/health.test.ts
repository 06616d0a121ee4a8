import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHealthHandler } from './health';
import { createHttpPipeline } from './pipeline';
import { listen } from './test-server';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await close?.();
  close = undefined;
});

async function serve(health: ReturnType<typeof createHealthHandler>) {
  const server = await listen(createHttpPipeline([health]));
  close = server.close;
  return server.url;
}

describe('createHealthHandler over HTTP', () => {
  it('answers liveness with 200 JSON and no-store without running checks', async () => {
    const check = vi.fn(() => {
      throw new Error('down');
    });
    const url = await serve(createHealthHandler({ checks: { redis: check } }));
    const response = await fetch(`${url}/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toMatchObject({ status: 'ok' });
    expect(check).not.toHaveBeenCalled();
  });

  it('answers readiness 200 when every check passes, 503 naming the failed one otherwise', async () => {
    let redisUp = true;
    const url = await serve(
      createHealthHandler({
        checks: {
          redis: async () => {
            if (!redisUp) throw new Error('ECONNREFUSED 10.0.0.7:6379');
          },
          users: () => 'pong',
        },
      }),
    );
    const ok = await fetch(`${url}/ready`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      status: 'ok',
      checks: { redis: { status: 'ok', critical: true }, users: { status: 'ok' } },
    });
    redisUp = false;
    const failing = await fetch(`${url}/ready?verbose=1`);
    expect(failing.status).toBe(503);
    const body = await failing.json();
    expect(body).toMatchObject({
      status: 'fail',
      checks: { redis: { status: 'fail' }, users: { status: 'ok' } },
    });
    expect(JSON.stringify(body)).not.toContain('10.0.0.7');
  });

  it('reports non-critical failures as degraded but stays ready', async () => {
    const url = await serve(
      createHealthHandler({
        exposeErrors: true,
        checks: {
          shifts: { critical: false, check: () => Promise.reject(new Error('503 from shifts')) },
        },
      }),
    );
    const response = await fetch(`${url}/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'degraded',
      checks: { shifts: { status: 'fail', critical: false, error: '"503 from shifts"' } },
    });
  });

  it('answers 503 draining after drain() while liveness stays 200', async () => {
    const health = createHealthHandler({ checks: { redis: () => undefined } });
    const url = await serve(health);
    health.drain();
    expect(health.draining).toBe(true);
    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'draining', checks: {} });
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it('supports HEAD, refuses other methods with 405 and passes other paths on', async () => {
    const url = await serve(createHealthHandler());
    const head = await fetch(`${url}/health`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await fetch(`${url}/ready`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${url}/other`)).status).toBe(404);
  });
});

describe('createHealthHandler checks', () => {
  it('fails a check that does not settle within its timeout and aborts its signal', async () => {
    vi.useFakeTimers();
    let signal: AbortSignal | undefined;
    const health = createHealthHandler({
      timeoutMs: 5000,
      exposeErrors: true,
      checks: {
        slow: {
          timeoutMs: 100,
          check: (s) => {
            signal = s;
            return new Promise(() => {});
          },
        },
        fast: () => undefined,
      },
    });
    const report = health.check();
    await vi.advanceTimersByTimeAsync(100);
    expect(await report).toMatchObject({
      status: 'fail',
      checks: {
        slow: { status: 'timeout', error: 'timed out after 100 ms' },
        fast: { status: 'ok' },
      },
    });
    expect(signal?.aborted).toBe(true);
  });

  it('shares one run between concurrent probes', async () => {
    let release: () => void = () => {};
    const check = vi.fn(() => new Promise<void>((resolve) => (release = resolve)));
    const health = createHealthHandler({ checks: { redis: check } });
    const first = health.check();
    const second = health.check();
    await vi.waitFor(() => expect(check).toHaveBeenCalled());
    release();
    expect(await first).toBe(await second);
    expect(check).toHaveBeenCalledTimes(1);
    await health.check();
    expect(check).toHaveBeenCalledTimes(2);
  });

  it('rejects invalid options at construction', () => {
    expect(() => createHealthHandler({ timeoutMs: 0 })).toThrow(
      'Expected `timeoutMs` to be a positive integer, got 0',
    );
    expect(() => createHealthHandler({ livenessPath: 'health' })).toThrow(TypeError);
    expect(() => createHealthHandler({ checks: { redis: {} as unknown as () => void } })).toThrow(
      'Expected `checks.redis` to be a function or { check }',
    );
  });
});

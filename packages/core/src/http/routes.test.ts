import { afterEach, describe, expect, it } from 'vitest';
import { createHttpPipeline } from './pipeline';
import { sendJson } from './response';
import { httpRoutes } from './routes';
import { listen } from './test-server';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('httpRoutes', () => {
  it('dispatches by exact path and method, ignoring the query', async () => {
    const server = await listen(
      createHttpPipeline([
        httpRoutes({
          '/telegram/webhook': { POST: (_req, res) => sendJson(res, 200, { route: 'webhook' }) },
          '/metrics': { GET: (_req, res) => res.end('# metrics') },
        }),
      ]),
    );
    close = server.close;
    const webhook = await fetch(`${server.url}/telegram/webhook?x=1`, {
      method: 'POST',
      body: '{}',
    });
    expect(await webhook.json()).toEqual({ route: 'webhook' });
    expect(await (await fetch(`${server.url}/metrics`)).text()).toBe('# metrics');
    const head = await fetch(`${server.url}/metrics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('answers 405 with Allow for another method, and leaves unknown paths to the 404', async () => {
    const server = await listen(
      createHttpPipeline([httpRoutes({ '/telegram/webhook': { POST: (_req, res) => res.end() } })]),
    );
    close = server.close;
    const get = await fetch(`${server.url}/telegram/webhook`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await fetch(`${server.url}/telegram/webhook/extra`)).status).toBe(404);
  });

  it('rejects invalid tables at construction', () => {
    expect(() => httpRoutes({ metrics: { GET: () => {} } })).toThrow(TypeError);
    expect(() => httpRoutes({ '/m': { get: () => {} } })).toThrow(TypeError);
    expect(() => httpRoutes({ '/m': { GET: 'x' as unknown as () => void } })).toThrow(
      'Expected `table["/m"].GET` to be a function, got "x"',
    );
  });
});

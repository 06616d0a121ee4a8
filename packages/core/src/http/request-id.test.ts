import { afterEach, describe, expect, it } from 'vitest';
import { createHttpPipeline } from './pipeline';
import { getRequestId, requestId } from './request-id';
import { sendJson } from './response';
import { listen } from './test-server';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function serve(options: Parameters<typeof requestId>[0] = {}) {
  const server = await listen(
    createHttpPipeline([requestId(options)], (req, res) => {
      sendJson(res, 200, { seen: getRequestId(req) });
    }),
  );
  close = server.close;
  return server.url;
}

describe('requestId', () => {
  it('keeps a well-formed incoming X-Request-Id and echoes it', async () => {
    const url = await serve();
    const response = await fetch(url, { headers: { 'x-request-id': 'abc-123.def:9' } });
    expect(response.headers.get('x-request-id')).toBe('abc-123.def:9');
    expect(await response.json()).toEqual({ seen: 'abc-123.def:9' });
  });

  it('generates a UUID when the header is missing', async () => {
    const url = await serve();
    const response = await fetch(url);
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await response.json()).toEqual({ seen: id });
  });

  it('replaces ids that are too long or could forge log lines', async () => {
    const url = await serve({ generate: () => 'generated' });
    for (const bad of ['x'.repeat(129), 'a b', 'a"b', '-leading', 'id%0aforged']) {
      const response = await fetch(url, { headers: { 'x-request-id': bad } });
      expect(response.headers.get('x-request-id'), bad).toBe('generated');
    }
  });

  it('can ignore incoming ids and use another header', async () => {
    const url = await serve({
      header: 'X-Correlation-Id',
      trustIncoming: false,
      generate: () => 'mine',
    });
    const response = await fetch(url, { headers: { 'x-correlation-id': 'theirs' } });
    expect(response.headers.get('x-correlation-id')).toBe('mine');
  });

  it('rejects invalid options at construction', () => {
    expect(() => requestId({ header: 'bad header' })).toThrow(TypeError);
    expect(() => requestId({ generate: 'x' as unknown as () => string })).toThrow(TypeError);
    expect(() => requestId({ pattern: '.*' as unknown as RegExp })).toThrow(TypeError);
  });
});

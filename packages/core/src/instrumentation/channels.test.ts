import diagnosticsChannel from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { CHANNELS, hasSubscribers, publish, subscribe } from './channels';

describe('instrumentation channels', () => {
  it('are all namespaced under portcullis: and unique', () => {
    const names = Object.values(CHANNELS);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^portcullis:[a-z:-]+$/);
  });

  it('deliver published payloads to subscribers and stop after unsubscribe', () => {
    const seen: unknown[] = [];
    const unsubscribe = subscribe(CHANNELS.business, (event) => seen.push(event));
    publish(CHANNELS.business, { name: 'request_created' });
    unsubscribe();
    publish(CHANNELS.business, { name: 'request_created' });
    expect(seen).toEqual([{ name: 'request_created' }]);
    expect(hasSubscribers(CHANNELS.business)).toBe(false);
  });

  it('do not build lazy payloads when nobody listens', () => {
    let built = 0;
    publish(CHANNELS.error, () => {
      built++;
      return { code: 'internal', where: 'test' };
    });
    expect(built).toBe(0);
  });

  it('are plain node:diagnostics_channel channels other tools can subscribe to', () => {
    const seen: unknown[] = [];
    const listener = (message: unknown) => seen.push(message);
    diagnosticsChannel.subscribe(CHANNELS.error, listener);
    publish(CHANNELS.error, () => ({ code: 'timeout', where: 'service' }));
    diagnosticsChannel.unsubscribe(CHANNELS.error, listener);
    expect(seen).toEqual([{ code: 'timeout', where: 'service' }]);
  });
});

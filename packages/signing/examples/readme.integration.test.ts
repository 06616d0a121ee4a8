import { describe, expect, it } from 'vitest';
import { quickStart } from './readme';

describe('README quick start', () => {
  it('signs in the gateway and verifies in the service', async () => {
    expect(await quickStart('a shared secret of at least 32 bytes!')).toBe('hi gateway-2026-01');
  });
});
